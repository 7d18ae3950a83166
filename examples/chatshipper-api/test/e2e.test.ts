// End to end: the built server (`node dist/main.js`, as `pnpm start` runs it) as a separate
// process per framework, driven over HTTP. The permission matrix comes from the policy's own
// decision table, never from a copy.
import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { chatshipperPolicy, type DecisionRow } from '@scopeladder/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type Answer, type RequestOptions } from './http-client.js';
import { buildServer, runToExit, startServerProcess, type Build, type ServerProcess } from './server-process.js';

const FRAMEWORKS = ['express', 'fastify', 'koa'] as const;
type Framework = (typeof FRAMEWORKS)[number];
type Role = 'guest' | 'agent' | 'bot' | 'admin';
const ROLES: readonly Role[] = ['guest', 'agent', 'bot', 'admin'];

/** The REST paths of ARCHITECTURE.md ("Reference server contract"). */
const PATHS: Readonly<Record<string, string>> = {
  Organization: '/v2/organizations',
  OrganizationGroup: '/v2/organizationgroups',
  User: '/v2/users',
  Conversation: '/v2/conversations',
  Message: '/v2/messages',
  Contact: '/v2/contacts',
  KnowledgeItem: '/v2/knowledgeitems',
  Form: '/v2/forms',
  Service: '/v2/services',
};

const SUCCESS_STATUS: Readonly<Record<string, number>> = { list: 200, fetch: 200, create: 201, update: 200, delete: 204 };
const ID = /^[0-9a-f]{24}$/;
const PASSWORD = 'e2e-password-1';
const SHORT_TTL_SECONDS = 2;

interface Actor {
  readonly role: Role;
  readonly id: string;
  readonly email: string;
  /** A bearer credential: a JWT for people, the API key for the bot. */
  readonly token: string;
}

interface Servers {
  readonly main: ServerProcess;
  /** Started with ACCESS_TOKEN_TTL=2s; logged in to at once, checked for expiry last. */
  readonly shortTtl: ServerProcess;
  readonly shortTtlLogin: { token: string; refreshToken: string; at: number };
}

const servers = new Map<Framework, Servers>();
let build: Build;
/** Every secret the servers handed out or were given, to prove none reaches a log line. */
const secrets = new Set<string>([PASSWORD]);

function remember(value: unknown): void {
  if (typeof value === 'string' && value.length >= 8) secrets.add(value);
}

/** The login the banner's ready-to-paste curl sends, read from the server's own stdout. */
function bannerLogin(server: ServerProcess): { email: string; password: string } {
  const line = server
    .stdout()
    .split('\n')
    .find((text) => text.includes('curl ') && text.includes('/v2/auth/token'));
  const quoted = /-d '([^']*)'/.exec(line ?? '');
  if (!quoted?.[1]) throw new Error(`no login curl in the banner:\n${server.stdout()}`);
  return JSON.parse(quoted[1]) as { email: string; password: string };
}

