/**
 * The PostgreSQL directory and store under the real auth service of @scopeladder/tokens: two
 * service instances (two pools, one database) behave as one, and a "restart" (new pools, new
 * services) loses nothing: refresh tokens still refresh, revoked tokens stay revoked.
 */
import { randomBytes } from 'node:crypto';
import { chatshipperTenantPolicy, isScopeladderError, subject } from '@scopeladder/core';
import { type AuthService, createAuthService, hashPassword } from '@scopeladder/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDirectory, createPostgresStore, toSqlFilter, type PostgresDirectory } from './index.js';
import { createTestPool, createTestSchema } from './test-support/database.js';

const secret = randomBytes(32);
const password = 'correct horse battery staple';
const pools = [createTestPool(), createTestPool()];
let schema = '';
let drop: () => Promise<void> = async () => {};
let directory: PostgresDirectory;

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isScopeladderError(error) ? error.code : `not a ScopeladderError: ${String(error)}`;
  }
}

function instance(index: number): AuthService {
  const pool = pools[index] as (typeof pools)[number];
  return createAuthService({
    directory: createPostgresDirectory({ pool, schema }),
    store: createPostgresStore({ pool, schema }),
    keys: { algorithm: 'HS256', secret },
    verifiedTokenCacheSize: 0,
  });
}

beforeAll(async () => {
  ({ schema, drop } = await createTestSchema(pools[0]!, 'auth'));
  directory = createPostgresDirectory({ pool: pools[0]!, schema });
  await directory.createOrganization({ id: 'r1', name: 'Root' });
  await directory.createOrganization({ id: 'c1', name: 'Customer one', parent: 'r1' });
  await directory.createOrganization({ id: 'c2', name: 'Customer two', parent: 'r1' });
  await directory.createOrganization({ id: 's1', name: 'North', parent: 'c1' });
  await directory.createUser({
    id: '65f0c0ffee0000000000a001',
    email: 'Eve@Example.com',
    role: 'guest',
    passwordHash: await hashPassword(password),
    memberships: [
      { organization: 'c1', role: 'agent' },
      { organization: 'r1', role: 'guest' },
    ],
  });
  await directory.createUser({
    id: '65f0c0ffee0000000000b001',
    email: 'bot@example.com',
    role: 'bot',
    kind: 'bot',
    memberships: [{ organization: 'c1', role: 'bot' }],
  });
});

afterAll(async () => {
  await drop();
  for (const pool of pools) await pool.end();
});

