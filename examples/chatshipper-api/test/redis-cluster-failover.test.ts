// The reference server on a Redis Cluster (REDIS_CLUSTER) whose master dies: a throw-away local
// cluster of three masters with one replica each (test/support/redis-cluster.ts, ports 7250-7299,
// `cluster-node-timeout` 1 s), started here and stopped after. While the master is down, a request
// that needs it answers 503 — never 2xx with a revoked token, never 500 — and once its replica is
// promoted, the same server process serves every session again, with nothing restarted.
import { randomBytes } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type Answer } from './http-client.js';
import { keySlot, startLocalRedisCluster, type LocalRedisCluster } from '../../../test/support/redis-cluster.js';
import { buildServer, startServerProcess, type Build, type ServerProcess } from './server-process.js';

const PREFIX = 'failover:';
const JWT_SECRET = randomBytes(32).toString('hex');
const ADMIN = { email: 'admin@failover.example', password: 'failover-admin-password' };
const SESSIONS = 12;

let build: Build;
let cluster: LocalRedisCluster | undefined;
let client: Cluster;
let server: ServerProcess;

beforeAll(async () => {
  build = buildServer();
  cluster = await startLocalRedisCluster({ replicas: 1, nodeTimeoutMs: 1000, timeoutMs: 30_000, ports: [7250, 7299] });
  client = cluster.connect();
  await client.ping();
  server = await startServerProcess(build.main, {
    PORT: '0',
    FRAMEWORK: 'koa',
    REDIS_CLUSTER: cluster.nodes.map(({ host, port }) => `${host}:${port}`).join(','),
    REDIS_PREFIX: PREFIX,
    JWT_SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  });
}, 60_000);

afterAll(async () => {
  server?.child.kill('SIGKILL');
  client?.disconnect();
  await cluster?.stop();
  build?.remove();
});

/** The port of the master serving `slot` now. */
async function masterOf(slot: number): Promise<number> {
  const ranges = (await client.cluster('SLOTS')) as unknown as [number, number, [string, number, ...unknown[]], ...unknown[]][];
  const range = ranges.find(([from, to]) => from <= slot && slot <= to);
  if (!range) throw new Error(`no master serves slot ${slot}`);
  return range[2][1];
}

/** The session (refresh family) of an access token: its `sid` claim. */
function sessionOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sid: string };
  return payload.sid;
}

const users = (token: string): Promise<Answer> => request(server.baseUrl, 'GET', '/v2/users', { token });

describe('the reference server on a Redis Cluster: a master fails over', () => {
  it('answers 503 or the truth while the master is down, and serves again once its replica took over', async () => {
    const sessions: { token: string; refreshToken: string }[] = [];
    for (let n = 0; n < SESSIONS; n += 1) {
      const login = await request(server.baseUrl, 'POST', '/v2/auth/token', { body: ADMIN });
      expect(login.status, login.text).toBe(200);
      sessions.push(login.body as { token: string; refreshToken: string });
    }
    // Every other session logged out: its token must never work again.
    for (const [n, session] of sessions.entries()) {
      if (n % 2 === 0) expect((await request(server.baseUrl, 'DELETE', '/v2/auth/token', { token: session.token })).status).toBe(204);
    }
    // Acknowledged by the replicas before the kill (replication is asynchronous).
    await Promise.all(client.nodes('master').map((node) => node.call('WAIT', '1', '2000')));

    // The master of a logged-out session's family dies.
    const victimSlot = keySlot(`${PREFIX}{f:${sessionOf(sessions[0]!.token)}}:fam`);
    const victim = await masterOf(victimSlot);
    await cluster!.killNode(victim);

    const started = Date.now();
    let unavailable = 0;
    let recovered = false;
    while (!recovered && Date.now() - started < 30_000) {
      const answers = await Promise.all(sessions.map((session) => users(session.token)));
      let allAnswered = true;
      for (const [n, answer] of answers.entries()) {
        if (answer.status === 503) {
          expect(answer.body).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
          unavailable += 1;
          allAnswered = false;
        } else {
          expect(answer.status, `session ${n}: ${answer.text}`).toBe(n % 2 === 0 ? 401 : 200);
        }
      }
      recovered = allAnswered && unavailable > 0;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(unavailable).toBeGreaterThan(0);
    expect(recovered).toBe(true);
    expect(await masterOf(victimSlot)).not.toBe(victim);

    // Writes in the promoted replica's slots work too: refresh every live session, log in again.
    for (const [n, session] of sessions.entries()) {
      const refreshed = await request(server.baseUrl, 'GET', `/v2/auth/token?refreshToken=${encodeURIComponent(session.refreshToken)}`);
      expect(refreshed.status, refreshed.text).toBe(n % 2 === 0 ? 401 : 200);
    }
    expect((await request(server.baseUrl, 'POST', '/v2/auth/token', { body: ADMIN })).status).toBe(200);
    expect((await request(server.baseUrl, 'GET', '/health')).status).toBe(200);

    expect((await server.stop('SIGTERM')).code).toBe(0);
    const output = server.stdout() + server.stderr();
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain(JWT_SECRET);
    // The node's failure was logged once (at most once a minute), by address, while the client stayed connected.
    expect(output.split(`redis: cluster node 127.0.0.1:${victim} failed`)).toHaveLength(2);
    expect(output).not.toContain('connection to Redis Cluster');
  }, 60_000);
});
