// Test support (not part of the server): the behaviour every storage backend must have, run by
// memory.test.ts against the in-memory repositories and by redis.test.ts against Redis.
import { chatshipperTenantPolicy } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { newId } from '../lib/ids.js';
import { withMemberships } from './merge.js';
import type { ListQuery, ResourceRepository, StoredUser, UserRepository } from './types.js';

/** A list query that matches everything, in one page of the largest size. */
export const LIST_ALL: ListQuery = Object.freeze({
  filter: { kind: 'all' as const, matches: () => true },
  within: undefined,
  offset: 0,
  limit: 1000,
});

/** Fresh, empty repositories for one test. */
export type OpenRepositories = () => Promise<{ users: UserRepository; resources: ResourceRepository }>;

const ORG = 'a'.repeat(24);

function user(id: string, email: string, extra: Partial<StoredUser> = {}): StoredUser {
  return { id, email, role: 'agent', kind: 'user', organization: ORG, profile: {}, ...extra };
}

/** A list query of what a principal acting at `path` with `scopes` may list of `type`, one page. */
function listQuery(type: 'Contact' | 'User', path: string, offset = 0, limit = 1000): ListQuery {
  const filter = chatshipperTenantPolicy.filterFor({ id: newId(), scopes: ['admin'], organizationPath: path }, 'list', type);
  return { filter, within: path, offset, limit };
}

