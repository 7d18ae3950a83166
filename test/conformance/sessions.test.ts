// Ending sessions (issue #11, item 3) answers alike on every adapter: after
// `service.endSessionsOfUser(id)` the user's old access tokens answer 401 `invalid_token`
// (ERR_TOKEN_REVOKED) at their next request, cached or not, and its old refresh tokens fail;
// a new login works at once and carries the user's current role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './fixtures/adapters.js';
import { bearer, type Reply } from './fixtures/http.js';
import { claimsOf } from './fixtures/jwt.js';
import { startSession, type Session } from './fixtures/session.js';

const ROUTE = '/v2/conversations'; // list Conversation: agent and up
const ADMIN_ROUTE = '/v2/organizations/0123456789abcdef01234567'; // delete Organization: admin only

describe.each(ADAPTERS)('ending sessions on $name', (adapter) => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession(adapter);
  });
  afterAll(async () => {
    await session.close();
  });

  const refresh = (refreshToken: string): Promise<Reply> => session.send(`/v2/auth/token?refreshToken=${encodeURIComponent(refreshToken)}`);

  function expectRevoked(reply: Reply): void {
    expect(reply.status, reply.text).toBe(401);
    expect(reply.headers['www-authenticate']).toBe(
      'Bearer realm="scopeladder", error="invalid_token", error_description="The access token was revoked"',
    );
    expect(reply.json.code).toBe('ERR_TOKEN_REVOKED');
  }

  it('after endSessionsOfUser the old access tokens answer 401 invalid_token, the refresh tokens fail, a new login works', async () => {
    const { agent } = session.world.users;
    const first = await session.login(agent);
    const second = await session.login(agent);
    // Both verified once: the next requests are answered from the verified-token cache.
    for (const { token } of [first, second]) expect((await session.send(ROUTE, { headers: bearer(token) })).status).toBe(200);

    expect(await session.world.service.endSessionsOfUser(agent.id)).toBeGreaterThanOrEqual(2);

    for (const { token } of [first, second]) expectRevoked(await session.send(ROUTE, { headers: bearer(token) }));
    for (const { refreshToken } of [first, second]) {
      const reply = await refresh(refreshToken);
      expect(reply.status).toBe(401);
      expect(reply.json.code).toBe('ERR_REFRESH_INVALID');
    }
    const fresh = await session.login(agent);
    expect((await session.send(ROUTE, { headers: bearer(fresh.token) })).status).toBe(200);
    expect((await refresh(fresh.refreshToken)).status).toBe(200);
    // Other users' sessions were not touched.
    expect((await session.as('admin', ROUTE)).status).toBe(200);
  });

  it('keeps the `except` session', async () => {
    const { agent } = session.world.users;
    const mine = await session.login(agent);
    const other = await session.login(agent);
    const familyId = claimsOf(mine.token)['sid'] as string;
    await session.world.service.endSessionsOfUser(agent.id, { except: familyId });
    expect((await session.send(ROUTE, { headers: bearer(mine.token) })).status).toBe(200);
    expectRevoked(await session.send(ROUTE, { headers: bearer(other.token) }));
  });

  it('a demoted admin: the old token is refused on admin routes as everywhere, the new login has the new role', async () => {
    const { admin } = session.world.users;
    const before = await session.login(admin);
    expect((await session.send(ADMIN_ROUTE, { method: 'DELETE', headers: bearer(before.token) })).status).toBe(404);

    session.world.directory.update(admin.id, { role: 'agent' });
    try {
      await session.world.service.endSessionsOfUser(admin.id);
      expectRevoked(await session.send(ADMIN_ROUTE, { method: 'DELETE', headers: bearer(before.token) }));
      const after = await session.login(admin);
      expect(after.scope).toBe('agent');
      const denied = await session.send(ADMIN_ROUTE, { method: 'DELETE', headers: bearer(after.token) });
      expect(denied.status).toBe(403);
      expect(denied.json.code).toBe('ERR_INSUFFICIENT_SCOPE');
    } finally {
      session.world.directory.update(admin.id, { role: 'admin' });
    }
  });
});
