import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatshipperPolicy, definePolicy } from '@scopeladder/core';
import { arbitraries } from './arbitraries/index.js';
import { assertDeterministic } from './assert-deterministic.js';
import { explainDisagrees, firstScopeOnly, flaky, memoById, wrapPolicy } from './test-helpers/broken-policies.js';
import { expectViolation } from './test-helpers/expect-violation.js';

describe('assertDeterministic', () => {
  it('passes on the ChatShipper policy', () => {
    expect(() => assertDeterministic(chatshipperPolicy)).not.toThrow();
  });

  it('passes on any policy definePolicy accepts', () => {
    fc.assert(
      fc.property(arbitraries.policyDefinition(), fc.integer(), (definition, seed) => {
        assertDeterministic(definePolicy(definition as never), { numRuns: 10, seed });
      }),
      { numRuns: 40 },
    );
  });

  it('fails on a cache keyed by principal id alone', () => {
    const error = expectViolation('assertDeterministic', () => assertDeterministic(memoById()));
    expect(error.violation).toMatch(
      /when asked again after other principals|for a copy of the same principal|but policy\.explain says|but abilityFor/,
    );
  });

  it('fails when the order of the scopes matters', () => {
    const error = expectViolation('assertDeterministic', () => assertDeterministic(firstScopeOnly));
    expect(error.violation).toContain('reordered and repeated');
  });

  it('fails when explain disagrees with can', () => {
    const error = expectViolation('assertDeterministic', () => assertDeterministic(explainDisagrees));
    expect(error.violation).toContain('but policy.explain says');
  });

  it('fails when abilityFor disagrees with can', () => {
    const broken = wrapPolicy({ abilityFor: () => ({ can: () => false }) });
    const error = expectViolation('assertDeterministic', () => assertDeterministic(broken));
    expect(error.violation).toContain('abilityFor(principal).can answers false');
  });

  it('fails on an answer that changes now and then', () => {
    expectViolation('assertDeterministic', () => assertDeterministic(flaky()));
  });

  it('validates options.questions', () => {
    expect(() => assertDeterministic(chatshipperPolicy, { questions: 0 })).toThrow(TypeError);
  });
});
