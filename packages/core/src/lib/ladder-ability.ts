// A real @casl/ability MongoAbility (same class, same options as `createMongoAbility`) that
//  - answers the common checks from the policy's precomputed tables (the fast path), and
//  - indexes its rules lazily, on the first call that needs CASL's own machinery.
// Both paths are property-tested to agree with a plain `createMongoAbility(rulesFor(p))`.
import {
  Ability,
  fieldPatternMatcher,
  mongoQueryMatcher,
  type AbilityTuple,
  type MongoQuery,
  type Subject,
} from '@casl/ability';
import type { PolicyRawRule } from '../policy-types.js';
import { CODE_ALL, CODE_NONE, rulesAt, type CompiledPolicy } from './compile-policy.js';
import { canInstanceFast } from './decide.js';
import { taggedTypeOf } from './subject-type.js';

const OPTIONS = Object.freeze({ conditionsMatcher: mongoQueryMatcher, fieldMatcher: fieldPatternMatcher });
const NO_RULES: PolicyRawRule[] = [];

type Base = Ability<AbilityTuple, MongoQuery>;
// CASL's public methods, called with plain arguments (their overloads are generic tuples).
type Loose = (...args: unknown[]) => unknown;

/**
 * The ability of one principal at one level of one policy. Immutable: `update()` throws, because
 * abilities are cached and shared by every request of the same principal.
 */
export class LadderAbility extends Ability<AbilityTuple, MongoQuery> {
  readonly #compiled: CompiledPolicy;
  readonly #level: number;
  readonly #id: string | null;
  #indexed = false;

  constructor(compiled: CompiledPolicy, level: number, id: string | null) {
    super(NO_RULES, OPTIONS);
    this.#compiled = compiled;
    this.#level = level;
    this.#id = id;
  }

  #index(): void {
    if (this.#indexed) return;
    this.#indexed = true;
    // No listener can exist yet (`on()` indexes first), so this emits to no one.
    (Ability.prototype.update as Loose).call(this, rulesAt(this.#compiled, this.#level, this.#id));
  }

  override can(...args: Parameters<Base['can']>): boolean;
  override can(action: string, subject?: Subject, field?: string): boolean {
    if (typeof action === 'string' && (!field || typeof field === 'string')) {
      if (typeof subject === 'string') {
        const row = (this.#compiled.codes[this.#level] as CompiledPolicy['codes'][number])[action];
        if (row === undefined) return false;
        const code = row[subject];
        if (code === CODE_ALL) return true;
        if (code === undefined || code === CODE_NONE) return false;
        return this.#id !== null;
      }
      if (typeof subject === 'object' && subject !== null) {
        const type = taggedTypeOf(subject);
        if (type !== undefined) {
          const answer = canInstanceFast(this.#compiled, this.#level, this.#id, action, type, subject, field || undefined);
          if (answer !== undefined) return answer;
        }
      }
    }
    this.#index();
    return (super.can as Loose)(action, subject, field) as boolean;
  }

  override get rules(): Base['rules'] {
    this.#index();
    return super.rules;
  }

  override relevantRuleFor(...args: Parameters<Base['relevantRuleFor']>): ReturnType<Base['relevantRuleFor']> {
    this.#index();
    return super.relevantRuleFor(...args);
  }

  override possibleRulesFor(...args: Parameters<Base['possibleRulesFor']>): ReturnType<Base['possibleRulesFor']> {
    this.#index();
    return super.possibleRulesFor(...args);
  }

  override rulesFor(...args: Parameters<Base['rulesFor']>): ReturnType<Base['rulesFor']> {
    this.#index();
    return super.rulesFor(...args);
  }

  override actionsFor(...args: Parameters<Base['actionsFor']>): ReturnType<Base['actionsFor']> {
    this.#index();
    return super.actionsFor(...args);
  }

  override on(...args: Parameters<Base['on']>): ReturnType<Base['on']> {
    this.#index();
    return super.on(...args);
  }

  override update(): never {
    throw new TypeError(
      'scopeladder: abilities from a policy are cached and shared, so they cannot be updated; ' +
        'build a separate one with createMongoAbility(policy.rulesFor(principal))',
    );
  }
}