async function login(baseUrl: string, email: string, password: string): Promise<Answer> {
  return request(baseUrl, 'POST', '/v2/auth/token', { body: { email, password } });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

beforeAll(async () => {
  // Build once, the way `pnpm start` does (a single tsup bundle, a fraction of a second).
  build = buildServer();

  await Promise.all(
    FRAMEWORKS.map(async (framework) => {
      const [main, shortTtl] = await Promise.all([
        startServerProcess(build.main, { PORT: '0', FRAMEWORK: framework }),
        startServerProcess(build.main, {
          PORT: '0',
          FRAMEWORK: framework,
          ACCESS_TOKEN_TTL: `${SHORT_TTL_SECONDS}s`,
          ADMIN_EMAIL: 'ttl-admin@example.com',
          ADMIN_PASSWORD: PASSWORD,
        }),
      ]);
      const answer = await login(shortTtl.baseUrl, 'ttl-admin@example.com', PASSWORD);
      expect(answer.status).toBe(200);
      remember(answer.body.token);
      remember(answer.body.refreshToken);
      remember(bannerLogin(main).password);
      servers.set(framework, {
        main,
        shortTtl,
        shortTtlLogin: { token: answer.body.token, refreshToken: answer.body.refreshToken, at: Date.now() },
      });
    }),
  );
}, 60_000);

afterAll(async () => {
  // Tests stop the servers themselves; this only cleans up after a failure.
  for (const { main, shortTtl } of servers.values()) {
    main.child.kill('SIGKILL');
    shortTtl.child.kill('SIGKILL');
  }
  build?.remove();
});

describe('startup configuration', () => {
  it('refuses to start on invalid configuration, naming every bad variable and no secret', async () => {
    const result = await runToExit(build.main, { FRAMEWORK: 'hapi', PORT: 'x', JWT_SECRET: 'too-short-secret' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('FRAMEWORK must be one of express, fastify, koa');
    expect(result.stderr).toContain('PORT must be');
    expect(result.stderr).toContain('JWT_SECRET must be at least 32 bytes');
    expect(result.stderr).not.toContain('too-short-secret');
    expect(result.stdout).toBe('');
  });

  it('refuses REDIS_URL without JWT_SECRET: instances must share the signing secret', async () => {
    // (Redis mode itself is tested in multi-instance.test.ts and redis-outage.test.ts.)
    const result = await runToExit(build.main, { PORT: '0', REDIS_URL: 'redis://:hunter2-secret@127.0.0.1:1' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('JWT_SECRET must be set when REDIS_URL is set');
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stdout).toBe('');
  });
});

describe.each(FRAMEWORKS)('%s', (framework) => {
  let server: ServerProcess;
  let baseUrl: string;
  /** The bootstrap admin's token and record. */
  let root: Actor & { organization: string };
  const actors = new Map<Role, Actor>();
  /** One record of each non-user type, created by the bootstrap admin: the "another's" targets. */
  const targets = new Map<string, string>();
  /** A guest that is nobody's self: the "another's id" of the User rows. */
  let other: Actor;

  const call = (method: string, path: string, options?: RequestOptions) => request(baseUrl, method, path, options);

  async function createUser(role: Role, extra: Record<string, unknown> = {}): Promise<Answer> {
    const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
    const body = role === 'bot' ? { email, role, ...extra } : { email, password: PASSWORD, role, ...extra };
    const answer = await call('POST', '/v2/users', { token: root.token, body });
    expect(answer.status, answer.text).toBe(201);
    remember(answer.body.apiToken);
    return answer;
  }

  async function createActor(role: Role): Promise<Actor> {
    const created = await createUser(role);
    if (role === 'bot') return { role, id: created.body.id, email: created.body.email, token: created.body.apiToken };
    const tokens = await login(baseUrl, created.body.email, PASSWORD);
    expect(tokens.status).toBe(200);
    remember(tokens.body.token);
    remember(tokens.body.refreshToken);
    return { role, id: created.body.id, email: created.body.email, token: tokens.body.token };
  }

  /** A fresh record to delete: a user (a bot: no password to hash, so it is quick), or a document. */
  async function freshRecord(resource: string): Promise<string> {
    if (resource === 'User') return (await createUser('bot')).body.id as string;
    const answer = await call('POST', PATHS[resource] ?? '', { token: root.token, body: { name: 'to delete' } });
    expect(answer.status).toBe(201);
    return answer.body.id as string;
  }

  beforeAll(async () => {
    const started = servers.get(framework);
    if (!started) throw new Error('server not started');
    server = started.main;
    baseUrl = server.baseUrl;
  });

  describe('bootstrap and users', () => {
    it('prints where it listens, the framework, the generated admin and a curl that logs in', async () => {
      expect(server.stdout()).toContain(`listening on ${baseUrl} (framework: ${framework}`);
      const { email, password } = bannerLogin(server);
      const answer = await login(baseUrl, email, password);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ tokenType: 'Bearer', scope: 'admin', user: expect.stringMatching(ID) });
      expect(answer.body.refreshToken).toMatch(new RegExp(`^${answer.body.user}\\.[0-9a-f]{80}$`));
      expect(answer.headers.get('cache-control')).toContain('no-store');
      remember(answer.body.token);
      remember(answer.body.refreshToken);
      const me = await call('GET', `/v2/users/${answer.body.user}`, { token: answer.body.token });
      expect(me.status).toBe(200);
      root = { role: 'admin', id: me.body.id, email, token: answer.body.token, organization: me.body.organization };
      expect(root.organization).toMatch(ID);
    });

    it('answers /health without authentication', async () => {
      const answer = await call('GET', '/health');
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ status: 'ok', framework, storage: 'memory' });
      expect(answer.body.redis).toBeUndefined();
    });

    it('creates a user of each role; a bot gets its API key once, as apiToken', async () => {
      for (const role of ROLES) actors.set(role, await createActor(role));
      other = await createActor('guest');
      const bot = actors.get('bot');
      expect(bot?.token).toMatch(/^[0-9a-f]{32}$/);
      const listed = await call('GET', '/v2/users', { token: root.token });
      expect(listed.status).toBe(200);
      for (const role of ROLES) {
        const actor = actors.get(role);
        const record = listed.body.find((user: { id: string }) => user.id === actor?.id);
        expect(record).toMatchObject({ id: actor?.id, email: actor?.email, role, organization: root.organization });
        expect(record).not.toHaveProperty('apiToken');
      }
      const fetchedBot = await call('GET', `/v2/users/${bot?.id}`, { token: root.token });
      expect(fetchedBot.body).not.toHaveProperty('apiToken');
    });

    it('never answers a password, a hash or a key digest in a user record', async () => {
      const texts = [
        (await call('GET', '/v2/users', { token: root.token })).text,
        (await call('GET', `/v2/users/${other.id}`, { token: root.token })).text,
        (await call('PATCH', `/v2/users/${other.id}`, { token: root.token, body: { name: 'Other' } })).text,
        (await createUser('agent')).text,
      ];
      for (const text of texts) {
        expect(text).not.toMatch(/password|hash|digest|scrypt/i);
        expect(text).not.toContain(PASSWORD);
      }
    });

    it('rejects bad user bodies with 400', async () => {
      const post = (body: unknown) => call('POST', '/v2/users', { token: root.token, body });
      expect((await post({ email: 'x@example.com', password: PASSWORD, role: 'owner' })).status).toBe(400);
      expect((await post({ email: 'not-an-email', password: PASSWORD, role: 'guest' })).status).toBe(400);
      expect((await post({ email: 'x@example.com', role: 'agent' })).status).toBe(400);
      expect((await post({ email: other.email, password: PASSWORD, role: 'guest' })).status).toBe(400);
      expect((await post({ email: 'y@example.com', password: PASSWORD, role: 'guest', id: 'a'.repeat(24) })).status).toBe(400);
      const answer = await post([1, 2]);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'ERR_INVALID_REQUEST', message: expect.any(String) });
    });

    it("adds a fresh id and the creator's organization to new resources", async () => {
      const agent = actors.get('agent');
      const answer = await call('POST', '/v2/conversations', { token: agent?.token, body: { topic: 'hello' } });
      expect(answer.status).toBe(201);
      // The root organization's path is its id.
      const organizationPath = root.organization;
      expect(answer.body).toEqual({ topic: 'hello', id: expect.stringMatching(ID), organization: root.organization, organizationPath });
      const fetched = await call('GET', `/v2/conversations/${answer.body.id}`, { token: agent?.token });
      expect(fetched.body).toEqual(answer.body);
      // The path is the server's; an organization that is none (or not within reach) is refused.
      const forged = await call('POST', '/v2/conversations', { token: agent?.token, body: { organizationPath: 'x' } });
      expect(forged.status).toBe(400);
      const elsewhere = await call('POST', '/v2/conversations', { token: agent?.token, body: { organization: 'x' } });
      expect(elsewhere.status).toBe(403);
    });
  });

  describe("the permission matrix, from the policy's decision table", () => {
    const rows: readonly DecisionRow[] = chatshipperPolicy.decisionTable();
    const cases = rows.flatMap((row) =>
      ROLES.map((role) => {
        const expected = row.allowed[role as keyof typeof row.allowed] ? 'allowed' : 'denied';
        const name = `${role}: ${row.action} ${row.resource}${row.self ? ' (self)' : ''} → ${expected}`;
        return [name, { row, role, expected }] as const;
      }),
    );

    it('covers every resource and action of the contract', () => {
      expect(new Set(rows.map((row) => row.resource))).toEqual(new Set(Object.keys(PATHS)));
      expect(cases.length).toBe(rows.length * ROLES.length);
    });

    beforeAll(async () => {
      for (const resource of Object.keys(PATHS)) {
        if (resource !== 'User') targets.set(resource, await freshRecord(resource));
      }
    });

    it.each(cases)('%s', async (_name, { row, role, expected }) => {
      const actor = actors.get(role);
      if (!actor) throw new Error(`no ${role} actor`);
      const base = PATHS[row.resource] ?? '';
      const targetId = row.self ? actor.id : row.resource === 'User' ? other.id : (targets.get(row.resource) ?? '');
      const options = { token: actor.token };
      let answer: Answer;
      switch (row.action) {
        case 'list':
          answer = await call('GET', base, options);
          break;
        case 'fetch':
          answer = await call('GET', `${base}/${targetId}`, options);
          break;
        case 'create': {
          const body =
            row.resource === 'User'
              ? { email: `new-${randomBytes(4).toString('hex')}@example.com`, password: PASSWORD, role: 'guest' }
              : { name: `made by ${role}` };
          answer = await call('POST', base, { ...options, body });
          break;
        }
        case 'update':
          answer = await call('PATCH', `${base}/${targetId}`, { ...options, body: { name: `updated by ${role}` } });
          break;
        case 'delete': {
          const id = await freshRecord(row.resource);
          answer = await call('DELETE', `${base}/${id}`, options);
          // Afterwards the record is gone exactly when the delete was allowed.
          const after = await call('GET', `${base}/${id}`, { token: root.token });
          expect(after.status).toBe(expected === 'allowed' ? 404 : 200);
          break;
        }
        default:
          throw new Error(`unknown action ${row.action}`);
      }
      if (expected === 'allowed') {
        expect(answer.status, answer.text).toBe(SUCCESS_STATUS[row.action]);
        if (row.action === 'fetch' || row.action === 'update') expect(answer.body.id).toBe(targetId);
      } else {
        expect(answer.status, answer.text).toBe(403);
        expect(answer.body).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE', requiredScope: row.requiredScope });
        expect(answer.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      }
    });
  });

  describe('"(self)" rows over HTTP', () => {
    it("lets a guest fetch and update its own record, but not another's", async () => {
      const guest = actors.get('guest');
      if (!guest) throw new Error('no guest');
      const own = await call('GET', `/v2/users/${guest.id}`, { token: guest.token });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ id: guest.id, email: guest.email, role: 'guest', organization: root.organization });
      expect((await call('GET', `/v2/users/${other.id}`, { token: guest.token })).status).toBe(403);
      const renamed = await call('PATCH', `/v2/users/${guest.id}`, { token: guest.token, body: { name: 'Guest' } });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: guest.id, name: 'Guest', role: 'guest' });
      expect((await call('PATCH', `/v2/users/${other.id}`, { token: guest.token, body: { name: 'x' } })).status).toBe(403);
    });

    it('answers 403, not 404, for an id that does not exist to those who may not see every user', async () => {
      const guest = actors.get('guest');
      const missing = randomBytes(12).toString('hex');
      expect((await call('GET', `/v2/users/${missing}`, { token: guest?.token })).status).toBe(403);
      expect((await call('GET', `/v2/users/${missing}`, { token: root.token })).status).toBe(404);
    });

    it('never lets a user raise its own role', async () => {
      for (const role of ['guest', 'agent'] as const) {
        const actor = actors.get(role);
        if (!actor) throw new Error(`no ${role}`);
        const answer = await call('PATCH', `/v2/users/${actor.id}`, { token: actor.token, body: { role: 'admin' } });
        expect(answer.status).toBe(403);
        expect(answer.body.code).toBe('ERR_INSUFFICIENT_SCOPE');
        const mixed = await call('PATCH', `/v2/users/${actor.id}`, { token: actor.token, body: { name: 'n', role: 'bot' } });
        expect(mixed.status).toBe(403);
        expect((await call('GET', `/v2/users/${actor.id}`, { token: root.token })).body.role).toBe(role);
      }
      const bot = actors.get('bot');
      const botAnswer = await call('PATCH', `/v2/users/${bot?.id}`, { token: bot?.token, body: { role: 'admin' } });
      expect(botAnswer.status).toBe(403);
    });

    it('lets a user change its own password (with `currentPassword`, issue #11), and logs in with the new one', async () => {
      const created = await createUser('agent');
      const tokens = await login(baseUrl, created.body.email, PASSWORD);
      const changed = await call('PATCH', `/v2/users/${created.body.id}`, {
        token: tokens.body.token,
        body: { password: 'a-new-password', currentPassword: PASSWORD },
      });
      expect(changed.status).toBe(200);
      secrets.add('a-new-password');
      expect((await login(baseUrl, created.body.email, PASSWORD)).status).toBe(401);
      expect((await login(baseUrl, created.body.email, 'a-new-password')).status).toBe(200);
    });

    it("lets an admin change another user's role", async () => {
      const created = await createUser('guest');
      const answer = await call('PATCH', `/v2/users/${created.body.id}`, { token: root.token, body: { role: 'agent' } });
      expect(answer.status).toBe(200);
      expect(answer.body.role).toBe('agent');
      const tokens = await login(baseUrl, created.body.email, PASSWORD);
      expect(tokens.body.scope).toBe('agent');
    });
  });

  describe('refresh tokens', () => {
    it('rotates: the new tokens work and replace the old ones; reuse revokes the session', async () => {
      const agent = actors.get('agent');
      const first = await login(baseUrl, agent?.email ?? '', PASSWORD);
      expect(first.status).toBe(200);
      remember(first.body.refreshToken);
      const refreshed = await call('GET', `/v2/auth/token?refreshToken=${encodeURIComponent(first.body.refreshToken)}`);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body).toMatchObject({ tokenType: 'Bearer', user: agent?.id, scope: 'agent' });
      expect(refreshed.body.refreshToken).not.toBe(first.body.refreshToken);
      expect(refreshed.body.token).not.toBe(first.body.token);
      remember(refreshed.body.token);
      remember(refreshed.body.refreshToken);
      expect((await call('GET', '/v2/conversations', { token: refreshed.body.token })).status).toBe(200);

      // The spent refresh token again: reuse. The whole family is revoked.
      const reused = await call('GET', `/v2/auth/token?refreshToken=${encodeURIComponent(first.body.refreshToken)}`);
      expect(reused.status).toBe(401);
      expect(reused.body.code).toBe('ERR_REFRESH_REUSED');
      expect(reused.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const afterReuse = await call('GET', `/v2/auth/token?refreshToken=${encodeURIComponent(refreshed.body.refreshToken)}`);
      expect(afterReuse.status).toBe(401);
      const revokedAccess = await call('GET', '/v2/conversations', { token: refreshed.body.token });
      expect(revokedAccess.status).toBe(401);
      expect(revokedAccess.body.code).toBe('ERR_TOKEN_REVOKED');
    });

    it('refuses an unknown or malformed refresh token with 401', async () => {
      const unknown = `${actors.get('agent')?.id}.${randomBytes(40).toString('hex')}`;
      expect((await call('GET', `/v2/auth/token?refreshToken=${unknown}`)).status).toBe(401);
      expect((await call('GET', '/v2/auth/token?refreshToken=nope')).status).toBe(401);
    });

    it('refuses a wrong password with 401 and the same answer for an unknown email', async () => {
      const wrong = await login(baseUrl, actors.get('agent')?.email ?? '', 'wrong-password');
      const unknown = await login(baseUrl, 'nobody@example.com', 'wrong-password');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
    });
  });

  describe('bot API keys are live', () => {
    it('a role change applies to the key on the next request', async () => {
      const created = await createUser('bot');
      const key = created.body.apiToken as string;
      const id = created.body.id as string;
      const setRole = async (role: Role) => {
        const answer = await call('PATCH', `/v2/users/${id}`, { token: root.token, body: { role } });
        expect(answer.status).toBe(200);
      };
      expect((await call('GET', '/v2/messages', { token: key })).status).toBe(200);
      await setRole('agent');
      expect((await call('GET', '/v2/messages', { token: key })).status).toBe(403);
      expect((await call('GET', '/v2/conversations', { token: key })).status).toBe(200);
      await setRole('guest');
      expect((await call('GET', '/v2/conversations', { token: key })).status).toBe(403);
      await setRole('bot');
      expect((await call('GET', '/v2/messages', { token: key })).status).toBe(200);
      // The key is capped at the bot scope: promoting the bot does not make the key an admin key.
      await setRole('admin');
      expect((await call('GET', '/v2/services', { token: key })).status).toBe(403);
      expect((await call('GET', '/v2/messages', { token: key })).status).toBe(200);
    });

    it('deleting the bot revokes its key at once', async () => {
      const created = await createUser('bot');
      const key = created.body.apiToken as string;
      expect((await call('GET', '/v2/messages', { token: key })).status).toBe(200);
      expect((await call('DELETE', `/v2/users/${created.body.id}`, { token: root.token })).status).toBe(204);
      const answer = await call('GET', '/v2/messages', { token: key });
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('ERR_API_KEY_INVALID');
      expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect((await call('GET', `/v2/users/${created.body.id}`, { token: root.token })).status).toBe(404);
    });

    it('a bot created without a password cannot log in', async () => {
      const created = await createUser('bot');
      expect((await login(baseUrl, created.body.email, PASSWORD)).status).toBe(401);
    });
  });

  describe('the answer table for bad credentials', () => {
    const expectChallenge = (answer: Answer, status: number, code: string, error?: string) => {
      expect(answer.status, answer.text).toBe(status);
      expect(answer.body).toMatchObject({ code, message: expect.any(String) });
      expect(answer.body).not.toHaveProperty('stack');
      const challenge = answer.headers.get('www-authenticate') ?? '';
      expect(challenge).toMatch(/^Bearer realm="chatshipper"/);
      if (error) expect(challenge).toContain(`error="${error}"`);
      else expect(challenge).not.toContain('error=');
    };

    it('missing Authorization → 401 with a Bearer challenge', async () => {
      expectChallenge(await call('GET', '/v2/conversations'), 401, 'ERR_AUTH_REQUIRED');
    });

    it('another scheme → 401 with a Bearer challenge', async () => {
      expectChallenge(await call('GET', '/v2/conversations', { authorization: 'Basic dXNlcjpwYXNz' }), 401, 'ERR_AUTH_SCHEME');
    });

    it('Bearer with no token, or with extra parts → 400 invalid_request', async () => {
      const token = actors.get('agent')?.token ?? '';
      for (const authorization of ['Bearer', `Bearer ${token} extra`, `Bearer  ${token}`]) {
        expectChallenge(await call('GET', '/v2/conversations', { authorization }), 400, 'ERR_AUTH_MALFORMED', 'invalid_request');
      }
    });

    it('two Authorization headers → 400 invalid_request', async () => {
      const token = actors.get('agent')?.token ?? '';
      const url = new URL('/v2/conversations', baseUrl);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(url, { method: 'GET' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.setHeader('authorization', [`Bearer ${token}`, `Bearer ${token}`]);
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(400);
    });

    it('a bad signature, alg none, a foreign key or a malformed JWT → 401 invalid_token', async () => {
      const token = actors.get('admin')?.token ?? '';
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
      const none = `${base64url(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${payload}.`;
      const foreign = `${header}.${payload}.${createHmac('sha256', 'f'.repeat(32)).update(`${header}.${payload}`).digest('base64url')}`;
      for (const bad of [`${header}.${payload}.${flipped}`, none, foreign, 'abc.def.ghi', 'not-a-token']) {
        expectChallenge(await call('GET', '/v2/conversations', { token: bad }), 401, 'ERR_TOKEN_INVALID', 'invalid_token');
      }
    });

    it('an unknown API key → 401 invalid_token', async () => {
      const answer = await call('GET', '/v2/conversations', { token: randomBytes(16).toString('hex') });
      expectChallenge(answer, 401, 'ERR_API_KEY_INVALID', 'invalid_token');
    });

    it('a token in the query string is not a credential', async () => {
      const token = actors.get('admin')?.token ?? '';
      expectChallenge(await call('GET', `/v2/conversations?access_token=${token}`), 401, 'ERR_AUTH_REQUIRED');
    });

    it('scope too low → 403 insufficient_scope naming the scope needed', async () => {
      const answer = await call('GET', '/v2/services', { token: actors.get('bot')?.token });
      expectChallenge(answer, 403, 'ERR_INSUFFICIENT_SCOPE', 'insufficient_scope');
      expect(answer.headers.get('www-authenticate')).toContain('scope="admin"');
    });

    it('allowed but no such id → 404; unknown routes → 404; bad JSON → 400', async () => {
      const missing = randomBytes(12).toString('hex');
      const notFound = await call('GET', `/v2/contacts/${missing}`, { token: root.token });
      expect(notFound.status).toBe(404);
      expect(notFound.body.code).toBe('ERR_NOT_FOUND');
      expect((await call('DELETE', `/v2/contacts/${missing}`, { token: root.token })).status).toBe(404);
      expect((await call('PATCH', `/v2/contacts/not-an-id`, { token: root.token, body: {} })).status).toBe(404);
      expect((await call('GET', '/v2/nothing-here', { token: root.token })).status).toBe(404);
      const badJson = await call('POST', '/v2/contacts', { token: root.token, rawBody: '{"name":' });
      expect(badJson.status).toBe(400);
      expect(badJson.body.code).toBe('ERR_INVALID_REQUEST');
      expect((await call('POST', '/v2/contacts', { token: root.token, body: ['a'] })).status).toBe(400);
    });
  });

  describe('expiry (ACCESS_TOKEN_TTL=2s)', () => {
    it('an expired access token → 403 invalid_token; a refresh brings a working one', async () => {
      const started = servers.get(framework);
      if (!started) throw new Error('no short-TTL server');
      const { shortTtl, shortTtlLogin } = started;
      // Logged in when the servers started; wait only what is left of TTL + 1 s.
      const wait = shortTtlLogin.at + (SHORT_TTL_SECONDS + 1) * 1000 - Date.now();
      if (wait > 0) await sleep(wait);
      const expired = await request(shortTtl.baseUrl, 'GET', '/v2/users', { token: shortTtlLogin.token });
      expect(expired.status, expired.text).toBe(403);
      expect(expired.body.code).toBe('ERR_TOKEN_EXPIRED');
      expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');

      const refreshed = await request(shortTtl.baseUrl, 'GET', `/v2/auth/token?refreshToken=${encodeURIComponent(shortTtlLogin.refreshToken)}`);
      expect(refreshed.status).toBe(200);
      remember(refreshed.body.token);
      remember(refreshed.body.refreshToken);
      expect((await request(shortTtl.baseUrl, 'GET', '/v2/users', { token: refreshed.body.token })).status).toBe(200);
    });
  });

  describe('logs and shutdown', () => {
    it('logs JSON lines (one per request, with its id), without tokens, passwords or keys', () => {
      const started = servers.get(framework);
      const output = [server.stdout(), server.stderr(), started?.shortTtl.stdout() ?? '', started?.shortTtl.stderr() ?? ''];
      // The banner prints the generated bootstrap password on purpose; the JSON log must not.
      const bannerPassword = bannerLogin(server).password;
      const lines = output
        .join('\n')
        .split('\n')
        .filter((line) => line !== '');
      const json = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
      // Everything but the banner (plain text for whoever started the server) is a JSON line.
      const plain = lines.filter((line) => !line.startsWith('{'));
      for (const line of plain) expect(line).toMatch(/^(chatshipper-api listening on | {2}|Log in:)/);
      expect(plain.filter((line) => line.startsWith('chatshipper-api listening on '))).toHaveLength(2);
      expect(json.filter((line) => line['msg'] === 'chatshipper-api started')).toHaveLength(2);

      const requestLines = json.filter((line) => line['msg'] === 'request');
      expect(requestLines.length).toBeGreaterThan(200);
      expect(requestLines.some((line) => line['method'] === 'GET' && line['path'] === '/v2/auth/token' && line['status'] === 200)).toBe(true);
      for (const line of requestLines) {
        expect(line['reqId']).toMatch(/^[0-9a-f-]{36}$/);
        expect(String(line['path'])).not.toContain('?');
      }
      expect(new Set(requestLines.map((line) => line['reqId'])).size).toBe(requestLines.length);
      expect(requestLines.some((line) => typeof line['principalId'] === 'string' && ID.test(line['principalId']))).toBe(true);

      // One audit line per security event, in the request it happened in.
      const audit = json.filter((line) => line['msg'] === 'audit');
      const events = new Set(audit.map((line) => line['event']));
      for (const event of [
        'login.succeeded',
        'login.failed',
        'refresh.succeeded',
        'refresh.reused',
        'apikey.created',
        'decision.denied',
        'authenticate.failed',
      ]) {
        expect(events, `no ${event} audit line on ${framework}`).toContain(event);
      }
      const requestOf = new Map(requestLines.map((line) => [line['reqId'], line]));
      for (const line of audit) expect(requestOf.has(line['reqId']), `audit line without its request: ${JSON.stringify(line)}`).toBe(true);
      const reused = audit.find((line) => line['event'] === 'refresh.reused');
      expect(reused).toMatchObject({ level: 'warn', familyRevoked: true });
      expect(requestOf.get(reused?.['reqId'])).toMatchObject({ path: '/v2/auth/token', status: 401 });
      const denied = audit.find((line) => line['event'] === 'decision.denied');
      expect(requestOf.get(denied?.['reqId'])).toMatchObject({ status: 403, principalId: denied?.['principalId'] });

      for (const secret of secrets) {
        for (const text of output) {
          const scrubbed = secret === bannerPassword ? text.replace(/^.*(admin password|curl ).*$/gm, '') : text;
          expect(scrubbed.includes(secret), `a secret reached the log of ${framework}`).toBe(false);
        }
      }
      expect(server.stderr()).toBe('');
    });

    it('stops gracefully on SIGTERM and on SIGINT', async () => {
      const started = servers.get(framework);
      if (!started) throw new Error('no servers');
      const [term, int] = await Promise.all([started.main.stop('SIGTERM'), started.shortTtl.stop('SIGINT')]);
      expect(term).toEqual({ code: 0, signal: null });
      expect(int).toEqual({ code: 0, signal: null });
      expect(started.main.stdout()).toContain('SIGTERM received');
      expect(started.shortTtl.stdout()).toContain('SIGINT received');
      expect(started.main.stdout()).toContain('chatshipper-api stopped');
    });
  });
});
