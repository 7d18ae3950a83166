// End to end (issue #11, items 3 and 4): sessions end when the privileges behind them change.
// The built server runs as its own process on each framework, in memory (one instance) and on
// Redis (two instances, on two frameworks, sharing one Redis under a prefix of their own: what
// one instance changes ends the sessions on the other at its next request).
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type Answer, type RequestOptions } from './http-client.js';
import { TEST_REDIS_URL, connectTestRedis, deleteKeys, listKeys, uniquePrefix } from '../../../test/support/redis.js';
import { buildServer, startServerProcess, type Build, type ServerProcess } from './server-process.js';

const FRAMEWORKS = ['express', 'fastify', 'koa'] as const;
type Framework = (typeof FRAMEWORKS)[number];
const ADMIN = { email: 'admin@sessions.example', password: 'sessions-admin-password' };
const PASSWORD = 'sessions-user-password';
const NEW_PASSWORD = 'sessions-new-password';
const JWT_SECRET = randomBytes(32).toString('hex');

interface Session {
  readonly token: string;
  readonly refreshToken: string;
  readonly user: string;
  readonly scope: string;
}

let build: Build;
let redis: Redis;

beforeAll(async () => {
  redis = await connectTestRedis();
  build = buildServer();
}, 30_000);

afterAll(async () => {
  redis?.disconnect();
  build?.remove();
});

/** The other framework for the second Redis instance, so both instances never share one. */
function peerOf(framework: Framework): Framework {
  return FRAMEWORKS[(FRAMEWORKS.indexOf(framework) + 1) % FRAMEWORKS.length]!;
}

for (const framework of FRAMEWORKS) {
  describeSessions(framework, 'in memory');
  describeSessions(framework, 'on Redis');
}

