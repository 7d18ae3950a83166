// Organizations end to end (issue #12): the built server as its own process, in memory on each
// framework, on Redis and on PostgreSQL (lists filtered in SQL), with two customer organizations under one root, an admin and an agent
// in each and a bot key in one. No request of one tenant may read, change, list or even detect a
// record of the other: every answer about another tenant's record is compared, whole (status,
// headers, body), with the answer about an id that does not exist.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, connectTestRedis, deleteKeys, listKeys, uniquePrefix } from '../../../test/support/redis.js';
import { request, type Answer, type RequestOptions } from './http-client.js';
import { createTestDatabase, type TestDatabase } from './postgres-database.js';
import { buildServer, startServerProcess, type Build, type ServerProcess } from './server-process.js';

const ADMIN = { email: 'root@tenancy.example', password: 'root-admin-password' };
const PASSWORD = 'tenant-user-password';
const PREFIX = uniquePrefix('tenancy');
const SETUPS = [
  { storage: 'memory', framework: 'express' },
  { storage: 'memory', framework: 'fastify' },
  { storage: 'memory', framework: 'koa' },
  { storage: 'redis', framework: 'fastify' },
  { storage: 'postgres', framework: 'express' },
] as const;

let build: Build;
let redis: Redis | undefined;
let database: TestDatabase | undefined;

beforeAll(() => {
  build = buildServer();
});

afterAll(async () => {
  if (redis) {
    await deleteKeys(redis, PREFIX);
    expect(await listKeys(redis, PREFIX)).toEqual([]);
    redis.disconnect();
  }
  await database?.drop();
  build?.remove();
});

/** An answer with what may differ between two identical answers (the clock) left out. */
function comparable(answer: Answer): { status: number; headers: Record<string, string>; text: string } {
  const headers: Record<string, string> = {};
  // The date and the request's own id differ from one answer to the next.
  for (const [name, value] of answer.headers) if (name !== 'date' && name !== 'x-request-id') headers[name] = value;
  return { status: answer.status, headers, text: answer.text };
}

const missingId = (): string => randomBytes(12).toString('hex');

