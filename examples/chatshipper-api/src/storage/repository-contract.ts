// Test support (not part of the server): the behaviour every storage backend must have, run by
// memory.test.ts against the in-memory repositories and by redis.test.ts against Redis.
import { describe, expect, it } from 'vitest';
import { newId } from '../lib/ids.js';
import type { ResourceRepository, StoredUser, UserRepository } from './types.js';

/** Fresh, empty repositories for one test. */
export type OpenRepositories = () => Promise<{ users: UserRepository; resources: ResourceRepository }>;

const ORG = 'a'.repeat(24);

function user(id: string, email: string, extra: Partial<StoredUser> = {}): StoredUser {
  return { id, email, role: 'agent', kind: 'user', organization: ORG, profile: {}, ...extra };
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
      expect((await users.list()).map((found) => found.id)).toEqual(ids);
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
      expect(await resources.list('Contact')).toHaveLength(1);
      expect(await resources.delete('Contact', id)).toBe(true);
      expect(await resources.delete('Contact', id)).toBe(false);
      expect(await resources.update('Contact', id, {})).toBeNull();
      expect(await resources.get('Contact', id)).toBeNull();
    });

    it('lists in creation order and keeps any JSON', async () => {
      const { resources } = await open();
      const docs = [0, 1, 2].map((n) => ({ id: newId(), organization: ORG, n, body: { text: `é ${n}`, list: [n, null] } }));
      for (const doc of docs) await resources.create('Message', doc);
      expect(await resources.list('Message')).toEqual(docs);
      expect(await resources.list('Conversation')).toEqual([]);
    });
  });
}
