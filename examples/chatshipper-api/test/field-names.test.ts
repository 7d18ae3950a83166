// Issue #11, item 6, end to end: the reference server, built and started as its own process on
// each framework, in memory and on Redis (127.0.0.1:6379 or REDIS_URL; a missing Redis fails this
// file), refuses body field names with control characters and look-alikes of a User's protected
// fields (400 ERR_FIELD_NAME_INVALID) before any handler runs, and stores none of them.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, connectTestRedis, deleteKeys, listKeys, uniquePrefix } from '../../../test/support/redis.js';
import { HOSTILE_USER_FIELDS as HOSTILE } from '../../../test/support/field-name-cases.js';
import { request, type Answer, type RequestOptions } from './http-client.js';
import { buildServer, startServerProcess, type Build, type ServerProcess } from './server-process.js';

const FRAMEWORKS = ['express', 'fastify', 'koa'] as const;
const STORAGES = ['memory', 'redis'] as const;
type Framework = (typeof FRAMEWORKS)[number];
type Storage = (typeof STORAGES)[number];

const JWT_SECRET = randomBytes(32).toString('hex');
const ADMIN = { email: 'admin@field-names.example', password: 'field-names-admin-password' };
const PASSWORD = 'field-names-user-password';
const PREFIX = uniquePrefix('field-names');

let build: Build;
let redis: Redis;
const servers = new Map<string, ServerProcess>();

beforeAll(async () => {
  redis = await connectTestRedis();
  build = buildServer();
  await Promise.all(
    FRAMEWORKS.flatMap((framework) =>
      STORAGES.map(async (storage) => {
        const env: Record<string, string> = {
          PORT: '0',
          FRAMEWORK: framework,
          JWT_SECRET,
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          ...(storage === 'redis' ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `${PREFIX}${framework}:` } : {}),
        };
        servers.set(`${framework}/${storage}`, await startServerProcess(build.main, env));
      }),
    ),
  );
}, 60_000);

afterAll(async () => {
  for (const server of servers.values()) await server.stop();
  if (redis) {
    await deleteKeys(redis, PREFIX);
    expect(await listKeys(redis, PREFIX)).toEqual([]);
    redis.disconnect();
  }
  build?.remove();
});

/** Everything stored under a Redis key prefix, as text (values, hash fields, members). */
async function dumpRedis(prefix: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await listKeys(redis, prefix)) {
    const type = await redis.type(key);
    if (type === 'string') parts.push((await redis.get(key)) ?? '');
    else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
    else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
    else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
  }
  return parts.join('\n');
}

describe.each(FRAMEWORKS.flatMap((framework) => STORAGES.map((storage) => ({ framework, storage }))))(
  'field names on $framework, $storage',
  ({ framework, storage }: { framework: Framework; storage: Storage }) => {
    let baseUrl: string;
    let admin: string;
    let guest: { id: string; token: string };
    let other: { id: string; email: string };

    const call = (method: string, path: string, options?: RequestOptions): Promise<Answer> => request(baseUrl, method, path, options);

    async function login(email: string, password: string): Promise<{ token: string; user: string }> {
      const answer = await call('POST', '/v2/auth/token', { body: { email, password } });
      expect(answer.status, answer.text).toBe(200);
      return answer.body as { token: string; user: string };
    }

    function expectRefused(answer: Answer): void {
      expect(answer.status, answer.text).toBe(400);
      expect(answer.body).toEqual({ code: 'ERR_FIELD_NAME_INVALID', message: expect.any(String) });
      // eslint-disable-next-line no-control-regex
      expect(answer.text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    }

    beforeAll(async () => {
      const server = servers.get(`${framework}/${storage}`);
      if (!server) throw new Error('server not started');
      baseUrl = server.baseUrl;
      admin = (await login(ADMIN.email, ADMIN.password)).token;
      const created: { id: string; email: string }[] = [];
      for (const name of ['gina', 'olga']) {
        const email = `${name}-${randomBytes(3).toString('hex')}@field-names.example`;
        const answer = await call('POST', '/v2/users', { token: admin, body: { email, password: PASSWORD, role: 'guest' } });
        expect(answer.status, answer.text).toBe(201);
        created.push({ id: answer.body.id as string, email });
      }
      const [gina, olga] = created as [{ id: string; email: string }, { id: string; email: string }];
      guest = { id: gina.id, token: (await login(gina.email, PASSWORD)).token };
      other = olga;
    }, 30_000);

    it.each(HOSTILE)('guest PATCH of its own record with %s → 400 ERR_FIELD_NAME_INVALID', async (_label, name) => {
      expectRefused(await call('PATCH', `/v2/users/${guest.id}`, { token: guest.token, body: { [name]: 'admin' } }));
    });

    it.each(HOSTILE)('admin PATCH of another user with %s → 400 ERR_FIELD_NAME_INVALID', async (_label, name) => {
      expectRefused(await call('PATCH', `/v2/users/${other.id}`, { token: admin, body: { name: 'Olga', [name]: 'admin' } }));
    });

    it('admin POST /v2/users with a look-alike of role → 400, and no user is created', async () => {
      const email = `mallory-${randomBytes(3).toString('hex')}@field-names.example`;
      expectRefused(await call('POST', '/v2/users', { token: admin, body: { email, password: PASSWORD, role: 'guest', 'r\u043Ele': 'admin' } }));
      const listed = await call('GET', '/v2/users', { token: admin });
      expect(listed.status).toBe(200);
      expect((listed.body as { email: string }[]).map((user) => user.email)).not.toContain(email);
    });

    it('legitimate changes still work: guest `name` → 200, guest `role` → 403, admin `role` → 200', async () => {
      const named = await call('PATCH', `/v2/users/${guest.id}`, { token: guest.token, body: { name: 'Gina', roles: 'x', 'r\u00F2le': 'y' } });
      expect(named.status, named.text).toBe(200);
      const promoted = await call('PATCH', `/v2/users/${guest.id}`, { token: guest.token, body: { role: 'admin' } });
      expect(promoted.status, promoted.text).toBe(403);
      expect(promoted.body.code).toBe('ERR_INSUFFICIENT_SCOPE');
      const changed = await call('PATCH', `/v2/users/${other.id}`, { token: admin, body: { role: 'agent' } });
      expect(changed.status, changed.text).toBe(200);
      expect(changed.body.role).toBe('agent');
    });

    it('a resource without protected fields takes look-alikes of nothing, but never a control character', async () => {
      const created = await call('POST', '/v2/conversations', { token: admin, body: { 'r\u043Ele': 'fine', Role: 'fine' } });
      expect(created.status, created.text).toBe(201);
      expectRefused(await call('POST', '/v2/conversations', { token: admin, body: { 'topic\u0000': 'x' } }));
    });

    it('no refused name was stored: fetches show none, the guest is still a guest', async () => {
      for (const id of [guest.id, other.id]) {
        const fetched = await call('GET', `/v2/users/${id}`, { token: admin });
        expect(fetched.status).toBe(200);
        const keys = Object.keys(fetched.body as object);
        for (const [, name] of HOSTILE) expect(keys).not.toContain(name);
      }
      const self = await call('GET', `/v2/users/${guest.id}`, { token: guest.token });
      expect(self.body).toMatchObject({ role: 'guest', name: 'Gina' });
      if (storage === 'redis') {
        const stored = await dumpRedis(`${PREFIX}${framework}:`);
        expect(stored).toContain('Gina');
        for (const [, name] of [...HOSTILE, ['', 'topic\u0000'] as const]) expect(stored).not.toContain(JSON.stringify(name));
      }
    });
  },
);
