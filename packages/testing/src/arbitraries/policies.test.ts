import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineLadder, definePolicy } from '@scopeladder/core';
import { ladder, monotoneMatrix, policy, policyDefinition } from './policies.js';

describe('policy arbitraries', () => {
  it('ladder: distinct scope tokens defineLadder accepts, in order', () => {
    fc.assert(
      fc.property(ladder(), (scopes) => {
        const defined = defineLadder(scopes);
        expect(scopes.every((scope, rank) => defined.rank(scope) === rank)).toBe(true);
      }),
    );
  });

  it('monotoneMatrix: definePolicy accepts it; every resource lists every action', () => {
    fc.assert(
      fc.property(
        ladder().chain((scopes) => fc.tuple(fc.constant(scopes), monotoneMatrix(scopes))),
        ([scopes, matrix]) => {
          const defined = definePolicy({ scopes, matrix } as never);
          expect(defined.resources).toEqual(Object.keys(matrix));
          for (const row of Object.values(matrix)) expect(Object.keys(row)).toEqual(Object.keys(Object.values(matrix)[0] ?? {}));
        },
      ),
    );
  });

  it('monotoneMatrix: uses the given resources and actions', () => {
    fc.assert(
      fc.property(monotoneMatrix(['a', 'b'], { resources: ['Note'], actions: fc.constant(['read', 'write']) }), (matrix) => {
        expect(Object.keys(matrix)).toEqual(['Note']);
        expect(Object.keys(matrix['Note'] ?? {})).toEqual(['read', 'write']);
      }),
    );
  });

  it('policyDefinition: definePolicy accepts it, protected fields included', () => {
    fc.assert(fc.property(policyDefinition(), (definition) => void definePolicy(definition as never)));
    const withFields = fc.sample(policyDefinition(), { numRuns: 200, seed: 5 }).filter((definition) => definition.fields !== undefined);
    expect(withFields.length).toBeGreaterThan(0);
    fc.assert(fc.property(policyDefinition({ fields: false }), (definition) => definition.fields === undefined));
  });

  it('policy: a compiled policy', () => {
    fc.assert(fc.property(policy({ maxLength: 3 }), (compiled) => compiled.ladder.scopes.length <= 3 && compiled.resources.length > 0));
  });

  it('misuse is a TypeError', () => {
    expect(() => ladder({ minLength: 0 })).toThrow(TypeError);
    expect(() => monotoneMatrix(['a'], { resources: [] })).toThrow(TypeError);
  });
});
