// Login throttling end to end: the built server as its own process on each framework, in memory
// and on Redis (127.0.0.1:6379 or REDIS_URL, under a key prefix of its own; a missing Redis fails
// this file). The client address is the source: 127.0.0.1 and 127.0.0.2 are two clients.
import { randomBytes } from 'node:crypto';
import { requestFrom, type FromAnswer } from './http-client.js';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, connectTestRedis, deleteKeys, listKeys, uniquePrefix } from '../../../test/support/redis.js';
import { buildServer, startServerProcess, type Build, type ServerProcess } from './server-process.js';

const FRAMEWORKS = ['express', 'fastify', 'koa'] as const;
const STORAGES = ['memory', 'redis'] as const;
const CONFIGURATIONS = FRAMEWORKS.flatMap((framework) => STORAGES.map((storage) => [framework, storage] as const));
const ADMIN = { email: 'admin@throttle.example', password: 'throttle-admin-password' };
const A = '127.0.0.1';
/** The per-address and per-(email, address) limits the servers are started with. */
const SOURCE_LIMIT = 5;
const PAIR_LIMIT = 3;
/** More successful logins than the per-address limit allows failures. */
const SUCCESSES = 3 * SOURCE_LIMIT;
const B = '127.0.0.2';

/** One JSON request from the client address `from`. */
function send(baseUrl: string, from: string, method: string, path: string, body?: unknown, token?: string): Promise<FromAnswer> {
  return requestFrom(baseUrl, from, method, path, { body, token });
}

let build: Build;
let redis: Redis | undefined;
const prefixes: string[] = [];

beforeAll(() => {
  build = buildServer();
});

afterAll(async () => {
  if (redis) {
    for (const prefix of prefixes) {
      await deleteKeys(redis, prefix);
      expect(await listKeys(redis, prefix)).toEqual([]);
    }
    redis.disconnect();
  }
  build?.remove();
});

describe.each(CONFIGURATIONS)('%s, %s', (framework, storage) => {
  let server: ServerProcess;
  const login = (email: string, password: string, from: string): Promise<FromAnswer> =>
    send(server.baseUrl, from, 'POST', '/v2/auth/token', { email, password });

  beforeAll(async () => {
    const env: Record<string, string> = {
      PORT: '0',
      FRAMEWORK: framework,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      JWT_SECRET: randomBytes(32).toString('hex'),
      // Low limits, so a few real logins (each a full scrypt) show the policy.
      LOGIN_MAX_FAILURES_PER_SOURCE: String(SOURCE_LIMIT),
      LOGIN_MAX_FAILURES_PER_EMAIL_AND_SOURCE: String(PAIR_LIMIT),
    };
    if (storage === 'redis') {
      redis ??= await connectTestRedis();
      const prefix = uniquePrefix(`throttling-${framework}`);
      prefixes.push(prefix);
      Object.assign(env, { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix });
    }
    server = await startServerProcess(build.main, env);
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
  });

  it(`lets ${SUCCESSES} successful logins from one address through (the address may fail ${SOURCE_LIMIT} times): successes use no budget`, async () => {
    for (let n = 0; n < SUCCESSES; n += 2) {
      // Two at a time: the source counter also sees logins in flight.
      const replies = await Promise.all([login(ADMIN.email, ADMIN.password, A), login(ADMIN.email, ADMIN.password, A)]);
      for (const reply of replies) expect(reply.status, `logins ${n + 1}–${n + 2}: ${reply.text}`).toBe(200);
    }
  }, 90_000);

  it('a flood of wrong passwords for one email from one address does not lock the owner out from another', async () => {
    const admin = await login(ADMIN.email, ADMIN.password, B);
    expect(admin.status, admin.text).toBe(200);
    const owner = { email: `owner-${framework}-${storage}@throttle.example`, password: 'owner-password-0123' };
    const created = await send(server.baseUrl, B, 'POST', '/v2/users', { ...owner, role: 'agent' }, admin.body.token);
    expect(created.status, created.text).toBe(201);

    for (let n = 0; n < PAIR_LIMIT; n += 1) expect((await login(owner.email, 'wrong-password-123', A)).status).toBe(401);
    for (let n = 0; n < 5; n += 1) {
      const refused = await login(owner.email, 'wrong-password-123', A);
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('ERR_LOGIN_THROTTLED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
    }
    // The right password from the flooding address is refused too, without a password check...
    const fromA = await login(owner.email, owner.password, A);
    expect(fromA.status).toBe(429);
    expect(fromA.body.retryAfter).toBe(Number(fromA.headers['retry-after']));
    // ...while the owner, from another address, logs in.
    const fromB = await login(owner.email, owner.password, B);
    expect(fromB.status, fromB.text).toBe(200);
    expect(fromB.body.user).toBe(created.body.id);
    // The flooding address can still log other accounts in.
    expect((await login(ADMIN.email, ADMIN.password, A)).status).toBe(200);
  }, 60_000);
});
