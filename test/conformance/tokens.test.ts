import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './fixtures/adapters.js';
import { bearer } from './fixtures/http.js';
import { claimsOf } from './fixtures/jwt.js';
import { startSession, type Session } from './fixtures/session.js';

const TOKEN_PATH = '/v2/auth/token';
const REFRESH_TOKEN = /^[0-9a-f]{24}\.[0-9a-f]{80}$/;

describe.each(ADAPTERS)('token endpoint on $name', (adapter) => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession(adapter);
  });
  afterAll(async () => {
    await session.close();
  });

  const refreshGet = (refreshToken: string) => session.send(`${TOKEN_PATH}?refreshToken=${encodeURIComponent(refreshToken)}`);
  const refreshPost = (refreshToken: string) => session.send(TOKEN_PATH, { method: 'POST', json: { refreshToken } });

  describe('POST /v2/auth/token (login)', () => {
    it('answers 200 with the ChatShipper token response (and RFC 6749 §5.1 beside it), not cacheable', async () => {
      const { admin } = session.world.users;
      const reply = await session.send(TOKEN_PATH, { method: 'POST', json: { email: admin.email, password: admin.password } });
      expect(reply.status).toBe(200);
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(reply.headers['pragma']).toBe('no-cache');
      expect(Object.keys(reply.json).sort()).toEqual(
        ['access_token', 'expires_in', 'refreshToken', 'refresh_token', 'scope', 'token', 'tokenType', 'token_type', 'user'].sort(),
      );
      expect(reply.json).toMatchObject({ tokenType: 'Bearer', user: admin.id, scope: 'admin' });
      expect(reply.json.user).toMatch(/^[0-9a-f]{24}$/);
      expect(reply.json.refreshToken).toMatch(REFRESH_TOKEN);
      expect(claimsOf(reply.json.token)).toMatchObject({ sub: admin.id, scope: 'admin' });
      expect((await session.send('/v2/services', { headers: bearer(reply.json.token) })).status).toBe(200);
    });

    it('accepts a form body too', async () => {
      const { agent } = session.world.users;
      const reply = await session.send(TOKEN_PATH, {
        method: 'POST',
        headers: [['content-type', 'application/x-www-form-urlencoded']],
        body: new URLSearchParams({ email: agent.email, password: agent.password }).toString(),
      });
      expect(reply.status).toBe(200);
      expect(reply.json.scope).toBe('agent');
    });

    it.each([
      ['a wrong password', (email: string) => ({ email, password: 'wrong-password-123' })],
      ['an unknown email', () => ({ email: 'nobody@example.test', password: 'wrong-password-123' })],
    ])('%s → 401 ERR_INVALID_CREDENTIALS (indistinguishable)', async (_name, make) => {
      const reply = await session.send(TOKEN_PATH, { method: 'POST', json: make(session.world.users.guest.email) });
      expect(reply.status).toBe(401);
      expect(reply.json.code).toBe('ERR_INVALID_CREDENTIALS');
      expect(reply.headers['www-authenticate']).toBe('Bearer realm="scopeladder"');
    });

    it.each([
      ['an empty object', {}],
      ['no password', { email: 'gina@example.test' }],
      ['a non-string password', { email: 'gina@example.test', password: 123456 }],
      ['an empty email', { email: '', password: 'x' }],
      ['login and refresh at once', { email: 'gina@example.test', password: 'x', refreshToken: 'y' }],
      ['an array', [{ email: 'gina@example.test', password: 'x' }]],
      ['a string', 'email=gina'],
      ['null', null],
    ])('%s → 400 ERR_INVALID_REQUEST', async (_name, json) => {
      const reply = await session.send(TOKEN_PATH, { method: 'POST', body: JSON.stringify(json), headers: [['content-type', 'application/json']] });
      expect(reply.status).toBe(400);
      expect(reply.json.code).toBe('ERR_INVALID_REQUEST');
    });

    it('no body → 400 ERR_INVALID_REQUEST', async () => {
      const reply = await session.send(TOKEN_PATH, { method: 'POST' });
      expect(reply.status).toBe(400);
      expect(reply.json.code).toBe('ERR_INVALID_REQUEST');
    });

    it('a repeated form field → 400 ERR_INVALID_REQUEST', async () => {
      const reply = await session.send(TOKEN_PATH, {
        method: 'POST',
        headers: [['content-type', 'application/x-www-form-urlencoded']],
        body: 'email=a%40example.test&email=b%40example.test&password=x',
      });
      expect(reply.status).toBe(400);
    });
  });

  describe('refresh', () => {
    it('GET ?refreshToken= answers a new pair, and the new access token works', async () => {
      const first = await session.login(session.world.users.bot);
      const reply = await refreshGet(first.refreshToken);
      expect(reply.status).toBe(200);
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(reply.json).toMatchObject({ tokenType: 'Bearer', user: session.world.users.bot.id, scope: 'bot' });
      expect(reply.json.refreshToken).toMatch(REFRESH_TOKEN);
      expect(reply.json.refreshToken).not.toBe(first.refreshToken);
      expect(reply.json.token).not.toBe(first.token);
      expect((await session.send('/v2/organizations', { headers: bearer(reply.json.token) })).status).toBe(200);
    });

    it('POST {refreshToken} (the POST form) answers a new pair too', async () => {
      const first = await session.login(session.world.users.bot);
      const reply = await refreshPost(first.refreshToken);
      expect(reply.status).toBe(200);
      expect(reply.json.refreshToken).not.toBe(first.refreshToken);
    });

    it('rotates: each refresh token works once; reuse → 401 ERR_REFRESH_REUSED and the family is revoked', async () => {
      const login = await session.login(session.world.users.agent);
      const second = (await refreshGet(login.refreshToken)).json;
      const third = (await refreshPost(second.refreshToken)).json;
      expect(third.refreshToken).toMatch(REFRESH_TOKEN);

      const reuse = await refreshGet(login.refreshToken);
      expect(reuse.status).toBe(401);
      expect(reuse.json.code).toBe('ERR_REFRESH_REUSED');
      expect(reuse.headers['www-authenticate']).toContain('error="invalid_token"');

      // The whole family is dead: the newest refresh token and the family's access tokens.
      const newest = await refreshGet(third.refreshToken);
      expect(newest.status).toBe(401);
      expect(['ERR_REFRESH_INVALID', 'ERR_REFRESH_REUSED']).toContain(newest.json.code);
      const access = await session.send('/v2/conversations', { headers: bearer(third.token) });
      expect(access.status).toBe(401);
      expect(access.json.code).toBe('ERR_TOKEN_REVOKED');
      // Other sessions of the same user are untouched.
      expect((await session.as('agent', '/v2/conversations')).status).toBe(200);
    });

    it.each([
      ['no refreshToken', TOKEN_PATH],
      ['an empty refreshToken', `${TOKEN_PATH}?refreshToken=`],
      ['a repeated refreshToken', `${TOKEN_PATH}?refreshToken=a&refreshToken=b`],
    ])('GET with %s → 400 ERR_INVALID_REQUEST', async (_name, path) => {
      const reply = await session.send(path);
      expect(reply.status).toBe(400);
      expect(reply.json.code).toBe('ERR_INVALID_REQUEST');
    });

    it('an unknown refresh token → 401 ERR_REFRESH_INVALID', async () => {
      const forged = `${session.world.users.admin.id}.${'ab'.repeat(40)}`;
      for (const reply of [await refreshGet(forged), await refreshPost(forged)]) {
        expect(reply.status).toBe(401);
        expect(reply.json.code).toBe('ERR_REFRESH_INVALID');
        expect(reply.text).not.toContain(forged);
      }
    });
  });

  describe('DELETE /v2/auth/token (logout)', () => {
    it('answers 204, and the session (access and refresh tokens) is revoked', async () => {
      const login = await session.login(session.world.users.guest);
      const reply = await session.send(TOKEN_PATH, { method: 'DELETE', headers: bearer(login.token) });
      expect(reply.status).toBe(204);
      const after = await session.send(`/v2/users/${session.world.users.guest.id}`, { headers: bearer(login.token) });
      expect(after.status).toBe(401);
      expect(after.json.code).toBe('ERR_TOKEN_REVOKED');
      expect((await refreshGet(login.refreshToken)).status).toBe(401);
    });

    it('without a token → 401 ERR_AUTH_REQUIRED', async () => {
      const reply = await session.send(TOKEN_PATH, { method: 'DELETE' });
      expect(reply.status).toBe(401);
      expect(reply.json.code).toBe('ERR_AUTH_REQUIRED');
    });
  });
});

describe.each(ADAPTERS)('login throttling on $name', (adapter) => {
  it('answers 429 ERR_LOGIN_THROTTLED with Retry-After once the limit is reached', async () => {
    const session = await startSession(adapter, { throttle: { maxFailuresPerEmailAndSource: 3 } });
    try {
      const { email } = session.world.users.guest;
      const attempt = () => session.send(TOKEN_PATH, { method: 'POST', json: { email, password: 'wrong-password-123' } });
      for (let i = 0; i < 3; i += 1) expect((await attempt()).status).toBe(401);
      const reply = await attempt();
      expect(reply.status).toBe(429);
      expect(reply.json.code).toBe('ERR_LOGIN_THROTTLED');
      expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
      expect(reply.headers['www-authenticate']).toBeUndefined();
    } finally {
      await session.close();
    }
  });
});
