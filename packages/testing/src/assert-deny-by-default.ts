import fc from 'fast-check';
import { subject, type Principal } from '@scopeladder/core';
import { otherId, principalId } from './arbitraries/principals.js';
import { hostileScope, unknownScope } from './arbitraries/scopes.js';
import { action as actionArbitrary, resourceType, unknownAction, unknownResourceType } from './arbitraries/subjects.js';
import { checkPolicy } from './lib/check-policy.js';
import { fieldsOption } from './lib/field-options.js';
import { attempt, decide, describeCheck, describePrincipal, enumerateCells, inOrganization, show } from './lib/probe.js';
import { checkInvariantOptions, runProperty, violation, type InvariantOptions } from './lib/run-property.js';
import type { PolicyUnderTest } from './policy-under-test.js';

const NAME = 'assertDenyByDefault';

/**
 * Options of {@link assertDenyByDefault}.
 *
 * @example
 * ```ts
 * assertDenyByDefault(policy, { numRuns: 300, fields: ['role'] });
 * ```
 */
export interface AssertDenyByDefaultOptions extends InvariantOptions {
  /** Fields to check besides whole-record decisions. Default: `DEFAULT_PROTECTED_FIELDS`. */
  readonly fields?: readonly string[] | undefined;
}

type Case =
  | {
      readonly probe: 'unknown action';
      readonly id: string;
      readonly action: string;
      readonly resource: string;
      readonly target: 'type' | 'own' | 'other';
      readonly other: string;
    }
  | {
      readonly probe: 'unknown resource';
      readonly id: string;
      readonly action: string;
      readonly resource: string;
      readonly target: 'type' | 'own' | 'other';
      readonly other: string;
    }
  | { readonly probe: 'no known scope'; readonly principal: Principal; readonly other: string };

/**
 * Asserts that whatever the matrix does not grant is denied, and that denying never throws:
 *
 * - an unknown action (CASL's wildcard `manage`, `LIST`, `list `, `__proto__`, `read`…) is denied
 *   even to a principal holding every scope of the ladder, on types and instances;
 * - an unknown resource type (CASL's wildcard `all`, `user`, `Users`, `Object`…) likewise;
 * - a principal with no known scope (none at all, or only unknown or malformed ones) is denied
 *   every action on every resource, its own record included.
 *
 * Checks `can`, and `canEvery`, `explain().allowed` and `abilityFor().can` when the policy has them.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { assertDenyByDefault } from '@scopeladder/testing';
 *
 * it('denies by default', () => assertDenyByDefault(chatshipperPolicy, { numRuns: 200 }));
 * ```
 */
export function assertDenyByDefault(policy: PolicyUnderTest, options: AssertDenyByDefaultOptions = {}): void {
  checkPolicy(NAME, policy);
  checkInvariantOptions(NAME, options);
  const fields = fieldsOption(NAME, options.fields, policy);
  const cells = enumerateCells(policy, { fields });
  const scopes = policy.ladder.scopes;
  const kinds = fc.constantFrom('type' as const, 'own' as const, 'other' as const);
  const withOther = <T extends { id: string }>(arbitrary: fc.Arbitrary<T>) =>
    arbitrary.chain((value) => otherId(value.id).map((other) => ({ ...value, other })));

  const cases: fc.Arbitrary<Case> = fc.oneof(
    withOther(
      fc.record({
        probe: fc.constant('unknown action' as const),
        id: principalId(),
        action: unknownAction(policy),
        resource: resourceType(policy),
        target: kinds,
      }),
    ),
    withOther(
      fc.record({
        probe: fc.constant('unknown resource' as const),
        id: principalId(),
        action: actionArbitrary(policy),
        resource: unknownResourceType(policy),
        target: kinds,
      }),
    ),
    fc
      .record({
        id: principalId(),
        scopes: fc.array(fc.oneof(unknownScope(scopes), hostileScope(scopes)), { maxLength: 4 }),
      })
      .map((principal) => inOrganization(policy, principal))
      .chain((principal) => otherId(principal.id).map((other) => ({ probe: 'no known scope' as const, principal, other }))),
  );

  runProperty(
    NAME,
    'what the matrix does not grant must be denied (unknown actions, unknown resources, no known scope).',
    cases,
    (value) => {
      if (value.probe === 'no known scope') {
        for (const cell of cells) {
          if (decide(policy, value.principal, cell, value.other)) {
            violation(`${describeCheck(value.principal, cell, value.other)} is allowed, though it holds no scope of the ladder.`);
          }
        }
        checkCanEvery(policy, value.principal, policy.actions, policy.resources, 'though it holds no scope of the ladder');
        return;
      }
      const top: Principal = inOrganization(policy, { id: value.id, scopes: [...scopes] });
      const what = value.probe === 'unknown action' ? `action ${show(value.action)}` : `resource type ${show(value.resource)}`;
      for (const field of [undefined, ...fields]) {
        const cell = { resource: value.resource, action: value.action, kind: value.target, field };
        if (decide(policy, top, cell, value.other)) {
          violation(`${describeCheck(top, cell, value.other)} is allowed, but the ${what} is not in the policy.`);
        }
      }
      checkCanEvery(policy, top, [value.action], [value.resource], `but the ${what} is not in the policy`);
      const target = value.target === 'type' ? value.resource : subject(value.resource, { id: value.target === 'own' ? value.id : value.other });
      const explain = policy.explain;
      if (explain !== undefined) {
        const decision = attempt(`policy.explain on the ${what}`, () => explain.call(policy, top, value.action, target));
        if (decision.allowed !== false) {
          violation(
            `policy.explain says ${describePrincipal(top)} may ${show(value.action)} ${show(value.resource)}, but the ${what} is not in the policy.`,
          );
        }
      }
      const abilityFor = policy.abilityFor;
      if (abilityFor !== undefined) {
        const allowed = attempt(`abilityFor(principal).can on the ${what}`, () => abilityFor.call(policy, top).can(value.action, target));
        if (allowed !== false) {
          violation(
            `abilityFor(${describePrincipal(top)}).can(${show(value.action)}, ${show(value.resource)}) is ${show(allowed)}, but the ${what} is not in the policy.`,
          );
        }
      }
    },
    options,
  );
}

function checkCanEvery(policy: PolicyUnderTest, principal: Principal, actions: readonly string[], resources: readonly string[], why: string): void {
  const canEvery = policy.canEvery;
  if (canEvery === undefined) return;
  for (const resource of resources) {
    for (const action of actions) {
      const allowed = attempt(`policy.canEvery(${show(action)}, ${show(resource)})`, () => canEvery.call(policy, principal, action, resource));
      if (allowed !== false) {
        violation(`policy.canEvery says ${describePrincipal(principal)} may ${show(action)} every ${show(resource)}, ${why}.`);
      }
    }
  }
}
