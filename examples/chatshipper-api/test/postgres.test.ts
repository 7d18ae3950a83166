// The reference server on PostgreSQL (DATABASE_URL), as its own processes on a database made for
// this file and dropped at the end: two instances (Fastify and Express) on one database serve as
// one, and a restart loses nothing: refresh tokens still refresh, revoked tokens stay revoked,
// users and records stay.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type Answer, type RequestOptions } from './http-client.js';
import { createTestDatabase, type TestDatabase } from './postgres-database.js';
import { buildServer, runToExit, startServerProcess, type Build, type ServerProcess } from './server-process.js';

const JWT_SECRET = randomBytes(32).toString('hex');
const ADMIN = { email: 'admin@postgres.example', password: 'postgres-admin-password' };
const PASSWORD = 'postgres-user-password';

let build: Build;
let database: TestDatabase;
/** Instance A (Fastify) and instance B (Express); C is A started again after both stopped. */
let a: ServerProcess;
let b: ServerProcess;
let c: ServerProcess | undefined;

const env = (framework: string): Record<string, string> => ({
  PORT: '0',
  FRAMEWORK: framework,
  DATABASE_URL: database.url,
  JWT_SECRET,
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
});

beforeAll(async () => {
  database = await createTestDatabase('server');
  build = buildServer();
  // Started at the same time: both migrate and bootstrap the admin at once.
  [a, b] = await Promise.all([startServerProcess(build.main, env('fastify')), startServerProcess(build.main, env('express'))]);
}, 30_000);

afterAll(async () => {
  for (const server of [a, b, c]) server?.child.kill('SIGKILL');
  await database?.drop();
  build?.remove();
});

const call = (server: ServerProcess, method: string, path: string, options?: RequestOptions): Promise<Answer> =>
  request(server.baseUrl, method, path, options);

async function login(server: ServerProcess, email: string, password: string): Promise<{ token: string; refreshToken: string; user: string }> {
  const answer = await call(server, 'POST', '/v2/auth/token', { body: { email, password } });
  expect(answer.status, answer.text).toBe(200);
  return answer.body as { token: string; refreshToken: string; user: string };
}

const refresh = (server: ServerProcess, refreshToken: string): Promise<Answer> =>
  call(server, 'GET', `/v2/auth/token?refreshToken=${encodeURIComponent(refreshToken)}`);

/** What the restart must find again, recorded before it. */
const before: {
  live?: { token: string; refreshToken: string };
  loggedOut?: { token: string; refreshToken: string };
  reused?: { token: string; refreshToken: string };
  conversation?: Record<string, unknown>;
  agent?: string;
} = {};

