import type { ListFilter } from '@scopeladder/core';
import { escapeLike, quoteQualified } from './lib/sql-identifier.js';

/**
 * Where a record type keeps a LIST of organization paths in another table (User records: one
 * path per membership), for {@link toSqlFilter}. The condition becomes
 * `EXISTS (SELECT 1 FROM <table> WHERE <table>.<keyColumn> = <recordColumn> AND (<path condition>))`.
 *
 * @example
 * ```ts
 * // the package's own schema: a view of memberships with their organizations' paths
 * const memberships: SqlMembershipsJoin = {
 *   table: 'scopeladder.membership_paths', keyColumn: 'user_id', pathColumn: 'path', recordColumn: 'users.id',
 * };
 * ```
 */
export interface SqlMembershipsJoin {
  /** The record field the policy reads the list from. Default `"organizationPaths"` (User records). */
  readonly field?: string | undefined;
  /** The table (or view) with one row per path: `memberships`, `scopeladder.membership_paths`. */
  readonly table: string;
  /** Its column naming the record (the user's id). */
  readonly keyColumn: string;
  /** Its column holding the organization path. */
  readonly pathColumn: string;
  /** The outer query's column the key is compared with (`users.id`). */
  readonly recordColumn: string;
}

/**
 * Options of {@link toSqlFilter}.
 *
 * @example
 * ```ts
 * const options: SqlFilterOptions = { columns: { organizationPath: 'org_path', id: 'id' }, offset: 1 };
 * ```
 */
export interface SqlFilterOptions {
  /**
   * Record field → SQL column (`"org_path"`, or qualified: `"conversations.org_path"`). Every field
   * the filter names must be mapped: the tenancy field (`organizationPath`; `path` for
   * Organization records) and, for self-only cells, the self field (`id`). Names are validated
   * (letters, digits, `_`) and quoted.
   */
  readonly columns: Readonly<Record<string, string>>;
  /** For a field holding a list of paths (User records' memberships): the join. */
  readonly memberships?: SqlMembershipsJoin | undefined;
  /** How many parameters the surrounding query already uses: the first one here is `$(offset + 1)`. Default `0`. */
  readonly offset?: number | undefined;
}

/**
 * A WHERE condition: SQL text with `$n` placeholders, and the values, in order. No value is ever
 * in `text`.
 *
 * @example
 * ```ts
 * const condition: SqlCondition = { text: `("org_path" = $1 OR "org_path" LIKE $2 ESCAPE '\\')`, values: ['r1#c1', 'r1#c1#%'] };
 * ```
 */
export interface SqlCondition {
  readonly text: string;
  /** A fresh array: pass it to `pool.query(text, values)` or spread it after your own values. */
  readonly values: string[];
}

/**
 * What {@link toSqlFilter} answers: `false` (return no row), `true` (no condition: every row) or
 * a parameterized condition.
 *
 * @example
 * ```ts
 * const where: SqlFilterResult = toSqlFilter(filter, { columns: { organizationPath: 'org_path' } });
 * ```
 */
export type SqlFilterResult = boolean | SqlCondition;

/** The Prisma form of core's tenancy condition: `{ OR: [{ f: path }, { f: { startsWith: path + separator } }] }`. */
function readSubtree(value: unknown): { field: string; path: string; prefix: string } {
  const unsupported = (): never => {
    throw new TypeError('toSqlFilter: unsupported condition (expected the filter of policy.filterFor)');
  };
  if (!Array.isArray(value) || value.length !== 2) return unsupported();
  const [equal, starts] = value as [unknown, unknown];
  if (typeof equal !== 'object' || equal === null || typeof starts !== 'object' || starts === null) return unsupported();
  const equalKeys = Object.keys(equal);
  const startsKeys = Object.keys(starts);
  if (equalKeys.length !== 1 || startsKeys.length !== 1 || equalKeys[0] !== startsKeys[0]) return unsupported();
  const field = equalKeys[0] as string;
  const path = (equal as Record<string, unknown>)[field];
  const prefix = ((starts as Record<string, unknown>)[field] as { startsWith?: unknown } | null)?.startsWith;
  if (typeof path !== 'string' || typeof prefix !== 'string' || !prefix.startsWith(path) || prefix.length !== path.length + 1) return unsupported();
  return { field, path, prefix };
}

