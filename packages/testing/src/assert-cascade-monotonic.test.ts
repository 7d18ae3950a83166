import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatshipperPolicy, definePolicy } from '@scopeladder/core';
import { arbitraries } from './arbitraries/index.js';
import { assertCascadeMonotonic } from './assert-cascade-monotonic.js';
import { nonMonotone, wrapPolicy } from './test-helpers/broken-policies.js';
import { expectViolation } from './test-helpers/expect-violation.js';
import { chatshipperMatrixPolicy } from './test-helpers/chatshipper-matrix-policy.js';

describe('assertCascadeMonotonic', () => {
  it('passes on the ChatShipper policy', () => {
    expect(() => assertCascadeMonotonic(chatshipperPolicy)).not.toThrow();
  });

  it('passes on any policy definePolicy accepts (random ladders and monotone matrices)', () => {
    fc.assert(
      fc.property(arbitraries.policyDefinition(), fc.integer(), (definition, seed) => {
        assertCascadeMonotonic(definePolicy(definition as never), { numRuns: 15, seed });
      }),
      { numRuns: 40 },
    );
  });

  it('fails when a higher scope loses a permission, naming it', () => {
    const error = expectViolation('assertCascadeMonotonic', () => assertCascadeMonotonic(nonMonotone));
    expect(error.message).toContain('a higher scope must never lose a permission');
    expect(error.violation).toMatch(/may "create" on Form/);
    expect(error.violation).toContain('"admin" added');
    expect(error.message).toMatch(/Replay with \{ seed: -?\d+, path: "[\d:]+" \}/);
  });

  it('fails when canEvery loses a permission while can does not', () => {
    const broken = wrapPolicy({
      canEvery: (principal, action, type) =>
        principal.scopes.includes('admin') && type === 'Message'
          ? false
          : chatshipperMatrixPolicy.canEvery(principal, action as never, type as never),
    });
    const error = expectViolation('assertCascadeMonotonic', () => assertCascadeMonotonic(broken));
    expect(error.violation).toContain('(canEvery)');
  });

  it('replays a failure from the printed seed and path', () => {
    const first = expectViolation('assertCascadeMonotonic', () => assertCascadeMonotonic(nonMonotone));
    const again = expectViolation('assertCascadeMonotonic', () => assertCascadeMonotonic(nonMonotone, { seed: first.seed, path: first.path }));
    expect(again.counterexample).toEqual(first.counterexample);
  });

  it('rejects bad options and non-policies with a TypeError', () => {
    expect(() => assertCascadeMonotonic(chatshipperPolicy, { numRuns: 0 })).toThrow(TypeError);
    expect(() => assertCascadeMonotonic(chatshipperPolicy, { seed: 1.5 })).toThrow(TypeError);
    expect(() => assertCascadeMonotonic(chatshipperPolicy, { path: '0:1' })).toThrow(/together with the seed/);
    expect(() => assertCascadeMonotonic(chatshipperPolicy, { fields: [''] })).toThrow(TypeError);
    expect(() => assertCascadeMonotonic({} as never)).toThrow(/expected a policy/);
    expect(() => assertCascadeMonotonic({ ...wrapPolicy(), can: 'yes' } as never)).toThrow(/policy.can is not a function/);
    expect(() => assertCascadeMonotonic({ ...wrapPolicy(), actions: [] })).toThrow(/policy.actions is not a non-empty/);
    expect(() => assertCascadeMonotonic({ ...wrapPolicy(), ladder: { scopes: [] } })).toThrow(/policy.ladder.scopes is empty/);
    expect(() => assertCascadeMonotonic({ ...wrapPolicy(), explain: 1 } as never)).toThrow(/policy.explain is not a function/);
  });
});
