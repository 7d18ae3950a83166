// Hostile request bodies against the built server (`node dist/main.js`), on Express, Fastify and
// Koa, each in memory and on Redis (127.0.0.1:6379 or REDIS_URL, under a unique key prefix; a
// missing Redis fails this file). The reproduction (a guest's body nested 6,000 levels)
// must be refused before anything is stored, leaving the process alive and every list
// answering; every case of the body table (test/support/body-cases.ts, docs/request-bodies.md)
// gets the same JSON answer everywhere; and an unexpected failure is a JSON 500, logged once.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyCases, DEEP_BODY } from '../../../test/support/body-cases.js';
import { send, type Reply } from '../../../test/conformance/fixtures/http.js';
import { TEST_REDIS_URL, connectTestRedis, deleteKeys, uniquePrefix } from '../../../test/support/redis.js';
import { buildServer, startServerProcess, type Build, type ServerProcess } from './server-process.js';
import { COLLECTIONS } from './collections.js';

const FRAMEWORKS = ['express', 'fastify', 'koa'] as const;
const STORAGES = ['memory', 'redis'] as const;
const BODY_LIMIT = 100 * 1024;
const JWT_SECRET = randomBytes(32).toString('hex');
const ADMIN = { email: 'admin@hostile.example', password: 'hostile-admin-password' };
const GUEST = { email: 'guest@hostile.example', password: 'hostile-guest-password' };

interface Running {
  readonly server: ServerProcess;
  readonly prefix: string | undefined;
  readonly admin: string;
  readonly guest: string;
}

let build: Build;
let redis: Redis;
const running = new Map<string, Running>();

function bearer(token: string): ReadonlyArray<readonly [string, string]> {
  return [['authorization', `Bearer ${token}`]];
}

async function login(baseUrl: string, user: { email: string; password: string }): Promise<string> {
  const reply = await send(baseUrl, '/v2/auth/token', { method: 'POST', json: user });
  if (reply.status !== 200) throw new Error(`login answered ${reply.status}: ${reply.text}`);
  return reply.json.token as string;
}

