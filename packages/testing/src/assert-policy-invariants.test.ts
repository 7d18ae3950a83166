import { describe, expect, it } from 'vitest';
import { chatshipperMatrix, chatshipperPolicy, chatshipperScopes, chatshipperTenantPolicy, definePolicy } from '@scopeladder/core';
import { assertPolicyInvariants } from './assert-policy-invariants.js';
import { leakyFilter, memoById, nonMonotone, unconditionalRulesOnly } from './test-helpers/broken-policies.js';
import { expectViolation } from './test-helpers/expect-violation.js';

describe('assertPolicyInvariants', () => {
  it('passes on the ChatShipper policy', () => {
    expect(() => assertPolicyInvariants(chatshipperPolicy, { numRuns: 50 })).not.toThrow();
  });

  it('passes on the ChatShipper tenant policy, tenant isolation included', () => {
    expect(() => assertPolicyInvariants(chatshipperTenantPolicy, { numRuns: 50 })).not.toThrow();
  });

  it('runs tenant isolation when the policy has tenancy', () => {
    expectViolation('assertTenantIsolation', () => assertPolicyInvariants(leakyFilter, { numRuns: 300 }));
  });

  it('stops at the first broken invariant', () => {
    expectViolation('assertCascadeMonotonic', () => assertPolicyInvariants(nonMonotone));
    expectViolation('assertDeterministic', () => assertPolicyInvariants(memoById()));
    expectViolation('assertRulesSurviveJson', () => assertPolicyInvariants(unconditionalRulesOnly));
    const unprotected = definePolicy({ scopes: chatshipperScopes, matrix: chatshipperMatrix });
    expectViolation('assertNoSelfEscalation', () => assertPolicyInvariants(unprotected));
  });

  it('skips what it is told to skip', () => {
    expect(() => assertPolicyInvariants(unconditionalRulesOnly, { skip: ['rulesSurviveJson'], numRuns: 20 })).not.toThrow();
    expect(() => assertPolicyInvariants(chatshipperPolicy, { skip: 'all' as never })).toThrow(TypeError);
  });
});
