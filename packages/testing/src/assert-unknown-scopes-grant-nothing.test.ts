import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatshipperPolicy, definePolicy } from '@scopeladder/core';
import { arbitraries } from './arbitraries/index.js';
import { assertUnknownScopesGrantNothing } from './assert-unknown-scopes-grant-nothing.js';
import { looseScopes, splitsScopes, wrapPolicy } from './test-helpers/broken-policies.js';
import { expectViolation } from './test-helpers/expect-violation.js';
import { chatshipperMatrixPolicy } from './test-helpers/chatshipper-matrix-policy.js';

describe('assertUnknownScopesGrantNothing', () => {
  it('passes on the ChatShipper policy', () => {
    expect(() => assertUnknownScopesGrantNothing(chatshipperPolicy)).not.toThrow();
  });

  it('passes on any policy definePolicy accepts', () => {
    fc.assert(
      fc.property(arbitraries.policyDefinition(), fc.integer(), (definition, seed) => {
        assertUnknownScopesGrantNothing(definePolicy(definition as never), { numRuns: 15, seed });
      }),
      { numRuns: 40 },
    );
  });

  it('fails when scopes match case-insensitively or trimmed ("Admin", " admin")', () => {
    const error = expectViolation('assertUnknownScopesGrantNothing', () => assertUnknownScopesGrantNothing(looseScopes));
    expect(error.violation).toMatch(/with the unknown scopes .* added/);
  });

  it('fails when one element "guest admin" is split into two scopes', () => {
    expectViolation('assertUnknownScopesGrantNothing', () => assertUnknownScopesGrantNothing(splitsScopes, { numRuns: 300 }));
  });

  it('does not add malformed elements with { hostile: false }', () => {
    // splitsScopes only misreads elements with whitespace, which only hostile scopes have.
    expect(() => assertUnknownScopesGrantNothing(splitsScopes, { hostile: false })).not.toThrow();
  });

  it('fails when an unknown scope revokes a permission', () => {
    const broken = wrapPolicy({
      can: (principal, action, target, field) =>
        principal.scopes.every((scope) => chatshipperMatrixPolicy.ladder.has(scope)) &&
        chatshipperMatrixPolicy.can(principal, action as never, target as never, field),
    });
    const error = expectViolation('assertUnknownScopesGrantNothing', () => assertUnknownScopesGrantNothing(broken));
    expect(error.violation).toMatch(/ may .*\n.* it may not\./);
  });
});
