import fc from 'fast-check';
import { createMongoAbility, subject, type Principal } from '@scopeladder/core';
import {
  isWithin,
  organizationTree,
  placedRecord,
  tenantPrincipal,
  type GeneratedOrganization,
  type PlacedRecord,
} from './arbitraries/organizations.js';
import { checkPolicy } from './lib/check-policy.js';
import { attempt, show } from './lib/probe.js';
import { checkInvariantOptions, runProperty, violation, type InvariantOptions } from './lib/run-property.js';
import type { PolicyUnderTest } from './policy-under-test.js';

const NAME = 'assertTenantIsolation';

/**
 * Options of {@link assertTenantIsolation}.
 *
 * @example
 * ```ts
 * assertTenantIsolation(policy, { numRuns: 500 });
 * ```
 */
export type AssertTenantIsolationOptions = InvariantOptions;

/**
 * Asserts tenant isolation: for random organization trees (depth ≤ 3, random widths, several
 * roots), principals acting in one organization and records placed anywhere (in one organization,
 * in a list of them like a user's memberships, or nowhere: no path, a malformed or look-alike one),
 * for every resource × action, on the principal's own record and another's:
 *
 * - nothing outside the principal's subtree (by the tree's `parent` links, not by paths) is ever
 *   allowed by `can`, `explain`, `abilityFor(p).can`, an ability built from `rulesFor(p)`, nor
 *   matched by `filterFor(p)` (its predicate and its query);
 * - inside the subtree the matrix decides as in the principal's own organization;
 * - `filterFor` agrees with `can` on every record, by its predicate and by its query.
 *
 * The policy must have tenancy (`policy.tenancy`, as `definePolicy({ tenancy })` gives).
 *
 * @example
 * ```ts
 * import { chatshipperTenantPolicy } from '@scopeladder/core';
 * import { assertTenantIsolation } from '@scopeladder/testing';
 *
 * it('no tenant reaches another', () => assertTenantIsolation(chatshipperTenantPolicy));
 * ```
 */
export function assertTenantIsolation(policy: PolicyUnderTest, options: AssertTenantIsolationOptions = {}): void {
  checkPolicy(NAME, policy);
  checkInvariantOptions(NAME, options);
  const tenancy = policy.tenancy;
  if (typeof tenancy !== 'object' || tenancy === null || typeof tenancy.separator !== 'string') {
    throw new TypeError(`${NAME}: the policy has no tenancy (define it with definePolicy({ tenancy }))`);
  }
  if (policy.filterFor !== undefined && typeof policy.filterFor !== 'function') throw new TypeError(`${NAME}: policy.filterFor is not a function`);
  const cases = organizationTree({ separator: tenancy.separator }).chain((tree) =>
    fc.record({
      tree: fc.constant(tree),
      principal: tenantPrincipal(tree, policy.ladder.scopes),
      record: placedRecord(tree),
      own: fc.boolean(),
    }),
  );
  runProperty(
    NAME,
    "a principal must reach records of its organization's subtree only, and filterFor must agree with can.",
    cases,
    ({ tree, principal, record, own }) => checkCase(policy, tenancy.fieldByType, tree, principal, record, own),
    options,
  );
}

function checkCase(
  policy: PolicyUnderTest,
  fieldByType: Readonly<Record<string, string>>,
  tree: readonly GeneratedOrganization[],
  principal: Principal,
  placed: PlacedRecord,
  own: boolean,
): void {
  const home = principal.organization as string;
  const inside = placed.organizations.some((organization) => isWithin(tree, organization, home));
  const homePath = principal.organizationPath as string;
  const ability = policy.abilityFor === undefined ? undefined : attempt('policy.abilityFor', () => policy.abilityFor?.(principal));
  const rules = policy.rulesFor === undefined ? undefined : attempt('policy.rulesFor', () => policy.rulesFor?.(principal));
  const fromRules = rules === undefined ? undefined : attempt('createMongoAbility(rulesFor(p))', () => createMongoAbility(rules as never));
  const id = own ? principal.id : `${principal.id}-not`;
  const where = `${describe(principal)} and a record ${own ? '(its own) ' : ''}whose path field holds ${show(placed.value)}`;
  for (const type of policy.resources) {
    const field = fieldByType[type];
    if (typeof field !== 'string') violation(`policy.tenancy.fieldByType has no field for ${show(type)}.`);
    const record = { id, [field]: placed.value };
    const atHome = { id, [field]: homePath };
    for (const action of policy.actions) {
      const answers: Record<string, boolean> = {
        can: attempt('policy.can', () => policy.can(principal, action, subject(type, { ...record }))),
      };
      if (policy.explain)
        answers['explain'] = attempt('policy.explain', () => policy.explain?.(principal, action, subject(type, { ...record }))?.allowed === true);
      if (ability) answers['abilityFor(p).can'] = attempt('abilityFor(p).can', () => ability.can(action, subject(type, { ...record })));
      if (fromRules) answers['createMongoAbility(rulesFor(p)).can'] = fromRules.can(action as never, subject(type, { ...record }) as never);
      if (policy.filterFor) {
        const filter = attempt('policy.filterFor', () => policy.filterFor?.(principal, action, type));
        if (filter !== undefined) {
          answers['filterFor(p).matches'] = attempt('filterFor(p).matches', () => filter.matches({ ...record }));
          answers['filterFor(p).query'] =
            filter.kind === 'condition'
              ? createMongoAbility([{ action: 'q', subject: type, conditions: filter.query as never }]).can(
                  'q',
                  subject(type, { ...record }) as never,
                )
              : filter.kind === 'all';
        }
      }
      const can = answers['can'] as boolean;
      for (const [check, answer] of Object.entries(answers)) {
        if (!inside && answer) {
          violation(`${check} allows ${show(action)} on ${show(type)} outside the principal's subtree:\n${where}.`);
        }
        if (answer !== can) {
          violation(`${check} answers ${show(answer)} but policy.can ${show(can)} for ${show(action)} on ${show(type)}:\n${where}.`);
        }
      }
      if (inside) {
        const expected = attempt('policy.can', () => policy.can(principal, action, subject(type, { ...atHome })));
        if (can !== expected) {
          violation(
            `policy.can answers ${show(can)} for ${show(action)} on ${show(type)} inside the principal's subtree, ` +
              `but ${show(expected)} in its own organization:\n${where}.`,
          );
        }
      }
    }
  }
}

function describe(principal: Principal): string {
  return `principal { id: ${show(principal.id)}, scopes: ${show(principal.scopes)}, organizationPath: ${show(principal.organizationPath)} }`;
}