/**
 * Translates a list filter of `policy.filterFor(principal, action, type)` into a parameterized SQL
 * condition on the application's columns, for plain `pg` (or any SQL builder that takes text and
 * values):
 *
 * - `none` → `false`, `all` → `true`;
 * - the tenancy subtree → `(col = $1 OR col LIKE $2 ESCAPE '\')` with values `[path, path + '#%']`
 *   (LIKE's wildcards in the path escaped): an indexable prefix match — give the column an index
 *   with `text_pattern_ops` (or `COLLATE "C"`);
 * - a list of paths in another table (User records) → `EXISTS (…)` over that table ({@link SqlMembershipsJoin});
 * - the self condition of a self-only cell → `col = $n`, AND'ed.
 *
 * Column and table names come from `options`, validated and quoted; a field the filter names that
 * `options` does not map is a `TypeError`, as is any filter that is not one of core's.
 *
 * @example
 * ```ts
 * import { chatshipperTenantPolicy } from '@scopeladder/core';
 * import { toSqlFilter } from '@scopeladder/postgres';
 *
 * const filter = chatshipperTenantPolicy.filterFor(principal, 'list', 'Conversation');
 * const where = toSqlFilter(filter, { columns: { organizationPath: 'org_path', id: 'id' }, offset: 1 });
 * if (where === false) return [];
 * const { rows } = await pool.query(
 *   `SELECT * FROM conversations WHERE account = $1 AND ${where === true ? 'TRUE' : where.text} ORDER BY id LIMIT 100`,
 *   ['acme', ...(where === true ? [] : where.values)],
 * );
 * ```
 */
export function toSqlFilter(filter: ListFilter, options: SqlFilterOptions): SqlFilterResult {
  if (typeof filter !== 'object' || filter === null) throw new TypeError('toSqlFilter: filter must be a ListFilter');
  if (typeof options !== 'object' || options === null || typeof options.columns !== 'object' || options.columns === null) {
    throw new TypeError('toSqlFilter: options.columns must map record fields to columns');
  }
  const offset = options.offset ?? 0;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > 65_000)
    throw new TypeError('toSqlFilter: options.offset must be an integer from 0 to 65000');
  if (filter.kind === 'none') return false;
  if (filter.kind === 'all') return true;
  if (filter.kind !== 'condition') throw new TypeError('toSqlFilter: filter must be a ListFilter');

  const values: string[] = [];
  const parameter = (value: string): string => {
    values.push(value);
    return `$${offset + values.length}`;
  };
  const column = (field: string): string => {
    if (!Object.prototype.hasOwnProperty.call(options.columns, field)) {
      throw new TypeError(`toSqlFilter: no column for the field ${JSON.stringify(field)} in options.columns`);
    }
    return quoteQualified(options.columns[field], `options.columns.${field}`);
  };
  const subtree = (target: string, path: string, prefix: string): string =>
    `(${target} = ${parameter(path)} OR ${target} LIKE ${parameter(`${escapeLike(prefix)}%`)} ESCAPE '\\')`;

  const where = filter.prisma;
  const parts: string[] = [];
  for (const key of Object.keys(where)) {
    const value = where[key];
    if (key === 'OR') {
      const { field, path, prefix } = readSubtree(value);
      const join = options.memberships;
      if (join !== undefined && field === (join.field ?? 'organizationPaths')) {
        const table = quoteQualified(join.table, 'options.memberships.table');
        const inner = `${table}.${quoteQualified(join.pathColumn, 'options.memberships.pathColumn')}`;
        const key = `${table}.${quoteQualified(join.keyColumn, 'options.memberships.keyColumn')}`;
        const outer = quoteQualified(join.recordColumn, 'options.memberships.recordColumn');
        parts.push(`EXISTS (SELECT 1 FROM ${table} WHERE ${key} = ${outer} AND ${subtree(inner, path, prefix)})`);
      } else {
        parts.push(subtree(column(field), path, prefix));
      }
    } else if (typeof value === 'string') {
      parts.push(`${column(key)} = ${parameter(value)}`);
    } else {
      throw new TypeError('toSqlFilter: unsupported condition (expected the filter of policy.filterFor)');
    }
  }
  // A condition with no part would be "every row": core never builds one; refuse rather than widen.
  if (parts.length === 0) throw new TypeError('toSqlFilter: unsupported condition (expected the filter of policy.filterFor)');
  return { text: parts.length === 1 ? (parts[0] as string) : parts.map((part) => `(${part})`).join(' AND '), values };
}
