// The policy object: fast checks over the compiled tables, explanations, the guard, and a bounded
// per-policy cache of the CASL abilities behind `abilityFor()`. Its only mutable state is that cache.
import { ScopeladderError, type DenialContext } from '../errors.js';
import type { Ladder } from '../define-ladder.js';
import type {
  Decision,
  DecisionRow,
  ExplainOptions,
  Policy,
  PolicyAbility,
  PolicyRawRule,
  PolicyTarget,
  RequiredScopeOptions,
} from '../policy-types.js';
import type { Principal } from '../principal.js';
import type { FieldNameProblem } from '../check-field-name.js';
import { checkControlCharacters } from './field-name-check.js';
import { describeFieldNameProblem } from '../describe-field-name-problem.js';
import { hasLineTerminator, rulesAt, type CompiledCell, type CompiledPolicy } from './compile-policy.js';
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
  readonly #compiled: CompiledPolicy;
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
    this.#compiled = compiled;
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
    if (typeof target === 'string') {
      const cell = row[target];
      if (cell === undefined) return false;
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
    return cell !== undefined && levelOf(this.#compiled, principal) - 1 >= cell.any;
  }

  explain(
    principal: Principal,
    action: string,
    target: PolicyTarget,
    field?: string,
    options?: ExplainOptions,
  ): Decision {
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
    throw denialError(explainCheck(this.#compiled, principal, action, target, field, every));
  }

  abilityFor(principal: Principal): PolicyAbility {
    const level = levelOf(this.#compiled, principal);
    const id = idOf(principal);
    if (id === null || (this.#compiled.selfCells[level] as readonly CompiledCell[]).length === 0) {
      let shared = this.#shared[level];
      if (shared === undefined) {
        shared = new LadderAbility(this.#compiled, level, null, this.#cache);
        this.#shared[level] = shared;
      }
      return shared as unknown as PolicyAbility;
    }
    // A new wrapper costs less than any lookup; its CASL ability, if ever needed, comes from the cache.
    return new LadderAbility(this.#compiled, level, id, this.#cache) as unknown as PolicyAbility;
  }

  rulesFor(principal: Principal): PolicyRawRule[] {
    const level = levelOf(this.#compiled, principal);
    return [...rulesAt(this.#compiled, level, idOf(principal))];
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
