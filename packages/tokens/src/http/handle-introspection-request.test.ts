import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../create-memory-store.js';
import type { TokenStore } from '../store.js';
import { HS_HEADER, IDS, ORG, PASSWORD, T0, claims, expectCode, hmacJwt, setup } from '../test-fixtures.js';
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

/** A real memory store whose `findApiKey` rejects while `down.now` is set (the store unavailable). */
function storeGoingDown(down: { now: boolean }): TokenStore {
  return new Proxy(createMemoryStore(), {
    get(target, property, receiver) {
      if (property === 'findApiKey' && down.now) return async () => Promise.reject(new Error('connection refused'));
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('handleIntrospectionRequest: the exact answer and the exact refusals', () => {
  it('an access token answers exactly its members: no key_id; org only when the principal has one', async () => {
    const { auth } = await setup();
    const admin = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const guest = await auth.login({ email: 'guest@example.com', password: PASSWORD });
    const ask = async (token: string) => (await handleIntrospectionRequest(auth, post(basic('billing', SECRET), { token }), ACCESS))?.body;
    const ofAdmin = await ask(admin.token);
    expect(Object.keys(ofAdmin ?? {}).sort()).toEqual(['active', 'exp', 'iat', 'jti', 'org', 'scope', 'sid', 'sub', 'token_type', 'username']);
    expect(ofAdmin).toMatchObject({ sub: IDS.admin, org: ORG, username: 'admin@example.com' });
    const ofGuest = await ask(guest.token);
    expect(Object.keys(ofGuest ?? {}).sort()).toEqual(['active', 'exp', 'iat', 'jti', 'scope', 'sid', 'sub', 'token_type', 'username']);
  });

  it('an API key answers exactly its members: key_id, no exp/iat/jti/sid', async () => {
    const { auth } = await setup();
    const key = await auth.createApiKey(IDS.bot, ['bot']);
    const body = (await handleIntrospectionRequest(auth, post(basic('billing', SECRET), { token: key.apiKey }), ACCESS))?.body;
    expect(body).toMatchObject({ active: true, sub: IDS.bot, key_id: key.id, org: ORG, username: 'bot@example.com' });
    expect(Object.keys(body ?? {}).sort()).toEqual(['active', 'key_id', 'org', 'scope', 'sub', 'token_type', 'username']);
  });

  it('a token without email has no username; several scopes are space-joined', async () => {
    const { auth } = await setup();
    const token = hmacJwt(HS_HEADER, claims(T0, { scope: 'admin agent' }));
    const body = (await handleIntrospectionRequest(auth, post(basic('billing', SECRET), { token }), ACCESS))?.body;
    expect(body).toMatchObject({ active: true, sub: IDS.admin, scope: 'admin agent' });
    expect(body).not.toHaveProperty('username');
  });

  it('a store failure is an error of the endpoint (503), not active: false', async () => {
    const down = { now: false };
    const { auth } = await setup({ store: storeGoingDown(down) });
    const key = await auth.createApiKey(IDS.bot, ['bot']);
    down.now = true;
    await expectCode(handleIntrospectionRequest(auth, post(basic('billing', SECRET), { token: key.apiKey }), ACCESS), 'ERR_STORE_UNAVAILABLE');
  });

  it('a body that is no object, or an empty or non-string token, is 400 invalid_request with its message', async () => {
    const { auth } = await setup();
    const client = basic('billing', SECRET);
    for (const body of [null, 'token=abc', ['abc'], 42]) {
      const error = await expectCode(handleIntrospectionRequest(auth, post(client, body), ACCESS), 'ERR_INVALID_REQUEST');
      expect(error.message, JSON.stringify(body)).toBe('Expected a form or JSON body with token');
    }
    for (const token of ['', ['abc'], 7]) {
      const error = await expectCode(handleIntrospectionRequest(auth, post(client, { token }), ACCESS), 'ERR_INVALID_REQUEST');
      expect(error.message, JSON.stringify(token)).toBe('token must be one non-empty string');
    }
  });

  it('the refusals say what was refused', async () => {
    const { auth } = await setup();
    const agent = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const wrong = await expectCode(handleIntrospectionRequest(auth, post(basic('billing', 'x'), {}), ACCESS), 'ERR_CLIENT_INVALID');
    expect(wrong.message).toBe('Client authentication failed');
    const clientOnly = resolveTokenRoutesOptions({ introspection: { scope: false, client: { id: 'billing', secret: SECRET } } }).introspection;
    const bearer = await expectCode(handleIntrospectionRequest(auth, post(`Bearer ${agent.token}`, {}), clientOnly), 'ERR_AUTH_REQUIRED');
    expect(bearer.message).toBe('Introspection takes client credentials (HTTP Basic)');
    const low = await expectCode(handleIntrospectionRequest(auth, post(`Bearer ${agent.token}`, {}), ACCESS), 'ERR_INSUFFICIENT_SCOPE');
    expect(low.message).toBe('Introspection needs the admin scope');
  });
});
