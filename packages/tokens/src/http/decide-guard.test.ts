import { type Principal } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { chatshipperMatrixPolicy, expectCode } from '../test-fixtures.js';
import type { AuthContext } from '../service-types.js';
import { decideGuard } from './decide-guard.js';
import { decidePrecheck } from './decide-precheck.js';
import type { GuardPolicy, GuardSpec } from './guard-types.js';
import { isPrecheckComplete } from './is-precheck-complete.js';
import { precheckGuard } from './precheck-guard.js';
import { runGuard } from './run-guard.js';

const policy = chatshipperMatrixPolicy;

function authOf(id: string, role: string): AuthContext {
  const principal: Principal = { id, scopes: [role] };
  return { principal, ability: policy.abilityFor(principal), token: { kind: 'apiKey', keyId: 'k1' } };
}

const everyone = policy.ladder.scopes.map((scope) => authOf(`${scope}-id`, scope));
const guest = authOf('guest-id', 'guest');
const agent = authOf('agent-id', 'agent');

interface FakeRequest {
  readonly id: string;
}
const self = { id: 'guest-id' };

/** What a synchronous-or-promise decision ends in: 'allowed', 'allowed:<record id>' or an error code. */
async function outcomeOf(decide: () => Promise<unknown> | undefined): Promise<string> {
  try {
    const result = await decide();
    return result === undefined ? 'allowed' : `allowed:${(result as { id: string }).id}`;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const bodies: readonly unknown[] = [undefined, {}, { name: 'G' }, { role: 'admin' }, ['role'], 'text', null];
const fieldOptions = [
  undefined,
  false,
  [],
  ['name'],
  ['role'],
  (request: FakeRequest) => (request.id === 'guest-id' ? ['role'] : undefined),
] as const;
const records: Record<string, { id: string }> = { 'guest-id': { id: 'guest-id' }, 'other-id': { id: 'other-id' } };

function* specs(): Generator<GuardSpec<FakeRequest>> {
  for (const subject of policy.resources) {
    for (const action of policy.actions) {
      for (const fields of fieldOptions) {
        yield { action, subject, fields };
        yield { action, subject, fields, load: (request) => records[request.id] };
      }
    }
  }
}

describe('decideGuard', () => {
  it('allows a type-level guard synchronously: no promise', () => {
    expect(decideGuard(agent, policy, { action: 'list', subject: 'Conversation' }, self, undefined)).toBeUndefined();
  });

  it('throws a type-level denial synchronously, with the denial context', () => {
    expect(() => decideGuard(guest, policy, { action: 'list', subject: 'Conversation' }, self, undefined)).toThrow(
      expect.objectContaining({ code: 'ERR_INSUFFICIENT_SCOPE', denial: expect.objectContaining({ requiredScope: 'agent' }) }),
    );
    expect(() => decideGuard(agent, policy, { action: 'update', subject: 'Contact' }, self, ['role'])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_REQUEST' }),
    );
  });

  it('returns runGuard’s promise for a guard with load', async () => {
    const pending = decideGuard(guest, policy, { action: 'fetch', subject: 'User', load: () => records['guest-id'] }, self, undefined);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toBe(records['guest-id']);
  });

  it('returns a promise when the policy answers with one, and it settles like the answer', async () => {
    const asyncPolicy: GuardPolicy = {
      authorize: (principal, action, target, fields) =>
        Promise.resolve().then(() => policy.authorize(principal, action as never, target as never, fields)) as never,
    };
    const allowed = decideGuard(agent, asyncPolicy, { action: 'list', subject: 'Conversation' }, self, undefined);
    expect(allowed).toBeInstanceOf(Promise);
    await expect(allowed).resolves.toBeUndefined();
    await expectCode(
      decideGuard(guest, asyncPolicy, { action: 'list', subject: 'Conversation' }, self, undefined) as Promise<unknown>,
      'ERR_INSUFFICIENT_SCOPE',
    );
  });

  it('decides exactly as runGuard for every scope, action, resource, fields option, body and record', async () => {
    let compared = 0;
    for (const auth of everyone) {
      for (const spec of specs()) {
        for (const body of bodies) {
          for (const request of [self, { id: 'other-id' }, { id: 'missing' }]) {
            const expected = await outcomeOf(() => runGuard(auth, policy, spec, request, body));
            expect(await outcomeOf(() => decideGuard(auth, policy, spec, request, body))).toBe(expected);
            compared += 1;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });
});

describe('decidePrecheck', () => {
  it('is precheckGuard without a promise: undefined when allowed or with load, the denial thrown', async () => {
    expect(decidePrecheck(authOf('bot-id', 'bot'), policy, { action: 'create', subject: 'Contact' })).toBeUndefined();
    expect(decidePrecheck(guest, policy, { action: 'update', subject: 'User', load: () => null })).toBeUndefined();
    expect(() => decidePrecheck(guest, policy, { action: 'create', subject: 'Contact' })).toThrow(
      expect.objectContaining({ code: 'ERR_INSUFFICIENT_SCOPE' }),
    );
    await expectCode(precheckGuard(guest, policy, { action: 'create', subject: 'Contact' }), 'ERR_INSUFFICIENT_SCOPE');
  });
});

describe('isPrecheckComplete', () => {
  it('is true only without load and without any field to check', () => {
    expect(isPrecheckComplete({ action: 'list', subject: 'Conversation' })).toBe(true);
    expect(isPrecheckComplete({ action: 'update', subject: 'User', fields: false })).toBe(true);
    expect(isPrecheckComplete({ action: 'create', subject: 'Message', fields: [] })).toBe(true);
    expect(isPrecheckComplete({ action: 'update', subject: 'User' })).toBe(false);
    expect(isPrecheckComplete({ action: 'create', subject: 'Message' })).toBe(false);
    expect(isPrecheckComplete({ action: 'fetch', subject: 'User', fields: ['name'] })).toBe(false);
    expect(isPrecheckComplete({ action: 'fetch', subject: 'User', fields: () => [] })).toBe(false);
    expect(isPrecheckComplete({ action: 'fetch', subject: 'User', load: () => null })).toBe(false);
  });

  it('when true, runGuard decides exactly what the precheck decided, whatever the request and body', async () => {
    let compared = 0;
    for (const auth of everyone) {
      for (const spec of specs()) {
        if (!isPrecheckComplete(spec as GuardSpec<never>)) continue;
        const precheck = await outcomeOf(() => precheckGuard(auth, policy, spec as GuardSpec<never>));
        for (const body of bodies) {
          expect(await outcomeOf(() => runGuard(auth, policy, spec, self, body))).toBe(precheck);
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});
