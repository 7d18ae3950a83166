// The ability a policy hands out for a principal: an object whose prototype chain is CASL's
// `Ability` (so `instanceof Ability` holds and every CASL helper accepts it) that
//  - answers the common checks from the policy's precomputed tables (the fast path), and
//  - delegates everything else to a real `createMongoAbility(rules)`, built on first need.
// Constructing one costs a few fields instead of indexing every rule, which is what makes
// `abilityFor()` cheap for a new principal; the CASL ability comes from the policy's bounded
// cache (`CaslAbilityCache`), so a repeated principal does not rebuild it either. Both paths are
// property-tested to agree with a plain `createMongoAbility(policy.rulesFor(principal))`, and a
// test fails if CASL grows a public method this class does not cover.
import { Ability, type AnyMongoAbility, type Subject } from '@casl/ability';
import type { CaslAbilityCache } from './ability-cache.js';
import { CODE_ALL, CODE_NONE, copyPlain, hasLineTerminator, type CompiledPolicy } from './compile-policy.js';
import { canCellFast } from './decide.js';
import { detectTypeName, taggedTypeOf } from './subject-type.js';
import { recordReaches } from './tenancy.js';

type Row = CompiledPolicy['codes'][number];
// CASL's methods, called with plain arguments (their declared overloads are generic tuples).
type Loose = (...args: unknown[]) => unknown;

/** The public methods of CASL's `Ability` that {@link LadderAbility} implements itself. */
export const DELEGATED_MEMBERS: readonly string[] = Object.freeze([
  'can',
  'cannot',
  'relevantRuleFor',
  'possibleRulesFor',
  'rulesFor',
  'actionsFor',
  'detectSubjectType',
  'on',
  'update',
  'rules',
]);

/**
 * The ability of one principal at one level of one policy. Immutable: `update()` throws, because
 * the CASL ability inside is cached and shared by every ability of the same principal.
 */
export class LadderAbility {
  readonly #compiled: CompiledPolicy;
  /** `compiled.codes[level]`, held directly: the type-level check is two lookups. */
  readonly #row: Row;
  readonly #level: number;
  readonly #id: string | null;
  /** With tenancy: the principal's (valid) organization path; `null` without tenancy. */
  readonly #path: string | null;
  readonly #cache: CaslAbilityCache;
  #inner: AnyMongoAbility | null = null;

  /**
   * With tenancy, `path` must be the principal's valid path; a principal without one gets level 0
   * (no rule at all) from the policy.
   */
  constructor(compiled: CompiledPolicy, level: number, id: string | null, cache: CaslAbilityCache, path: string | null = null) {
    this.#compiled = compiled;
    this.#row = compiled.codes[level] as Row;
    this.#level = level;
    this.#id = id;
    this.#path = path;
    this.#cache = cache;
  }

  #ability(): AnyMongoAbility {
    if (this.#inner === null) this.#inner = this.#cache.abilityAt(this.#level, this.#id, this.#path);
    return this.#inner;
  }

  can(action: string, subject?: Subject, field?: string): boolean {
    // Checked before CASL too: its field patterns do not see past a line terminator, and it throws
    // on a field that is not a string — a denial here, as in the policy's can().
    if (field && (typeof field !== 'string' || hasLineTerminator(field))) return false;
    if (typeof action === 'string' && (!field || typeof field === 'string')) {
      if (typeof subject === 'string') {
        const row = this.#row[action];
        if (row === undefined) return false;
        const code = row[subject];
        if (code === CODE_ALL) return true;
        if (code === undefined || code === CODE_NONE) return false;
        return this.#id !== null;
      }
      if (typeof subject === 'object' && subject !== null) {
        const type = taggedTypeOf(subject);
        if (type !== undefined) {
          const cell = this.#compiled.cells[action]?.[type];
          if (cell === undefined) return false;
          // Fail closed, as the policy's can(): a record whose self field throws when read is denied.
          try {
            const tenancy = this.#compiled.tenancy;
            if (tenancy !== null && (this.#path === null || !recordReaches(tenancy, type, this.#path, subject))) return false;
            return canCellFast(this.#compiled.selfField, cell, this.#level - 1, this.#id, subject, field || undefined);
          } catch {
            return false;
          }
        }
      }
    }
    return (this.#ability().can as Loose).call(this.#inner, action, subject, field) as boolean;
  }

  cannot(action: string, subject?: Subject, field?: string): boolean {
    return !this.can(action, subject, field);
  }

  /**
   * May the principal act on every record of `type` (every record within its reach, with
   * tenancy), with no self condition: the route-guard question. Like `policy.canEvery`.
   */
  canEvery(action: string, type: unknown, field?: string): boolean {
    if (typeof action !== 'string') return false;
    if (field && (typeof field !== 'string' || hasLineTerminator(field))) return false;
    const name = typeof type === 'string' ? type : detectTypeName(type);
    if (name === undefined) return false;
    return this.#row[action]?.[name] === CODE_ALL;
  }

  relevantRuleFor(...args: unknown[]): unknown {
    const inner = this.#ability();
    return (inner.relevantRuleFor as Loose).apply(inner, args);
  }

  possibleRulesFor(...args: unknown[]): unknown {
    const inner = this.#ability();
    return withFreshConditions((inner.possibleRulesFor as Loose).apply(inner, args) as readonly object[]);
  }

  /**
   * CASL's `rulesFor`, each rule with a fresh, unfrozen copy of its conditions: query builders
   * (`rulesToCondition`, `@casl/mongoose`'s `accessibleBy`) hand them to Mongoose, which casts
   * filters in place, while the rules inside stay frozen and shared.
   */
  rulesFor(...args: unknown[]): unknown {
    const inner = this.#ability();
    return withFreshConditions((inner.rulesFor as Loose).apply(inner, args) as readonly object[]);
  }

  actionsFor(...args: unknown[]): unknown {
    const inner = this.#ability();
    return (inner.actionsFor as Loose).apply(inner, args);
  }

  detectSubjectType(...args: unknown[]): unknown {
    const inner = this.#ability();
    return (inner.detectSubjectType as Loose).apply(inner, args);
  }

  on(...args: unknown[]): unknown {
    const inner = this.#ability();
    return (inner.on as Loose).apply(inner, args);
  }

  get rules(): AnyMongoAbility['rules'] {
    return this.#ability().rules;
  }

  update(): never {
    throw new TypeError(
      'scopeladder: abilities from a policy are cached and shared, so they cannot be updated; ' +
        'build a separate one with createMongoAbility(policy.rulesFor(principal))',
    );
  }
}

/** Each rule as an object inheriting from it, with an own, fresh copy of its `conditions`. */
function withFreshConditions(rules: readonly object[]): object[] {
  return rules.map((rule) => {
    const conditions = (rule as { conditions?: unknown }).conditions;
    if (conditions === undefined) return rule;
    return Object.create(rule, {
      conditions: { value: copyPlain(conditions), writable: true, enumerable: true, configurable: true },
    }) as object;
  });
}

// Make every LadderAbility an `Ability` (and so a MongoAbility) for `instanceof` and for CASL's
// helpers. Done once, when this module is evaluated, on this module's own class.
Object.setPrototypeOf(LadderAbility.prototype, Ability.prototype);
