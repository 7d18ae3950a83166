import { describe, expect, it } from 'vitest';
import { IDS, PASSWORD, expectCode, setup } from '../test-fixtures.js';
import { handleIntrospectionRequest } from './handle-introspection-request.js';
import type { TokenEndpointRequest } from './handle-token-request.js';
import { resolveTokenRoutesOptions } from './resolve-token-routes-options.js';

const SECRET = 'introspection-secret-0123456789abcdef';
const ACCESS = resolveTokenRoutesOptions({ introspection: { client: { id: 'billing', secret: SECRET } } }).introspection;

function post(authorization: string | undefined, body: unknown): TokenEndpointRequest & { reads: number } {
  const request = {
    method: 'POST',
    url: '/v2/auth/introspect',
    authorization,
    reads: 0,
    readBody: async () => {
      request.reads += 1;
      return body;
    },
  };
  return request;
}

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('handleIntrospectionRequest (RFC 7662)', () => {
  it('an admin bearer introspects an access token: active, subject, live scope, times', async () => {
    const { auth } = await setup();
    const admin = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const agent = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const answer = await handleIntrospectionRequest(auth, post(`Bearer ${admin.token}`, { token: agent.token }), ACCESS);
    expect(answer?.status).toBe(200);
    expect(answer?.headers['cache-control']).toBe('no-store');
    expect(answer?.body).toMatchObject({ active: true, token_type: 'Bearer', sub: IDS.agent, scope: 'agent', username: 'agent@example.com' });
    expect(answer?.body).toHaveProperty('exp');
  });

  it('a bot API key introspects with its live, capped scopes', async () => {
    const { auth, directory } = await setup();
    const admin = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const key = await auth.createApiKey(IDS.bot, ['bot']);
    const ask = async () => (await handleIntrospectionRequest(auth, post(`Bearer ${admin.token}`, { token: key.apiKey }), ACCESS))?.body;
    expect(await ask()).toMatchObject({ active: true, sub: IDS.bot, scope: 'bot', key_id: key.id });
    directory.update(IDS.bot, { role: 'agent' });
    expect(await ask()).toMatchObject({ active: true, scope: 'agent' });
  });

  it('active: false for unknown, malformed, revoked, expired tokens and refresh tokens', async () => {
    const { auth, clock } = await setup();
    const admin = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const agent = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const revoked = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    await auth.logout(revoked.token);
    const client = basic('billing', SECRET);
    for (const token of ['nope', 'a b', 'a'.repeat(32), revoked.token, agent.refreshToken, 'x'.repeat(70_000)]) {
      expect((await handleIntrospectionRequest(auth, post(client, { token }), ACCESS))?.body, token.slice(0, 20)).toEqual({ active: false });
    }
    clock.advance(2 * 86_400_000);
    expect((await handleIntrospectionRequest(auth, post(client, { token: admin.token }), ACCESS))?.body).toEqual({ active: false });
  });

  it('is not an oracle: no caller, a lower bearer, a wrong client secret get 401/403 and the body is never read', async () => {
    const { auth } = await setup();
    const agent = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const cases: [string | undefined, string][] = [
      [undefined, 'ERR_AUTH_REQUIRED'],
      [`Bearer ${agent.token}`, 'ERR_INSUFFICIENT_SCOPE'],
      ['Bearer forged', 'ERR_TOKEN_INVALID'],
      [basic('billing', `${SECRET}x`), 'ERR_CLIENT_INVALID'],
      [basic('other', SECRET), 'ERR_CLIENT_INVALID'],
      ['Basic !!!', 'ERR_CLIENT_INVALID'],
      ['Basic', 'ERR_CLIENT_INVALID'],
    ];
    for (const [authorization, code] of cases) {
      const request = post(authorization, { token: agent.token });
      await expectCode(handleIntrospectionRequest(auth, request, ACCESS), code as never);
      expect(request.reads).toBe(0);
    }
  });

  it('a client is refused when none is configured; scope false refuses every bearer', async () => {
    const { auth } = await setup();
    const admin = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const noClient = resolveTokenRoutesOptions({}).introspection;
    await expectCode(handleIntrospectionRequest(auth, post(basic('billing', SECRET), { token: admin.token }), noClient), 'ERR_CLIENT_INVALID');
    const clientOnly = resolveTokenRoutesOptions({ introspection: { scope: false, client: { id: 'billing', secret: SECRET } } }).introspection;
    await expectCode(handleIntrospectionRequest(auth, post(`Bearer ${admin.token}`, { token: admin.token }), clientOnly), 'ERR_AUTH_REQUIRED');
  });

  it('a missing token is 400 invalid_request (after the caller was allowed); POST only', async () => {
    const { auth } = await setup();
    const error = await expectCode(handleIntrospectionRequest(auth, post(basic('billing', SECRET), {}), ACCESS), 'ERR_INVALID_REQUEST');
    expect(error).toMatchObject({ endpoint: 'oauth' });
    expect(await handleIntrospectionRequest(auth, { ...post(undefined, {}), method: 'GET' }, ACCESS)).toBeUndefined();
  });
});
