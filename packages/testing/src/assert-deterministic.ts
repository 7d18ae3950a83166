import fc from 'fast-check';
import type { Principal } from '@scopeladder/core';
import { principalId } from './arbitraries/principals.js';
import { hostileScope, unknownScope } from './arbitraries/scopes.js';
import { checkPolicy } from './lib/check-policy.js';
import { fieldsOption } from './lib/field-options.js';
import { attempt, decide, describeCheck, inOrganization, show, targetOf, type Cell, type TargetKind } from './lib/probe.js';
import { checkInvariantOptions, runProperty, violation, type InvariantOptions } from './lib/run-property.js';
import type { PolicyUnderTest } from './policy-under-test.js';

const NAME = 'assertDeterministic';

/**
 * Options of {@link assertDeterministic}.
 *
 * @example
 * ```ts
 * assertDeterministic(policy, { questions: 100, numRuns: 50 });
 * ```
 */
export interface AssertDeterministicOptions extends InvariantOptions {
  /** Fields to check besides whole-record decisions. Default: `DEFAULT_PROTECTED_FIELDS`. */
  readonly fields?: readonly string[] | undefined;
  /** How many questions one run asks, in sequence (each about a type, an own and another's record). Default 40. */
  readonly questions?: number | undefined;
}

const KINDS: readonly TargetKind[] = ['type', 'own', 'other'];

interface Question {
  readonly principal: Principal;
  readonly cell: Cell;
  readonly other: string;
}

/**
 * Asserts that a decision is a pure function of the question. For random sequences of
 * questions — principals that share ids but hold different scopes, as a live bot token does
 * after its user is demoted — each answer must be the same:
 *
 * - asked again later, after the other questions, and in reverse order (no cache keyed by id
 *   alone, no state leaking between principals);
 * - asked with a fresh copy of the principal object (no identity-keyed surprises);
 * - asked with the principal's scopes reordered and repeated (scopes are a set);
 * - asked through every entry point the policy offers: `can`, `explain().allowed`,
 *   `abilityFor().can`.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { assertDeterministic } from '@scopeladder/testing';
 *
 * it('decides deterministically', () => assertDeterministic(chatshipperPolicy));
 * ```
 */
export function assertDeterministic(policy: PolicyUnderTest, options: AssertDeterministicOptions = {}): void {
  checkPolicy(NAME, policy);
  checkInvariantOptions(NAME, options);
  const questions = options.questions ?? 40;
  if (!Number.isSafeInteger(questions) || questions < 1) throw new TypeError(`${NAME}: options.questions must be a positive integer`);
  const fields = fieldsOption(NAME, options.fields, policy);
  const scopes = policy.ladder.scopes;
  const scopeArray = fc.array(fc.oneof({ arbitrary: fc.constantFrom(...scopes), weight: 4 }, unknownScope(scopes), hostileScope(scopes)), {
    maxLength: 4,
  });
  const field =
    fields.length === 0
      ? fc.constant(undefined)
      : fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: fc.constantFrom(...fields), weight: 1 });
  const cases = fc
    .tuple(principalId(), principalId(), principalId())
    .chain((ids) =>
      fc.array(
        fc.record({
          principal: fc.record({ id: fc.constantFrom(...ids), scopes: scopeArray }).map((value): Principal => inOrganization(policy, { ...value })),
          resource: fc.constantFrom(...policy.resources),
          action: fc.constantFrom(...policy.actions),
          field,
          other: fc.constantFrom(...ids, 'ffffffffffffffffffffffff'),
        }),
        { minLength: Math.min(questions, 10), maxLength: questions },
      ),
    )
    .map((list) =>
      list
        .filter((question) => question.other !== question.principal.id)
        .flatMap(({ principal, resource, action, field: name, other }) =>
          KINDS.map((kind): Question => ({ principal, cell: { resource, action, kind, field: name }, other })),
        ),
    );

  runProperty(
    NAME,
    'the same question must always get the same answer.',
    cases,
    (list) => {
      const first = list.map((question) => decide(policy, question.principal, question.cell, question.other));
      for (let index = list.length - 1; index >= 0; index -= 1) {
        const question = list[index] as Question;
        const expected = first[index] as boolean;
        const { principal, cell, other } = question;
        const again = decide(policy, principal, cell, other);
        if (again !== expected) {
          violation(`${describeCheck(principal, cell, other)} was ${word(expected)}, then ${word(again)} when asked again after other principals.`);
        }
        const copy: Principal = { ...principal, scopes: [...principal.scopes] };
        if (decide(policy, copy, cell, other) !== expected) {
          violation(`${describeCheck(principal, cell, other)} is ${word(expected)}, but ${word(!expected)} for a copy of the same principal object.`);
        }
        const shuffled: Principal = { ...principal, scopes: [...principal.scopes].reverse().flatMap((scope) => [scope, scope]) };
        if (decide(policy, shuffled, cell, other) !== expected) {
          violation(
            `${describeCheck(principal, cell, other)} is ${word(expected)}, but ${word(!expected)} with the same scopes reordered and repeated (${show(shuffled.scopes)}).`,
          );
        }
        const target = targetOf(cell.resource, cell.kind, principal, other, policy);
        const explain = policy.explain;
        if (explain !== undefined) {
          const decision = attempt('policy.explain', () =>
            cell.field === undefined
              ? explain.call(policy, principal, cell.action, target)
              : explain.call(policy, principal, cell.action, target, cell.field),
          );
          if (decision.allowed !== expected) {
            violation(
              `policy.can says ${describeCheck(principal, cell, other)} is ${word(expected)}, but policy.explain says allowed: ${show(decision.allowed)}.`,
            );
          }
        }
        const abilityFor = policy.abilityFor;
        if (abilityFor !== undefined) {
          const viaAbility = attempt('abilityFor(principal).can', () => abilityFor.call(policy, principal).can(cell.action, target, cell.field));
          if (viaAbility !== expected) {
            violation(
              `policy.can says ${describeCheck(principal, cell, other)} is ${word(expected)}, but abilityFor(principal).can answers ${show(viaAbility)}.`,
            );
          }
        }
      }
    },
    options,
  );
}

function word(allowed: boolean): string {
  return allowed ? 'allowed' : 'denied';
}
