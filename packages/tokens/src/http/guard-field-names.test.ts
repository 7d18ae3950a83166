// Issue #11, item 6: the guard refuses hostile field names (ERR_FIELD_NAME_INVALID) for everyone,
// before the policy and before `load`; the exact protected names still go to the policy.
import { isScopeladderError, type Principal } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../service-types.js';
import { chatshipperMatrixPolicy } from '../test-fixtures.js';
import { decideGuard } from './decide-guard.js';
import type { GuardPolicy, GuardSpec } from './guard-types.js';
import { runGuard } from './run-guard.js';

const policy = chatshipperMatrixPolicy;

function authOf(id: string, role: string): AuthContext {
  const principal: Principal = { id, scopes: [role] };
  return { principal, ability: policy.abilityFor(principal), token: { kind: 'apiKey', keyId: 'k1' } };
}

const guest = authOf('guest-id', 'guest');
const admin = authOf('admin-id', 'admin');
const request = { id: 'guest-id' };
const records: Record<string, { id: string }> = { 'guest-id': { id: 'guest-id' }, 'other-id': { id: 'other-id' } };
const updateSelf: GuardSpec<typeof request> = { action: 'update', subject: 'User', load: (req) => records[req.id] };
const updateOther: GuardSpec<typeof request> = { action: 'update', subject: 'User', load: () => records['other-id'] };
const createUser: GuardSpec<typeof request> = { action: 'create', subject: 'User' };

/** The error a decision ends in (or 'allowed'). */
async function errorOf(decide: () => Promise<unknown> | undefined): Promise<{ code: string; message: string } | 'allowed'> {
  try {
    await decide();
    return 'allowed';
  } catch (error) {
    if (!isScopeladderError(error)) throw error;
    return { code: error.code, message: error.message };
  }
}

const HOSTILE = [
  'role\u0000',
  'nick\u0007name',
  'name\u2028',
  'r\u043Ele',
  'r\u03BFle',
  '\uFF52\uFF4F\uFF4C\uFF45',
  ' role',
  'Role',
  'ROLE',
  'r\u200Bole',
  'r\u043Ele.x',
];

describe('guards refuse hostile body field names', () => {
  for (const [who, auth, spec] of [
    ['guest, own record', guest, updateSelf],
    ['admin, another record', admin, updateOther],
    ['admin, create', admin, createUser],
  ] as const) {
    it.each(HOSTILE)(`${who}: %j → ERR_FIELD_NAME_INVALID (runGuard and decideGuard)`, async (name) => {
      const body = { name: 'ok', [name]: 'admin' };
      for (const decide of [runGuard, decideGuard]) {
        const outcome = await errorOf(() => decide(auth, policy, spec, request, body));
        expect(outcome).toMatchObject({ code: 'ERR_FIELD_NAME_INVALID' });
        // Printable ASCII only: no raw control character or look-alike in the message.
        expect((outcome as { message: string }).message).toMatch(/^[\x20-\x7e]+$/);
      }
    });
  }

  it('the message names the problem and the protected field imitated', async () => {
    expect(await errorOf(() => runGuard(admin, policy, updateOther, request, { 'r\u043Ele': 1 }))).toEqual({
      code: 'ERR_FIELD_NAME_INVALID',
      message: 'Field name "r\\u043ele" looks like the protected field "role"',
    });
    expect(await errorOf(() => runGuard(admin, policy, updateOther, request, { 'role\u0000': 1 }))).toEqual({
      code: 'ERR_FIELD_NAME_INVALID',
      message: 'Field name "role\\u0000" contains a control character',
    });
    const long = `${'x'.repeat(200)}\u0000`;
    const { message } = (await errorOf(() => runGuard(admin, policy, updateOther, request, { [long]: 1 }))) as { message: string };
    expect(message.length).toBeLessThan(120);
  });

  it('is refused before load: no lookup for a hostile body', async () => {
    let loads = 0;
    const spec: GuardSpec<typeof request> = { action: 'update', subject: 'User', load: () => (loads++, records['other-id']) };
    expect(await errorOf(() => runGuard(guest, policy, spec, request, { Role: 'admin' }))).toMatchObject({ code: 'ERR_FIELD_NAME_INVALID' });
    expect(loads).toBe(0);
  });

  it('the exact protected names still go to the policy: guest 403, admin allowed', async () => {
    expect(await errorOf(() => runGuard(guest, policy, updateSelf, request, { role: 'admin' }))).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE' });
    expect(await errorOf(() => runGuard(guest, policy, updateSelf, request, { 'role.x': 'admin' }))).toMatchObject({
      code: 'ERR_INSUFFICIENT_SCOPE',
    });
    expect(await errorOf(() => runGuard(admin, policy, updateOther, request, { role: 'agent' }))).toBe('allowed');
    expect(await errorOf(() => runGuard(guest, policy, updateSelf, request, { name: 'G', roles: 'x', 'r\u00F2le': 'y' }))).toBe('allowed');
  });

  it('a subject without protected fields takes look-alikes of nothing, but no control character', async () => {
    const spec: GuardSpec<typeof request> = { action: 'create', subject: 'Conversation' };
    expect(await errorOf(() => runGuard(admin, policy, spec, request, { 'r\u043Ele': 1, Role: 2 }))).toBe('allowed');
    expect(await errorOf(() => runGuard(admin, policy, spec, request, { 'topic\u0000': 1 }))).toMatchObject({ code: 'ERR_FIELD_NAME_INVALID' });
  });

  it('names from a `fields` option are checked the same way', async () => {
    const spec: GuardSpec<typeof request> = { action: 'update', subject: 'User', load: () => records['guest-id'], fields: () => ['R\u043Ele'] };
    expect(await errorOf(() => runGuard(admin, policy, spec, request, {}))).toMatchObject({ code: 'ERR_FIELD_NAME_INVALID' });
  });

  it('a policy without checkFieldName (only `authorize`) still gets control characters refused', async () => {
    const bare: GuardPolicy = { authorize: (...args) => policy.authorize(...(args as Parameters<typeof policy.authorize>)) };
    const spec: GuardSpec<typeof request> = { action: 'create', subject: 'Conversation' };
    expect(await errorOf(() => runGuard(admin, bare, spec, request, { 'a\u0000': 1 }))).toMatchObject({ code: 'ERR_FIELD_NAME_INVALID' });
    expect(await errorOf(() => runGuard(admin, bare, spec, request, { a: 1 }))).toBe('allowed');
  });
});