function describeSessions(framework: Framework, storage: 'in memory' | 'on Redis'): void {
  const onRedis = storage === 'on Redis';
  const label = onRedis ? `${framework} + ${peerOf(framework)} ${storage}` : `${framework} ${storage}`;

  describe(`sessions end on privilege changes: ${label}`, () => {
    const prefix = uniquePrefix(`sessions-${framework}`);
    let a: ServerProcess;
    /** The second instance on Redis; the same one in memory. */
    let b: ServerProcess;
    let unique = 0;

    beforeAll(async () => {
      const env = (name: Framework): Record<string, string> => ({
        PORT: '0',
        FRAMEWORK: name,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        JWT_SECRET,
        ...(onRedis ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix } : {}),
      });
      if (onRedis) {
        [a, b] = await Promise.all([startServerProcess(build.main, env(framework)), startServerProcess(build.main, env(peerOf(framework)))]);
      } else {
        a = await startServerProcess(build.main, env(framework));
        b = a;
      }
    }, 30_000);

    afterAll(async () => {
      await Promise.all([a?.stop('SIGTERM'), b?.stop('SIGTERM')]);
      for (const server of new Set([a, b])) {
        const output = (server?.stdout() ?? '') + (server?.stderr() ?? '');
        expect(output).not.toMatch(/\n\s+at /); // no stack trace
        expect(output).not.toContain(PASSWORD);
        expect(output).not.toContain(NEW_PASSWORD);
      }
      if (onRedis) {
        await deleteKeys(redis, prefix);
        expect(await listKeys(redis, prefix)).toEqual([]);
      }
    });

    const call = (server: ServerProcess, method: string, path: string, options?: RequestOptions): Promise<Answer> =>
      request(server.baseUrl, method, path, options);

    async function login(server: ServerProcess, email: string, password: string): Promise<Session> {
      const answer = await call(server, 'POST', '/v2/auth/token', { body: { email, password } });
      expect(answer.status, answer.text).toBe(200);
      return answer.body as Session;
    }

    const refresh = (server: ServerProcess, refreshToken: string): Promise<Answer> =>
      call(server, 'GET', `/v2/auth/token?refreshToken=${encodeURIComponent(refreshToken)}`);

    /** Creates a user as the bootstrap admin and logs it in; a fresh email each time. */
    async function createUser(role: string, password = PASSWORD): Promise<{ id: string; email: string }> {
      unique += 1;
      const email = `${role}-${unique}@sessions.example`;
      const admin = await login(a, ADMIN.email, ADMIN.password);
      const created = await call(a, 'POST', '/v2/users', { token: admin.token, body: { email, password, role } });
      expect(created.status, created.text).toBe(201);
      return { id: created.body.id as string, email };
    }

    /** The answer to a token whose session ended: 401, `invalid_token`, `ERR_TOKEN_REVOKED`. */
    function expectRevoked(answer: Answer): void {
      expect(answer.status, answer.text).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]*", error="invalid_token"/);
      expect(answer.body.code).toBe('ERR_TOKEN_REVOKED');
    }

    async function expectRefreshFails(refreshToken: string): Promise<void> {
      for (const server of new Set([a, b])) {
        const answer = await refresh(server, refreshToken);
        expect(answer.status, answer.text).toBe(401);
        expect(answer.body.code).toBe('ERR_REFRESH_INVALID');
      }
    }

    it('a demoted admin loses admin routes at once on every instance and cannot restore its role (the issue repro)', async () => {
      const admin2 = await createUser('admin');
      const session = await login(a, admin2.email, PASSWORD);
      expect(session.scope).toBe('admin');
      const admin = await login(b, ADMIN.email, ADMIN.password);

      const demoted = await call(b, 'PATCH', `/v2/users/${admin2.id}`, { token: admin.token, body: { role: 'agent' } });
      expect(demoted.status, demoted.text).toBe(200);

      // curl -X PATCH $B/v2/users/$A2_ID -H "authorization: Bearer $ADMIN2" -d '{"role":"admin"}'
      for (const server of new Set([a, b])) {
        expectRevoked(await call(server, 'PATCH', `/v2/users/${admin2.id}`, { token: session.token, body: { role: 'admin' } }));
        expectRevoked(await call(server, 'GET', '/v2/users', { token: session.token }));
      }
      await expectRefreshFails(session.refreshToken);

      // Logging in again gives a token with the new role, which cannot promote itself.
      const again = await login(a, admin2.email, PASSWORD);
      expect(again.scope).toBe('agent');
      const restore = await call(b, 'PATCH', `/v2/users/${admin2.id}`, { token: again.token, body: { role: 'admin' } });
      expect(restore.status).toBe(403);
      expect((await call(b, 'GET', `/v2/users/${admin2.id}`, { token: admin.token })).body.role).toBe('agent');
      // The admin that demoted it is untouched.
      expect((await call(a, 'GET', '/v2/users', { token: admin.token })).status).toBe(200);
    });

    it('a promoted agent keeps nothing of its old token either: the new role comes with a new login', async () => {
      const agent = await createUser('agent');
      const session = await login(a, agent.email, PASSWORD);
      const admin = await login(b, ADMIN.email, ADMIN.password);
      expect((await call(b, 'PATCH', `/v2/users/${agent.id}`, { token: admin.token, body: { role: 'admin' } })).status).toBe(200);
      expectRevoked(await call(a, 'GET', '/v2/conversations', { token: session.token }));
      expect((await login(b, agent.email, PASSWORD)).scope).toBe('admin');
    });

    it('setting the same role again, or other fields, ends no session', async () => {
      const agent = await createUser('agent');
      const session = await login(a, agent.email, PASSWORD);
      const admin = await login(b, ADMIN.email, ADMIN.password);
      const same = await call(b, 'PATCH', `/v2/users/${agent.id}`, { token: admin.token, body: { role: 'agent', name: 'Ada' } });
      expect(same.status, same.text).toBe(200);
      for (const server of new Set([a, b])) {
        expect((await call(server, 'GET', '/v2/conversations', { token: session.token })).status).toBe(200);
      }
      expect((await refresh(b, session.refreshToken)).status).toBe(200);
    });

    it('a deleted admin cannot create users (or anything) with its old token, on any instance', async () => {
      const admin3 = await createUser('admin');
      const session = await login(a, admin3.email, PASSWORD);
      const admin = await login(b, ADMIN.email, ADMIN.password);
      expect((await call(b, 'DELETE', `/v2/users/${admin3.id}`, { token: admin.token })).status).toBe(204);
      for (const server of new Set([a, b])) {
        const created = await call(server, 'POST', '/v2/users', {
          token: session.token,
          body: { email: `ghost-${server.baseUrl.length}-${unique}@sessions.example`, password: PASSWORD, role: 'admin' },
        });
        expectRevoked(created);
      }
      await expectRefreshFails(session.refreshToken);
      const relogin = await call(a, 'POST', '/v2/auth/token', { body: { email: admin3.email, password: PASSWORD } });
      expect(relogin.status).toBe(401);
    });

    it("a deleted agent's token stops working at once", async () => {
      const agent = await createUser('agent');
      const session = await login(b, agent.email, PASSWORD);
      expect((await call(a, 'GET', '/v2/conversations', { token: session.token })).status).toBe(200);
      const admin = await login(a, ADMIN.email, ADMIN.password);
      expect((await call(a, 'DELETE', `/v2/users/${agent.id}`, { token: admin.token })).status).toBe(204);
      for (const server of new Set([a, b])) expectRevoked(await call(server, 'GET', '/v2/conversations', { token: session.token }));
      await expectRefreshFails(session.refreshToken);
    });

    it("changing one's own password needs `currentPassword`: missing or wrong → 403 and nothing changes", async () => {
      const agent = await createUser('agent');
      const session = await login(a, agent.email, PASSWORD);
      const other = await login(b, agent.email, PASSWORD);

      const missing = await call(a, 'PATCH', `/v2/users/${agent.id}`, { token: session.token, body: { password: NEW_PASSWORD } });
      expect(missing.status, missing.text).toBe(403);
      expect(missing.body.code).toBe('ERR_CURRENT_PASSWORD_INVALID');
      const wrong = await call(b, 'PATCH', `/v2/users/${agent.id}`, {
        token: session.token,
        body: { password: NEW_PASSWORD, currentPassword: 'not-the-password' },
      });
      expect(wrong.status, wrong.text).toBe(403);
      expect(wrong.body.code).toBe('ERR_CURRENT_PASSWORD_INVALID');
      expect(wrong.text).not.toContain('not-the-password');

      // Unchanged: the old password logs in, the new one does not, and no session ended.
      expect((await call(a, 'POST', '/v2/auth/token', { body: { email: agent.email, password: NEW_PASSWORD } })).status).toBe(401);
      await login(b, agent.email, PASSWORD);
      for (const token of [session.token, other.token]) {
        expect((await call(a, 'GET', '/v2/conversations', { token })).status).toBe(200);
      }
    });

    it('with the right `currentPassword` the password changes, every OTHER session ends, the changing one keeps working', async () => {
      const agent = await createUser('agent');
      const changer = await login(a, agent.email, PASSWORD);
      const other = await login(b, agent.email, PASSWORD);
      const third = await login(a, agent.email, PASSWORD);

      const changed = await call(b, 'PATCH', `/v2/users/${agent.id}`, {
        token: changer.token,
        body: { password: NEW_PASSWORD, currentPassword: PASSWORD },
      });
      expect(changed.status, changed.text).toBe(200);
      expect(changed.body).not.toHaveProperty('currentPassword');
      expect(changed.body).not.toHaveProperty('password');
      expect(JSON.stringify(changed.body)).not.toContain(PASSWORD);

      for (const server of new Set([a, b])) {
        for (const ended of [other, third]) expectRevoked(await call(server, 'GET', '/v2/conversations', { token: ended.token }));
        expect((await call(server, 'GET', '/v2/conversations', { token: changer.token })).status).toBe(200);
      }
      for (const ended of [other, third]) await expectRefreshFails(ended.refreshToken);
      // The changing session also refreshes on.
      const rotated = await refresh(a, changer.refreshToken);
      expect(rotated.status, rotated.text).toBe(200);

      // `currentPassword` was not stored as profile data.
      const admin = await login(b, ADMIN.email, ADMIN.password);
      const record = await call(a, 'GET', `/v2/users/${agent.id}`, { token: admin.token });
      expect(record.body).not.toHaveProperty('currentPassword');

      expect((await call(a, 'POST', '/v2/auth/token', { body: { email: agent.email, password: PASSWORD } })).status).toBe(401);
      await login(b, agent.email, NEW_PASSWORD);
    });

    it('an admin changing its own password needs `currentPassword` too', async () => {
      const admin4 = await createUser('admin');
      const session = await login(a, admin4.email, PASSWORD);
      const denied = await call(b, 'PATCH', `/v2/users/${admin4.id}`, { token: session.token, body: { password: NEW_PASSWORD } });
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe('ERR_CURRENT_PASSWORD_INVALID');
    });

    it('wrong current passwords count as failed logins: throttled (429) like logins of that email', async () => {
      const agent = await createUser('agent');
      const session = await login(a, agent.email, PASSWORD);
      const answers: Answer[] = [];
      for (let attempt = 0; attempt < 11; attempt += 1) {
        answers.push(
          await call(attempt % 2 === 0 ? a : b, 'PATCH', `/v2/users/${agent.id}`, {
            token: session.token,
            body: { password: NEW_PASSWORD, currentPassword: `wrong-${attempt}-password` },
          }),
        );
      }
      expect(answers.slice(0, 10).map((answer) => answer.status)).toEqual(Array<number>(10).fill(403));
      expect(answers[10]!.status).toBe(429);
      expect(answers[10]!.body.code).toBe('ERR_LOGIN_THROTTLED');
      expect(Number(answers[10]!.headers.get('retry-after'))).toBeGreaterThan(0);
      // The email's logins are throttled as well: the same counter.
      expect((await call(b, 'POST', '/v2/auth/token', { body: { email: agent.email, password: PASSWORD } })).status).toBe(429);
    });

    it("an admin resetting another user's password ends all of that user's sessions, and only theirs", async () => {
      const agent = await createUser('agent');
      const first = await login(a, agent.email, PASSWORD);
      const second = await login(b, agent.email, PASSWORD);
      const admin = await login(a, ADMIN.email, ADMIN.password);

      const reset = await call(b, 'PATCH', `/v2/users/${agent.id}`, { token: admin.token, body: { password: NEW_PASSWORD } });
      expect(reset.status, reset.text).toBe(200);
      for (const server of new Set([a, b])) {
        for (const ended of [first, second]) expectRevoked(await call(server, 'GET', '/v2/conversations', { token: ended.token }));
        expect((await call(server, 'GET', '/v2/users', { token: admin.token })).status).toBe(200);
      }
      for (const ended of [first, second]) await expectRefreshFails(ended.refreshToken);
      expect((await login(a, agent.email, NEW_PASSWORD)).scope).toBe('agent');
    });
  });
}
