import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatshipperLadder, chatshipperPolicy } from '@scopeladder/core';
import { SCOPE_TOKEN } from '../lib/scope-source.js';
import { otherId, principal, principalId } from './principals.js';

describe('principal arbitraries', () => {
  it('principalId: 24 lowercase hex characters', () => {
    fc.assert(fc.property(principalId(), (id) => /^[0-9a-f]{24}$/.test(id)));
  });

  it('otherId: never the id itself, often a near miss', () => {
    fc.assert(
      fc.property(fc.oneof(principalId(), fc.string()), (id) =>
        fc.assert(
          fc.property(otherId(id), (other) => other !== id),
          { numRuns: 20 },
        ),
      ),
    );
    const misses = fc.sample(otherId('abc'), { numRuns: 300, seed: 1 });
    expect(misses).toContain('ABC');
    expect(misses).toContain('abc ');
  });

  it('principal: scopes are a subset of the ladder by default', () => {
    fc.assert(
      fc.property(principal(chatshipperPolicy), (who) => {
        expect(typeof who.id).toBe('string');
        expect(who.scopes.every((value) => chatshipperLadder.has(value))).toBe(true);
        expect(new Set(who.scopes).size).toBe(who.scopes.length);
      }),
    );
  });

  it('principal: unknown scopes are valid tokens; hostile ones are not', () => {
    fc.assert(fc.property(principal(chatshipperPolicy, { unknownScopes: true }), (who) => who.scopes.every((value) => SCOPE_TOKEN.test(value))));
    const hostile = fc.sample(principal(chatshipperPolicy, { hostileScopes: true }), { numRuns: 200, seed: 2 });
    expect(hostile.some((who) => who.scopes.some((value) => !SCOPE_TOKEN.test(value)))).toBe(true);
  });

  it('principal: honours id and scopes overrides', () => {
    fc.assert(
      fc.property(
        principal(chatshipperPolicy, { id: fc.constant('me'), scopes: fc.constant(['x']) }),
        (who) => who.id === 'me' && who.scopes[0] === 'x',
      ),
    );
  });
});
