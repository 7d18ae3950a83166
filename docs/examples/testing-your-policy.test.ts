// Property-based tests of an authorization policy with @scopeladder/testing.
// Run: pnpm vitest run docs/examples/testing-your-policy.test.ts
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy } from '@scopeladder/core';
import { PolicyAssertionError, arbitraries, assertDecisionTableFile, assertNoSelfEscalation, assertPolicyInvariants } from '@scopeladder/testing';
import { notesMatrix, notesPolicy, notesScopes } from './testing-notes-policy.js';

// The fields our accounts must protect from their own users.
const fields = ['plan', 'role', 'scopes'];

describe('notes policy', () => {
  it('keeps every invariant', () => {
    // Cascade, deny by default, unknown scopes, self isolation, field safety,
    // determinism, JSON rules: one line, 100 random cases each.
    assertPolicyInvariants(notesPolicy, { fields });
  });

  it('matches the decision table reviewed in the pull request', () => {
    // After an intended change: SCOPELADDER_UPDATE=1 pnpm vitest run docs/examples
    const file = new URL('./testing-notes-policy.decisions.md', import.meta.url);
    assertDecisionTableFile(notesPolicy, file, { fields: ['plan'] });
  });

  it('lets only owners delete, whatever else a principal holds', () => {
    const checks = arbitraries
      .principal(notesPolicy, { unknownScopes: true, hostileScopes: true })
      .chain((principal) => fc.tuple(fc.constant(principal), arbitraries.target(notesPolicy, principal)));
    fc.assert(
      fc.property(checks, ([principal, target]) => {
        const allowed = notesPolicy.can(principal, 'delete', target.subject as never);
        expect(allowed).toBe(principal.scopes.includes('owner'));
      }),
    );
  });

  it('would catch a policy that forgets to protect the plan', () => {
    const forgetful = definePolicy({ scopes: notesScopes, matrix: notesMatrix });
    expect(() => assertNoSelfEscalation(forgetful, { fields })).toThrow(PolicyAssertionError);
  });
});
