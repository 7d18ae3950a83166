import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatshipperPolicy, definePolicy } from '@scopeladder/core';
import { arbitraries } from './arbitraries/index.js';
import { assertDenyByDefault } from './assert-deny-by-default.js';
import { adminManagesAll, guestByDefault, throwsOnUnknownAction, wrapPolicy } from './test-helpers/broken-policies.js';
import { expectViolation } from './test-helpers/expect-violation.js';

describe('assertDenyByDefault', () => {
  it('passes on the ChatShipper policy', () => {
    expect(() => assertDenyByDefault(chatshipperPolicy)).not.toThrow();
  });

  it('passes on any policy definePolicy accepts', () => {
    fc.assert(
      fc.property(arbitraries.policyDefinition(), fc.integer(), (definition, seed) => {
        assertDenyByDefault(definePolicy(definition as never), { numRuns: 15, seed });
      }),
      { numRuns: 40 },
    );
  });

  it('fails when admins hold CASL\'s "manage all" (unknown actions and resources allowed)', () => {
    const error = expectViolation('assertDenyByDefault', () => assertDenyByDefault(adminManagesAll));
    expect(error.violation).toMatch(/is not in the policy/);
  });

  it('fails when a principal without a known scope is treated as a guest', () => {
    const error = expectViolation('assertDenyByDefault', () => assertDenyByDefault(guestByDefault));
    expect(error.violation).toContain('though it holds no scope of the ladder');
  });

  it('fails when a decision throws instead of denying', () => {
    const error = expectViolation('assertDenyByDefault', () => assertDenyByDefault(throwsOnUnknownAction));
    expect(error.violation).toMatch(/policy\.can threw .*A decision must deny, never throw/s);
  });

  it('fails when can answers something other than a boolean', () => {
    const broken = wrapPolicy({ can: () => undefined as unknown as boolean });
    const error = expectViolation('assertDenyByDefault', () => assertDenyByDefault(broken));
    expect(error.violation).toContain('(not a boolean)');
  });

  it('checks explain, canEvery and abilityFor too', () => {
    const viaExplain = wrapPolicy({ explain: () => ({ allowed: true }) });
    expect(expectViolation('assertDenyByDefault', () => assertDenyByDefault(viaExplain)).violation).toContain('policy.explain says');
    const viaCanEvery = wrapPolicy({ canEvery: (principal) => principal.scopes.length === 0 });
    expect(expectViolation('assertDenyByDefault', () => assertDenyByDefault(viaCanEvery)).violation).toContain('policy.canEvery says');
    const viaAbility = wrapPolicy({ abilityFor: () => ({ can: () => true }) });
    expect(expectViolation('assertDenyByDefault', () => assertDenyByDefault(viaAbility)).violation).toContain('abilityFor(');
  });
});
