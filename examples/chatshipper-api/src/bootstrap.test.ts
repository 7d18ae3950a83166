import { describe, expect, it } from 'vitest';
import { ensureBootstrapAdmin } from './bootstrap.js';
import { createMemoryResourceRepository, createMemoryUserRepository } from './storage/memory.js';
import { LIST_ALL } from './storage/repository-contract.js';
import type { UserRepository } from './storage/types.js';

const hashPassword = async (password: string) => `hash:${password}`;

describe('ensureBootstrapAdmin', () => {
  it('creates the root organization and the admin in it, once', async () => {
    const users = createMemoryUserRepository();
    const resources = createMemoryResourceRepository();
    const options = { users, resources, email: 'root@example.com', password: 'p4ssword', hashPassword };
    const first = await ensureBootstrapAdmin(options);
    expect(first).toMatchObject({ created: true, role: 'admin' });
    const root = first.organization ?? '';
    expect(await users.findById(first.id)).toMatchObject({
      email: 'root@example.com',
      role: 'admin',
      organization: root,
      passwordHash: 'hash:p4ssword',
      memberships: [{ organization: root, path: root, role: 'admin' }],
      organizationPaths: [root],
    });
    expect((await resources.list('Organization', LIST_ALL)).items).toEqual([
      { id: root, organization: root, name: 'ChatShipper', parent: null, level: 1, path: root },
    ]);

    // A second instance on the same storage (or a restart): found, left unchanged.
    const again = await ensureBootstrapAdmin({ ...options, password: 'another-password' });
    expect(again).toEqual({ ...first, created: false });
    expect((await users.findById(first.id))?.passwordHash).toBe('hash:p4ssword');
    expect((await resources.list('Organization', LIST_ALL)).items).toHaveLength(1);
  });

  it('leaves an existing user with that email as it is, and says its role', async () => {
    const users = createMemoryUserRepository();
    const resources = createMemoryResourceRepository();
    const first = await ensureBootstrapAdmin({ users, resources, email: 'root@example.com', password: 'p4ssword', hashPassword });
    await users.update(first.id, { role: 'agent' });
    const again = await ensureBootstrapAdmin({ users, resources, email: 'root@example.com', password: 'p4ssword', hashPassword });
    expect(again).toMatchObject({ id: first.id, role: 'agent', created: false });
  });

  it('after losing a race to another instance, answers the winner and removes its own organization', async () => {
    const users = createMemoryUserRepository();
    const resources = createMemoryResourceRepository();
    const winner = await ensureBootstrapAdmin({ users, resources, email: 'root@example.com', password: 'p4ssword', hashPassword });
    // This instance read "no admin" just before the other one wrote it.
    let reads = 0;
    const late: UserRepository = {
      ...users,
      findByEmail: async (email) => (reads++ === 0 ? null : users.findByEmail(email)),
    };
    const loser = await ensureBootstrapAdmin({ users: late, resources, email: 'root@example.com', password: 'p4ssword', hashPassword });
    expect(loser).toEqual({ ...winner, created: false });
    expect((await resources.list('Organization', LIST_ALL)).items.map((org) => org.id)).toEqual([winner.organization]);
  });
});
