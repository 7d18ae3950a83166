import { describe, expect, it } from 'vitest';
import { PASSWORD, expectCode, setup } from '../test-fixtures.js';
import { handleTokenRequest, type TokenEndpointRequest } from './handle-token-request.js';

const LOGIN = { email: 'agent@example.com', password: PASSWORD };

function requestOf(overrides: Partial<TokenEndpointRequest>): TokenEndpointRequest & { bodyReads: number } {
  const request = {
    method: 'POST',
    url: '/v2/auth/token',
    authorization: undefined,
    source: '203.0.113.7',
    bodyReads: 0,
    readBody: async () => undefined as unknown,
    ...overrides,
  };
  const readBody = request.readBody;
  request.readBody = async () => {
    request.bodyReads += 1;
    return readBody();
  };
  return request;
}

describe('handleTokenRequest', () => {
  it('POST {email, password} logs in: 200, the token response, never cached', async () => {
    const { auth } = await setup();
    const answer = await handleTokenRequest(auth, requestOf({ readBody: async () => LOGIN }));
    expect(answer?.status).toBe(200);
    expect(answer?.headers).toEqual({ 'cache-control': 'no-store', pragma: 'no-cache' });
    expect(answer?.body).toMatchObject({ tokenType: 'Bearer', scope: 'agent' });
    await expect(auth.authenticate(`Bearer ${answer?.body?.token}`)).resolves.toMatchObject({ principal: { scopes: ['agent'] } });
  });

  it('POST {refreshToken} and GET ?refreshToken= refresh, rotating', async () => {
    const { auth } = await setup();
    const first = await auth.login(LOGIN);
    const posted = await handleTokenRequest(auth, requestOf({ readBody: async () => ({ refreshToken: first.refreshToken }) }));
    expect(posted?.body?.refreshToken).not.toBe(first.refreshToken);
    const url = `/v2/auth/token?x=1&refreshToken=${encodeURIComponent(posted?.body?.refreshToken ?? '')}`;
    const got = await handleTokenRequest(auth, requestOf({ method: 'GET', url }));
    expect(got).toMatchObject({ status: 200, headers: { 'cache-control': 'no-store' } });
    expect(got?.body?.refreshToken).not.toBe(posted?.body?.refreshToken);
    // The spent token again: reuse, and the family is revoked.
    await expectCode(handleTokenRequest(auth, requestOf({ method: 'GET', url })), 'ERR_REFRESH_REUSED');
  });

  it('GET without exactly one refreshToken is ERR_INVALID_REQUEST, and never reads a body', async () => {
    const { auth } = await setup();
    for (const url of ['/v2/auth/token', '/v2/auth/token?refreshToken=', '/v2/auth/token?refreshToken=a&refreshToken=b']) {
      const request = requestOf({ method: 'GET', url });
      await expectCode(handleTokenRequest(auth, request), 'ERR_INVALID_REQUEST');
      expect(request.bodyReads).toBe(0);
    }
  });

  it('a bad POST body is refused before the service is asked', async () => {
    const { auth } = await setup();
    await expectCode(handleTokenRequest(auth, requestOf({ readBody: async () => ({ email: 'a@b' }) })), 'ERR_INVALID_REQUEST');
    await expectCode(handleTokenRequest(auth, requestOf({})), 'ERR_INVALID_REQUEST');
    await expectCode(handleTokenRequest(auth, requestOf({ readBody: async () => ({ ...LOGIN, password: 'wrong' }) })), 'ERR_INVALID_CREDENTIALS');
  });

  it('DELETE with a bearer token logs out: 204, and the token is revoked', async () => {
    const { auth } = await setup();
    const { token } = await auth.login(LOGIN);
    const request = requestOf({ method: 'DELETE', authorization: `Bearer ${token}` });
    const answer = await handleTokenRequest(auth, request);
    expect(answer).toEqual({ status: 204, headers: { 'cache-control': 'no-store' }, body: undefined });
    expect(request.bodyReads).toBe(0);
    await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_REVOKED');
  });

  it('DELETE authenticates first: no header, another scheme, two headers', async () => {
    const { auth } = await setup();
    const { token } = await auth.login(LOGIN);
    await expectCode(handleTokenRequest(auth, requestOf({ method: 'DELETE' })), 'ERR_AUTH_REQUIRED');
    await expectCode(handleTokenRequest(auth, requestOf({ method: 'DELETE', authorization: `Basic ${token}` })), 'ERR_AUTH_SCHEME');
    const twice = [`Bearer ${token}`, `Bearer ${token}`];
    await expectCode(handleTokenRequest(auth, requestOf({ method: 'DELETE', authorization: twice })), 'ERR_AUTH_MALFORMED');
    await expect(auth.authenticate(`Bearer ${token}`)).resolves.toBeDefined();
  });

  it("other methods are not the endpoint's: undefined, nothing read", async () => {
    const { auth } = await setup();
    for (const method of ['PUT', 'PATCH', 'HEAD', 'OPTIONS', 'post']) {
      const request = requestOf({ method, readBody: async () => LOGIN });
      await expect(handleTokenRequest(auth, request)).resolves.toBeUndefined();
      expect(request.bodyReads).toBe(0);
    }
  });
});

