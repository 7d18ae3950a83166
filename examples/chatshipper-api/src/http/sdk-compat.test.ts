import { ScopeladderError, httpErrorFor } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { formatSdkError } from './sdk-compat.js';

function shaped(code: ConstructorParameters<typeof ScopeladderError>[0], message: string): unknown {
  const error = new ScopeladderError(code, message);
  return formatSdkError(httpErrorFor(error, { expiredTokenStatus: 401 }), error);
}

describe('formatSdkError (CLIENT_COMPAT=chatshipper-sdk)', () => {
  it('uses the messages the SDK refreshes on for expired and invalid tokens', () => {
    expect(shaped('ERR_TOKEN_EXPIRED', 'The access token expired')).toEqual({ error: { code: 'ERR_TOKEN_EXPIRED', message: 'jwt expired' } });
    expect(shaped('ERR_TOKEN_INVALID', 'Invalid access token')).toEqual({ error: { code: 'ERR_TOKEN_INVALID', message: 'invalid token' } });
    for (const body of [shaped('ERR_TOKEN_EXPIRED', 'x'), shaped('ERR_TOKEN_INVALID', 'x')] as { error: { message: string } }[]) {
      expect(body.error.message).toMatch(/jwt expired|invalid signature|invalid token/i);
    }
  });

  it("keeps core's code and message for every other error, in the SDK's shape", () => {
    expect(shaped('ERR_NOT_FOUND', 'Contact not found')).toEqual({ error: { code: 'ERR_NOT_FOUND', message: 'Contact not found' } });
    // A revoked token is not one the SDK should try to refresh its way past.
    expect(shaped('ERR_TOKEN_REVOKED', 'The access token was revoked')).toEqual({
      error: { code: 'ERR_TOKEN_REVOKED', message: 'The access token was revoked' },
    });
  });

  it('leaves RFC 6749 token-endpoint errors (a string `error`) to core', () => {
    const answer = { status: 400, headers: {}, body: { code: 'ERR_REFRESH_INVALID', message: 'x', error: 'invalid_grant', error_description: 'x' } };
    expect(formatSdkError(answer as never, undefined)).toBeUndefined();
  });
});
