import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatshipperPolicy, definePolicy } from '@scopeladder/core';
import { arbitraries } from './arbitraries/index.js';
import { assertSelfIsolation } from './assert-self-isolation.js';
import { abilityWithoutCondition, looseSelf, selfWithoutCondition } from './test-helpers/broken-policies.js';
import { expectViolation } from './test-helpers/expect-violation.js';

describe('assertSelfIsolation', () => {
  it('passes on the ChatShipper policy', () => {
    expect(() => assertSelfIsolation(chatshipperPolicy)).not.toThrow();
  });

  it('passes on any policy definePolicy accepts', () => {
    fc.assert(
      fc.property(arbitraries.policyDefinition(), fc.integer(), (definition, seed) => {
        assertSelfIsolation(definePolicy(definition as never), { numRuns: 10, seed });
      }),
      { numRuns: 40 },
    );
  });

  it('fails when the self rule compares ids loosely (case, whitespace)', () => {
    const error = expectViolation('assertSelfIsolation', () => assertSelfIsolation(looseSelf, { numRuns: 500 }));
    expect(error.violation).toContain('must not depend on its id');
  });

  it('fails when a "(self)" row lost its condition', () => {
    const error = expectViolation('assertSelfIsolation', () => assertSelfIsolation(selfWithoutCondition));
    expect(error.violation).toContain('a "(self)" rule matched someone else\'s record');
  });

  it('fails when only the CASL ability (what route guards use) lost the condition', () => {
    const error = expectViolation('assertSelfIsolation', () => assertSelfIsolation(abilityWithoutCondition));
    expect(error.violation).toContain('abilityFor(');
  });
});
