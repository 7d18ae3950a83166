import fc from 'fast-check';
import { otherId, principal as principalArbitrary } from './arbitraries/principals.js';
import { checkPolicy } from './lib/check-policy.js';
import { PROTECTED_FIELDS, WRITE_ACTIONS } from './lib/defaults.js';
import { attempt, decide, describeCell, describePrincipal, inOrganization, targetOf, type Cell } from './lib/probe.js';
import { checkInvariantOptions, runProperty, violation, type InvariantOptions } from './lib/run-property.js';
import type { PolicyUnderTest } from './policy-under-test.js';

const NAME = 'assertNoSelfEscalation';

/**
 * Options of {@link assertNoSelfEscalation}.
 *
 * @example
 * ```ts
 * assertNoSelfEscalation(policy, { fields: ['role', 'plan'], actions: ['update', 'patch'], resources: ['Account'] });
 * ```
 */
export interface AssertNoSelfEscalationOptions extends InvariantOptions {
  /**
   * The fields to protect on every resource and write action. Default: `DEFAULT_PROTECTED_FIELDS`
   * (`role`, `scopes`, `organization`, `apiToken`). The fields the policy itself declares
   * protected for a cell (`policy.protectedFields`) are always checked on that cell too; pass
   * `[]` to check only those.
   */
  readonly fields?: readonly string[] | undefined;
  /** The write actions to check. Default: those of `create` and `update` the policy has. */
  readonly actions?: readonly string[] | undefined;
  /** The resource types to check. Default: all of the policy's. */
  readonly resources?: readonly string[] | undefined;
}

/**
 * Asserts field safety: no principal can raise itself. For random principals, every resource,
 * every write action and every protected field, a principal may write a protected field of its
 * own record only if it may write that field on anybody's record — so a guest updating "its own
 * user details" cannot set its own `role`, `scopes`, `organization` or API token. Checked through
 * `can` and, when present, `abilityFor().can`. The protected fields are `options.fields` (default
 * `DEFAULT_PROTECTED_FIELDS`) on every cell, plus what `policy.protectedFields` declares per cell.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { assertNoSelfEscalation } from '@scopeladder/testing';
 *
 * it('nobody promotes themselves', () => assertNoSelfEscalation(chatshipperPolicy));
 * it('nor edits their own quota', () => assertNoSelfEscalation(myPolicy, { fields: ['role', 'quota'] }));
 * ```
 */
export function assertNoSelfEscalation(policy: PolicyUnderTest, options: AssertNoSelfEscalationOptions = {}): void {
  checkPolicy(NAME, policy);
  checkInvariantOptions(NAME, options);
  const fieldsFor = protectedFieldsOf(policy, options.fields);
  const actions = listOption(
    'actions',
    options.actions,
    policy.actions.filter((action) => WRITE_ACTIONS.includes(action)),
  );
  const resources = listOption('resources', options.resources, policy.resources);
  if (actions.length === 0) {
    throw new TypeError(`${NAME}: the policy has no "create" or "update" action; name its write actions in options.actions`);
  }
  const cases = principalArbitrary(policy.ladder.scopes, { unknownScopes: true })
    .map((who) => inOrganization(policy, who))
    .chain((who) => fc.record({ principal: fc.constant(who), other: otherId(who.id) }));
  runProperty(
    NAME,
    'a principal must not write a protected field of its own record unless it may write it on any record.',
    cases,
    ({ principal, other }) => {
      const ability = policy.abilityFor === undefined ? undefined : attempt('policy.abilityFor', () => policy.abilityFor?.(principal));
      for (const resource of resources) {
        for (const action of actions) {
          for (const field of fieldsFor(resource, action)) {
            const own: Cell = { resource, action, kind: 'own', field };
            const foreign: Cell = { resource, action, kind: 'other', field };
            const onForeign = decide(policy, principal, foreign, other);
            if (decide(policy, principal, own, other) && !onForeign) {
              violation(
                `${describePrincipal(principal)} may ${describeCell(own, principal, other)},\n` +
                  "but may not on someone else's record: it can change its own protected field (self-escalation).\n" +
                  `Protect it in the policy (fields: { ${resource}: { ${action}: { protected: [...] } } }), or, if it is not sensitive, pass the fields you do protect: { fields: [...] }.`,
              );
            }
            if (ability === undefined) continue;
            const viaAbility = attempt('abilityFor(principal).can', () =>
              ability.can(action, targetOf(resource, 'own', principal, other, policy), field),
            );
            if (viaAbility === true && !onForeign) {
              violation(
                `abilityFor(${describePrincipal(principal)}).can allows ${describeCell(own, principal, other)},\n` +
                  "but policy.can denies it on someone else's record: it can change its own protected field (self-escalation).",
              );
            }
          }
        }
      }
    },
    options,
  );
}

function protectedFieldsOf(policy: PolicyUnderTest, given: readonly string[] | undefined): (resource: string, action: string) => readonly string[] {
  if (given !== undefined && (!Array.isArray(given) || !given.every((field) => typeof field === 'string' && field.length > 0))) {
    throw new TypeError(`${NAME}: options.fields must be an array of non-empty field names`);
  }
  const everywhere = given ?? PROTECTED_FIELDS;
  const declared = policy.protectedFields;
  return (resource, action) => {
    if (declared === undefined) return everywhere;
    const names = attempt(`policy.protectedFields(${JSON.stringify(action)}, ${JSON.stringify(resource)})`, () =>
      declared.call(policy, action, resource),
    );
    return [...new Set([...everywhere, ...(Array.isArray(names) ? names.filter((name) => typeof name === 'string') : [])])];
  };
}

function listOption(name: string, value: readonly string[] | undefined, fallback: readonly string[]): readonly string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new TypeError(`${NAME}: options.${name} must be an array of strings`);
  }
  return value;
}
