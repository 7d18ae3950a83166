import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatshipperMatrix, chatshipperPolicy, chatshipperScopes, definePolicy } from '@scopeladder/core';
import { arbitraries } from './arbitraries/index.js';
import { assertNoSelfEscalation } from './assert-no-self-escalation.js';
import { wrapPolicy } from './test-helpers/broken-policies.js';
import { expectViolation } from './test-helpers/expect-violation.js';

describe('assertNoSelfEscalation', () => {
  it('passes on the ChatShipper policy', () => {
    expect(() => assertNoSelfEscalation(chatshipperPolicy)).not.toThrow();
  });

  it('passes on any policy definePolicy accepts, for the fields it declares protected', () => {
    fc.assert(
      fc.property(arbitraries.policyDefinition(), fc.integer(), (definition, seed) => {
        const policy = definePolicy(definition as never) as unknown as typeof chatshipperPolicy;
        assertNoSelfEscalation(policy, { numRuns: 10, seed, fields: [], actions: policy.actions });
      }),
      { numRuns: 40 },
    );
  });

  it('fails on the ChatShipper matrix defined without its protected fields: a guest sets its own role', () => {
    const unprotected = definePolicy({ scopes: chatshipperScopes, matrix: chatshipperMatrix });
    const error = expectViolation('assertNoSelfEscalation', () => assertNoSelfEscalation(unprotected));
    expect(error.violation).toMatch(/may "update" on User ".*" \(its own record\) field "(role|scopes|organization|apiToken)"/);
    expect(error.violation).toContain('self-escalation');
  });

  it('fails on a field the caller names that the policy does not protect', () => {
    const error = expectViolation('assertNoSelfEscalation', () => assertNoSelfEscalation(chatshipperPolicy, { fields: ['quota'] }));
    expect(error.violation).toContain('field "quota"');
  });

  it('fails when only the CASL ability lets a principal edit its own role', () => {
    const broken = wrapPolicy({
      abilityFor: (principal) => ({
        can: (action: string, target: string | object, field?: string) =>
          field === 'role' ? true : chatshipperPolicy.abilityFor(principal).can(action as never, target as never, field),
      }),
    });
    const error = expectViolation('assertNoSelfEscalation', () => assertNoSelfEscalation(broken));
    expect(error.violation).toContain('abilityFor(');
  });

  it('needs write actions', () => {
    const readOnly = definePolicy({ scopes: ['a', 'b'], matrix: { Note: { read: 'a' } } });
    expect(() => assertNoSelfEscalation(readOnly)).toThrow(/options\.actions/);
    expect(() => assertNoSelfEscalation(readOnly, { actions: ['read'] })).not.toThrow();
  });
});
