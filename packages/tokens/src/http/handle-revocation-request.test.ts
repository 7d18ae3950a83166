import { describe, expect, it } from 'vitest';
import { PASSWORD, expectCode, setup } from '../test-fixtures.js';
import { handleRevocationRequest } from './handle-revocation-request.js';
import type { TokenEndpointRequest } from './handle-token-request.js';
import { parseFormBody } from './parse-form-body.js';

function post(body: unknown, method = 'POST'): TokenEndpointRequest {
  return { method, url: '/v2/auth/revoke', authorization: undefined, readBody: async () => body };
}

describe('handleRevocationRequest (RFC 7009)', () => {
  it('revokes a refresh token (form) or an access token (JSON): 200, no body, never cached', async () => {
    const { auth } = await setup();
    const first = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const answer = await handleRevocationRequest(auth, post(parseFormBody(`token=${first.refreshToken}&token_type_hint=refresh_token`)));
    expect(answer).toEqual({ status: 200, headers: { 'cache-control': 'no-store' }, body: undefined });
    await expectCode(auth.refresh(first.refreshToken), 'ERR_REFRESH_INVALID');
    const second = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    await handleRevocationRequest(auth, post({ token: second.token, token_type_hint: 'access_token' }));
    await expectCode(auth.authenticate(`Bearer ${second.token}`), 'ERR_TOKEN_REVOKED');
  });

  it('answers 200 alike for an unknown token, a wrong hint and an unknown hint', async () => {
    const { auth } = await setup();
    for (const body of [
      { token: 'unknown' },
      { token: 'unknown', token_type_hint: 'access_token' },
      { token: 'x', token_type_hint: 'device_code' },
    ]) {
      expect((await handleRevocationRequest(auth, post(body)))?.status).toBe(200);
    }
  });

  it("a missing or non-string token is ERR_INVALID_REQUEST marked 'oauth' (400 invalid_request)", async () => {
    const { auth } = await setup();
    for (const body of [undefined, {}, { token: '' }, { token: ['a', 'b'] }, { token: 'a', token_type_hint: 7 }, parseFormBody('token=a&token=b')]) {
      const error = await expectCode(handleRevocationRequest(auth, post(body)), 'ERR_INVALID_REQUEST');
      expect(error).toMatchObject({ endpoint: 'oauth' });
    }
  });

  it('answers POST only', async () => {
    const { auth } = await setup();
    expect(await handleRevocationRequest(auth, post({ token: 'x' }, 'GET'))).toBeUndefined();
  });
});
