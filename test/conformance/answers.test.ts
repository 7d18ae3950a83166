import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './fixtures/adapters.js';
import { send } from './fixtures/http.js';
import { forgeSignature, unsigned } from './fixtures/jwt.js';
import { startSession, type Session } from './fixtures/session.js';

// The answer table of ARCHITECTURE.md, and the header edge cases, on every adapter.
const REALM_ONLY = 'Bearer realm="scopeladder"';
const DAY_MS = 24 * 60 * 60 * 1000;

function expectErrorBody(reply: { json: unknown; text: string }, code: string): void {
  expect(reply.json, reply.text).toMatchObject({ code, message: expect.any(String) });
  expect(reply.text).not.toMatch(/\bat .+:\d+:\d+/); // no stack frames
}

describe.each(ADAPTERS)('answers on $name', (adapter) => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession(adapter);
  });
  afterAll(async () => {
    await session.close();
  });

  const ROUTE = '/v2/conversations'; // list Conversation: agent and up

  it('allowed → 2xx', async () => {
    expect((await session.as('agent', ROUTE)).status).toBe(200);
  });

  it('no Authorization → 401, a bare Bearer challenge, ERR_AUTH_REQUIRED', async () => {
    const reply = await session.send(ROUTE);
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe(REALM_ONLY);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.headers['cache-control']).toBe('no-store');
    expectErrorBody(reply, 'ERR_AUTH_REQUIRED');
  });

  it.each([['Basic dXNlcjpwYXNz'], ['Token abc'], ['Digest username="x"']])(
    'another scheme (%s) → 401, a bare Bearer challenge, ERR_AUTH_SCHEME',
    async (header) => {
      const reply = await session.send(ROUTE, { headers: [['authorization', header]] });
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe(REALM_ONLY);
      expectErrorBody(reply, 'ERR_AUTH_SCHEME');
    },
  );

  it.each([['Bearer'], ['Bearer '], ['Bearer a b'], ['Bearer abc def ghi']])(
    'Bearer without a token or with extra parts (%j) → 400 invalid_request',
    async (header) => {
      const reply = await session.send(ROUTE, { headers: [['authorization', header]] });
      expect(reply.status).toBe(400);
      expect(reply.headers['www-authenticate']).toMatch(/^Bearer realm="scopeladder", error="invalid_request"/);
      expectErrorBody(reply, 'ERR_AUTH_MALFORMED');
    },
  );

  describe('invalid credentials → 401 invalid_token', () => {
    it.each([
      ['a bad signature', (token: string) => forgeSignature(token), 'ERR_TOKEN_INVALID'],
      ['alg: none', (token: string) => unsigned(token), 'ERR_TOKEN_INVALID'],
      ['a malformed JWT', () => 'abc.def.ghi', 'ERR_TOKEN_INVALID'],
      ['a truncated JWT', (token: string) => token.slice(0, token.lastIndexOf('.')), 'ERR_TOKEN_INVALID'],
      ['an unknown API key', () => randomBytes(16).toString('hex'), 'ERR_API_KEY_INVALID'],
    ])('%s', async (_name, make, code) => {
      const credential = make(session.tokens.admin);
      const reply = await session.send(ROUTE, { headers: [['authorization', `Bearer ${credential}`]] });
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toMatch(/^Bearer realm="scopeladder", error="invalid_token"/);
      expectErrorBody(reply, code);
      expect(reply.text).not.toContain(credential);
    });

    it('a revoked API key (a live key first works)', async () => {
      const key = await session.world.service.createApiKey(session.world.robot.id, ['bot']);
      const headers = [['authorization', `Bearer ${key.apiKey}`]] as const;
      expect((await session.send('/v2/organizations', { headers })).status).toBe(200);
      await session.world.service.revokeApiKey(key.id);
      const reply = await session.send('/v2/organizations', { headers });
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toContain('error="invalid_token"');
      expectErrorBody(reply, 'ERR_API_KEY_INVALID');
    });
  });

  it('scope too low → 403 insufficient_scope naming the scope required', async () => {
    const reply = await session.as('guest', ROUTE);
    expect(reply.status).toBe(403);
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer realm="scopeladder", error="insufficient_scope", .*scope="agent"$/);
    expectErrorBody(reply, 'ERR_INSUFFICIENT_SCOPE');
    expect(reply.json.requiredScope).toBe('agent');
  });

  it('allowed but no such id → 404 ERR_NOT_FOUND, without a challenge', async () => {
    const reply = await session.as('admin', '/v2/contacts/0123456789abcdef01234567');
    expect(reply.status).toBe(404);
    expect(reply.headers['www-authenticate']).toBeUndefined();
    expectErrorBody(reply, 'ERR_NOT_FOUND');
    expect((await session.as('admin', '/v2/users/0123456789abcdef01234567', { method: 'PATCH', json: { name: 'x' } })).status).toBe(404);
    expect((await session.as('bot', '/v2/knowledgeitems/0123456789abcdef01234567', { method: 'DELETE' })).status).toBe(404);
  });

  it('no such id, for a principal who may not see every record → the denial, not 404 (no existence oracle)', async () => {
    const missing = await session.as('guest', '/v2/users/0123456789abcdef01234567');
    const existing = await session.as('guest', `/v2/users/${session.world.other.id}`);
    expect(missing.status).toBe(403);
    expect(missing.json).toEqual(existing.json);
  });

  describe('header edge cases', () => {
    it.each([['bearer'], ['BEARER'], ['BeArEr']])('the scheme is case-insensitive (%s)', async (scheme) => {
      const reply = await session.send(ROUTE, { headers: [['authorization', `${scheme} ${session.tokens.agent}`]] });
      expect(reply.status).toBe(200);
    });

    // (A trailing space never reaches an application: Node's parser strips it as RFC 9110 OWS.)
    it.each([
      ['two spaces', (token: string) => `Bearer  ${token}`],
      ['a tab', (token: string) => `Bearer\t${token}`],
      ['two tokens', (token: string) => `Bearer ${token} ${token}`],
    ])('%s → 400 ERR_AUTH_MALFORMED', async (_name, make) => {
      const reply = await session.send(ROUTE, { headers: [['authorization', make(session.tokens.agent)]] });
      expect(reply.status).toBe(400);
      expectErrorBody(reply, 'ERR_AUTH_MALFORMED');
    });

    it('two Authorization headers → 400 ERR_AUTH_MALFORMED, even when both are valid', async () => {
      const reply = await session.send(ROUTE, {
        headers: [
          ['authorization', `Bearer ${session.tokens.agent}`],
          ['authorization', `Bearer ${session.tokens.admin}`],
        ],
      });
      expect(reply.status).toBe(400);
      expect(reply.headers['www-authenticate']).toContain('error="invalid_request"');
      expectErrorBody(reply, 'ERR_AUTH_MALFORMED');
    });

    it('two Authorization headers on an instance route → 400, not the first one honoured', async () => {
      const reply = await session.send(`/v2/users/${session.world.users.guest.id}`, {
        headers: [
          ['authorization', `Bearer ${session.tokens.guest}`],
          ['authorization', 'Basic abc'],
        ],
      });
      expect(reply.status).toBe(400);
    });

    it('a token in the query string is never read: 401 without a header', async () => {
      const reply = await session.send(`${ROUTE}?access_token=${session.tokens.admin}`);
      expect(reply.status).toBe(401);
      expectErrorBody(reply, 'ERR_AUTH_REQUIRED');
    });

    it('a token in the query string does not lift a lower header token', async () => {
      const reply = await session.as('guest', `${ROUTE}?access_token=${session.tokens.admin}`);
      expect(reply.status).toBe(403);
      expectErrorBody(reply, 'ERR_INSUFFICIENT_SCOPE');
    });

    it('a token in a form body is never read', async () => {
      const reply = await session.send('/v2/messages', {
        method: 'POST',
        headers: [['content-type', 'application/x-www-form-urlencoded']],
        body: `access_token=${session.tokens.admin}`,
      });
      expect(reply.status).toBe(401);
    });
  });
});