/** Registers the shared repository suite under `label`. */
export function describeRepositoryContract(label: string, open: OpenRepositories): void {
  describe(`${label}: UserRepository`, () => {
    it('finds users by id and by email, case-insensitively', async () => {
      const { users } = await open();
      const id = newId();
      await users.create(user(id, 'Ada@Example.com'));
      expect((await users.findById(id))?.email).toBe('ada@example.com');
      expect((await users.findByEmail('ADA@example.COM'))?.id).toBe(id);
      expect(await users.findByEmail('nobody@example.com')).toBeNull();
      expect(await users.findById(newId())).toBeNull();
    });

    it('keeps every field of a user, including the password hash the auth service reads', async () => {
      const { users } = await open();
      const stored = user(newId(), 'bot@example.com', {
        kind: 'bot',
        role: 'bot',
        passwordHash: 'scrypt$example',
        profile: { name: 'Helper', tags: ['a', 'b'], nested: { n: 1 } },
      });
      expect(await users.create(stored)).toEqual(stored);
      expect(await users.findById(stored.id)).toEqual(stored);
    });

    it('refuses a taken email on create and on update', async () => {
      const { users } = await open();
      const [a, b] = [newId(), newId()];
      await users.create(user(a, 'ada@example.com'));
      await users.create(user(b, 'bob@example.com'));
      expect(await users.create(user(newId(), 'ADA@example.com'))).toBeNull();
      expect(await users.update(b, { email: 'Ada@example.com' })).toBe('email_taken');
      expect((await users.findByEmail('bob@example.com'))?.id).toBe(b);
      expect((await users.findByEmail('ada@example.com'))?.id).toBe(a);
    });

    it('moves the email index on an email change, merges profile fields, and deletes', async () => {
      const { users } = await open();
      const id = newId();
      await users.create(user(id, 'ada@example.com', { profile: { name: 'Ada' } }));
      const updated = await users.update(id, { email: 'Lovelace@example.com', role: 'bot', profile: { team: 'x' } });
      expect(updated).toMatchObject({ email: 'lovelace@example.com', role: 'bot', profile: { name: 'Ada', team: 'x' } });
      expect(await users.findByEmail('ada@example.com')).toBeNull();
      expect(await users.create(user(newId(), 'ada@example.com'))).not.toBeNull();
      expect(await users.update(newId(), { role: 'guest' })).toBeNull();
      expect((await users.delete(id))?.id).toBe(id);
      expect(await users.findByEmail('lovelace@example.com')).toBeNull();
      expect(await users.findById(id)).toBeNull();
      expect(await users.delete(id)).toBeNull();
    });

    it('lists users in creation order', async () => {
      const { users } = await open();
      const ids = [newId(), newId(), newId()];
      for (const [i, id] of ids.entries()) await users.create(user(id, `u${i}@example.com`));
      expect((await users.list(LIST_ALL)).items.map((found) => found.id)).toEqual(ids);
    });
  });

  describe(`${label}: tenancy`, () => {
    it('lists only what the filter matches (the subtree, not a sibling whose id starts alike), one page at a time', async () => {
      const { resources } = await open();
      const paths = ['r1', 'r1#c1', 'r1#c10', 'r1#c1#s1', 'r1#c1', 'r2#c1', 'r1#c1'];
      const docs = paths.map((organizationPath, n) => ({ id: newId(), organization: organizationPath.split('#').at(-1), organizationPath, n }));
      for (const doc of docs) await resources.create('Contact', doc);
      const inC1 = docs.filter((doc) => doc.organizationPath === 'r1#c1' || doc.organizationPath.startsWith('r1#c1#')).map((doc) => doc.n);
      expect(inC1).toEqual([1, 3, 4, 6]);
      // Ordered by organization path (a parent before its descendants), then creation.
      const all = await resources.list('Contact', listQuery('Contact', 'r1#c1'));
      expect(all).toEqual({ items: [1, 4, 6, 3].map((n) => docs[n]), more: false });
      const pages = [0, 2, 4].map((offset) => resources.list('Contact', listQuery('Contact', 'r1#c1', offset, 2)));
      expect((await Promise.all(pages)).map((page) => [page.items.map((doc) => doc['n']), page.more])).toEqual([
        [[1, 4], true],
        [[6, 3], false],
        [[], false],
      ]);
      expect((await resources.list('Contact', { ...LIST_ALL, filter: { kind: 'none', matches: () => false } })).items).toEqual([]);
    });

    it('lists users by the paths of their memberships, and finds organizations and sub-organizations', async () => {
      const { users, resources } = await open();
      const [r1, c1, c2] = [newId(), newId(), newId()];
      await resources.create('Organization', { id: r1, organization: r1, parent: null, level: 1, path: r1 });
      await resources.create('Organization', { id: c1, organization: c1, parent: r1, level: 2, path: `${r1}#${c1}` });
      expect(await users.findOrganization(c1)).toEqual({ id: c1, path: `${r1}#${c1}` });
      expect(await users.findOrganization(c2)).toBeNull();
      expect(await resources.hasSubOrganizations(r1)).toBe(true);
      expect(await resources.hasSubOrganizations(c1)).toBe(false);
      const both = withMemberships(user(newId(), 'both@example.com'), [
        { organization: r1, path: r1, role: 'guest' },
        { organization: c1, path: `${r1}#${c1}`, role: 'agent' },
      ]);
      const rootOnly = withMemberships(user(newId(), 'root@example.com'), [{ organization: r1, path: r1, role: 'admin' }]);
      await users.create(both);
      await users.create(rootOnly);
      expect((await users.list(listQuery('User', `${r1}#${c1}`))).items.map((found) => found.id)).toEqual([both.id]);
      expect((await users.list(listQuery('User', r1))).items.map((found) => found.id)).toEqual([both.id, rootOnly.id]);
    });

    it('changes memberships only inside the subtree a patch names, keeping role, organization and paths in step', async () => {
      const { users } = await open();
      const stored = withMemberships(user(newId(), 'eve@example.com'), [
        { organization: 'r1', path: 'r1', role: 'guest' },
        { organization: 'c1', path: 'r1#c1', role: 'agent' },
        { organization: 's1', path: 'r1#c1#s1', role: 'agent' },
      ]);
      await users.create(stored);
      const promoted = await users.update(stored.id, { roleWithin: { path: 'r1#c1', role: 'admin' } });
      expect(promoted).toMatchObject({ role: 'guest', organization: 'r1', organizationPaths: ['r1', 'r1#c1', 'r1#c1#s1'] });
      expect(promoted !== null && promoted !== 'email_taken' && promoted.memberships?.map((m) => m.role)).toEqual(['guest', 'admin', 'admin']);
      const replaced = await users.update(stored.id, {
        membershipsWithin: { path: 'r1#c1', memberships: [{ organization: 's1', path: 'r1#c1#s1', role: 'bot' }] },
      });
      expect(replaced).toMatchObject({
        memberships: [
          { organization: 'r1', path: 'r1', role: 'guest' },
          { organization: 's1', path: 'r1#c1#s1', role: 'bot' },
        ],
        organizationPaths: ['r1', 'r1#c1#s1'],
      });
      const left = await users.update(stored.id, {
        membershipsWithin: { path: 'r1', memberships: [{ organization: 'c1', path: 'r1#c1', role: 'agent' }] },
      });
      expect(left).toMatchObject({ role: 'agent', organization: 'c1', organizationPaths: ['r1#c1'] });
    });
  });

  describe(`${label}: ResourceRepository`, () => {
    it('keeps types apart, merges updates and never changes id or organization', async () => {
      const { resources } = await open();
      const id = newId();
      await resources.create('Contact', { id, organization: ORG, name: 'Ada' });
      expect(await resources.get('Form', id)).toBeNull();
      const updated = await resources.update('Contact', id, { phone: '1', id: 'x', organization: 'y' });
      expect(updated).toEqual({ id, organization: ORG, name: 'Ada', phone: '1' });
      expect(await resources.get('Contact', id)).toEqual(updated);
      expect((await resources.list('Contact', LIST_ALL)).items).toHaveLength(1);
      expect(await resources.delete('Contact', id)).toBe(true);
      expect(await resources.delete('Contact', id)).toBe(false);
      expect(await resources.update('Contact', id, {})).toBeNull();
      expect(await resources.get('Contact', id)).toBeNull();
    });

    it('lists in creation order and keeps any JSON', async () => {
      const { resources } = await open();
      const docs = [0, 1, 2].map((n) => ({ id: newId(), organization: ORG, n, body: { text: `é ${n}`, list: [n, null] } }));
      for (const doc of docs) await resources.create('Message', doc);
      expect((await resources.list('Message', LIST_ALL)).items).toEqual(docs);
      expect((await resources.list('Conversation', LIST_ALL)).items).toEqual([]);
    });
  });
}
