// Login throttling end to end, after the security review: known sources (an address a user
// logged in from skips the per-address and per-email limits), IPv6 clients counted per /64, and
// TRUST_PROXY (the X-Forwarded-For client is the source; without it the header is ignored). The
// built server as its own process on each framework, in memory and on Redis (a missing Redis
// fails this file). 127.0.0.1 and 127.0.0.2 are two sockets; X-Forwarded-For names the clients.
import { randomBytes } from 'node:crypto';
import { requestFrom, type FromAnswer } from './http-client.js';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, connectTestRedis, deleteKeys, listKeys, uniquePrefix } from '../../../test/support/redis.js';
import { buildServer, startServerProcess, type Build, type ServerProcess } from './server-process.js';

const FRAMEWORKS = ['express', 'fastify', 'koa'] as const;
const STORAGES = ['memory', 'redis'] as const;
const CONFIGURATIONS = FRAMEWORKS.flatMap((framework) => STORAGES.map((storage) => [framework, storage] as const));
const ADMIN = { email: 'admin@sources.example', password: 'sources-admin-password' };
const SOURCE_LIMIT = 3;
const PAIR_LIMIT = 2;
const EMAIL_LIMIT = 4;
const WRONG = 'wrong-password-123';

/** One JSON POST from the socket address `from`, optionally with an X-Forwarded-For header. */
function send(baseUrl: string, from: string, path: string, body: unknown, forwardedFor?: string, token?: string): Promise<FromAnswer> {
  return requestFrom(baseUrl, from, 'POST', path, { body, forwardedFor, token });
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

async function start(framework: string, storage: string, extra: Record<string, string>): Promise<ServerProcess> {
  const env: Record<string, string> = {
    PORT: '0',
    FRAMEWORK: framework,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOGIN_MAX_FAILURES_PER_SOURCE: String(SOURCE_LIMIT),
    LOGIN_MAX_FAILURES_PER_EMAIL_AND_SOURCE: String(PAIR_LIMIT),
    LOGIN_MAX_FAILURES_PER_EMAIL: String(EMAIL_LIMIT),
    ...extra,
  };
  if (storage === 'redis') {
    redis ??= await connectTestRedis();
    const prefix = uniquePrefix(`throttling-sources-${framework}`);
    prefixes.push(prefix);
    Object.assign(env, { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix });
  }
  return startServerProcess(build.main, env);
}

describe.each(CONFIGURATIONS)('%s, %s', (framework, storage) => {
  // Hops on one storage, an address list (only 127.0.0.2 is the proxy) on the other.
  const trustProxy = storage === 'memory' ? '1' : '127.0.0.2';
  const PROXY = '127.0.0.2';
  let proxied: ServerProcess;
  let direct: ServerProcess;
  const viaProxy = (email: string, password: string, client: string): Promise<FromAnswer> =>
    send(proxied.baseUrl, PROXY, '/v2/auth/token', { email, password }, client);

  beforeAll(async () => {
    [proxied, direct] = await Promise.all([start(framework, storage, { TRUST_PROXY: trustProxy }), start(framework, storage, {})]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([proxied?.stop(), direct?.stop()]);
  });

  it(`TRUST_PROXY=${trustProxy}: the X-Forwarded-For client is the source (the proxy's own address is not)`, async () => {
    for (let n = 0; n < SOURCE_LIMIT; n += 1) expect((await viaProxy(`nobody${n}@sources.example`, WRONG, '198.51.100.9')).status).toBe(401);
    const refused = await viaProxy('nobody9@sources.example', WRONG, '198.51.100.9');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('ERR_LOGIN_THROTTLED');
    // Another client behind the same proxy has its own budget; only the last entry is believed.
    expect((await viaProxy('nobody9@sources.example', WRONG, '198.51.100.10')).status).toBe(401);
    expect((await viaProxy(ADMIN.email, ADMIN.password, '198.51.100.9, 198.51.100.11')).status).toBe(200);
    expect((await viaProxy('nobody9@sources.example', WRONG, '198.51.100.10, 198.51.100.9')).status).toBe(429);
  }, 60_000);

  if (trustProxy !== '1') {
    it('TRUST_PROXY=<address>: X-Forwarded-For from any other address is ignored', async () => {
      // Different emails each time: only the per-source counter can refuse.
      const from = (n: number, client: string) =>
        send(proxied.baseUrl, '127.0.0.1', '/v2/auth/token', { email: `spoof${n}@sources.example`, password: WRONG }, client);
      for (let n = 0; n < SOURCE_LIMIT; n += 1) expect((await from(n, `203.0.113.${n}`)).status).toBe(401);
      expect((await from(9, '203.0.113.200')).status).toBe(429);
    }, 60_000);
  }

  it('without TRUST_PROXY, X-Forwarded-For is ignored: the socket address is the source', async () => {
    // Different emails each time: only the per-source counter can refuse.
    const from = (socket: string, n: number, client: string) =>
      send(direct.baseUrl, socket, '/v2/auth/token', { email: `spoof${n}@sources.example`, password: WRONG }, client);
    for (let n = 0; n < SOURCE_LIMIT; n += 1) expect((await from('127.0.0.1', n, `203.0.113.${n}`)).status).toBe(401);
    expect((await from('127.0.0.1', 9, '203.0.113.200')).status).toBe(429);
    expect((await from('127.0.0.2', 9, '203.0.113.0')).status).toBe(401);
  }, 60_000);

  it('known sources: neither a distributed flood on the account nor a flood from the same address locks the owner out of an address it used', async () => {
    const admin = await viaProxy(ADMIN.email, ADMIN.password, '192.0.2.1');
    expect(admin.status, admin.text).toBe(200);
    const owner = { email: `owner-${framework}-${storage}@sources.example`, password: 'owner-password-0123' };
    const made = await send(proxied.baseUrl, PROXY, '/v2/users', { ...owner, role: 'agent' }, '192.0.2.1', admin.body.token);
    expect(made.status, made.text).toBe(201);

    const HOME = '203.0.113.50';
    expect((await viaProxy(owner.email, owner.password, HOME)).status).toBe(200);
    // A distributed flood: EMAIL_LIMIT failures from two addresses reach the per-email backstop.
    for (const attacker of ['198.18.0.1', '198.18.0.2']) {
      for (let n = 0; n < PAIR_LIMIT; n += 1) expect((await viaProxy(owner.email, WRONG, attacker)).status).toBe(401);
    }
    expect((await viaProxy(owner.email, owner.password, '198.18.0.3')).status).toBe(429); // a new address: refused
    expect((await viaProxy(owner.email, owner.password, HOME)).status).toBe(200); // the known one: not
    // A flood from the owner's own address (a NAT) on other accounts.
    for (let n = 0; n < SOURCE_LIMIT; n += 1) expect((await viaProxy(`nat${n}@sources.example`, WRONG, HOME)).status).toBe(401);
    expect((await viaProxy('nat9@sources.example', WRONG, HOME)).status).toBe(429);
    expect((await viaProxy(owner.email, owner.password, HOME)).status).toBe(200);
  }, 90_000);

  it("builds a list's next-page Link on the protocol and host a trusted proxy forwarded, and only then", async () => {
    const admin = await viaProxy(ADMIN.email, ADMIN.password, '192.0.2.77');
    expect(admin.status, admin.text).toBe(200);
    const token = admin.body.token as string;
    for (const topic of ['one', 'two']) {
      expect((await send(proxied.baseUrl, PROXY, '/v2/conversations', { topic }, '192.0.2.77', token)).status).toBe(201);
    }
    // One value each (with several, Express and Koa take the first, Fastify the last).
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' };
    const list = (server: ServerProcess, from: string) =>
      requestFrom(server.baseUrl, from, 'GET', '/v2/conversations?limit=1', { token, forwardedFor: '192.0.2.77', headers: forwarded });
    expect((await list(proxied, PROXY)).headers.link).toBe('<https://api.example.com/v2/conversations?limit=1&offset=1>; rel="next"');
    if (trustProxy !== '1') {
      // Not from the proxy: the headers are the client's own, and not believed.
      expect((await list(proxied, '127.0.0.1')).headers.link).toBe(`<${proxied.baseUrl}/v2/conversations?limit=1&offset=1>; rel="next"`);
    }
  });

  it('IPv6 clients are counted per /64', async () => {
    const email = `v6-${framework}-${storage}@sources.example`;
    expect((await viaProxy(email, WRONG, '2001:db8:5:6::1')).status).toBe(401);
    expect((await viaProxy(email, WRONG, '2001:db8:5:6:ffff::2')).status).toBe(401);
    expect((await viaProxy(email, WRONG, '2001:DB8:5:6::3')).status).toBe(429);
    expect((await viaProxy(email, WRONG, '2001:db8:5:7::1')).status).toBe(401);
  }, 60_000);
});