describe('two instances on one PostgreSQL', () => {
  it('start at the same time: the migrations are applied once, one bootstrap admin, PostgreSQL in /health and the banner', async () => {
    const outputs = [a, b].map((server) => server.stdout());
    // Exactly one applied the migrations; the other waited on the lock and found them applied.
    expect(outputs.filter((out) => out.includes('postgres: applied @scopeladder/postgres migrations 0001_initial'))).toHaveLength(1);
    expect(outputs.filter((out) => out.includes('postgres: applied server migrations 0001_records_and_users'))).toHaveLength(1);
    expect(outputs.filter((out) => out.includes('postgres: server schema up to date'))).toHaveLength(1);
    expect(outputs.filter((out) => out.includes('this admin already existed'))).toHaveLength(1);
    for (const server of [a, b]) {
      const health = await call(server, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', storage: 'postgres', postgres: 'up' });
      expect(server.stdout()).toContain(`storage: postgres at postgres://127.0.0.1:5432/${database.name}`);
    }
    const { rows } = await database.pool.query<{ count: string }>('SELECT count(*) AS count FROM chatshipper.users');
    expect(rows[0]?.count).toBe('1');
  });

  it('login on A, refresh on B, logout on A: B refuses the session', async () => {
    const session = await login(a, ADMIN.email, ADMIN.password);
    const rotated = await refresh(b, session.refreshToken);
    expect(rotated.status, rotated.text).toBe(200);
    const next = rotated.body as { token: string; refreshToken: string };
    expect((await call(b, 'GET', '/v2/users', { token: next.token })).status).toBe(200);
    expect((await call(a, 'DELETE', '/v2/auth/token', { token: next.token })).status).toBe(204);
    const refused = await call(b, 'GET', '/v2/users', { token: next.token });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('ERR_TOKEN_REVOKED');
    expect((await refresh(b, next.refreshToken)).status).toBe(401);
    before.loggedOut = next;
  });

  it('refresh on one, replay on the other: the session is revoked on both; of concurrent refreshes exactly one wins', async () => {
    const first = await login(a, ADMIN.email, ADMIN.password);
    expect((await refresh(a, first.refreshToken)).status).toBe(200);
    const replay = await refresh(b, first.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('ERR_REFRESH_REUSED');
    expect((await call(a, 'GET', '/v2/users', { token: first.token })).status).toBe(401);
    before.reused = first;

    const session = await login(b, ADMIN.email, ADMIN.password);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => refresh(i % 2 === 0 ? a : b, session.refreshToken)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, ...Array<number>(9).fill(401)]);
  });

  it('shares users and records: created on one, read, listed, changed and logged in on the other', async () => {
    const admin = await login(b, ADMIN.email, ADMIN.password);
    const created = await call(a, 'POST', '/v2/conversations', { token: admin.token, body: { topic: 'Order 1042' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call(b, 'GET', `/v2/conversations/${id}`, { token: admin.token })).body).toEqual(created.body);
    const patched = await call(b, 'PATCH', `/v2/conversations/${id}`, { token: admin.token, body: { status: 'open' } });
    expect(patched.status).toBe(200);
    expect((await call(a, 'GET', '/v2/conversations', { token: admin.token })).body).toEqual([patched.body]);
    before.conversation = patched.body as Record<string, unknown>;

    const body = { email: 'ada@postgres.example', password: PASSWORD, role: 'agent' };
    const agent = await call(a, 'POST', '/v2/users', { token: admin.token, body });
    expect(agent.status).toBe(201);
    before.agent = agent.body.id as string;
    expect((await login(b, body.email, PASSWORD)).user).toBe(before.agent);
    expect((await call(b, 'POST', '/v2/users', { token: admin.token, body: { ...body, email: 'ADA@postgres.example' } })).status).toBe(400);
    before.live = await login(a, ADMIN.email, ADMIN.password);
  });

  it('a restart loses nothing: refresh tokens still refresh, revoked tokens stay revoked, users and records stay', async () => {
    const [stopA, stopB] = await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
    expect([stopA.code, stopB.code]).toEqual([0, 0]);
    c = await startServerProcess(build.main, env('koa'));
    expect(c.stdout()).toContain('postgres: @scopeladder/postgres schema up to date (version 2)');
    expect(c.stdout()).toContain('postgres: server schema up to date');
    expect(c.stdout()).toContain('this admin already existed');

    const { live, loggedOut, reused, conversation } = before as Required<typeof before>;
    expect((await call(c, 'GET', '/v2/users', { token: live.token })).status).toBe(200);
    const rotated = await refresh(c, live.refreshToken);
    expect(rotated.status, rotated.text).toBe(200);
    for (const revoked of [loggedOut, reused]) {
      const answer = await call(c, 'GET', '/v2/users', { token: revoked.token });
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('ERR_TOKEN_REVOKED');
      expect((await refresh(c, revoked.refreshToken)).status).toBe(401);
    }
    const token = (rotated.body as { token: string }).token;
    expect((await call(c, 'GET', `/v2/conversations/${conversation['id'] as string}`, { token })).body).toEqual(conversation);
    expect((await login(c, 'ada@postgres.example', PASSWORD)).user).toBe(before.agent);
  });

  it('stops gracefully, and no log line shows the database password, the admin password or the JWT secret', async () => {
    expect((await c?.stop('SIGTERM'))?.code).toBe(0);
    for (const server of [a, b, c as ServerProcess]) {
      const output = server.stdout() + server.stderr();
      expect(output).not.toMatch(/\n\s+at /);
      for (const secret of [database.password, ADMIN.password, JWT_SECRET]) expect(output).not.toContain(secret);
    }
  });
});

describe('DATABASE_URL that cannot be used', () => {
  it('an unreachable database: a clear start-up error naming host and database, never the password', async () => {
    const exit = await runToExit(build.main, { ...env('fastify'), DATABASE_URL: 'postgres://app:hunter2secret@127.0.0.1:1/chat' });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('chatshipper-api: could not start: PostgreSQL at postgres://127.0.0.1:1/chat did not answer within 5s');
    expect(exit.stdout + exit.stderr).not.toContain('hunter2');
  }, 20_000);

  it('with REDIS_URL too: refused at once, without echoing either URL', async () => {
    const exit = await runToExit(build.main, { ...env('fastify'), REDIS_URL: 'redis://:redis-secret@127.0.0.1:6379' });
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('DATABASE_URL and REDIS_URL are exclusive');
    expect(exit.stdout + exit.stderr).not.toContain(database.password);
    expect(exit.stdout + exit.stderr).not.toContain('redis-secret');
  });
});