describe.each(ADAPTERS)('expired access tokens on $name', (adapter) => {
  it('answer 403 invalid_token (ChatShipper) by default', async () => {
    const session = await startSession(adapter);
    try {
      session.world.clock.advance(DAY_MS + 60_000);
      const reply = await session.as('admin', '/v2/services');
      expect(reply.status).toBe(403);
      expect(reply.headers['www-authenticate']).toMatch(/^Bearer realm="scopeladder", error="invalid_token"/);
      expectErrorBody(reply, 'ERR_TOKEN_EXPIRED');
    } finally {
      await session.close();
    }
  });

  it('still work just before expiry', async () => {
    const session = await startSession(adapter);
    try {
      session.world.clock.advance(DAY_MS - 60_000);
      expect((await session.as('admin', '/v2/services')).status).toBe(200);
    } finally {
      await session.close();
    }
  });

  it('answer 401 with the service option expiredTokenStatus: 401 (the adapter passes service.http through)', async () => {
    const session = await startSession(adapter, { expiredTokenStatus: 401 });
    try {
      session.world.clock.advance(DAY_MS + 60_000);
      const reply = await send(session.app.url, '/v2/services', { headers: [['authorization', `Bearer ${session.tokens.admin}`]] });
      expect(reply.status).toBe(401);
      expectErrorBody(reply, 'ERR_TOKEN_EXPIRED');
    } finally {
      await session.close();
    }
  });
});