describe.each(SETUPS)('$storage, $framework', ({ storage, framework }) => {
  let server: ServerProcess;
  const call = (method: string, path: string, options?: RequestOptions): Promise<Answer> => request(server.baseUrl, method, path, options);

  async function login(email: string, password = PASSWORD, organization?: string): Promise<Answer> {
    return call('POST', '/v2/auth/token', { body: { email, password, ...(organization === undefined ? {} : { organization }) } });
  }

  async function tokenOf(email: string, organization?: string): Promise<string> {
    const answer = await login(email, PASSWORD, organization);
    expect(answer.status, answer.text).toBe(200);
    return answer.body.token as string;
  }

  async function created(token: string, path: string, body: Record<string, unknown>): Promise<Record<string, unknown> & { id: string }> {
    const answer = await call('POST', path, { token, body });
    expect(answer.status, answer.text).toBe(201);
    return answer.body as Record<string, unknown> & { id: string };
  }

  /** Ids of the records a list answers (following no link). */
  async function listed(token: string, path: string): Promise<string[]> {
    const answer = await call('GET', path, { token });
    expect(answer.status, answer.text).toBe(200);
    return (answer.body as { id: string }[]).map((record) => record.id);
  }

  let root: { token: string; organization: string };
  /** The two customers, A (with sub-organization A1) and B. */
  const org = { A: '', A1: '', B: '' };
  const tokens = { adminA: '', agentA: '', botA: '', adminB: '', agentB: '' };
  /** One record of each kind per organization. */
  const records: Record<'root' | 'A' | 'A1' | 'B', { contact: string; conversation: string; group: string }> = {
    root: { contact: '', conversation: '', group: '' },
    A: { contact: '', conversation: '', group: '' },
    A1: { contact: '', conversation: '', group: '' },
    B: { contact: '', conversation: '', group: '' },
  };
  const users = { adminA: '', agentA: '', botA: '', adminB: '', agentB: '' };

  beforeAll(async () => {
    if (storage === 'redis') redis ??= await connectTestRedis();
    if (storage === 'postgres') database ??= await createTestDatabase('tenancy');
    server = await startServerProcess(build.main, {
      PORT: '0',
      FRAMEWORK: framework,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ...(storage === 'redis'
        ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `${PREFIX}${framework}:`, JWT_SECRET: randomBytes(32).toString('hex') }
        : {}),
      ...(storage === 'postgres' && database !== undefined ? { DATABASE_URL: database.url, JWT_SECRET: randomBytes(32).toString('hex') } : {}),
    });
    const rootLogin = await login(ADMIN.email, ADMIN.password);
    expect(rootLogin.status, rootLogin.text).toBe(200);
    const me = await call('GET', `/v2/users/${rootLogin.body.user}`, { token: rootLogin.body.token });
    root = { token: rootLogin.body.token, organization: me.body.organization };

    org.A = (await created(root.token, '/v2/organizations', { name: 'Customer A' })).id;
    org.B = (await created(root.token, '/v2/organizations', { name: 'Customer B' })).id;
    const person = async (role: string, organization: string): Promise<string> =>
      (
        await created(root.token, '/v2/users', {
          email: `${role}-${randomBytes(4).toString('hex')}@tenancy.example`,
          password: PASSWORD,
          role,
          organization,
        })
      ).email as string;
    const [adminA, agentA, adminB, agentB] = await Promise.all([
      person('admin', org.A),
      person('agent', org.A),
      person('admin', org.B),
      person('agent', org.B),
    ]);
    [tokens.adminA, tokens.agentA, tokens.adminB, tokens.agentB] = await Promise.all([
      tokenOf(adminA),
      tokenOf(agentA),
      tokenOf(adminB),
      tokenOf(agentB),
    ]);
    for (const [name, token] of [
      ['adminA', tokens.adminA],
      ['agentA', tokens.agentA],
      ['adminB', tokens.adminB],
      ['agentB', tokens.agentB],
    ] as const) {
      users[name] = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sub as string;
    }
    // A's admin makes A's bot, and A's sub-organization.
    const bot = await created(tokens.adminA, '/v2/users', { email: `bot-${randomBytes(4).toString('hex')}@tenancy.example`, role: 'bot' });
    tokens.botA = bot['apiToken'] as string;
    users.botA = bot.id;
    org.A1 = (await created(tokens.adminA, '/v2/organizations', { name: 'Customer A, north' })).id;

    const fill = async (token: string, key: keyof typeof records, organization?: string): Promise<void> => {
      const body = (name: string) => ({ name, ...(organization === undefined ? {} : { organization }) });
      records[key].contact = (await created(token, '/v2/contacts', body(`contact of ${key}`))).id;
      records[key].conversation = (await created(token, '/v2/conversations', body(`conversation of ${key}`))).id;
      records[key].group = (await created(token, '/v2/organizationgroups', body(`group of ${key}`))).id;
    };
    await fill(root.token, 'root');
    await fill(tokens.adminA, 'A');
    await fill(tokens.adminA, 'A1', org.A1);
    await fill(tokens.adminB, 'B');
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('places organizations in the tree: the root, its customers, their sub-organizations', async () => {
    const fetched = async (id: string) => (await call('GET', `/v2/organizations/${id}`, { token: root.token })).body;
    expect(await fetched(root.organization)).toMatchObject({ parent: null, level: 1, path: root.organization, organization: root.organization });
    expect(await fetched(org.A)).toMatchObject({
      name: 'Customer A',
      parent: root.organization,
      level: 2,
      path: `${root.organization}#${org.A}`,
      organization: org.A,
    });
    expect(await fetched(org.A1)).toMatchObject({ parent: org.A, level: 3, path: `${root.organization}#${org.A}#${org.A1}` });
  });

  describe('no request of one tenant can read, change or detect a record of the other', () => {
    const cases = [
      ['contacts', 'contact'],
      ['conversations', 'conversation'],
      ['organizationgroups', 'group'],
      ['orggroups', 'group'],
    ] as const;

    it.each(['adminA', 'agentA', 'botA'] as const)(
      "%s: fetch, update and delete of B's and the root's records answer exactly like a missing id",
      async (actor) => {
        const token = tokens[actor];
        for (const [collection, kind] of cases) {
          for (const owner of ['B', 'root'] as const) {
            const id = records[owner][kind];
            const missing = missingId();
            for (const [method, body] of [
              ['GET', undefined],
              ['PATCH', { name: 'taken over' }],
              ['DELETE', undefined],
            ] as const) {
              const other = await call(method, `/v2/${collection}/${id}`, { token, body });
              const none = await call(method, `/v2/${collection}/${missing}`, { token, body });
              expect(comparable(other), `${actor} ${method} ${collection} of ${owner}`).toEqual(comparable(none));
              expect(other.status).not.toBe(200);
              expect(other.status).not.toBe(204);
            }
          }
        }
        for (const target of [org.B, root.organization]) {
          const other = await call('GET', `/v2/organizations/${target}`, { token });
          expect(comparable(other)).toEqual(comparable(await call('GET', `/v2/organizations/${missingId()}`, { token })));
        }
        for (const target of [users.adminB, users.agentB]) {
          for (const [method, body] of [
            ['GET', undefined],
            ['PATCH', { name: 'x' }],
            ['DELETE', undefined],
          ] as const) {
            const other = await call(method, `/v2/users/${target}`, { token, body });
            expect(comparable(other), `${actor} ${method} user of B`).toEqual(
              comparable(await call(method, `/v2/users/${missingId()}`, { token, body })),
            );
          }
        }
        // Nothing changed: B's admin still reads its records as they were.
        const contact = await call('GET', `/v2/contacts/${records.B.contact}`, { token: tokens.adminB });
        expect(contact.body).toMatchObject({ id: records.B.contact, name: 'contact of B', organization: org.B });
      },
    );

    it("lists hold only the caller's subtree; ?organization= outside it is an empty list", async () => {
      const all = new Set(Object.values(records).flatMap((byKind) => Object.values(byKind)));
      const ofA = new Set([...Object.values(records.A), ...Object.values(records.A1)]);
      for (const [actor, token] of [
        ['adminA', tokens.adminA],
        ['agentA', tokens.agentA],
        ['botA', tokens.botA],
      ] as const) {
        for (const collection of ['contacts', 'conversations', 'organizationgroups', 'orggroups']) {
          const answer = await call('GET', `/v2/${collection}`, { token });
          if (answer.status === 403) continue; // the role may not list this type at all
          expect(answer.status, `${actor} ${collection}`).toBe(200);
          const ids = (answer.body as { id: string }[]).map((record) => record.id).filter((id) => all.has(id));
          expect(ids.length).toBeGreaterThan(0);
          for (const id of ids) expect(ofA.has(id), `${actor} lists ${id} of another tenant`).toBe(true);
          for (const outside of [org.B, root.organization, missingId()]) {
            const narrowed = await call('GET', `/v2/${collection}?organization=${outside}`, { token });
            expect(comparable(narrowed)).toEqual(comparable(await call('GET', `/v2/${collection}?organization=${missingId()}`, { token })));
            expect(narrowed.body).toEqual([]);
          }
        }
      }
      expect(new Set(await listed(tokens.adminA, '/v2/organizations'))).toEqual(new Set([org.A, org.A1]));
      const usersOfA = await call('GET', '/v2/users', { token: tokens.adminA });
      expect(new Set((usersOfA.body as { id: string }[]).map((user) => user.id))).toEqual(new Set([users.adminA, users.agentA, users.botA]));
      expect(usersOfA.text).not.toContain(org.B);
      expect(usersOfA.text).not.toContain(root.organization);
    });

    it('refuses to create in, or move a record to, an organization outside the reach (403), and leaves it where it was', async () => {
      for (const target of [org.B, root.organization, missingId()]) {
        const create = await call('POST', '/v2/contacts', { token: tokens.adminA, body: { name: 'planted', organization: target } });
        expect(create.status).toBe(403);
        expect(create.body).toMatchObject({ code: 'ERR_FORBIDDEN' });
        const move = await call('PATCH', `/v2/contacts/${records.A.contact}`, { token: tokens.adminA, body: { organization: target } });
        expect(move.status).toBe(403);
        const user = await call('POST', '/v2/users', {
          token: tokens.adminA,
          body: { email: `x-${randomBytes(3).toString('hex')}@t.example`, password: PASSWORD, role: 'agent', organization: target },
        });
        expect(user.status).toBe(403);
        const organization = await call('POST', '/v2/organizations', { token: tokens.adminA, body: { name: 'planted', parent: target } });
        expect(organization.status).toBe(403);
      }
      const contact = await call('GET', `/v2/contacts/${records.A.contact}`, { token: tokens.adminA });
      expect(contact.body).toMatchObject({ organization: org.A, organizationPath: `${root.organization}#${org.A}` });
      expect(await listed(tokens.adminB, `/v2/contacts`)).not.toContain(records.A.contact);
    });

    it('refuses a login in an organization the user does not reach exactly like a wrong password', async () => {
      const me = await call('GET', `/v2/users/${users.agentA}`, { token: tokens.adminA });
      const elsewhere = await login(me.body.email, PASSWORD, org.B);
      const wrong = await login(me.body.email, 'not-the-password');
      expect(elsewhere.status).toBe(401);
      expect(elsewhere.body).toEqual(wrong.body);
    });
  });

  describe('within a subtree', () => {
    it("shows a child organization's records to its parent's admin, and narrows with ?organization=", async () => {
      const rootContacts = await listed(root.token, '/v2/contacts');
      for (const key of ['root', 'A', 'A1', 'B'] as const) expect(rootContacts).toContain(records[key].contact);
      const contactsOfA = await listed(tokens.adminA, '/v2/contacts');
      expect(contactsOfA).toEqual([records.A.contact, records.A1.contact]);
      expect(await listed(tokens.adminA, `/v2/contacts?organization=${org.A1}`)).toEqual([records.A1.contact]);
      expect(await listed(root.token, `/v2/contacts?organization=${org.B}`)).toEqual([records.B.contact]);
      const fetched = await call('GET', `/v2/contacts/${records.A1.contact}`, { token: tokens.agentA });
      expect(fetched.status).toBe(403); // in reach, but fetching a contact needs the bot scope: the matrix decides inside the reach
      expect((await call('GET', `/v2/conversations/${records.A1.conversation}`, { token: tokens.agentA })).status).toBe(200);
    });

    it('logs in to a sub-organization, acting there only', async () => {
      const me = await call('GET', `/v2/users/${users.adminA}`, { token: tokens.adminA });
      const answer = await login(me.body.email, PASSWORD, org.A1);
      expect(answer.status).toBe(200);
      expect(answer.body.scope).toBe('admin');
      expect(await listed(answer.body.token, '/v2/contacts')).toEqual([records.A1.contact]);
    });

    it('pages with ?limit=&offset= and an absolute Link to the next page', async () => {
      const pager = (await created(root.token, '/v2/organizations', { name: 'Pager', parent: org.B })).id;
      const made: string[] = [];
      for (let n = 0; n < 5; n += 1) made.push((await created(root.token, '/v2/contacts', { name: `page ${n}`, organization: pager })).id);
      const seen: string[] = [];
      let next: string | undefined = `${server.baseUrl}/v2/contacts?organization=${pager}&limit=2`;
      let pages = 0;
      while (next !== undefined) {
        const response: Response = await fetch(next, { headers: { authorization: `Bearer ${root.token}` } });
        expect(response.status).toBe(200);
        seen.push(...((await response.json()) as { id: string }[]).map((record) => record.id));
        const link = response.headers.get('link');
        pages += 1;
        if (link === null) break;
        const match = /^<(http:\/\/[^>]+)>; rel="next"$/.exec(link);
        expect(match, link).not.toBeNull();
        next = match?.[1];
        expect(next?.startsWith(`${server.baseUrl}/v2/contacts?`)).toBe(true);
      }
      expect(seen).toEqual(made);
      expect(pages).toBe(3);
      const lastFull = await call('GET', `/v2/contacts?organization=${pager}&limit=5`, { token: root.token });
      expect(lastFull.headers.get('link')).toBeNull();
      const alias = await call('GET', `/v2/orggroups?limit=1`, { token: root.token });
      expect(alias.headers.get('link')).toBe(`<${server.baseUrl}/v2/orggroups?limit=1&offset=1>; rel="next"`);
      for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'offset=-1', 'limit=1.5', 'limit=2&limit=3', 'organization=nope']) {
        const bad = await call('GET', `/v2/contacts?${query}`, { token: root.token });
        expect(bad.status, query).toBe(400);
        expect(bad.body.code).toBe('ERR_INVALID_REQUEST');
      }
    });

    it('refuses a fourth level (400) and deleting an organization with sub-organizations (409)', async () => {
      const deep = await call('POST', '/v2/organizations', { token: tokens.adminA, body: { name: 'too deep', parent: org.A1 } });
      expect(deep.status).toBe(400);
      expect(deep.body).toMatchObject({ code: 'ERR_INVALID_REQUEST', message: expect.stringContaining('3 levels') });
      const parent = (await created(root.token, '/v2/organizations', { name: 'Short-lived' })).id;
      const child = (await created(root.token, '/v2/organizations', { name: 'Short-lived child', parent })).id;
      const refused = await call('DELETE', `/v2/organizations/${parent}`, { token: root.token });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'ERR_CONFLICT' });
      expect((await call('DELETE', `/v2/organizations/${child}`, { token: root.token })).status).toBe(204);
      expect((await call('DELETE', `/v2/organizations/${parent}`, { token: root.token })).status).toBe(204);
      const move = await call('PATCH', `/v2/organizations/${org.A1}`, { token: root.token, body: { parent: org.B } });
      expect(move.status).toBe(400);
    });

    it('serves organization groups under /v2/orggroups too', async () => {
      const group = await created(tokens.adminA, '/v2/orggroups', { name: 'via the alias' });
      const fetched = await call('GET', `/v2/organizationgroups/${group.id}`, { token: tokens.adminA });
      expect(fetched.body).toEqual(group);
      expect(await listed(tokens.adminA, '/v2/orggroups')).toContain(group.id);
      const renamed = await call('PATCH', `/v2/orggroups/${group.id}`, { token: tokens.adminA, body: { name: 'renamed' } });
      expect(renamed.body).toMatchObject({ name: 'renamed', organization: org.A });
      expect((await call('DELETE', `/v2/orggroups/${group.id}`, { token: tokens.adminA })).status).toBe(204);
    });
  });

  describe('memberships', () => {
    it("shows and changes only the memberships within the caller's reach; a change ends the user's sessions at once", async () => {
      const email = `eve-${randomBytes(4).toString('hex')}@tenancy.example`;
      const eve = await created(root.token, '/v2/users', { email, password: PASSWORD, role: 'agent', organization: org.A });
      const both = await call('PATCH', `/v2/users/${eve.id}`, {
        token: root.token,
        body: {
          organizations: [
            { organization: org.A, role: 'agent' },
            { organization: org.B, role: 'guest' },
          ],
        },
      });
      expect(both.status, both.text).toBe(200);
      const seenByA = await call('GET', `/v2/users/${eve.id}`, { token: tokens.adminA });
      expect(seenByA.body).toMatchObject({ organization: org.A, role: 'agent', organizations: [{ organization: org.A, role: 'agent' }] });
      expect(seenByA.text).not.toContain(org.B);

      const session = await tokenOf(email, org.A);
      expect((await call('GET', '/v2/conversations', { token: session })).status).toBe(200);
      const demoted = await call('PATCH', `/v2/users/${eve.id}`, { token: tokens.adminA, body: { role: 'guest' } });
      expect(demoted.body).toMatchObject({ role: 'guest', organizations: [{ organization: org.A, role: 'guest' }] });
      const after = await call('GET', '/v2/conversations', { token: session });
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('ERR_TOKEN_REVOKED');
      expect((await login(email, PASSWORD, org.A)).body.scope).toBe('guest');

      // A's admin removes eve from A: her B membership stays, and B's admin still sees her.
      const inB = await tokenOf(email, org.B);
      expect((await call('DELETE', `/v2/users/${eve.id}`, { token: tokens.adminA })).status).toBe(204);
      expect((await call('GET', '/v2/organizationgroups', { token: inB })).status).toBe(401);
      expect((await login(email, PASSWORD, org.A)).status).toBe(401);
      expect((await login(email, PASSWORD, org.B)).body.scope).toBe('guest');
      const seenByB = await call('GET', `/v2/users/${eve.id}`, { token: tokens.adminB });
      expect(seenByB.body).toMatchObject({ organizations: [{ organization: org.B, role: 'guest' }] });
      expect((await call('GET', `/v2/users/${eve.id}`, { token: tokens.adminA })).status).toBe(404);
    });

    it('refuses to delete the organization a session acts in (403); its parent may', async () => {
      const leaf = await created(root.token, '/v2/organizations', { name: 'Leaf', parent: org.B });
      const email = `leaf-${randomBytes(4).toString('hex')}@tenancy.example`;
      await created(root.token, '/v2/users', { email, password: PASSWORD, role: 'admin', organization: leaf.id });
      const inLeaf = await tokenOf(email, leaf.id);
      const own = await call('DELETE', `/v2/organizations/${leaf.id}`, { token: inLeaf });
      expect(own.status, own.text).toBe(403);
      expect(own.body.code).toBe('ERR_FORBIDDEN');
      expect((await call('DELETE', `/v2/organizations/${leaf.id}`, { token: tokens.adminB })).status).toBe(204);
    });

    it('grants roles only where the caller holds the right itself: an admin of A who is an agent in A1 cannot make anyone admin in A1', async () => {
      const email = `mixed-${randomBytes(4).toString('hex')}@tenancy.example`;
      const mixed = await created(root.token, '/v2/users', { email, password: PASSWORD, role: 'admin', organization: org.A });
      const placed = await call('PATCH', `/v2/users/${mixed.id}`, {
        token: root.token,
        body: {
          organizations: [
            { organization: org.A, role: 'admin' },
            { organization: org.A1, role: 'agent' },
          ],
        },
      });
      expect(placed.status, placed.text).toBe(200);
      const inA = await tokenOf(email, org.A);

      // Itself: admin in A1 would follow from its A membership, but its own A1 membership says agent.
      const escalate = await call('PATCH', `/v2/users/${mixed.id}`, {
        token: inA,
        body: {
          organizations: [
            { organization: org.A, role: 'admin' },
            { organization: org.A1, role: 'admin' },
          ],
        },
      });
      expect(escalate.status, escalate.text).toBe(403);
      expect((await login(email, PASSWORD, org.A1)).body.scope).toBe('agent');

      // Someone else placed in A1: neither a role nor memberships there.
      const other = await created(root.token, '/v2/users', {
        email: `a1-${randomBytes(4).toString('hex')}@tenancy.example`,
        password: PASSWORD,
        role: 'guest',
        organization: org.A1,
      });
      expect((await call('PATCH', `/v2/users/${other.id}`, { token: inA, body: { role: 'admin' } })).status).toBe(403);
      const planted = await call('PATCH', `/v2/users/${other.id}`, {
        token: inA,
        body: { organizations: [{ organization: org.A1, role: 'admin' }] },
      });
      expect(planted.status, planted.text).toBe(403);

      // Where it is admin (A itself), it grants as before.
      const inAOnly = await created(inA, '/v2/users', {
        email: `a-${randomBytes(4).toString('hex')}@tenancy.example`,
        password: PASSWORD,
        role: 'guest',
      });
      const promoted = await call('PATCH', `/v2/users/${inAOnly.id}`, { token: inA, body: { role: 'agent' } });
      expect(promoted.status, promoted.text).toBe(200);
    });

    it("binds a bot's key to its organization: removed from it, the key is refused", async () => {
      const bot = await created(tokens.adminB, '/v2/users', { email: `bot-${randomBytes(4).toString('hex')}@tenancy.example`, role: 'bot' });
      const key = bot['apiToken'] as string;
      expect(await listed(key, '/v2/organizationgroups')).toEqual([records.B.group]);
      const moved = await call('PATCH', `/v2/users/${bot.id}`, {
        token: root.token,
        body: { organizations: [{ organization: org.A, role: 'bot' }] },
      });
      expect(moved.status, moved.text).toBe(200);
      const refused = await call('GET', '/v2/organizationgroups', { token: key });
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('ERR_API_KEY_INVALID');
    });
  });
});
