import { ScopeladderError, chatshipperTenantPolicy } from '@scopeladder/core';
import { createAuthService, createMemoryStore, type AuthContext, type AuthService, type TokenStore } from '@scopeladder/tokens';
import { describe, expect, it } from 'vitest';
import type { ApiDependencies } from '../routes.js';
import { findOrganizationIn } from '../storage/find-organization.js';
import { withMemberships } from '../storage/merge.js';
import { createMemoryResourceRepository, createMemoryUserRepository } from '../storage/memory.js';
import { createUserHandlers } from './users.js';

const ADMIN_ID = 'a'.repeat(24);
/** The tree: root ORG with customers C1 (with sub-organization S1) and C2. */
const ORG = 'd'.repeat(24);
const C1 = 'c1'.repeat(12);
const S1 = '51'.repeat(12);
const C2 = 'c2'.repeat(12);
const PATHS: Readonly<Record<string, string>> = { [ORG]: ORG, [C1]: `${ORG}#${C1}`, [S1]: `${ORG}#${C1}#${S1}`, [C2]: `${ORG}#${C2}` };
const contextIn = (organization: string, id = ADMIN_ID, scopes = ['admin']) =>
  ({
    principal: { id, scopes, organization, organizationPath: PATHS[organization] },
    token: { kind: 'apiKey', keyId: 'k' },
  }) as unknown as AuthContext;
const admin = contextIn(ORG);

function setup(auth?: Partial<AuthService>, store: TokenStore = createMemoryStore()): ApiDependencies {
  const resources = createMemoryResourceRepository();
  for (const [id, path] of Object.entries(PATHS)) void resources.create('Organization', { id, organization: id, path });
  const users = createMemoryUserRepository((id) => findOrganizationIn(resources, id));
  const service = createAuthService({
    policy: chatshipperTenantPolicy,
    directory: users,
    store,
    keys: { algorithm: 'HS256', secret: 's'.repeat(32) },
  });
  return {
    auth: { ...service, ...auth } as AuthService,
    users,
    resources,
    roles: chatshipperTenantPolicy.ladder.scopes,
    hashPassword: async (password) => `hashed:${password.length}`,
  };
}

