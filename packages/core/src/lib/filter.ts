// `policy.filterFor()`: what a list (or bulk) query may return, decided once per request from the
// compiled tables: nothing, everything, or a condition — the tenancy subtree (one prefix
// condition), the self condition of a self-only cell, or both AND'ed. The same conditions as the
// rules `rulesAt()` emits, so CASL's query builders over those rules produce the same filter.
import type { MongoQuery } from '@casl/ability';
import type { ListFilter, ListFilterAll, ListFilterCondition, ListFilterNone } from '../policy-types.js';
import type { CompiledCell, CompiledPolicy } from './compile-policy.js';
import { idOf, isSelf, levelOf } from './decide.js';
import { pathValueReaches, principalPath, prismaTenancyCondition, subtreePattern, tenancyCondition, type CompiledTenancy } from './tenancy.js';

const NONE: ListFilterNone = Object.freeze({ kind: 'none', matches: (_record: unknown): boolean => false });
const ALL: ListFilterAll = Object.freeze({ kind: 'all', matches: (_record: unknown): boolean => true });

/** A condition filter. `query` and `prisma` are built on each read, so each reader may change its copy. */
class ConditionFilter implements ListFilterCondition {
  readonly kind = 'condition' as const;
  readonly matches: (record: unknown) => boolean;
  readonly #selfField: string;
  readonly #id: string | null;
  readonly #tenancy: CompiledTenancy | null;
  readonly #field: string;
  readonly #path: string;

  constructor(selfField: string, cell: CompiledCell, id: string | null, tenancy: CompiledTenancy | null, path: string | null) {
    this.#selfField = selfField;
    this.#id = id;
    this.#tenancy = tenancy;
    this.#field = tenancy === null ? '' : (tenancy.fieldByType[cell.resource] as string);
    this.#path = path ?? '';
    const field = this.#field;
    const separatorCode = tenancy === null ? 0 : tenancy.separatorCode;
    const target = path ?? '';
    // The predicate `can(principal, action, subject(type, record))` answers, without the tag.
    this.matches = (record: unknown): boolean => {
      if (typeof record !== 'object' || record === null) return false;
      try {
        if (tenancy !== null && !pathValueReaches(separatorCode, target, (record as Record<string, unknown>)[field])) return false;
        return id === null || isSelf(selfField, id, record);
      } catch {
        return false;
      }
    };
  }

  get query(): MongoQuery {
    const query: Record<string, unknown> = this.#id === null ? {} : { [this.#selfField]: this.#id };
    if (this.#tenancy !== null) Object.assign(query, tenancyCondition(this.#field, subtreePattern(this.#tenancy, this.#path)));
    return query as MongoQuery;
  }

  get prisma(): Record<string, unknown> {
    const where: Record<string, unknown> = this.#id === null ? {} : { [this.#selfField]: this.#id };
    if (this.#tenancy !== null) Object.assign(where, prismaTenancyCondition(this.#tenancy, this.#field, this.#path));
    return where;
  }

  /** For `JSON.stringify` and test output: the kind and the MongoDB query. */
  toJSON(): { kind: 'condition'; query: MongoQuery } {
    return { kind: 'condition', query: this.query };
  }
}

/** The list filter of `principal` for `action` on `type` (see `Policy.filterFor`). Never throws. */
export function filterAt(compiled: CompiledPolicy, principal: unknown, action: unknown, type: unknown): ListFilter {
  const cell = typeof action === 'string' && typeof type === 'string' ? compiled.cells[action]?.[type] : undefined;
  if (cell === undefined) return NONE;
  const tenancy = compiled.tenancy;
  let path: string | null = null;
  if (tenancy !== null) {
    path = principalPath(tenancy, principal);
    if (path === null) return NONE;
  }
  const rank = levelOf(compiled, principal) - 1;
  let id: string | null = null;
  if (rank < cell.any) {
    if (rank < cell.self) return NONE;
    id = idOf(principal);
    if (id === null) return NONE;
  }
  if (tenancy === null && id === null) return ALL;
  return new ConditionFilter(compiled.selfField, cell, id, tenancy, path);
}
