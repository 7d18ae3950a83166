// The policy object: fast checks over the compiled tables, explanations, the guard, and a bounded
// per-policy cache of the CASL abilities behind `abilityFor()`. Its only mutable state is that cache.
import { ScopeladderError, type DenialContext } from '../errors.js';
import type { Ladder } from '../define-ladder.js';
import type {
  Decision,
  DecisionRow,
  ExplainOptions,
  ListFilter,
  Policy,
  PolicyTenancy,
  RulesForOptions,
  PolicyAbility,
  PolicyRawRule,
  PolicyTarget,
  RequiredScopeOptions,
} from '../policy-types.js';
import type { Principal } from '../principal.js';
import type { FieldNameProblem } from '../check-field-name.js';
import { checkControlCharacters } from './field-name-check.js';
import { describeFieldNameProblem } from '../describe-field-name-problem.js';
import { copyPlain, hasLineTerminator, rulesAt, type CompiledCell, type CompiledPolicy } from './compile-policy.js';
import { filterAt } from './filter.js';
import { principalPath, recordReaches, type CompiledTenancy } from './tenancy.js';
import { canCellFast, explainCheck, idOf, levelOf } from './decide.js';
import { CaslAbilityCache } from './ability-cache.js';
import { LadderAbility } from './ladder-ability.js';
import { detectTypeName } from './subject-type.js';

function buildDecisionTable(compiled: CompiledPolicy): readonly DecisionRow[] {
  const { ladder, never } = compiled;
  const rows: DecisionRow[] = [];
  const row = (cell: CompiledCell, self: boolean, required: number): DecisionRow => {
    // fromEntries defines own properties: a scope named `__proto__` is a key like any other.
    const allowed: Record<string, boolean> = Object.fromEntries(ladder.scopes.map((scope, rank) => [scope, rank >= required]));
    return Object.freeze({
      resource: cell.resource,
      action: cell.action,
      self,
      requiredScope: required < never ? (ladder.scopes[required] as string) : null,
      allowed: Object.freeze(allowed),
    });
  };
  for (const action of compiled.actions) {
    for (const resource of compiled.resources) {
      const cell = (compiled.cells[action] as Record<string, CompiledCell>)[resource] as CompiledCell;
      if (cell.self < never) rows.push(row(cell, true, Math.min(cell.self, cell.any)));
      rows.push(row(cell, false, cell.any));
    }
  }
  return Object.freeze(rows);
}

// Printable ASCII only, bounded: what goes into an error message.
function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}

function denialError(decision: Decision): ScopeladderError {
  const denial: DenialContext = {
    action: decision.action,
    subject: decision.subject,
    ...(decision.field === undefined ? {} : { field: decision.field }),
    requiredScope: decision.requiredScope,
    reason: decision.reason,
  };
  const what = `"${printable(decision.action)}" on ${printable(decision.subject) || 'an unknown subject'}`;
  const scope = decision.requiredScope === null ? null : `"${printable(decision.requiredScope)}"`;
  let message: string;
  switch (decision.reason) {
    case 'not_self':
      message = scope
        ? `Permission denied: ${what} is allowed only on your own record; any other needs scope ${scope}`
        : `Permission denied: ${what} is allowed only on your own record`;
      break;
    case 'field_not_permitted':
      message = `Permission denied: field "${printable(decision.field ?? '')}" in ${what} needs scope ${scope ?? '(none)'}`;
      break;
    default:
      message = scope ? `Permission denied: ${what} needs scope ${scope}` : `Permission denied: no scope allows ${what}`;
  }
  return new ScopeladderError(scope === null ? 'ERR_FORBIDDEN' : 'ERR_INSUFFICIENT_SCOPE', message, { denial });
}

/** The implementation behind `definePolicy`. Only ever seen through the {@link Policy} interface. */
export class LadderPolicy implements Policy {
  readonly ladder: Ladder<string>;
  readonly resources: readonly string[];
  readonly actions: readonly string[];
  readonly selfField: string;
  readonly tenancy: PolicyTenancy | null;
  readonly #compiled: CompiledPolicy;
  readonly #tenancy: CompiledTenancy | null;
  readonly #cells: CompiledPolicy['cells'];
  readonly #table: readonly DecisionRow[];
  /** The real CASL abilities behind the per-principal abilities, bounded. */
  readonly #cache: CaslAbilityCache;
  /** Per level: the one ability shared by principals without self rules (or without an id). */
  readonly #shared: (LadderAbility | undefined)[];

