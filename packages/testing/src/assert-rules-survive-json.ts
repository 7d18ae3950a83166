import { createMongoAbility } from '@scopeladder/core';
import fc from 'fast-check';
import { otherId, principal as principalArbitrary } from './arbitraries/principals.js';
import { checkPolicy } from './lib/check-policy.js';
import { fieldsOption } from './lib/field-options.js';
import { attempt, decide, describeCheck, describePrincipal, enumerateCells, inOrganization, show, targetOf } from './lib/probe.js';
import { checkInvariantOptions, runProperty, violation, type InvariantOptions } from './lib/run-property.js';
import type { PolicyUnderTest } from './policy-under-test.js';

const NAME = 'assertRulesSurviveJson';

/**
 * An ability built from JSON rules: what a browser holds.
 *
 * @example
 * ```ts
 * const client: ClientAbility = createMongoAbility(JSON.parse(rulesJson));
 * ```
 */
export interface ClientAbility {
  can(action: string, target: string | object, field?: string): boolean;
}

/**
 * Options of {@link assertRulesSurviveJson}.
 *
 * @example
 * ```ts
 * assertRulesSurviveJson(policy, { createAbility: (rules) => createMongoAbility(rules as never, { anyAction: 'manage' }) });
 * ```
 */
export interface AssertRulesSurviveJsonOptions extends InvariantOptions {
  /** Fields to check besides whole-record decisions. Default: `DEFAULT_PROTECTED_FIELDS`. */
  readonly fields?: readonly string[] | undefined;
  /**
   * Builds the client-side ability from the parsed rules. Default: `createMongoAbility(rules)`
   * from `@casl/ability`, exactly what a browser app does.
   */
  readonly createAbility?: ((rules: unknown[]) => ClientAbility) | undefined;
}

/**
 * Asserts that `rulesFor(principal)` is what a browser can load: for random principals, the
 * rules are plain JSON (no functions, RegExps, Dates, `undefined` in arrays, cycles, BigInts,
 * non-finite numbers), and after `JSON.parse(JSON.stringify(rules))` an ability built from them
 * (`createMongoAbility` by default) answers every decision — each resource × action, on the type,
 * the principal's own record and another's, whole-record and per protected field — exactly as
 * `policy.can` does. The policy must have `rulesFor`.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { assertRulesSurviveJson } from '@scopeladder/testing';
 *
 * it('the rules a browser loads decide like the server', () => assertRulesSurviveJson(chatshipperPolicy));
 * ```
 */
export function assertRulesSurviveJson(policy: PolicyUnderTest, options: AssertRulesSurviveJsonOptions = {}): void {
  checkPolicy(NAME, policy);
  checkInvariantOptions(NAME, options);
  const rulesFor = policy.rulesFor;
  if (rulesFor === undefined) throw new TypeError(`${NAME}: the policy has no rulesFor(principal)`);
  const createAbility = options.createAbility ?? ((rules: unknown[]): ClientAbility => createMongoAbility(rules as never));
  if (typeof createAbility !== 'function') throw new TypeError(`${NAME}: options.createAbility must be a function`);
  const cells = enumerateCells(policy, { fields: fieldsOption(NAME, options.fields, policy) });
  const cases = principalArbitrary(policy.ladder.scopes, { unknownScopes: true })
    .map((who) => inOrganization(policy, who))
    .chain((who) => fc.record({ principal: fc.constant(who), other: otherId(who.id) }));
  runProperty(
    NAME,
    'the JSON rules a browser loads must decide exactly like the policy.',
    cases,
    ({ principal, other }) => {
      const rules = attempt('policy.rulesFor', () => rulesFor.call(policy, principal));
      if (!Array.isArray(rules)) violation(`policy.rulesFor(${describePrincipal(principal)}) returned ${show(rules)}, not an array.`);
      const problem = jsonProblem(rules, 'rules');
      if (problem !== null) violation(`policy.rulesFor(${describePrincipal(principal)}) is not plain JSON: ${problem}.`);
      const parsed = JSON.parse(JSON.stringify(rules)) as unknown[];
      const client = attempt('building an ability from the parsed rules', () => createAbility(parsed));
      for (const cell of cells) {
        const expected = decide(policy, principal, cell, other);
        const target = targetOf(cell.resource, cell.kind, principal, other, policy);
        const actual = attempt('the client ability', () => client.can(cell.action, target, cell.field));
        if (actual !== expected) {
          violation(
            `policy.can says ${describeCheck(principal, cell, other)} is ${expected ? 'allowed' : 'denied'},\n` +
              `but an ability built from its JSON rules answers ${show(actual)}.`,
          );
        }
      }
    },
    options,
  );
}

/** The first value JSON would lose or reject, as a path and a reason; `null` when the value is plain JSON. */
function jsonProblem(value: unknown, path: string, seen: Set<object> = new Set()): string | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `${path} is ${String(value)}`;
    case 'undefined':
      return `${path} is undefined`;
    case 'object': {
      if (value === null) return null;
      if (seen.has(value)) return `${path} is a cycle`;
      const prototype: unknown = Object.getPrototypeOf(value);
      if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) {
        return `${path} is a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'non-plain object'}`;
      }
      seen.add(value);
      try {
        if (Array.isArray(value)) {
          for (let index = 0; index < value.length; index += 1) {
            const problem = jsonProblem(value[index], `${path}[${index}]`, seen);
            if (problem !== null) return problem;
          }
          return null;
        }
        for (const [key, item] of Object.entries(value)) {
          if (item === undefined) continue; // JSON drops it; a missing key means the same to CASL
          const problem = jsonProblem(item, `${path}.${key}`, seen);
          if (problem !== null) return problem;
        }
        return null;
      } finally {
        seen.delete(value);
      }
    }
    default:
      return `${path} is a ${typeof value}`;
  }
}