/** A JSON error answer with the stable code, and nothing a framework's error page would show. */
function expectJsonError(reply: Reply, status: number, code: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(String(reply.headers['content-type'])).toMatch(/^application\/json/);
  expect(reply.json).toMatchObject({ code, message: expect.any(String) });
  expect(reply.text).not.toMatch(/<html|<pre|<!doctype|\bat \S+ \(|node_modules|stack/i);
}

beforeAll(async () => {
  build = buildServer();
  redis = await connectTestRedis();
  await Promise.all(
    FRAMEWORKS.flatMap((framework) =>
      STORAGES.map(async (storage) => {
        const prefix = storage === 'redis' ? uniquePrefix(`hostile-${framework}`) : undefined;
        const server = await startServerProcess(build.main, {
          PORT: '0',
          FRAMEWORK: framework,
          JWT_SECRET,
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          ...(prefix === undefined ? {} : { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix }),
        });
        const admin = await login(server.baseUrl, ADMIN);
        const created = await send(server.baseUrl, '/v2/users', { method: 'POST', headers: bearer(admin), json: { ...GUEST, role: 'guest' } });
        if (created.status !== 201) throw new Error(`creating the guest answered ${created.status}: ${created.text}`);
        running.set(`${framework}/${storage}`, { server, prefix, admin, guest: await login(server.baseUrl, GUEST) });
      }),
    ),
  );
}, 90_000);

afterAll(async () => {
  for (const { server, prefix } of running.values()) {
    server.child.kill('SIGKILL');
    if (prefix !== undefined) await deleteKeys(redis, prefix);
  }
  redis?.disconnect();
  build?.remove();
});

describe.each(FRAMEWORKS.flatMap((framework) => STORAGES.map((storage) => ({ framework, storage, key: `${framework}/${storage}` }))))(
  '$framework, $storage',
  ({ key, storage }) => {
    const the = (): Running => {
      const found = running.get(key);
      if (!found) throw new Error(`no server for ${key}`);
      return found;
    };

    it("the issue's reproduction: a guest's body nested 6,000 levels → 400 ERR_BODY_TOO_DEEP; the server lives and every list answers", async () => {
      const { server, admin, guest } = the();
      const reply = await send(server.baseUrl, '/v2/messages', {
        method: 'POST',
        headers: [...bearer(guest), ['content-type', 'application/json']],
        body: DEEP_BODY,
      });
      expectJsonError(reply, 400, 'ERR_BODY_TOO_DEEP');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server.child.exitCode).toBeNull();
      expect((await send(server.baseUrl, '/health')).status).toBe(200);
      for (const path of COLLECTIONS) {
        for (const token of [admin, guest]) {
          const list = await send(server.baseUrl, path, { headers: bearer(token) });
          if (list.status === 403) continue; // a guest may not list every collection
          expect(list.status, `${path}: ${list.text}`).toBe(200);
          expect(Array.isArray(list.json)).toBe(true);
        }
      }
    });

    it.each(bodyCases(BODY_LIMIT).map((row) => ({ ...row, label: row.name })))('$label → $status $code', async (row) => {
      const { server, admin } = the();
      const contact = await send(server.baseUrl, '/v2/contacts', { method: 'POST', headers: bearer(admin), json: { name: 'target' } });
      expect(contact.status).toBe(201);
      const id = row.id ?? (contact.json.id as string);
      const path = { create: '/v2/contacts', update: `/v2/contacts/${id}`, delete: `/v2/contacts/${id}`, fetch: `/v2/organizations/${id}` }[
        row.route
      ];
      const method = { create: 'POST', update: 'PATCH', delete: 'DELETE', fetch: 'GET' }[row.route];
      const reply = await send(server.baseUrl, path, {
        method,
        headers: [...bearer(admin), ...row.headers],
        ...(row.body === undefined ? {} : { body: row.body }),
      });
      if (row.code === undefined) expect(reply.status, reply.text).toBe(row.status);
      else expectJsonError(reply, row.status, row.code);
      expect((await send(server.baseUrl, '/v2/contacts', { headers: bearer(admin) })).status).toBe(200);
    });

    it('an anonymous client never gets a body read: 401 whatever the body', async () => {
      const { server } = the();
      for (const headers of [
        [
          ['content-type', 'application/json'],
          ['content-encoding', 'gzip'],
        ],
        [['content-type', 'text/plain']],
      ] as const) {
        const reply = await send(server.baseUrl, '/v2/messages', { method: 'POST', headers, body: DEEP_BODY });
        expectJsonError(reply, 401, 'ERR_AUTH_REQUIRED');
      }
    });

    // Redis mode only: in memory nothing outside the server can corrupt a record.
    if (storage === 'redis') {
      it('a record the storage cannot read → JSON 500 ERR_INTERNAL, logged once; the server keeps serving', async () => {
        const { server, prefix, admin } = the();
        const id = randomBytes(12).toString('hex');
        // A document another writer corrupted: not JSON.
        await redis.hset(`${prefix}col:{contacts}:docs`, `v:${id}`, '1', `d:${id}`, '{not json');
        const logged = (): number => (server.stderr().match(/unexpected error/g) ?? []).length;
        const before = logged();
        const reply = await send(server.baseUrl, `/v2/contacts/${id}`, { headers: bearer(admin) });
        expectJsonError(reply, 500, 'ERR_INTERNAL');
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(logged()).toBe(before + 1);
        expect(server.child.exitCode).toBeNull();
        expect((await send(server.baseUrl, '/health')).status).toBe(200);
        expect((await send(server.baseUrl, '/v2/contacts', { headers: bearer(admin) })).status).toBe(200);
      });
    }
  },
);
