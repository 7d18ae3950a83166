import fc from 'fast-check';
import { otherId, principal as principalArbitrary, principalId } from './arbitraries/principals.js';
import { checkPolicy } from './lib/check-policy.js';
import { attempt, decide, describeCell, describePrincipal, inOrganization, show, targetOf, type Cell } from './lib/probe.js';
import { checkInvariantOptions, runProperty, violation, type InvariantOptions } from './lib/run-property.js';
import type { PolicyUnderTest } from './policy-under-test.js';

const NAME = 'assertSelfIsolation';

/**
 * Options of {@link assertSelfIsolation}.
 *
 * @example
 * ```ts
 * assertSelfIsolation(policy, { numRuns: 1000 });
 * ```
 */
export type AssertSelfIsolationOptions = InvariantOptions;

/**
 * Asserts that "(self)" permissions stay on the principal's own record. For random principals
 * and every resource × action:
 *
 * - if the principal may act on someone else's record, it may act on every record of that type
 *   (`canEvery`, when the policy has it): below the matrix's threshold, only its own record is
 *   reachable;
 * - the answer for someone else's record does not depend on which other id it is: a near miss of
 *   the principal's id (upper case, a trailing space or NUL, one character off, empty) is as
 *   foreign as an unrelated id. Both records carry the principal's organization, so a condition on
 *   anything but the id is caught too;
 * - `abilityFor(principal).can` (what route guards and browsers use) gives the same answers.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { assertSelfIsolation } from '@scopeladder/testing';
 *
 * it('a guest touches only its own user record', () => assertSelfIsolation(chatshipperPolicy));
 * ```
 */
export function assertSelfIsolation(policy: PolicyUnderTest, options: AssertSelfIsolationOptions = {}): void {
  checkPolicy(NAME, policy);
  checkInvariantOptions(NAME, options);
  const cases = principalArbitrary(policy.ladder.scopes, { unknownScopes: true })
    .map((who) => inOrganization(policy, who))
    .chain((who) => fc.record({ principal: fc.constant(who), nearMiss: otherId(who.id), unrelated: principalId().filter((id) => id !== who.id) }));
  runProperty(
    NAME,
    'a "(self)" permission must reach only the principal\'s own record.',
    cases,
    ({ principal, nearMiss, unrelated }) => {
      const ability = policy.abilityFor === undefined ? undefined : attempt('policy.abilityFor', () => policy.abilityFor?.(principal));
      for (const resource of policy.resources) {
        for (const action of policy.actions) {
          const cell: Cell = { resource, action, kind: 'other' };
          const onNearMiss = decide(policy, principal, cell, nearMiss);
          const onUnrelated = decide(policy, principal, cell, unrelated);
          if (onNearMiss !== onUnrelated) {
            const [allowedId, deniedId] = onNearMiss ? [nearMiss, unrelated] : [unrelated, nearMiss];
            violation(
              `${describePrincipal(principal)} may ${describeCell(cell, principal, allowedId)} but not ${show(deniedId)}:\n` +
                'whether a foreign record is reachable must not depend on its id.',
            );
          }
          const canEvery = policy.canEvery;
          if (onNearMiss && canEvery !== undefined) {
            const every = attempt(`policy.canEvery(${show(action)}, ${show(resource)})`, () => canEvery.call(policy, principal, action, resource));
            if (!every) {
              violation(
                `${describePrincipal(principal)} may ${describeCell(cell, principal, nearMiss)},\n` +
                  `yet canEvery(${show(action)}, ${show(resource)}) is false: a "(self)" rule matched someone else's record.`,
              );
            }
          }
          if (ability !== undefined) {
            for (const other of [nearMiss, unrelated]) {
              const target = targetOf(resource, 'other', principal, other, policy);
              const viaAbility = attempt('abilityFor(principal).can', () => ability.can(action, target));
              if (viaAbility !== onUnrelated) {
                violation(
                  `abilityFor(${describePrincipal(principal)}).can answers ${show(viaAbility)} for ${describeCell(cell, principal, other)},\n` +
                    `but policy.can answers ${show(onUnrelated)} for someone else's record.`,
                );
              }
            }
          }
        }
      }
    },
    options,
  );
}
