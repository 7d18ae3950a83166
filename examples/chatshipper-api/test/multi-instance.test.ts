// Two reference-server processes, on different frameworks (Fastify and Express), sharing one
// Redis (127.0.0.1:6379 or REDIS_URL; a missing Redis fails this file) under a key prefix of
// their own: any instance answers any request, as if they were one. The same tests run again on
// a throw-away local Redis Cluster of three masters (REDIS_CLUSTER; test/support/redis-cluster.ts,
// ports 7200-7249, started here and stopped after; needs redis-server and redis-cli on PATH).
import { randomBytes } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type Answer, type RequestOptions } from './http-client.js';
import { TEST_REDIS_URL, connectTestRedis, deleteKeys, listKeys, uniquePrefix } from '../../../test/support/redis.js';
import { startLocalRedisCluster } from '../../../test/support/redis-cluster.js';
import { buildServer, startServerProcess, type Build, type ServerProcess } from './server-process.js';

const JWT_SECRET = randomBytes(32).toString('hex');
const ADMIN = { email: 'admin@multi.example', password: 'multi-admin-password' };
const PASSWORD = 'multi-user-password';

/** The shared Redis of one run of the tests, as the servers and the test see it. */
interface SharedRedis {
  /** The servers' variables that name it (`REDIS_URL` or `REDIS_CLUSTER`). */
  readonly env: Record<string, string>;
  /** What the banner's `storage:` line says. */
  readonly banner: string;
  /** The test's own client on it. */
  readonly client: Redis | Cluster;
  stop(): Promise<void>;
}

const SHARED_REDIS = [
  {
    name: 'one Redis',
    async start(): Promise<SharedRedis> {
      const client = await connectTestRedis();
      return {
        env: { REDIS_URL: TEST_REDIS_URL },
        banner: `storage: redis at ${TEST_REDIS_URL.replace(/\/$/, '')}`,
        client,
        async stop() {
          client.disconnect();
        },
      };
    },
  },
  {
    name: 'a Redis Cluster of three masters',
    async start(): Promise<SharedRedis> {
      const cluster = await startLocalRedisCluster({ ports: [7200, 7249] });
      const seeds = cluster.nodes.map(({ host, port }) => `${host}:${port}`).join(',');
      const client = cluster.connect();
      await client.ping();
      return {
        env: { REDIS_CLUSTER: seeds },
        banner: `storage: redis cluster at ${cluster.nodes.map(({ host, port }) => `${host}:${port}`).join(',')} (prefix`,
        client,
        async stop() {
          client.disconnect();
          await cluster.stop();
        },
      };
    },
  },
] as const;