describe('handleTokenRequest: RFC 6749 requests and answers', () => {
  const ADMIN = { grant_type: 'password', username: 'admin@example.com', password: PASSWORD };

  it('grant_type=password and grant_type=refresh_token answer both ChatShipper fields and RFC 6749 §5.1', async () => {
    const { auth } = await setup();
    const login = await handleTokenRequest(auth, requestOf({ readBody: async () => ({ ...ADMIN, scope: 'agent' }) }));
    expect(login?.body).toMatchObject({ tokenType: 'Bearer', token_type: 'Bearer', scope: 'agent', expires_in: 86_400 });
    expect(login?.body?.access_token).toBe(login?.body?.token);
    const refreshed = await handleTokenRequest(
      auth,
      requestOf({ readBody: async () => ({ grant_type: 'refresh_token', refresh_token: login?.body?.refresh_token }) }),
    );
    expect(refreshed?.body).toMatchObject({ scope: 'agent', token_type: 'Bearer' });
    expect(refreshed?.headers).toEqual({ 'cache-control': 'no-store', pragma: 'no-cache' });
  });

  it("errors of RFC 6749 requests are marked endpoint 'oauth', of ChatShipper's forms 'token'", async () => {
    const { auth } = await setup();
    const refused = await expectCode(
      handleTokenRequest(auth, requestOf({ readBody: async () => ({ grant_type: 'refresh_token', refresh_token: 'nope' }) })),
      'ERR_REFRESH_INVALID',
    );
    expect(refused).toMatchObject({ endpoint: 'oauth' });
    const wrong = await expectCode(
      handleTokenRequest(auth, requestOf({ readBody: async () => ({ ...ADMIN, password: 'wrong one' }) })),
      'ERR_INVALID_CREDENTIALS',
    );
    expect(wrong).toMatchObject({ endpoint: 'oauth' });
    const grant = await expectCode(
      handleTokenRequest(auth, requestOf({ readBody: async () => ({ grant_type: 'implicit' }) })),
      'ERR_UNSUPPORTED_GRANT_TYPE',
    );
    expect(grant).toMatchObject({ endpoint: 'oauth' });
    const wider = await expectCode(
      handleTokenRequest(auth, requestOf({ readBody: async () => ({ ...ADMIN, username: 'agent@example.com', scope: 'admin' }) })),
      'ERR_SCOPE_NOT_ALLOWED',
    );
    expect(wider).toMatchObject({ endpoint: 'oauth' });
    const chatshipper = await expectCode(
      handleTokenRequest(auth, requestOf({ readBody: async () => ({ refreshToken: 'nope' }) })),
      'ERR_REFRESH_INVALID',
    );
    expect(chatshipper).toMatchObject({ endpoint: 'token' });
    const got = await expectCode(
      handleTokenRequest(auth, requestOf({ method: 'GET', url: '/v2/auth/token?refreshToken=nope' })),
      'ERR_REFRESH_INVALID',
    );
    expect(got).toMatchObject({ endpoint: 'token' });
  });

  it('the SDK refresh { clientId, refreshToken } works', async () => {
    const { auth } = await setup();
    const first = await auth.login(LOGIN);
    const answer = await handleTokenRequest(auth, requestOf({ readBody: async () => ({ clientId: LOGIN.email, refreshToken: first.refreshToken }) }));
    expect(answer?.body).toMatchObject({ scope: 'agent', tokenType: 'Bearer' });
  });

  it('login throttling holds for the RFC form: over the limit, 429 even with the right password', async () => {
    const { auth } = await setup({ throttle: { maxFailuresPerEmailAndSource: 2 } });
    const attempt = (password: string) =>
      handleTokenRequest(auth, requestOf({ readBody: async () => ({ grant_type: 'password', username: LOGIN.email, password }) }));
    await expectCode(attempt('wrong one'), 'ERR_INVALID_CREDENTIALS');
    await expectCode(attempt('wrong two'), 'ERR_INVALID_CREDENTIALS');
    await expectCode(attempt(PASSWORD), 'ERR_LOGIN_THROTTLED');
  });
});
