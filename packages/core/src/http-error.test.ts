import { describe, expect, it } from 'vitest';
import { ERROR_CODES, formatBearerChallenge, HTTP_ERROR_TABLE, httpErrorFor, ScopeladderError, type ErrorCode } from './index.js';

// The answer table of ARCHITECTURE.md, restated per code: status, and the RFC 6750 `error`
// attribute of the challenge (`null`: a challenge without one; `undefined`: no challenge at all).
const EXPECTED: Record<ErrorCode, { status: number; bearer: string | null | undefined }> = {
  ERR_AUTH_REQUIRED: { status: 401, bearer: null },
  ERR_AUTH_SCHEME: { status: 401, bearer: null },
  ERR_AUTH_MALFORMED: { status: 400, bearer: 'invalid_request' },
  ERR_TOKEN_INVALID: { status: 401, bearer: 'invalid_token' },
  ERR_TOKEN_EXPIRED: { status: 403, bearer: 'invalid_token' },
  ERR_TOKEN_REVOKED: { status: 401, bearer: 'invalid_token' },
  ERR_API_KEY_INVALID: { status: 401, bearer: 'invalid_token' },
  ERR_REFRESH_INVALID: { status: 401, bearer: 'invalid_token' },
  ERR_REFRESH_REUSED: { status: 401, bearer: 'invalid_token' },
  ERR_INVALID_CREDENTIALS: { status: 401, bearer: null },
  ERR_CURRENT_PASSWORD_INVALID: { status: 403, bearer: undefined },
  ERR_LOGIN_THROTTLED: { status: 429, bearer: undefined },
  ERR_INSUFFICIENT_SCOPE: { status: 403, bearer: 'insufficient_scope' },
  ERR_FORBIDDEN: { status: 403, bearer: undefined },
  ERR_SCOPE_MALFORMED: { status: 400, bearer: undefined },
  ERR_SCOPE_NOT_ALLOWED: { status: 400, bearer: undefined },
  ERR_INVALID_REQUEST: { status: 400, bearer: undefined },
  ERR_BODY_TOO_DEEP: { status: 400, bearer: undefined },
  ERR_FIELD_NAME_INVALID: { status: 400, bearer: undefined },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, bearer: undefined },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, bearer: undefined },
  ERR_NOT_FOUND: { status: 404, bearer: undefined },
  ERR_CONFLICT: { status: 409, bearer: undefined },
  ERR_STORE_UNAVAILABLE: { status: 503, bearer: undefined },
  ERR_INTERNAL: { status: 500, bearer: undefined },
};

