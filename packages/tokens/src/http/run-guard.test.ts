import { type Principal } from '@scopeladder/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatshipperMatrixPolicy, expectCode } from '../test-fixtures.js';
import type { AuthContext } from '../service-types.js';
import { assertGuardSpec } from './assert-guard-spec.js';
import type { GuardSpec } from './guard-types.js';
import { precheckGuard } from './precheck-guard.js';
import { runGuard } from './run-guard.js';

const policy = chatshipperMatrixPolicy;

function authOf(id: string, role: string): AuthContext {
  const principal: Principal = { id, scopes: [role] };
  return { principal, ability: policy.abilityFor(principal), token: { kind: 'apiKey', keyId: 'k1' } };
}

const guest = authOf('guest-id', 'guest');
const agent = authOf('agent-id', 'agent');
const bot = authOf('bot-id', 'bot');
const admin = authOf('admin-id', 'admin');

interface FakeRequest {
  readonly id: string;
  readonly body?: unknown;
}

const users: Record<string, { id: string; name: string; role: string }> = {
  'guest-id': { id: 'guest-id', name: 'Gina', role: 'guest' },
  'other-id': { id: 'other-id', name: 'Otto', role: 'agent' },
};
const loadUser = (request: FakeRequest) => users[request.id];

describe('runGuard: type-level checks (no load)', () => {
  const list: GuardSpec<FakeRequest> = { action: 'list', subject: 'Conversation' };

  it('allows the action on the whole type, resolving undefined', async () => {
    await expect(runGuard(agent, policy, list, { id: '' }, undefined)).resolves.toBeUndefined();
  });

  it('refuses with the policy denial and its context', async () => {
    const error = await runGuard(guest, policy, list, { id: '' }, undefined).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE', denial: { action: 'list', subject: 'Conversation', requiredScope: 'agent' } });
  });

  it('a type-level check of an instance-only (self) row is refused', async () => {
    // "Fetch user details (self)": a guest may fetch its own record, never "every user".
    await expectCode(runGuard(guest, policy, { action: 'fetch', subject: 'User' }, { id: 'guest-id' }, undefined), 'ERR_INSUFFICIENT_SCOPE');
  });
});

describe('runGuard: instance checks (load)', () => {
  const fetchUser: GuardSpec<FakeRequest> = { action: 'fetch', subject: 'User', load: loadUser };

  it('applies the self rule to the loaded record and resolves it', async () => {
    await expect(runGuard(guest, policy, fetchUser, { id: 'guest-id' }, undefined)).resolves.toBe(users['guest-id']);
    await expectCode(runGuard(guest, policy, fetchUser, { id: 'other-id' }, undefined), 'ERR_INSUFFICIENT_SCOPE');
    await expect(runGuard(bot, policy, fetchUser, { id: 'other-id' }, undefined)).resolves.toBe(users['other-id']);
  });

  it('awaits an async loader and never tags or mutates the record (frozen records work)', async () => {
    const record = Object.freeze({ id: 'guest-id', name: 'Gina' });
    const spec: GuardSpec<FakeRequest> = { action: 'fetch', subject: 'User', load: async () => record };
    await expect(runGuard(guest, policy, spec, { id: 'guest-id' }, undefined)).resolves.toBe(record);
    expect(Object.getOwnPropertyNames(record)).toEqual(['id', 'name']);
  });

  it('a loader resolving something other than an object, null or undefined is a TypeError (a bug)', async () => {
    const spec: GuardSpec<FakeRequest> = { action: 'fetch', subject: 'User', load: () => 'guest-id' as never };
    await expect(runGuard(admin, policy, spec, { id: 'guest-id' }, undefined)).rejects.toThrow(TypeError);
  });
});

describe('runGuard: a missing record', () => {
  const fetchUser: GuardSpec<FakeRequest> = { action: 'fetch', subject: 'User', load: loadUser };

  it('is ERR_NOT_FOUND for a principal allowed on every record of the type', async () => {
    await expectCode(runGuard(bot, policy, fetchUser, { id: 'missing' }, undefined), 'ERR_NOT_FOUND');
    const nullLoader: GuardSpec<FakeRequest> = { action: 'fetch', subject: 'User', load: () => null };
    await expectCode(runGuard(admin, policy, nullLoader, { id: 'missing' }, undefined), 'ERR_NOT_FOUND');
  });

  it('is the denial for anyone else, so a 404 never reveals whether a record exists', async () => {
    await expectCode(runGuard(guest, policy, fetchUser, { id: 'missing' }, undefined), 'ERR_INSUFFICIENT_SCOPE');
    await expectCode(runGuard(guest, policy, fetchUser, { id: 'other-id' }, undefined), 'ERR_INSUFFICIENT_SCOPE');
  });
});

