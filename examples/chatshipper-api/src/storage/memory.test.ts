import { describe, expect, it } from 'vitest';
import { createMemoryResourceRepository, createMemoryUserRepository } from './memory.js';
import type { StoredUser } from './types.js';

const user = (id: string, email: string, extra: Partial<StoredUser> = {}): StoredUser => ({
  id,
  email,
  role: 'agent',
  kind: 'user',
  organization: 'o'.repeat(24),
  profile: {},
  ...extra,
});

describe('createMemoryUserRepository', () => {
  it('finds users by id and by email, case-insensitively', async () => {
    const users = createMemoryUserRepository();
    await users.create(user('a'.repeat(24), 'Ada@Example.com'));
    expect((await users.findById('a'.repeat(24)))?.email).toBe('ada@example.com');
    expect((await users.findByEmail('ADA@example.COM'))?.id).toBe('a'.repeat(24));
    expect(await users.findByEmail('nobody@example.com')).toBeNull();
  });

  it('refuses a taken email on create and on update', async () => {
    const users = createMemoryUserRepository();
    await users.create(user('a'.repeat(24), 'ada@example.com'));
    await users.create(user('b'.repeat(24), 'bob@example.com'));
    expect(await users.create(user('c'.repeat(24), 'ADA@example.com'))).toBeNull();
    expect(await users.update('b'.repeat(24), { email: 'ada@example.com' })).toBe('email_taken');
    expect((await users.findByEmail('bob@example.com'))?.id).toBe('b'.repeat(24));
  });

  it('moves the email index on an email change, merges profile fields, and deletes', async () => {
    const users = createMemoryUserRepository();
    await users.create(user('a'.repeat(24), 'ada@example.com', { profile: { name: 'Ada' } }));
    const updated = await users.update('a'.repeat(24), { email: 'lovelace@example.com', role: 'bot', profile: { team: 'x' } });
    expect(updated).toMatchObject({ email: 'lovelace@example.com', role: 'bot', profile: { name: 'Ada', team: 'x' } });
    expect(await users.findByEmail('ada@example.com')).toBeNull();
    expect(await users.update('f'.repeat(24), { role: 'guest' })).toBeNull();
    expect((await users.delete('a'.repeat(24)))?.id).toBe('a'.repeat(24));
    expect(await users.findByEmail('lovelace@example.com')).toBeNull();
    expect(await users.delete('a'.repeat(24))).toBeNull();
  });
});

describe('createMemoryResourceRepository', () => {
  it('keeps types apart, merges updates and never changes id or organization', async () => {
    const resources = createMemoryResourceRepository();
    const id = '1'.repeat(24);
    await resources.create('Contact', { id, organization: 'o'.repeat(24), name: 'Ada' });
    expect(await resources.get('Form', id)).toBeNull();
    const updated = await resources.update('Contact', id, { phone: '1', id: 'x', organization: 'y' });
    expect(updated).toEqual({ id, organization: 'o'.repeat(24), name: 'Ada', phone: '1' });
    expect(await resources.list('Contact')).toHaveLength(1);
    expect(await resources.delete('Contact', id)).toBe(true);
    expect(await resources.delete('Contact', id)).toBe(false);
    expect(await resources.update('Contact', id, {})).toBeNull();
  });
});
