import { describe, expect, it } from 'vitest';
import { ERROR_CODES, formatBearerChallenge, HTTP_ERROR_TABLE, httpErrorFor, OAUTH_ERROR_TABLE, ScopeladderError, type ErrorCode } from './index.js';

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
  ERR_UNSUPPORTED_GRANT_TYPE: { status: 400, bearer: undefined },
  ERR_CLIENT_INVALID: { status: 401, bearer: 'basic' },
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

describe('httpErrorFor at OAuth 2.0 endpoints', () => {
  it('the OAuth table covers exactly the error codes, and is frozen', () => {
    expect(Object.keys(OAUTH_ERROR_TABLE).sort()).toEqual([...ERROR_CODES].sort());
    expect(Object.isFrozen(OAUTH_ERROR_TABLE)).toBe(true);
  });

  it.each([
    ['ERR_INVALID_CREDENTIALS', 400, 'invalid_grant'],
    ['ERR_REFRESH_INVALID', 400, 'invalid_grant'],
    ['ERR_REFRESH_REUSED', 400, 'invalid_grant'],
    ['ERR_INVALID_REQUEST', 400, 'invalid_request'],
    ['ERR_UNSUPPORTED_GRANT_TYPE', 400, 'unsupported_grant_type'],
    ['ERR_SCOPE_NOT_ALLOWED', 400, 'invalid_scope'],
    ['ERR_SCOPE_MALFORMED', 400, 'invalid_scope'],
    ['ERR_LOGIN_THROTTLED', 429, 'invalid_grant'],
    ['ERR_STORE_UNAVAILABLE', 503, 'temporarily_unavailable'],
  ] as const)("endpoint 'oauth': %s → %i %s (RFC 6749 §5.2), beside code and message, no challenge", (code, status, error) => {
    const answer = httpErrorFor(new ScopeladderError(code, 'Invalid refresh token', { endpoint: 'oauth' }), { realm: 'api' });
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ code, message: 'Invalid refresh token', error, error_description: 'Invalid refresh token' });
    expect(answer.headers['www-authenticate']).toBeUndefined();
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it("endpoint 'token' (ChatShipper's forms): the usual status and challenge, the body gains error and error_description", () => {
    const answer = httpErrorFor(new ScopeladderError('ERR_REFRESH_INVALID', 'Invalid refresh token', { endpoint: 'token' }), { realm: 'api' });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(answer.body).toMatchObject({ code: 'ERR_REFRESH_INVALID', error: 'invalid_grant', error_description: 'Invalid refresh token' });
  });

  it('keeps the challenge of a 401 and the Retry-After of a 429', () => {
    const expired = httpErrorFor(new ScopeladderError('ERR_TOKEN_EXPIRED', 'The access token expired', { endpoint: 'oauth' }));
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toContain('error="invalid_token"');
    const throttled = httpErrorFor(new ScopeladderError('ERR_LOGIN_THROTTLED', 'Too many', { endpoint: 'oauth', retryAfter: 30 }));
    expect(throttled.headers['retry-after']).toBe('30');
  });

  it('error_description keeps only RFC 6749 characters, and falls back to the fixed description', () => {
    const quoted = httpErrorFor(new ScopeladderError('ERR_INVALID_REQUEST', 'a "quoted" \\ é\n', { endpoint: 'oauth' }));
    expect(quoted.body.error_description).toBe('a quoted');
    const empty = httpErrorFor(new ScopeladderError('ERR_INVALID_REQUEST', '"\\', { endpoint: 'oauth' }));
    expect(empty.body.error_description).toBe('Invalid request');
  });

  it('an error without an endpoint has no error member', () => {
    expect(httpErrorFor(new ScopeladderError('ERR_REFRESH_INVALID', 'x')).body).not.toHaveProperty('error');
  });
});

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
    if (bearer === 'basic') {
      // RFC 6749 §5.2: client authentication failed → the scheme the client used.
      expect(challenge).toBe('Basic realm="chatshipper"');
    } else if (bearer === undefined) {
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

  it('adds resource_metadata (RFC 9728) to every Bearer 401 challenge when configured, and to nothing else', () => {
    const resourceMetadata = 'https://api.example.com/.well-known/oauth-protected-resource';
    const codes = Object.keys(HTTP_ERROR_TABLE) as (keyof typeof HTTP_ERROR_TABLE)[];
    for (const code of codes) {
      const answer = httpErrorFor(new ScopeladderError(code, 'x'), { realm: 'api', resourceMetadata });
      const challenge = answer.headers['www-authenticate'];
      // A client authentication failure (token endpoint, introspection) challenges with Basic: no
      // protected resource is involved.
      if (answer.status === 401 && code !== 'ERR_CLIENT_INVALID')
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
