import { chatshipperTenantPolicy, subject, type Principal } from '@scopeladder/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../service-types.js';
import { chatshipperMatrixPolicy } from '../test-fixtures.js';
import { attachListFilter } from './attach-list-filter.js';
import type { GuardPolicy } from './guard-types.js';

function authOf(principal: Principal, policy = chatshipperTenantPolicy): AuthContext {
  return { principal, ability: policy.abilityFor(principal), token: { kind: 'apiKey', keyId: 'k1' } };
}

const agentInC1 = authOf({ id: 'u1', scopes: ['agent'], organization: 'c1', organizationPath: 'r1#c1' });
const list = { action: 'list', subject: 'Conversation' } as const;
const conversation = (organizationPath: string) => ({ id: organizationPath, organizationPath });

describe('attachListFilter', () => {
  it("hands a type-level guard core's filterFor of its action and subject", () => {
    const { filter } = attachListFilter(agentInC1, chatshipperTenantPolicy, list);
    expect(filter.kind).toBe('condition');
    const records = ['r1', 'r1#c1', 'r1#c1#s1', 'r1#c2', 'r1#c10', 'r2#c1'].map(conversation);
    expect(records.filter(filter.matches).map((record) => record.id)).toEqual(['r1#c1', 'r1#c1#s1']);
    expect(JSON.stringify(filter)).toBe(JSON.stringify(chatshipperTenantPolicy.filterFor(agentInC1.principal, 'list', 'Conversation')));
  });

  it('is `all` for a policy without tenancy', () => {
    const admin = authOf({ id: 'a1', scopes: ['admin'] }, chatshipperMatrixPolicy);
    expect(attachListFilter(admin, chatshipperMatrixPolicy, list).filter.kind).toBe('all');
  });

  it('is `none` without a guard, after a guard with `load`, and for a policy without filterFor (deny by default)', () => {
    const load = () => ({ id: 'k1' });
    const authorizeOnly: GuardPolicy = { authorize: () => undefined };
    for (const filter of [
      attachListFilter(agentInC1).filter,
      attachListFilter(agentInC1, chatshipperTenantPolicy).filter,
      attachListFilter(agentInC1, chatshipperTenantPolicy, { ...list, load }).filter,
      attachListFilter(agentInC1, authorizeOnly, list).filter,
    ]) {
      expect(filter.kind).toBe('none');
      expect(filter.matches(conversation('r1#c1'))).toBe(false);
    }
  });

  it('computes the filter on the first read only, once, and leaves the service’s context unchanged', () => {
    let calls = 0;
    const counting: GuardPolicy = {
      authorize: () => undefined,
      filterFor: (principal, action, type) => {
        calls += 1;
        return chatshipperTenantPolicy.filterFor(principal, action as 'list', type as 'Conversation');
      },
    };
    const before = { ...agentInC1 };
    const attached = attachListFilter(agentInC1, counting, list);
    const { filter } = attached;
    expect(calls).toBe(0);
    expect(filter.kind).toBe('condition');
    expect(filter.matches(conversation('r1#c1#s1'))).toBe(true);
    expect(filter.matches).toBe(filter.matches);
    expect(filter.kind === 'condition' && filter.query).toEqual({ organizationPath: { $regex: '^r1#c1(?:#|(?![\\s\\S]))' } });
    expect(calls).toBe(1);
    expect(agentInC1).toEqual(before);
    expect(agentInC1).not.toHaveProperty('filter');
    expect(attached.principal).toBe(agentInC1.principal);
    expect({ ...attached }.filter).toBe(filter); // a spread copy keeps it
  });

  it("agrees with core's guard: a type-level guard that allows never yields `none`, and its filter is the instance check", () => {
    const { actions, resources } = chatshipperTenantPolicy;
    const paths = ['r1', 'r1#c1', 'r1#c1#s1', 'r1#c2', 'r2', undefined];
    fc.assert(
      fc.property(
        fc.constantFrom(...chatshipperTenantPolicy.ladder.scopes, 'unknown'),
        fc.constantFrom(...actions),
        fc.constantFrom(...resources),
        fc.constantFrom(...paths),
        fc.constantFrom(...paths),
        fc.boolean(),
        (scope, action, type, principalPath, recordPath, tenancy) => {
          const policy = tenancy ? chatshipperTenantPolicy : chatshipperMatrixPolicy;
          const principal: Principal = { id: 'u1', scopes: [scope], ...(principalPath === undefined ? {} : { organizationPath: principalPath }) };
          let allowed = true;
          try {
            policy.authorize(principal, action, type);
          } catch {
            allowed = false;
          }
          if (!allowed) return;
          const { filter } = attachListFilter(authOf(principal, policy), policy, { action, subject: type });
          expect(filter.kind).not.toBe('none');
          const field = type === 'Organization' ? 'path' : type === 'User' ? 'organizationPaths' : 'organizationPath';
          const value = type === 'User' && recordPath !== undefined ? [recordPath] : recordPath;
          const record = { id: 'x1', organization: 'o', [field]: value };
          expect(filter.matches(record)).toBe(policy.can(principal, action, subject(type, { ...record })));
        },
      ),
      { numRuns: 500 },
    );
  });
});