describe('createUserHandlers', () => {
  it('creates a bot with an API key that authenticates as the bot, shown once', async () => {
    const deps = setup();
    const handlers = createUserHandlers(deps);
    const created = await handlers.create({ auth: admin, params: {}, body: { email: 'Bot@Example.com', role: 'bot' } });
    expect(created.status).toBe(201);
    const body = created.body as { id: string; apiToken: string; organization: string; email: string };
    expect(body).toMatchObject({ email: 'bot@example.com', role: 'bot', kind: 'bot', organization: ORG });
    const context = await deps.auth.authenticate(`Bearer ${body.apiToken}`);
    expect(context.principal).toMatchObject({ id: body.id, kind: 'bot', scopes: ['bot'] });
    const fetched = await handlers.fetch({ auth: admin, params: { id: body.id }, body: undefined });
    expect(fetched.body).not.toHaveProperty('apiToken');
  });

  it('removes the new bot again when its key cannot be created', async () => {
    const deps = setup({
      createApiKey: async () => {
        throw new ScopeladderError('ERR_STORE_UNAVAILABLE', 'down');
      },
    });
    const create = createUserHandlers(deps).create({ auth: admin, params: {}, body: { email: 'bot@example.com', role: 'bot' } });
    await expect(create).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect(await deps.users.findByEmail('bot@example.com')).toBeNull();
  });

  it('hashes passwords and keeps other fields as profile', async () => {
    const deps = setup();
    const created = await createUserHandlers(deps).create({
      auth: admin,
      params: {},
      body: { email: 'ada@example.com', password: 'long-enough', role: 'agent', name: 'Ada' },
    });
    const stored = await deps.users.findByEmail('ada@example.com');
    expect(stored).toMatchObject({ passwordHash: 'hashed:11', profile: { name: 'Ada' } });
    expect(JSON.stringify(created.body)).not.toContain('hashed');
  });

  it.each([
    [{ email: 'x@example.com', password: 'long-enough', role: 'root' }, 'role'],
    [{ email: 'x', password: 'long-enough', role: 'agent' }, 'email'],
    [{ email: 'x@example.com', password: 'short', role: 'agent' }, 'password'],
    [{ email: 'x@example.com', role: 'agent' }, 'password'],
    [{ email: 'x@example.com', password: 'long-enough', role: 'agent', passwordHash: 'x' }, 'set by the server'],
    [null, 'JSON object'],
  ])('rejects %j with ERR_INVALID_REQUEST', async (body, message) => {
    const create = createUserHandlers(setup()).create({ auth: admin, params: {}, body });
    await expect(create).rejects.toMatchObject({ code: 'ERR_INVALID_REQUEST', message: expect.stringContaining(message) });
  });

  it('deletes a bot and revokes its keys', async () => {
    const store = createMemoryStore();
    const deps = setup(undefined, store);
    const handlers = createUserHandlers(deps);
    const created = await handlers.create({ auth: admin, params: {}, body: { email: 'bot@example.com', role: 'bot' } });
    const { id, apiToken } = created.body as { id: string; apiToken: string };
    expect(await store.listApiKeysOfUser(id)).toHaveLength(1);
    expect((await handlers.delete({ auth: admin, params: { id }, body: undefined })).status).toBe(204);
    expect(await store.listApiKeysOfUser(id)).toHaveLength(0);
    await expect(deps.auth.authenticate(`Bearer ${apiToken}`)).rejects.toMatchObject({ code: 'ERR_API_KEY_INVALID' });
    await expect(handlers.delete({ auth: admin, params: { id }, body: undefined })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('changes a role, resets a password and deletes only when the token store can end the sessions (nothing written on 503)', async () => {
    const down = async (): Promise<number> => {
      throw new ScopeladderError('ERR_STORE_UNAVAILABLE', 'down');
    };
    const deps = setup({ endSessionsOfUser: down });
    const handlers = createUserHandlers(deps);
    const id = 'c'.repeat(24);
    await deps.users.create(
      withMemberships({ id, email: 'ada@example.com', role: 'agent', kind: 'user', profile: {} }, [{ organization: ORG, path: ORG, role: 'agent' }]),
    );
    for (const body of [{ role: 'admin' }, { password: 'a-new-password' }]) {
      await expect(handlers.update({ auth: admin, params: { id }, body })).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    }
    await expect(handlers.delete({ auth: admin, params: { id }, body: undefined })).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect(await deps.users.findById(id)).toMatchObject({ role: 'agent', profile: {} });
    expect(await deps.users.findById(id)).not.toHaveProperty('passwordHash');
    // Other fields need no session to end.
    expect((await handlers.update({ auth: admin, params: { id }, body: { name: 'Ada', role: 'agent' } })).status).toBe(200);
  });

  it('never stores `currentPassword` as profile data', async () => {
    const deps = setup();
    const handlers = createUserHandlers(deps);
    const body = { email: 'ada@example.com', password: 'ada-password', role: 'agent', currentPassword: 'secret-value' };
    const created = await handlers.create({ auth: admin, params: {}, body });
    const id = (created.body as { id: string }).id;
    await handlers.update({ auth: admin, params: { id }, body: { password: 'other-password', currentPassword: 'secret-value' } });
    expect(JSON.stringify(await deps.users.findById(id))).not.toContain('secret-value');
  });

  describe('memberships', () => {
    const body = (email: string, extra: Record<string, unknown> = {}) => ({ email, password: 'long-enough', role: 'agent', ...extra });

    it("creates a member of the caller's organization by default, or of one within reach; outside it → 403", async () => {
      const deps = setup();
      const handlers = createUserHandlers(deps);
      // The caller: admin of C1. In S1, below it, the role its memberships give there decides.
      await deps.users.create(
        withMemberships({ id: ADMIN_ID, email: 'c1-admin@example.com', role: 'admin', kind: 'user', profile: {} }, [
          { organization: C1, path: PATHS[C1] ?? '', role: 'admin' },
        ]),
      );
      const inRoot = await handlers.create({ auth: admin, params: {}, body: body('a@example.com') });
      expect(inRoot.body).toMatchObject({ organization: ORG, role: 'agent', organizations: [{ organization: ORG, role: 'agent' }] });
      const c1Admin = contextIn(C1);
      const inS1 = await handlers.create({ auth: c1Admin, params: {}, body: body('b@example.com', { organization: S1 }) });
      expect(inS1.body).toMatchObject({ organization: S1, organizations: [{ organization: S1, role: 'agent' }] });
      for (const organization of [ORG, C2, 'f'.repeat(24), 'not-an-id']) {
        const create = handlers.create({ auth: c1Admin, params: {}, body: body(`x${organization.length}@example.com`, { organization }) });
        await expect(create).rejects.toMatchObject({ code: 'ERR_FORBIDDEN', message: 'No such organization within your reach' });
      }
    });

    it("binds a bot's key to its organization", async () => {
      const deps = setup();
      const created = await createUserHandlers(deps).create({ auth: contextIn(C1), params: {}, body: { email: 'bot@example.com', role: 'bot' } });
      const context = await deps.auth.authenticate(`Bearer ${(created.body as { apiToken: string }).apiToken}`);
      expect(context.principal).toMatchObject({ organization: C1, organizationPath: PATHS[C1], scopes: ['bot'] });
    });

    it("shows only the memberships inside the viewer's reach, and changes only those; the others stay", async () => {
      const deps = setup();
      const handlers = createUserHandlers(deps);
      const id = 'e'.repeat(24);
      const memberships = [
        { organization: ORG, path: ORG, role: 'guest' },
        { organization: C1, path: PATHS[C1] ?? '', role: 'agent' },
        { organization: C2, path: PATHS[C2] ?? '', role: 'agent' },
      ];
      await deps.users.create(withMemberships({ id, email: 'eve@example.com', role: 'guest', kind: 'user', profile: {} }, memberships));
      // The caller, admin of C1 (and so of S1 below it): roles are granted where its own role allows.
      await deps.users.create(
        withMemberships({ id: ADMIN_ID, email: 'c1-admin@example.com', role: 'admin', kind: 'user', profile: {} }, [
          { organization: C1, path: PATHS[C1] ?? '', role: 'admin' },
        ]),
      );
      const c1Admin = contextIn(C1);
      const seen = await handlers.fetch({ auth: c1Admin, params: { id }, body: undefined });
      expect(seen.body).toMatchObject({ role: 'agent', organization: C1, organizations: [{ organization: C1, role: 'agent' }] });
      expect(JSON.stringify(seen.body)).not.toContain(C2);

      const promoted = await handlers.update({ auth: c1Admin, params: { id }, body: { role: 'admin' } });
      expect(promoted.body).toMatchObject({ organizations: [{ organization: C1, role: 'admin' }] });
      const replaced = await handlers.update({
        auth: c1Admin,
        params: { id },
        body: { organizations: [{ organization: S1, role: 'bot' }] },
      });
      expect(replaced.body).toMatchObject({ organization: S1, organizations: [{ organization: S1, role: 'bot' }] });
      expect((await deps.users.findById(id))?.memberships).toEqual([
        memberships[0],
        memberships[2],
        { organization: S1, path: PATHS[S1], role: 'bot' },
      ]);

      // Outside the reach: refused, nothing written.
      const outside = handlers.update({ auth: c1Admin, params: { id }, body: { organizations: [{ organization: C2, role: 'admin' }] } });
      await expect(outside).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' });
      // Credentials of a user who is also a member elsewhere are not the customer admin's to change.
      const password = handlers.update({ auth: c1Admin, params: { id }, body: { password: 'taken-over!' } });
      await expect(password).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' });
      // A delete removes only the memberships inside the reach.
      expect((await handlers.delete({ auth: c1Admin, params: { id }, body: undefined })).status).toBe(204);
      expect((await deps.users.findById(id))?.memberships).toEqual([memberships[0], memberships[2]]);
    });

    it('needs the right to change a role to change memberships, and keeps at least one', async () => {
      const deps = setup();
      const handlers = createUserHandlers(deps);
      const id = 'e'.repeat(24);
      await deps.users.create(
        withMemberships({ id, email: 'eve@example.com', role: 'agent', kind: 'user', profile: {} }, [
          { organization: C1, path: PATHS[C1] ?? '', role: 'agent' },
        ]),
      );
      const self = contextIn(C1, id, ['agent']);
      const raise = handlers.update({ auth: self, params: { id }, body: { organizations: [{ organization: C1, role: 'admin' }] } });
      await expect(raise).rejects.toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE' });
      const none = handlers.update({ auth: contextIn(C1), params: { id }, body: { organizations: [] } });
      await expect(none).rejects.toMatchObject({ code: 'ERR_INVALID_REQUEST' });
      expect((await deps.users.findById(id))?.memberships).toEqual([{ organization: C1, path: PATHS[C1], role: 'agent' }]);
    });

    it("ends the user's sessions when a membership changes", async () => {
      const ended: string[] = [];
      const deps = setup({ endSessionsOfUser: async (userId) => (ended.push(userId), 1) });
      const handlers = createUserHandlers(deps);
      await deps.users.create(
        withMemberships({ id: ADMIN_ID, email: 'root-admin@example.com', role: 'admin', kind: 'user', profile: {} }, [
          { organization: ORG, path: ORG, role: 'admin' },
        ]),
      );
      const id = 'e'.repeat(24);
      await deps.users.create(
        withMemberships({ id, email: 'eve@example.com', role: 'agent', kind: 'user', profile: {} }, [
          { organization: C1, path: PATHS[C1] ?? '', role: 'agent' },
        ]),
      );
      await handlers.update({ auth: admin, params: { id }, body: { name: 'Eve' } });
      expect(ended).toEqual([]);
      await handlers.update({
        auth: admin,
        params: { id },
        body: {
          organizations: [
            { organization: C1, role: 'agent' },
            { organization: C2, role: 'guest' },
          ],
        },
      });
      expect(ended).toEqual([id, id]);
    });
  });
});
