import { ScopeladderError, chatshipperPolicy } from '@scopeladder/core';
import { createAuthService, createMemoryStore, type AuthContext, type AuthService, type TokenStore } from '@scopeladder/tokens';
import { describe, expect, it } from 'vitest';
import type { ApiDependencies } from '../routes.js';
import { createMemoryResourceRepository, createMemoryUserRepository } from '../storage/memory.js';
import { createUserHandlers } from './users.js';

const ADMIN_ID = 'a'.repeat(24);
const ORG = 'o'.repeat(24);
const admin = { principal: { id: ADMIN_ID, scopes: ['admin'], organization: ORG } } as unknown as AuthContext;

function setup(auth?: Partial<AuthService>, store: TokenStore = createMemoryStore()): ApiDependencies {
  const users = createMemoryUserRepository();
  const service = createAuthService({ directory: users, store, keys: { algorithm: 'HS256', secret: 's'.repeat(32) } });
  return {
    auth: { ...service, ...auth } as AuthService,
    users,
    resources: createMemoryResourceRepository(),
    roles: chatshipperPolicy.ladder.scopes,
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
    await deps.users.create({ id, email: 'ada@example.com', role: 'agent', kind: 'user', profile: {} });
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
});
