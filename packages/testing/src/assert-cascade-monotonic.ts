import fc from 'fast-check';
import type { Principal } from '@scopeladder/core';
import { otherId, principal as principalArbitrary } from './arbitraries/principals.js';
import { checkPolicy } from './lib/check-policy.js';
import { fieldsOption } from './lib/field-options.js';
import { attempt, decide, describeCell, describePrincipal, enumerateCells, inOrganization, show } from './lib/probe.js';
import { checkInvariantOptions, runProperty, violation, type InvariantOptions } from './lib/run-property.js';
import type { PolicyUnderTest } from './policy-under-test.js';

const NAME = 'assertCascadeMonotonic';

/**
 * Options of {@link assertCascadeMonotonic}.
 *
 * @example
 * ```ts
 * assertCascadeMonotonic(policy, { numRuns: 500, fields: ['role', 'plan'] });
 * ```
 */
export interface AssertCascadeMonotonicOptions extends InvariantOptions {
  /** Fields to check besides whole-record decisions. Default: `DEFAULT_PROTECTED_FIELDS`. */
  readonly fields?: readonly string[] | undefined;
}

/**
 * Asserts that scopes cascade: granting a principal one more scope never takes a permission
 * away. For random principals (any subset of the ladder, unknown scopes mixed in), with each
 * scope they lack added in turn, every decision of the policy — each resource × action, on the
 * type, on the principal's own record and on another's, whole-record and per protected field —
 * that was allowed stays allowed; `canEvery` too, when the policy has it.
 *
 * Throws a {@link PolicyAssertionError} naming the first decision lost, the shrunk principal and
 * the `{ seed, path }` that replays it.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { assertCascadeMonotonic } from '@scopeladder/testing';
 *
 * it('a higher scope never loses a permission', () => assertCascadeMonotonic(chatshipperPolicy));
 * ```
 */
export function assertCascadeMonotonic(policy: PolicyUnderTest, options: AssertCascadeMonotonicOptions = {}): void {
  checkPolicy(NAME, policy);
  checkInvariantOptions(NAME, options);
  const cells = enumerateCells(policy, { fields: fieldsOption(NAME, options.fields, policy) });
  const scopes = policy.ladder.scopes;
  const cases = principalArbitrary(scopes, { unknownScopes: true })
    .map((who) => inOrganization(policy, who))
    .chain((who) => fc.record({ principal: fc.constant(who), other: otherId(who.id) }));
  runProperty(
    NAME,
    'a higher scope must never lose a permission (scopes cascade).',
    cases,
    ({ principal, other }) => {
      const before = cells.map((cell) => decide(policy, principal, cell, other));
      const canEvery = policy.canEvery;
      const everyBefore = canEvery === undefined ? [] : everyAnswers(policy, canEvery, principal);
      for (const extra of scopes.filter((scope) => !principal.scopes.includes(scope))) {
        const higher: Principal = { ...principal, scopes: [...principal.scopes, extra] };
        cells.forEach((cell, index) => {
          if (before[index] === true && !decide(policy, higher, cell, other)) {
            violation(
              `${describePrincipal(principal)} may ${describeCell(cell, principal, other)},\n` +
                `but with ${show(extra)} added (scopes ${show(higher.scopes)}) it may not.`,
            );
          }
        });
        if (canEvery === undefined) continue;
        const everyAfter = everyAnswers(policy, canEvery, higher);
        everyBefore.forEach(({ action, resource, allowed }, index) => {
          if (allowed && everyAfter[index]?.allowed !== true) {
            violation(
              `${describePrincipal(principal)} may ${show(action)} every ${resource} (canEvery),\n` +
                `but with ${show(extra)} added (scopes ${show(higher.scopes)}) it may not.`,
            );
          }
        });
      }
    },
    options,
  );
}

function everyAnswers(
  policy: PolicyUnderTest,
  canEvery: NonNullable<PolicyUnderTest['canEvery']>,
  principal: Principal,
): { action: string; resource: string; allowed: boolean }[] {
  return policy.resources.flatMap((resource) =>
    policy.actions.map((action) => ({
      action,
      resource,
      allowed: attempt(`policy.canEvery(${show(action)}, ${show(resource)})`, () => canEvery.call(policy, principal, action, resource)),
    })),
  );
}