let build: Build;
beforeAll(() => {
  build = buildServer();
});
afterAll(() => {
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

describe.each(SHARED_REDIS)('two instances on $name', (shared) => {
  const PREFIX = uniquePrefix('multi-instance');
  let redis: SharedRedis;
  /** Instance A (Fastify) and instance B (Express). */
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    redis = await shared.start();
    const env = (framework: string): Record<string, string> => ({
      PORT: '0',
      FRAMEWORK: framework,
      ...redis.env,
      REDIS_PREFIX: PREFIX,
      JWT_SECRET,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    // Started at the same time, so both bootstrap the admin at once.
    [a, b] = await Promise.all([startServerProcess(build.main, env('fastify')), startServerProcess(build.main, env('express'))]);
  }, 60_000);

  afterAll(async () => {
    // The last test stops both servers; this only cleans up after a failure.
    a?.child.kill('SIGKILL');
    b?.child.kill('SIGKILL');
    if (redis) {
      await deleteKeys(redis.client, PREFIX);
      expect(await listKeys(redis.client, PREFIX)).toEqual([]);
      await redis.stop();
    }
  });

  it('start at the same time with one bootstrap admin and one root organization, and report Redis in /health', async () => {
    for (const server of [a, b]) {
      const health = await call(server, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', storage: 'redis', redis: 'up' });
      expect(server.stdout()).toContain(redis.banner);
    }
    // Exactly one of them created the admin; the other found it and left it unchanged.
    const found = [a, b].filter((server) => server.stdout().includes('this admin already existed'));
    expect(found).toHaveLength(1);

    const [onA, onB] = await Promise.all([login(a, ADMIN.email, ADMIN.password), login(b, ADMIN.email, ADMIN.password)]);
    expect(onA.user).toBe(onB.user);
    const organizations = await call(b, 'GET', '/v2/organizations', { token: onA.token });
    expect(organizations.status).toBe(200);
    expect(organizations.body).toHaveLength(1);
  });

  it('accepts a token issued by one instance on the other, and shares every resource', async () => {
    const admin = await login(a, ADMIN.email, ADMIN.password);
    const me = await call(b, 'GET', `/v2/users/${admin.user}`, { token: admin.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: admin.user, email: ADMIN.email, role: 'admin' });

    const created = await call(b, 'POST', '/v2/conversations', { token: admin.token, body: { topic: 'Order 1042' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call(a, 'GET', `/v2/conversations/${id}`, { token: admin.token })).body).toEqual(created.body);
    expect((await call(a, 'GET', '/v2/conversations', { token: admin.token })).body).toEqual([created.body]);
    const patched = await call(a, 'PATCH', `/v2/conversations/${id}`, { token: admin.token, body: { status: 'closed' } });
    expect(patched.status).toBe(200);
    expect((await call(b, 'GET', `/v2/conversations/${id}`, { token: admin.token })).body).toMatchObject({
      topic: 'Order 1042',
      status: 'closed',
    });
    expect((await call(b, 'DELETE', `/v2/conversations/${id}`, { token: admin.token })).status).toBe(204);
    expect((await call(a, 'GET', `/v2/conversations/${id}`, { token: admin.token })).status).toBe(404);
  });

  it('refresh on one, replay of the old refresh token on the other: the session is revoked on both', async () => {
    const first = await login(a, ADMIN.email, ADMIN.password);
    const rotated = await refresh(a, first.refreshToken);
    expect(rotated.status).toBe(200);
    const second = rotated.body as { token: string; refreshToken: string };
    expect((await call(b, 'GET', '/v2/users', { token: second.token })).status).toBe(200);

    const replay = await refresh(b, first.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('ERR_REFRESH_REUSED');

    for (const server of [a, b]) {
      for (const token of [second.token, first.token]) {
        const answer = await call(server, 'GET', '/v2/users', { token });
        expect(answer.status).toBe(401);
        expect(answer.body.code).toBe('ERR_TOKEN_REVOKED');
      }
      expect((await refresh(server, second.refreshToken)).status).toBe(401);
    }
  });

  it('of concurrent refreshes of one token sent to both instances, exactly one succeeds', async () => {
    const session = await login(b, ADMIN.email, ADMIN.password);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => refresh(i % 2 === 0 ? a : b, session.refreshToken)));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(9).fill(401)]);
    // The losers were replays: the whole session, the winner's new token included, is revoked.
    const winner = answers.find((answer) => answer.status === 200)?.body as { token: string };
    for (const server of [a, b]) expect((await call(server, 'GET', '/v2/users', { token: winner.token })).status).toBe(401);
  });

  it('a bot created on one works on the other; its role change and its deletion act on the next request of the other', async () => {
    const admin = await login(b, ADMIN.email, ADMIN.password);
    const created = await call(a, 'POST', '/v2/users', { token: admin.token, body: { email: 'helper-bot@multi.example', role: 'bot' } });
    expect(created.status).toBe(201);
    const botId = created.body.id as string;
    const key = created.body.apiToken as string;
    expect(key).toMatch(/^[0-9a-f]{32}$/);

    expect((await call(b, 'GET', '/v2/messages', { token: key })).status).toBe(200);

    // Demoted on B: on A, the same key loses `list Message` at once but keeps what an agent may do.
    expect((await call(b, 'PATCH', `/v2/users/${botId}`, { token: admin.token, body: { role: 'agent' } })).status).toBe(200);
    const denied = await call(a, 'GET', '/v2/messages', { token: key });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect((await call(a, 'GET', '/v2/conversations', { token: key })).status).toBe(200);

    // Promoted back on A: allowed again on B.
    expect((await call(a, 'PATCH', `/v2/users/${botId}`, { token: admin.token, body: { role: 'bot' } })).status).toBe(200);
    expect((await call(b, 'GET', '/v2/messages', { token: key })).status).toBe(200);

    // Deleted on A: rejected on B at the next request, and on A.
    expect((await call(a, 'DELETE', `/v2/users/${botId}`, { token: admin.token })).status).toBe(204);
    for (const server of [b, a]) {
      const rejected = await call(server, 'GET', '/v2/conversations', { token: key });
      expect(rejected.status).toBe(401);
      expect(rejected.body.code).toBe('ERR_API_KEY_INVALID');
    }
  });

  it('a user created on one logs in on the other, and an email is unique across instances', async () => {
    const admin = await login(a, ADMIN.email, ADMIN.password);
    const body = { email: 'ada@multi.example', password: PASSWORD, role: 'agent' };
    expect((await call(a, 'POST', '/v2/users', { token: admin.token, body })).status).toBe(201);
    const agent = await call(b, 'POST', '/v2/auth/token', { body: { email: body.email, password: PASSWORD } });
    expect(agent.status).toBe(200);
    expect(agent.body.scope).toBe('agent');
    const duplicate = await call(b, 'POST', '/v2/users', { token: admin.token, body: { ...body, email: 'ADA@multi.example' } });
    expect(duplicate.status).toBe(400);
  });

  it('a logout on one revokes the session on the other', async () => {
    const session = await login(b, ADMIN.email, ADMIN.password);
    expect((await call(a, 'DELETE', '/v2/auth/token', { token: session.token })).status).toBe(204);
    expect((await call(b, 'GET', '/v2/users', { token: session.token })).status).toBe(401);
    expect((await refresh(b, session.refreshToken)).status).toBe(401);
  });

  it('keeps all state under REDIS_PREFIX; only records and API keys live without a TTL', async () => {
    const keys = await listKeys(redis.client, PREFIX);
    expect(keys.some((key) => key.startsWith(`${PREFIX}col:{users}:`))).toBe(true);
    expect(keys.some((key) => key.startsWith(`${PREFIX}rt:`))).toBe(true);
    const durable = /^(col|ak|akid|aku):/;
    for (const key of keys) {
      if (durable.test(key.slice(PREFIX.length))) continue;
      expect(await redis.client.pttl(key), key).toBeGreaterThan(0);
    }
    if (redis.client instanceof Cluster) {
      // Really spread over the cluster: keys on every master (each session family has a slot of its own).
      const perMaster = await Promise.all(redis.client.nodes('master').map((node) => node.dbsize()));
      expect(perMaster.filter((count) => count > 0)).toHaveLength(3);
    }
  });

  it('both stop gracefully on SIGTERM', async () => {
    const [stopA, stopB] = await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
    expect(stopA.code).toBe(0);
    expect(stopB.code).toBe(0);
    // Nothing unexpected was logged: no stack, no secret.
    for (const server of [a, b]) {
      const output = server.stdout() + server.stderr();
      expect(output).not.toMatch(/\n\s+at /);
      expect(output).not.toContain(ADMIN.password);
      expect(output).not.toContain(JWT_SECRET);
    }
  });
});