  constructor(compiled: CompiledPolicy, cacheSize: number) {
    this.ladder = compiled.ladder;
    this.resources = compiled.resources;
    this.actions = compiled.actions;
    this.selfField = compiled.selfField;
    this.tenancy =
      compiled.tenancy === null ? null : Object.freeze({ separator: compiled.tenancy.separator, fieldByType: compiled.tenancy.fieldByType });
    this.#compiled = compiled;
    this.#tenancy = compiled.tenancy;
    this.#cells = compiled.cells;
    this.#table = buildDecisionTable(compiled);
    this.#cache = new CaslAbilityCache(compiled, cacheSize);
    this.#shared = compiled.codes.map(() => undefined);
  }

  can(principal: Principal, action: string, target: PolicyTarget, field?: string): boolean {
    if (typeof action !== 'string') return false;
    if (field && (typeof field !== 'string' || hasLineTerminator(field))) return false;
    const row = this.#cells[action];
    if (row === undefined) return false;
    const tenancy = this.#tenancy;
    if (typeof target === 'string') {
      const cell = row[target];
      if (cell === undefined) return false;
      if (tenancy !== null && principalPath(tenancy, principal) === null) return false;
      const rank = levelOf(this.#compiled, principal) - 1;
      if (rank >= cell.any) return true;
      return rank >= cell.self && idOf(principal) !== null;
    }
    if (typeof target !== 'object' || target === null) return false;
    const type = detectTypeName(target);
    if (type === undefined) return false;
    const cell = row[type];
    if (cell === undefined) return false;
    try {
      if (tenancy !== null) {
        const path = principalPath(tenancy, principal);
        if (path === null || !recordReaches(tenancy, type, path, target)) return false;
      }
      return canCellFast(this.selfField, cell, levelOf(this.#compiled, principal) - 1, idOf(principal), target, field || undefined);
    } catch {
      return false;
    }
  }

  canEvery(principal: Principal, action: string, type: string, field?: string): boolean {
    if (typeof action !== 'string') return false;
    if (field && (typeof field !== 'string' || hasLineTerminator(field))) return false;
    const name = typeof type === 'string' ? type : detectTypeName(type);
    if (name === undefined) return false;
    const cell = this.#cells[action]?.[name];
    if (cell === undefined) return false;
    if (this.#tenancy !== null && principalPath(this.#tenancy, principal) === null) return false;
    return levelOf(this.#compiled, principal) - 1 >= cell.any;
  }

  explain(principal: Principal, action: string, target: PolicyTarget, field?: string, options?: ExplainOptions): Decision {
    return explainCheck(this.#compiled, principal, action, target, field, options?.every === true);
  }

  authorize(principal: Principal, action: string, target: PolicyTarget, field?: string | readonly string[]): void {
    if (Array.isArray(field) && field.length > 0) {
      // Every name first: a never-legitimate name is refused whoever asks, before any permission.
      for (const each of field as readonly unknown[]) this.#assertFieldName(target, each);
      for (const each of field as readonly unknown[]) this.#authorizeOne(principal, action, target, each);
      return;
    }
    const one = Array.isArray(field) ? undefined : field;
    this.#assertFieldName(target, one);
    this.#authorizeOne(principal, action, target, one);
  }

  /**
   * A field name that is never legitimate (a control character, a look-alike of a protected field
   * of the target's type) is `ERR_FIELD_NAME_INVALID`: a guard's answer to it, whoever asks.
   */
  #assertFieldName(target: PolicyTarget, field: unknown): void {
    if (typeof field !== 'string' || field === '') return;
    const type = typeof target === 'string' ? target : detectTypeName(target);
    if (typeof type !== 'string') return;
    const problem = this.checkFieldName(type, field);
    if (problem !== null) throw new ScopeladderError('ERR_FIELD_NAME_INVALID', describeFieldNameProblem(field, problem));
  }

  #authorizeOne(principal: Principal, action: string, target: PolicyTarget, field: unknown): void {
    const every = typeof target === 'string';
    const f = field as string | undefined;
    const allowed = every ? this.canEvery(principal, action, target, f) : this.can(principal, action, target, f);
    if (allowed) return;
    const decision = explainCheck(this.#compiled, principal, action, target, field, every);
    if (decision.reason === 'other_organization') {
      // Exactly what a guard answers for a missing record: the type-level denial when the
      // principal may not act on every record of the type, else "not found" with no context.
      const type = decision.subject;
      if (!this.canEvery(principal, action, type)) throw denialError(explainCheck(this.#compiled, principal, action, type, undefined, true));
      throw new ScopeladderError('ERR_NOT_FOUND', `${printable(type)} not found`);
    }
    throw denialError(decision);
  }

  abilityFor(principal: Principal): PolicyAbility {
    const tenancy = this.#tenancy;
    if (tenancy !== null) {
      const path = principalPath(tenancy, principal);
      // No usable path: nothing is within reach, so the level-0 ability (no rule) is the answer.
      if (path === null) return this.#sharedAt(0);
      return new LadderAbility(this.#compiled, levelOf(this.#compiled, principal), idOf(principal), this.#cache, path) as unknown as PolicyAbility;
    }
    const level = levelOf(this.#compiled, principal);
    const id = idOf(principal);
    if (id === null || (this.#compiled.selfCells[level] as readonly CompiledCell[]).length === 0) {
      return this.#sharedAt(level);
    }
    // A new wrapper costs less than any lookup; its CASL ability, if ever needed, comes from the cache.
    return new LadderAbility(this.#compiled, level, id, this.#cache) as unknown as PolicyAbility;
  }

  /** The one ability of `level` for principals without per-principal rules. */
  #sharedAt(level: number): PolicyAbility {
    let shared = this.#shared[level];
    if (shared === undefined) {
      shared = new LadderAbility(this.#compiled, level, null, this.#cache);
      this.#shared[level] = shared;
    }
    return shared as unknown as PolicyAbility;
  }

  rulesFor(principal: Principal, options?: RulesForOptions): PolicyRawRule[] {
    const dialect = options?.dialect ?? 'mongo';
    if (dialect !== 'mongo' && dialect !== 'prisma') {
      throw new TypeError(`rulesFor: options.dialect must be "mongo" or "prisma", got ${JSON.stringify(dialect) ?? String(dialect)}`);
    }
    const tenancy = this.#tenancy;
    const path = tenancy === null ? null : principalPath(tenancy, principal);
    const level = tenancy !== null && path === null ? 0 : levelOf(this.#compiled, principal);
    return copyPlain(rulesAt(this.#compiled, level, idOf(principal), path, dialect)) as PolicyRawRule[];
  }

  filterFor(principal: Principal, action: string, type: string): ListFilter {
    return filterAt(this.#compiled, principal, action, type);
  }

  requiredScope(action: string, type: string, options?: RequiredScopeOptions): string | null {
    const cell = typeof action === 'string' && typeof type === 'string' ? this.#compiled.cells[action]?.[type] : undefined;
    if (cell === undefined) return null;
    const field = options?.field;
    if (typeof field === 'string' && hasLineTerminator(field)) return null;
    const fieldProtected = typeof field === 'string' && field !== '' && cell.matchProtected !== null && cell.matchProtected(field);
    const required = options?.self === true && !fieldProtected ? Math.min(cell.self, cell.any) : cell.any;
    return required < this.#compiled.never ? (this.ladder.scopes[required] as string) : null;
  }

  protectedFields(action: string, type: string): readonly string[] {
    const cell = typeof action === 'string' && typeof type === 'string' ? this.#compiled.cells[action]?.[type] : undefined;
    return cell === undefined ? [] : cell.protectedFields;
  }

  checkFieldName(type: string, name: string): FieldNameProblem | null {
    const check = typeof type === 'string' ? this.#compiled.fieldNameChecks[type] : undefined;
    return (check ?? checkControlCharacters)(name);
  }

  decisionTable(): readonly DecisionRow[] {
    return this.#table;
  }
}