describe('runGuard: fields', () => {
  const updateUser: GuardSpec<FakeRequest> = { action: 'update', subject: 'User', load: loadUser };
  const self = { id: 'guest-id' };

  it('create/update check the top-level keys of the body by default', async () => {
    await expect(runGuard(guest, policy, updateUser, self, { name: 'G' })).resolves.toBe(users['guest-id']);
    for (const body of [{ role: 'admin' }, { name: 'G', role: 'admin' }]) {
      const error = await runGuard(guest, policy, updateUser, self, body).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE', denial: { field: 'role', requiredScope: 'admin' } });
    }
    await expect(runGuard(admin, policy, updateUser, self, { role: 'agent' })).resolves.toBe(users['guest-id']);
  });

  it('an update body that is not a plain object is ERR_INVALID_REQUEST', async () => {
    for (const body of [['role'], 'role', 42, null]) {
      await expectCode(runGuard(admin, policy, updateUser, self, body), 'ERR_INVALID_REQUEST');
    }
  });

  it('no body, or an empty one, checks the action alone', async () => {
    await expect(runGuard(guest, policy, updateUser, self, undefined)).resolves.toBe(users['guest-id']);
    await expect(runGuard(guest, policy, updateUser, self, {})).resolves.toBe(users['guest-id']);
  });

  it('other actions ignore the body', async () => {
    const fetchUser: GuardSpec<FakeRequest> = { action: 'fetch', subject: 'User', load: loadUser };
    await expect(runGuard(guest, policy, fetchUser, self, { role: 'admin' })).resolves.toBe(users['guest-id']);
  });

  it('fields: false checks none; an array or a function names them', async () => {
    await expect(runGuard(guest, policy, { ...updateUser, fields: false }, self, { role: 'admin' })).resolves.toBeDefined();
    await expectCode(runGuard(guest, policy, { ...updateUser, fields: ['role'] }, self, { name: 'G' }), 'ERR_INSUFFICIENT_SCOPE');
    const fromRequest: GuardSpec<FakeRequest> = { ...updateUser, fields: (request) => Object.keys(request.body as object) };
    await expectCode(runGuard(guest, policy, fromRequest, { id: 'guest-id', body: { role: 1 } }, { name: 'G' }), 'ERR_INSUFFICIENT_SCOPE');
    await expect(runGuard(guest, policy, { ...updateUser, fields: () => undefined }, self, { role: 'admin' })).resolves.toBeDefined();
  });

  it('fields of a type-level check are checked on the type', async () => {
    const create: GuardSpec<FakeRequest> = { action: 'create', subject: 'Message' };
    await expect(runGuard(guest, policy, create, self, { text: 'hi' })).resolves.toBeUndefined();
  });
});

describe('precheckGuard', () => {
  it('refuses a guard without load before any body is read', async () => {
    await expectCode(precheckGuard(guest, policy, { action: 'create', subject: 'Contact' }), 'ERR_INSUFFICIENT_SCOPE');
    await expect(precheckGuard(bot, policy, { action: 'create', subject: 'Contact' })).resolves.toBeUndefined();
  });

  it('leaves a guard with load to runGuard (its decision needs the record)', async () => {
    await expect(precheckGuard(guest, policy, { action: 'update', subject: 'User', load: () => null })).resolves.toBeUndefined();
  });
});

describe('assertGuardSpec', () => {
  it.each([
    ['an empty action', { action: '', subject: 'User' }],
    ['an empty subject', { action: 'fetch', subject: '' }],
    ['a non-string subject', { action: 'fetch', subject: 42 }],
    ['a load that is not a function', { action: 'fetch', subject: 'User', load: 'id' }],
    ['fields that are a string', { action: 'update', subject: 'User', fields: 'body' }],
    ['fields: true', { action: 'update', subject: 'User', fields: true }],
    ['null', null],
  ])('%s is a TypeError naming where', (_name, spec) => {
    expect(() => assertGuardSpec(spec as never, 'authorize')).toThrow(/^authorize: /);
    expect(() => assertGuardSpec(spec as never, 'authorize')).toThrow(TypeError);
  });

  it('refuses an action or subject type the policy does not know (a guard that would deny everyone)', () => {
    expect(() => assertGuardSpec({ action: 'list', subject: 'Conversaton' }, 'authorize', policy)).toThrow(
      /^authorize: unknown subject type "Conversaton": the policy knows "Organization", .*"Service"$/,
    );
    expect(() => assertGuardSpec({ action: 'lsit', subject: 'Conversation' }, 'authorize', policy)).toThrow(
      'authorize: unknown action "lsit": the policy knows "list", "fetch", "create", "update", "delete"',
    );
    // Inherited names are not the policy's.
    expect(() => assertGuardSpec({ action: 'toString', subject: 'User' }, 'authorize', policy)).toThrow(TypeError);
    expect(() => assertGuardSpec({ action: 'list', subject: 'constructor' }, 'authorize', policy)).toThrow(TypeError);
    // Quoted, bounded.
    const long = 'x'.repeat(10_000);
    expect(() => assertGuardSpec({ action: long, subject: 'User' }, 'authorize', policy)).toThrow(/^authorize: unknown action "x{64}…": /);
    // A policy that does not list its names is left to its own authorize (which denies).
    expect(() => assertGuardSpec({ action: 'lsit', subject: 'User' }, 'authorize', { authorize: () => undefined })).not.toThrow();
  });

  it("accepts exactly the policy's actions × subject types (property)", () => {
    const known = fc.tuple(fc.constantFrom(...policy.actions), fc.constantFrom(...policy.resources));
    fc.assert(
      fc.property(known, ([action, subject]) => {
        assertGuardSpec({ action, subject }, 'authorize', policy);
      }),
    );
    const unknown = fc.string({ minLength: 1 }).filter((name) => !(policy.actions as readonly string[]).includes(name));
    fc.assert(
      fc.property(unknown, fc.constantFrom(...policy.resources), (action, subject) => {
        expect(() => assertGuardSpec({ action, subject }, 'authorize', policy)).toThrow(TypeError);
        expect(() => assertGuardSpec({ action: subject, subject: action }, 'authorize', policy)).toThrow(TypeError);
      }),
    );
  });

  it('accepts every valid form', () => {
    for (const fields of [undefined, false, [], ['name'], () => ['name']] as const) {
      expect(() => assertGuardSpec({ action: 'update', subject: 'User', load: () => null, fields }, 'authorize')).not.toThrow();
    }
  });
});
