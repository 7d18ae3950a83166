import { describe, expect, it } from 'vitest';
import { createMemoryDirectory } from './create-memory-directory.js';
import { expectCode } from './test-fixtures.js';

describe('createMemoryDirectory', () => {
  it('finds users by id and by email (case-insensitive), and changes them', async () => {
    const directory = createMemoryDirectory([{ id: 'u1', email: 'Ada@Example.com', role: 'agent' }]);
    expect(await directory.findById('u1')).toMatchObject({ email: 'Ada@Example.com' });
    expect(await directory.findByEmail('ada@example.COM')).toMatchObject({ id: 'u1' });
    expect(await directory.findById('u2')).toBeNull();
    expect(await directory.findByEmail('nobody@example.com')).toBeNull();

    directory.add({ id: 'b1', email: 'bot@example.com', role: 'bot', kind: 'bot' });
    expect(directory.update('b1', { role: 'agent', email: 'robot@example.com' })).toMatchObject({ id: 'b1', role: 'agent' });
    expect(await directory.findByEmail('bot@example.com')).toBeNull();
    expect(await directory.findByEmail('robot@example.com')).toMatchObject({ role: 'agent' });
    expect(directory.update('zz', { role: 'agent' })).toBeNull();

    expect(directory.delete('b1')).toBe(true);
    expect(directory.delete('b1')).toBe(false);
    expect(await directory.findById('b1')).toBeNull();
    expect(directory.list().map((user) => user.id)).toEqual(['u1']);
  });

  it('keeps frozen copies', async () => {
    const input = { id: 'u1', email: 'a@example.com', role: 'agent' };
    const directory = createMemoryDirectory([input]);
    input.role = 'admin';
    const found = await directory.findById('u1');
    expect(found?.role).toBe('agent');
    expect(Object.isFrozen(found)).toBe(true);
  });

  it('refuses duplicate ids and emails (ERR_INVALID_REQUEST) and malformed records (TypeError)', async () => {
    const directory = createMemoryDirectory([{ id: 'u1', email: 'a@example.com', role: 'agent' }]);
    await expectCode(
      Promise.resolve().then(() => directory.add({ id: 'u1', email: 'b@example.com', role: 'agent' })),
      'ERR_INVALID_REQUEST',
    );
    await expectCode(
      Promise.resolve().then(() => directory.add({ id: 'u2', email: 'A@example.com', role: 'agent' })),
      'ERR_INVALID_REQUEST',
    );
    directory.add({ id: 'u2', email: 'b@example.com', role: 'agent' });
    await expectCode(
      Promise.resolve().then(() => directory.update('u2', { email: 'a@EXAMPLE.com' })),
      'ERR_INVALID_REQUEST',
    );
    expect(() => directory.add({ id: '', email: 'c@example.com', role: 'agent' })).toThrow(TypeError);
    expect(() => directory.add({ id: 'u3', email: 'c@example.com', role: 'agent', kind: 'robot' as never })).toThrow(/kind/);
    expect(() => directory.update('u2', { role: 5 as never })).toThrow(/role/);
  });

  it('keeps organizations and memberships: frozen copies, malformed ones refused (TypeError)', async () => {
    const directory = createMemoryDirectory(
      [{ id: 'u1', email: 'a@example.com', role: 'agent', memberships: [{ organization: 'c1', role: 'admin' }] }],
      { organizations: [{ id: 'r1', path: 'r1' }, { id: 'c1', path: 'r1#c1', name: 'Customer one' } as never] },
    );
    expect(await directory.findOrganization('c1')).toEqual({ id: 'c1', path: 'r1#c1', name: 'Customer one' });
    expect(await directory.findOrganization('c2')).toBeNull();
    const user = await directory.findById('u1');
    expect(Object.isFrozen(user?.memberships)).toBe(true);
    expect(Object.isFrozen(user?.memberships?.[0])).toBe(true);
    await expectCode(
      Promise.resolve().then(() => directory.addOrganization({ id: 'c1', path: 'r1#c1' })),
      'ERR_INVALID_REQUEST',
    );
    for (const organization of [{ id: '', path: '' }, { id: 'c2', path: 'r1#c3' }, { id: 'c2', path: 'r1##c2' }, { id: 'c2', path: '#c2' }, null]) {
      expect(() => directory.addOrganization(organization as never)).toThrow(TypeError);
    }
    for (const memberships of [
      'c1',
      [{ organization: '', role: 'agent' }],
      [{ organization: 'c1' }],
      [{ organization: 'c1', role: 'agent', path: 'r1#c2' }],
      [null],
    ]) {
      expect(() => directory.update('u1', { memberships: memberships as never })).toThrow(/membership/);
    }
    expect(directory.deleteOrganization('c1')).toBe(true);
    expect(directory.deleteOrganization('c1')).toBe(false);
    expect(() => createMemoryDirectory([], { separator: 'ab' })).toThrow(TypeError);
    const slashes = createMemoryDirectory([], { separator: '/', organizations: [{ id: 'c1', path: 'r1/c1' }] });
    expect(await slashes.findOrganization('c1')).toMatchObject({ path: 'r1/c1' });
  });
});