describe('createPostgresDirectory', () => {
  it('finds users by id and by email (any case), with memberships in order and their paths, never more', async () => {
    const user = await directory.findByEmail('eve@example.COM');
    expect(user).toEqual({
      id: '65f0c0ffee0000000000a001',
      email: 'Eve@Example.com',
      role: 'guest',
      kind: 'user',
      passwordHash: expect.stringMatching(/^scrypt\$/) as unknown,
      memberships: [
        { organization: 'c1', role: 'agent', path: 'r1#c1' },
        { organization: 'r1', role: 'guest', path: 'r1' },
      ],
    });
    expect(await directory.findById('65f0c0ffee0000000000a001')).toEqual(user);
    expect(await directory.findById('nobody')).toBeNull();
    expect(await directory.findByEmail('nobody@example.com')).toBeNull();
  });

  it('keeps the tree: paths and levels derived from the parent, at most three levels', async () => {
    expect(await directory.findOrganization('s1')).toEqual({ id: 's1', name: 'North', parent: 'c1', level: 3, path: 'r1#c1#s1' });
    expect(await directory.findOrganization('nope')).toBeNull();
    expect(await codeOf(directory.createOrganization({ name: 'Too deep', parent: 's1' }))).toBe('ERR_INVALID_REQUEST');
    expect(await codeOf(directory.createOrganization({ name: 'Orphan', parent: 'nope' }))).toBe('ERR_INVALID_REQUEST');
    expect(await codeOf(directory.createOrganization({ id: 'c1', name: 'Again', parent: 'r1' }))).toBe('ERR_CONFLICT');
    await expect(directory.createOrganization({ id: 'a#b', name: 'Bad id' })).rejects.toThrow(TypeError);
    const made = await directory.createOrganization({ name: 'Generated', parent: 'c2' });
    expect(made).toMatchObject({ parent: 'c2', level: 3, path: `r1#c2#${made.id}` });
    expect(made.id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('refuses a taken email (any case) and a membership in an unknown organization', async () => {
    expect(await codeOf(directory.createUser({ email: 'EVE@example.com', role: 'agent' }))).toBe('ERR_CONFLICT');
    expect(
      await codeOf(directory.createUser({ email: 'new@example.com', role: 'agent', memberships: [{ organization: 'nope', role: 'agent' }] })),
    ).toBe('ERR_INVALID_REQUEST');
    expect(await directory.findByEmail('new@example.com')).toBeNull();
  });

  it('replaces memberships, and deletes users', async () => {
    const user = await directory.createUser({ email: 'tmp@example.com', role: 'agent', memberships: [{ organization: 'c1', role: 'agent' }] });
    expect(await directory.setMemberships(user.id, [{ organization: 'c2', role: 'admin' }])).toBe(true);
    expect((await directory.findById(user.id))?.memberships).toEqual([{ organization: 'c2', role: 'admin', path: 'r1#c2' }]);
    expect(await directory.setMemberships('nobody', [])).toBe(false);
    expect(await directory.deleteUser(user.id)).toBe(true);
    expect(await directory.deleteUser(user.id)).toBe(false);
    expect(await directory.findById(user.id)).toBeNull();
  });
});

describe('toSqlFilter over the directory tables (the documented memberships join)', () => {
  it('lists exactly the users a principal may list: those with a membership inside its subtree', async () => {
    await directory.createUser({ id: 'u-c2', email: 'c2@example.com', role: 'agent', memberships: [{ organization: 'c2', role: 'agent' }] });
    await directory.createUser({ id: 'u-s1', email: 's1@example.com', role: 'agent', memberships: [{ organization: 's1', role: 'agent' }] });
    for (const organizationPath of ['r1', 'r1#c1', 'r1#c1#s1', 'r1#c2']) {
      const principal = { id: 'admin', scopes: ['admin'], organizationPath };
      const where = toSqlFilter(chatshipperTenantPolicy.filterFor(principal, 'list', 'User'), {
        columns: { id: 'users.id' },
        memberships: { table: `${schema}.membership_paths`, keyColumn: 'user_id', pathColumn: 'path', recordColumn: 'users.id' },
      });
      if (typeof where === 'boolean') throw new Error('expected a condition');
      const { rows } = await pools[0]!.query<{ id: string }>(
        `SELECT users.id FROM "${schema}".users WHERE ${where.text} ORDER BY users.id`,
        where.values,
      );
      const everyone = await pools[0]!.query<{ id: string }>(`SELECT id FROM "${schema}".users ORDER BY id`);
      const expected: string[] = [];
      for (const { id } of everyone.rows) {
        const user = await directory.findById(id);
        const organizationPaths = (user?.memberships ?? []).map((membership) => membership.path as string);
        if (chatshipperTenantPolicy.can(principal, 'list', subject('User', { id, organizationPaths }))) expected.push(id);
      }
      expect(rows.map((row) => row.id)).toEqual(expected);
    }
  });
});

describe('auth service on PostgreSQL', () => {
  it('two instances act as one: a session in one organization, a bot key, refresh, reuse', async () => {
    const [a, b] = [instance(0), instance(1)];
    const session = await a.login({ email: 'eve@example.com', password, organization: 's1' });
    expect(session.scope).toBe('agent');
    const next = await b.refresh(session.refreshToken);
    expect((await a.authenticate(`Bearer ${next.token}`)).principal).toMatchObject({ organizationPath: 'r1#c1#s1', scopes: ['agent'] });
    const key = await a.createApiKey('65f0c0ffee0000000000b001', ['bot'], { organization: 'c1' });
    expect((await b.authenticate(`Bearer ${key.apiKey}`)).principal).toMatchObject({ organizationPath: 'r1#c1', scopes: ['bot'] });
    expect(await codeOf(b.refresh(session.refreshToken))).toBe('ERR_REFRESH_REUSED');
    expect(await codeOf(a.authenticate(`Bearer ${next.token}`))).toBe('ERR_TOKEN_REVOKED');
  });

  it('a restart loses nothing: refresh tokens still refresh, revoked tokens stay revoked', async () => {
    const before = instance(0);
    const kept = await before.login({ email: 'eve@example.com', password });
    const revoked = await before.login({ email: 'eve@example.com', password });
    await before.logout(revoked.token);
    // "Restart": new services on new pools, nothing shared in memory.
    const fresh = createTestPool();
    try {
      const after = createAuthService({
        directory: createPostgresDirectory({ pool: fresh, schema }),
        store: createPostgresStore({ pool: fresh, schema }),
        keys: { algorithm: 'HS256', secret },
      });
      expect((await after.refresh(kept.refreshToken)).token).toEqual(expect.any(String));
      expect(await codeOf(after.authenticate(`Bearer ${revoked.token}`))).toBe('ERR_TOKEN_REVOKED');
      expect(await codeOf(after.refresh(revoked.refreshToken))).toBe('ERR_REFRESH_INVALID');
    } finally {
      await fresh.end();
    }
  });
});
