// A Redis outage under a running server (Koa): the test starts its own
// `redis-server --port <free port> --save "" --appendonly no`, kills it mid-run (every request
// that needs state fails closed with 503 JSON), then starts it again on the same port (the
// server recovers by itself). That Redis keeps nothing on disk, so it comes back empty: the
// server re-creates its bootstrap admin when the connection returns, so a fresh login works,
// and everything Redis forgot (the bot's key) stays rejected.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type Answer, type RequestOptions } from './http-client.js';
import { freePort, startRedisServer, type RedisServerProcess } from '../../../test/support/redis.js';
import { buildServer, runToExit, startServerProcess, type Build, type ServerProcess } from './server-process.js';

const JWT_SECRET = randomBytes(32).toString('hex');
const ADMIN = { email: 'admin@outage.example', password: 'outage-admin-password' };
/** Rough bound for things that happen "by themselves" (reconnection retries are ≤ 1 s apart). */
const RECOVERY_TIMEOUT_MS = 10_000;

let build: Build;
let redis: RedisServerProcess;
let port: number;
let server: ServerProcess;
/** A server started against a port where no Redis listens: run alongside the other tests. */
let unreachable: Promise<{ code: number | null; stdout: string; stderr: string }>;
let unreachablePort: number;
/** The same with REDIS_CLUSTER: seed nodes where nothing listens. */
let unreachableCluster: Promise<{ code: number | null; stdout: string; stderr: string }>;
let unreachableSeeds: string;

beforeAll(async () => {
  build = buildServer();
  const seedPorts = await Promise.all([freePort(), freePort()]);
  [port, unreachablePort] = await Promise.all([freePort(), freePort()]);
  unreachable = runToExit(build.main, {
    PORT: '0',
    REDIS_URL: `redis://app:hunter2-secret@127.0.0.1:${unreachablePort}`,
    JWT_SECRET,
  });
  unreachableSeeds = seedPorts.map((seed) => `127.0.0.1:${seed}`).join(',');
  unreachableCluster = runToExit(build.main, { PORT: '0', REDIS_CLUSTER: unreachableSeeds, JWT_SECRET });
  redis = await startRedisServer(port);
  server = await startServerProcess(build.main, {
    PORT: '0',
    FRAMEWORK: 'koa',
    REDIS_URL: redis.url,
    JWT_SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  });
}, 30_000);

afterAll(async () => {
  server?.child.kill('SIGKILL');
  await redis?.kill();
  await Promise.all([unreachable, unreachableCluster]);
  build?.remove();
});

const call = (method: string, path: string, options?: RequestOptions): Promise<Answer> => request(server.baseUrl, method, path, options);
const login = (): Promise<Answer> => call('POST', '/v2/auth/token', { body: ADMIN });

/** Polls `check` until it holds (for things another process does on its own time). */
async function eventually(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A fail-closed answer: 503 JSON with the stable code, a Retry-After, and no stack. */
function expectUnavailable(answer: Answer): void {
  expect(answer.status, answer.text).toBe(503);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.headers.get('retry-after')).toBe('1');
  expect(answer.body).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', message: expect.any(String) });
  expect(answer.text).not.toMatch(/\bat \S+ \(|stack|redis:\/\//i);
}

describe('a Redis outage under a running server', () => {
  let adminToken: string;
  let refreshToken: string;
  let botKey: string;

  it('works while Redis is up', async () => {
    const session = await login();
    expect(session.status).toBe(200);
    adminToken = session.body.token as string;
    refreshToken = session.body.refreshToken as string;
    const bot = await call('POST', '/v2/users', { token: adminToken, body: { email: 'bot@outage.example', role: 'bot' } });
    expect(bot.status).toBe(201);
    botKey = bot.body.apiToken as string;
    expect((await call('GET', '/v2/messages', { token: botKey })).status).toBe(200);
    expect((await call('GET', '/health')).body).toMatchObject({ status: 'ok', redis: 'up' });
  });

  it('fails closed with 503 while Redis is down: never allows, never a 500', async () => {
    await redis.kill();

    const health = await call('GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', storage: 'redis', redis: 'down' });

    expectUnavailable(await login());
    expectUnavailable(await call('GET', '/v2/users', { token: adminToken }));
    expectUnavailable(await call('POST', '/v2/conversations', { token: adminToken, body: { topic: 'x' } }));
    expectUnavailable(await call('GET', '/v2/messages', { token: botKey }));
    expectUnavailable(await call('GET', `/v2/auth/token?refreshToken=${encodeURIComponent(refreshToken)}`));
    // What needs no state is still answered as usual: a forged token is still a 401.
    const forged = `${adminToken.slice(0, -4)}AAAA`;
    expect((await call('GET', '/v2/users', { token: forged })).status).toBe(401);
    expect((await call('GET', '/v2/users')).status).toBe(401);

    expect(server.child.exitCode).toBeNull();
    expect(server.stderr()).toContain(`redis: connection to redis://127.0.0.1:${port} lost`);
  });

  it('recovers by itself when Redis is back on the same port', async () => {
    redis = await startRedisServer(port);
    await eventually('/health answers 200', async () => (await call('GET', '/health')).status === 200);
    expect(server.stdout()).toContain(`redis: connected to redis://127.0.0.1:${port} again`);
    // The restarted Redis is empty: the server re-creates the bootstrap admin, so a fresh login works.
    await eventually('the bootstrap admin is re-created', () => server.stdout().includes('was created again'));
    const session = await login();
    expect(session.status).toBe(200);
    const users = await call('GET', '/v2/users', { token: session.body.token as string });
    expect(users.status).toBe(200);
    expect(users.body).toEqual([expect.objectContaining({ email: ADMIN.email, role: 'admin' })]);
    // What Redis forgot stays rejected: the bot's key is gone with it.
    expect((await call('GET', '/v2/messages', { token: botKey })).status).toBe(401);
  });

  it('stops gracefully on SIGTERM, and never logged a stack or a secret', async () => {
    expect((await server.stop('SIGTERM')).code).toBe(0);
    const output = server.stdout() + server.stderr();
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain(ADMIN.password);
    expect(output).not.toContain(JWT_SECRET);
    expect(output).not.toContain(botKey);
  });

  it('refuses to start when Redis does not answer, saying where without the password', async () => {
    const result = await unreachable;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`could not start: Redis at redis://127.0.0.1:${unreachablePort} did not answer within 5s`);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stdout).toBe('');
  });

  it('with REDIS_CLUSTER: refuses to start when no seed node answers, naming them', async () => {
    const result = await unreachableCluster;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`could not start: Redis Cluster at ${unreachableSeeds} did not answer within 5s`);
    expect(result.stderr).not.toContain(JWT_SECRET);
    expect(result.stdout).toBe('');
  });
});
