import fc from 'fast-check';
import type { Principal } from '@scopeladder/core';
import { otherId, principal as principalArbitrary } from './arbitraries/principals.js';
import { hostileScope, unknownScope } from './arbitraries/scopes.js';
import { checkPolicy } from './lib/check-policy.js';
import { fieldsOption } from './lib/field-options.js';
import { attempt, decide, describeCell, describePrincipal, enumerateCells, inOrganization, show } from './lib/probe.js';
import { checkInvariantOptions, runProperty, violation, type InvariantOptions } from './lib/run-property.js';
import type { PolicyUnderTest } from './policy-under-test.js';

const NAME = 'assertUnknownScopesGrantNothing';

/**
 * Options of {@link assertUnknownScopesGrantNothing}.
 *
 * @example
 * ```ts
 * assertUnknownScopesGrantNothing(policy, { hostile: false });
 * ```
 */
export interface AssertUnknownScopesGrantNothingOptions extends InvariantOptions {
  /** Fields to check besides whole-record decisions. Default: `DEFAULT_PROTECTED_FIELDS`. */
  readonly fields?: readonly string[] | undefined;
  /** Also add malformed scope elements (`" admin"`, `"guest admin"`, `"admin\u0000"`). Default `true`. */
  readonly hostile?: boolean | undefined;
}

/**
 * Asserts that scopes the ladder does not know change nothing: for random principals, adding
 * unknown scope tokens (`Admin`, `admin:read`, `__proto__`, `*`…) and, by default, malformed
 * elements (`" admin"`, `"guest admin"`, `"admin\u0000"`, a Cyrillic `аdmin`) anywhere in
 * `principal.scopes` leaves every decision exactly as it was — nothing granted, nothing revoked.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { assertUnknownScopesGrantNothing } from '@scopeladder/testing';
 *
 * it('unknown scopes grant nothing', () => assertUnknownScopesGrantNothing(chatshipperPolicy));
 * ```
 */
export function assertUnknownScopesGrantNothing(policy: PolicyUnderTest, options: AssertUnknownScopesGrantNothingOptions = {}): void {
  checkPolicy(NAME, policy);
  checkInvariantOptions(NAME, options);
  const cells = enumerateCells(policy, { fields: fieldsOption(NAME, options.fields, policy) });
  const scopes = policy.ladder.scopes;
  const strange = options.hostile === false ? unknownScope(scopes) : fc.oneof(unknownScope(scopes), hostileScope(scopes));
  const cases = principalArbitrary(scopes)
    .map((who) => inOrganization(policy, who))
    .chain((who) =>
      fc.record({
        principal: fc.constant(who),
        added: fc.array(fc.tuple(strange, fc.nat()), { minLength: 1, maxLength: 3 }),
        other: otherId(who.id),
      }),
    );
  runProperty(
    NAME,
    'scopes the ladder does not know must not change any decision.',
    cases,
    ({ principal, added, other }) => {
      const mixed = [...principal.scopes];
      for (const [scope, at] of added) mixed.splice(at % (mixed.length + 1), 0, scope);
      const withUnknown: Principal = { ...principal, scopes: mixed };
      const names = show(added.map(([scope]) => scope));
      for (const cell of cells) {
        const before = decide(policy, principal, cell, other);
        const after = decide(policy, withUnknown, cell, other);
        if (before !== after) {
          violation(
            `${describePrincipal(principal)} ${before ? 'may' : 'may not'} ${describeCell(cell, principal, other)},\n` +
              `but with the unknown scopes ${names} added (scopes ${show(mixed)}) it ${after ? 'may' : 'may not'}.`,
          );
        }
      }
      const canEvery = policy.canEvery;
      if (canEvery === undefined) return;
      for (const resource of policy.resources) {
        for (const action of policy.actions) {
          const ask = (who: Principal) =>
            attempt(`policy.canEvery(${show(action)}, ${show(resource)})`, () => canEvery.call(policy, who, action, resource));
          if (ask(principal) !== ask(withUnknown)) {
            violation(
              `canEvery(${show(action)}, ${show(resource)}) changes for ${describePrincipal(principal)} when the unknown scopes ${names} are added.`,
            );
          }
        }
      }
    },
    options,
  );
}