describe('httpErrorFor', () => {
  it('the table covers exactly the error codes', () => {
    expect(Object.keys(HTTP_ERROR_TABLE).sort()).toEqual([...ERROR_CODES].sort());
    expect(Object.keys(EXPECTED).sort()).toEqual([...ERROR_CODES].sort());
    expect(Object.isFrozen(HTTP_ERROR_TABLE)).toBe(true);
  });

  it.each(ERROR_CODES.map((code) => [code]))('%s → its status and challenge', (code) => {
    const { status, bearer } = EXPECTED[code];
    const answer = httpErrorFor(new ScopeladderError(code, 'something happened'), { realm: 'chatshipper' });
    expect(answer.status).toBe(status);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.body.code).toBe(code);
    expect(answer.body.message).toBe('something happened');
    const challenge = answer.headers['www-authenticate'];
    if (bearer === undefined) {
      expect(challenge).toBeUndefined();
    } else {
      expect(challenge).toMatch(/^Bearer realm="chatshipper"/);
      if (bearer === null) expect(challenge).not.toContain('error=');
      else expect(challenge).toContain(`error="${bearer}"`);
    }
  });

  it('answers an insufficient scope with the scope attribute and the denial', () => {
    const denial = { action: 'list', subject: 'User', requiredScope: 'bot', reason: 'insufficient_scope' };
    const answer = httpErrorFor(new ScopeladderError('ERR_INSUFFICIENT_SCOPE', 'denied', { denial }), { realm: 'api' });
    expect(answer.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="Permission denied: a higher scope is required", scope="bot"',
    );
    expect(answer.body).toEqual({ code: 'ERR_INSUFFICIENT_SCOPE', message: 'denied', requiredScope: 'bot', denial });
  });

  it('lets the expired-token status be 401 (RFC 6750) instead of 403 (ChatShipper)', () => {
    const error = new ScopeladderError('ERR_TOKEN_EXPIRED', 'expired');
    expect(httpErrorFor(error).status).toBe(403);
    expect(httpErrorFor(error, { expiredTokenStatus: 401 }).status).toBe(401);
    expect(httpErrorFor(new ScopeladderError('ERR_TOKEN_INVALID', 'x'), { expiredTokenStatus: 403 }).status).toBe(401);
  });

  it('adds resource_metadata (RFC 9728) to every 401 challenge when configured, and to nothing else', () => {
    const resourceMetadata = 'https://api.example.com/.well-known/oauth-protected-resource';
    const codes = Object.keys(HTTP_ERROR_TABLE) as (keyof typeof HTTP_ERROR_TABLE)[];
    for (const code of codes) {
      const answer = httpErrorFor(new ScopeladderError(code, 'x'), { realm: 'api', resourceMetadata });
      const challenge = answer.headers['www-authenticate'];
      if (answer.status === 401)
        expect(challenge, code).toMatch(/, resource_metadata="https:\/\/api\.example\.com\/\.well-known\/oauth-protected-resource"$/);
      else expect(challenge ?? '', code).not.toContain('resource_metadata');
      // Without the option, no challenge names it.
      expect(httpErrorFor(new ScopeladderError(code, 'x')).headers['www-authenticate'] ?? '').not.toContain('resource_metadata');
    }
    expect(httpErrorFor(new ScopeladderError('ERR_AUTH_REQUIRED', 'x'), { realm: 'api', resourceMetadata }).headers['www-authenticate']).toBe(
      `Bearer realm="api", resource_metadata="${resourceMetadata}"`,
    );
    // An expired token answered 401 carries it too; answered 403 (the default), not.
    const expired = new ScopeladderError('ERR_TOKEN_EXPIRED', 'x');
    expect(httpErrorFor(expired, { resourceMetadata, expiredTokenStatus: 401 }).headers['www-authenticate']).toContain('resource_metadata=');
    expect(httpErrorFor(expired, { resourceMetadata }).headers['www-authenticate']).not.toContain('resource_metadata=');
  });

  it('quotes resource_metadata as an RFC 9110 quoted-string', () => {
    expect(formatBearerChallenge({ realm: 'r', resourceMetadata: 'https://x.test/a"b\\c\n' })).toBe(
      'Bearer realm="r", resource_metadata="https://x.test/a\\"b\\\\c"',
    );
  });

  it('uses the default realm', () => {
    expect(httpErrorFor(new ScopeladderError('ERR_AUTH_REQUIRED', 'x')).headers['www-authenticate']).toBe('Bearer realm="scopeladder"');
  });

  it('sets Retry-After from retryAfter, rounded up and never negative', () => {
    const throttled = httpErrorFor(new ScopeladderError('ERR_LOGIN_THROTTLED', 'slow down', { retryAfter: 1.2 }));
    expect(throttled.headers['retry-after']).toBe('2');
    expect(throttled.body.retryAfter).toBe(2);
    expect(httpErrorFor(new ScopeladderError('ERR_STORE_UNAVAILABLE', 'x', { retryAfter: -5 })).headers['retry-after']).toBe('0');
  });

  it('answers anything that is not a ScopeladderError with a bare 500', () => {
    for (const error of [new Error('db password is hunter2'), 'boom', null, undefined, { code: 'ERR_NOT_FOUND' }]) {
      const answer = httpErrorFor(error);
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual({ code: 'ERR_INTERNAL', message: 'Internal error' });
      expect(answer.headers['www-authenticate']).toBeUndefined();
    }
  });

  it('never serialises the cause or a stack', () => {
    const cause = new Error('secret detail');
    const answer = httpErrorFor(new ScopeladderError('ERR_STORE_UNAVAILABLE', 'down', { cause }));
    expect(JSON.stringify(answer)).not.toContain('secret detail');
    expect(JSON.stringify(answer)).not.toContain('at ');
  });
});

describe('formatBearerChallenge quoting', () => {
  it('escapes double quotes and backslashes in the realm and drops control characters', () => {
    expect(formatBearerChallenge({ realm: 'a "quoted" \\ realm\r\n' })).toBe('Bearer realm="a \\"quoted\\" \\\\ realm"');
  });

  it('drops characters RFC 6750 forbids in error_description', () => {
    expect(formatBearerChallenge({ realm: 'r', error: 'invalid_token', description: 'bad "token" \\ é\n' })).toBe(
      'Bearer realm="r", error="invalid_token", error_description="bad token  "',
    );
  });

  it('includes the scope only when it is a valid scope string', () => {
    expect(formatBearerChallenge({ realm: 'r', error: 'insufficient_scope', scope: 'agent bot' })).toBe(
      'Bearer realm="r", error="insufficient_scope", scope="agent bot"',
    );
    for (const scope of ['a"b', 'a  b', ' a', 'a\\b', '', null]) {
      expect(formatBearerChallenge({ realm: 'r', error: 'insufficient_scope', scope })).toBe('Bearer realm="r", error="insufficient_scope"');
    }
  });

  it('has no error attributes without an error', () => {
    expect(formatBearerChallenge({ realm: 'r', description: 'x', scope: 'bot' })).toBe('Bearer realm="r"');
  });
});
