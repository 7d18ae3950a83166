// Issue #11, item 6: body field names with control characters, and look-alikes of a protected
// field, are refused (400 ERR_FIELD_NAME_INVALID) by every adapter's guard before any handler
// runs, for everyone (admins included); the exact protected names still go to the policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './fixtures/adapters.js';
import { startSession, type Session } from './fixtures/session.js';
import { HOSTILE_USER_FIELDS } from '../support/field-name-cases.js';

describe.each(ADAPTERS)('body field names on $name', (adapter) => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession(adapter);
  });
  afterAll(async () => {
    await session.close();
  });

  const guestPath = (): string => `/v2/users/${session.world.users.guest.id}`;
  const otherPath = (): string => `/v2/users/${session.world.other.id}`;

  async function expectRefused(reply: { status: number; json: unknown; text: string }): Promise<void> {
    expect(reply.status, reply.text).toBe(400);
    expect(reply.json).toEqual({ code: 'ERR_FIELD_NAME_INVALID', message: expect.any(String) });
    // The message never carries a raw control character or a non-ASCII look-alike.
    // eslint-disable-next-line no-control-regex
    expect(reply.text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  }

  it.each(HOSTILE_USER_FIELDS)('guest PATCH of its own record with %s → 400 ERR_FIELD_NAME_INVALID', async (_label, name) => {
    const reply = await session.as('guest', guestPath(), { method: 'PATCH', json: { [name]: 'admin' } });
    await expectRefused(reply);
  });

  it.each(HOSTILE_USER_FIELDS)('admin PATCH of another user with %s → 400 ERR_FIELD_NAME_INVALID', async (_label, name) => {
    const reply = await session.as('admin', otherPath(), { method: 'PATCH', json: { [name]: 'admin' } });
    await expectRefused(reply);
  });

  it('a hostile name beside legitimate ones refuses the whole request', async () => {
    const reply = await session.as('admin', otherPath(), { method: 'PATCH', json: { name: 'Olga', 'r\u043Ele': 'admin' } });
    await expectRefused(reply);
  });

  it('admin POST /v2/users with a look-alike of role → 400 (protected on update, so refused on create too)', async () => {
    const reply = await session.as('admin', '/v2/users', {
      method: 'POST',
      json: { email: 'mallory@example.test', role: 'guest', 'r\u043Ele': 'admin' },
    });
    await expectRefused(reply);
  });

  it('no refused name was stored on either record', async () => {
    for (const path of [guestPath(), otherPath()]) {
      const reply = await session.as('admin', path);
      expect(reply.status, reply.text).toBe(200);
      const keys = Object.keys(reply.json as object);
      for (const [, name] of HOSTILE_USER_FIELDS) expect(keys).not.toContain(name);
      expect(keys).not.toContain('r\u043Ele');
    }
  });

  it('guest PATCH of its own `name` → 200, stored', async () => {
    const reply = await session.as('guest', guestPath(), { method: 'PATCH', json: { name: 'Gina' } });
    expect(reply.status, reply.text).toBe(200);
    const fetched = await session.as('guest', guestPath());
    expect(fetched.json).toMatchObject({ name: 'Gina' });
  });

  it('guest PATCH of its own exact `role` → 403 insufficient_scope, as before', async () => {
    const reply = await session.as('guest', guestPath(), { method: 'PATCH', json: { role: 'admin' } });
    expect(reply.status, reply.text).toBe(403);
    expect(reply.json.code).toBe('ERR_INSUFFICIENT_SCOPE');
  });

  it('guest PATCH of an exact sub-path `role.x` → 403 (the policy decides, not the name check)', async () => {
    const reply = await session.as('guest', guestPath(), { method: 'PATCH', json: { 'role.x': 'admin' } });
    expect(reply.status, reply.text).toBe(403);
    expect(reply.json.code).toBe('ERR_INSUFFICIENT_SCOPE');
  });

  it('admin PATCH of the exact `role` → 200', async () => {
    const reply = await session.as('admin', otherPath(), { method: 'PATCH', json: { role: 'agent' } });
    expect(reply.status, reply.text).toBe(200);
  });

  it('names that only resemble nothing protected are fine: `roles`, `ròle`, a Cyrillic word', async () => {
    const reply = await session.as('guest', guestPath(), { method: 'PATCH', json: { roles: 'x', 'r\u00F2le': 'y', '\u0438\u043C\u044F': 'z' } });
    expect(reply.status, reply.text).toBe(200);
  });

  it('a resource without protected fields takes look-alikes of nothing, but never a control character', async () => {
    const created = await session.as('admin', '/v2/conversations', { method: 'POST', json: { 'r\u043Ele': 'fine', Role: 'fine' } });
    expect(created.status, created.text).toBe(201);
    const refused = await session.as('admin', '/v2/conversations', { method: 'POST', json: { 'topic\u0000': 'x' } });
    await expectRefused(refused);
  });
});
