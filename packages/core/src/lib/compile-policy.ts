// Validation of a policy definition and its compilation into lookup tables and frozen CASL rules.
// Everything here runs once, when a policy is defined.
import { UNSAFE_KEYS, fail, isPlainObject } from './definition-checks.js';
import { defineLadder, type Ladder } from '../define-ladder.js';
import type { PolicyRawRule } from '../policy-types.js';
import { compileFieldNameCheck, type FieldNameCheck } from './field-name-check.js';
import { compileTenancy, prismaTenancyCondition, subtreePattern, tenancyCondition, type CompiledTenancy } from './tenancy.js';

/** Code: no rule applies at this level. */
export const CODE_NONE = 0;
/** Code: an unconditional rule applies (every instance). */
export const CODE_ALL = 1;
/** Code: only the self rule applies (one's own record). */
export const CODE_SELF = 2;

/** One (resource, action) cell, normalised. Ranks are ladder positions; `never` is `scopes.length`. */
export interface CompiledCell {
  readonly resource: string;
  readonly action: string;
  /** Lowest rank allowed on every instance, or `never`. */
  readonly any: number;
  /** Lowest rank allowed on one's own record only, or `never` when the cell has no self part. */
  readonly self: number;
  /** Protected fields as declared. */
  readonly protectedFields: readonly string[];
  /** The `fields` of the inverted CASL rule (names and their sub-paths), or `null`. */
  readonly ruleFields: readonly string[] | null;
  /**
   * Whether a field is protected: it equals a protected name or starts with one followed by `.`
   * (exact string comparison, no pattern), or `null` when the cell protects nothing. Field names
   * containing a line terminator never reach it: they are invalid everywhere ({@link hasLineTerminator}).
   */
  readonly matchProtected: ((field: string) => boolean) | null;
}

/**
 * A table `action → resource → value`: frozen, own keys only, nothing inherited (so `"__proto__"`,
 * `"constructor"` or `"toString"` are just misses).
 */
export type Table<V> = Readonly<Record<string, Readonly<Record<string, V>>>>;

/** The compiled form of a policy definition. Deeply frozen. */
export interface CompiledPolicy {
  readonly ladder: Ladder<string>;
  readonly resources: readonly string[];
  readonly actions: readonly string[];
  readonly selfField: string;
  /** `scopes.length`: a rank no principal reaches. */
  readonly never: number;
  /** scope → level (rank + 1). Level 0 means "no known scope". */
  readonly levels: Readonly<Record<string, number>>;
  /** `[level]` → action → resource → code (`CODE_*`): the type-level answer at that level. */
  readonly codes: readonly Table<number>[];
  /** action → resource → cell. */
  readonly cells: Table<CompiledCell>;
  /** `[level]` → unconditional rules, frozen, shared by every principal at that level. */
  readonly baseRules: readonly (readonly PolicyRawRule[])[];
  /** `[level]` → cells granted at that level only through the self rule. */
  readonly selfCells: readonly (readonly CompiledCell[])[];
  /** resource → the field-name check against the protected fields of every action of it. */
  readonly fieldNameChecks: Readonly<Record<string, FieldNameCheck>>;
  /** The tenancy declaration, compiled; `null` when the policy has none. */
  readonly tenancy: CompiledTenancy | null;
}

/** The raw definition as `definePolicy` receives it (runtime shape; types are checked elsewhere). */
export interface RawDefinition {
  readonly scopes: unknown;
  readonly aliases?: unknown;
  readonly matrix: unknown;
  readonly fields?: unknown;
  readonly selfField?: unknown;
  readonly tenancy?: unknown;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const FIELD_NAME = /^[A-Za-z0-9_$-]+$/;
const SELF_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
// CASL gives these names a meaning of their own (any action / any subject): never let a matrix use them.
const RESERVED = new Set(['manage', 'all']);

function nullTable<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

// Two kinds of frozen lookup tables, both without inherited keys ("__proto__", "constructor",
// "toString" are misses) and with own, defined (not assigned) keys, so a key named `__proto__` is
// a key like any other. Which kind serves which lookup was measured (bench/, and A/B runs of both
// kinds on the same checks), not guessed: V8 answers these lookups through its megamorphic
// keyed-load path, where a dictionary-mode table is the faster one when the lookup follows other
// work on the principal (the policy's checks), and a fast-properties table is the faster one for
// the two lookups of an ability's type-level check.

/**
 * A dictionary-mode table (`Object.create(null)`, filled, frozen): the policy's `cells` and the
 * scope levels.
 */
function hashTable<V>(entries: Iterable<readonly [string, V]>): Readonly<Record<string, V>> {
  const table = Object.create(null) as Record<string, V>;
  for (const [key, value] of entries) {
    Object.defineProperty(table, key, { value, writable: true, enumerable: true, configurable: true });
  }
  return Object.freeze(table);
}

// The prototype of every fast table: an empty, frozen object without a prototype of its own.
const NO_KEYS: object = Object.freeze(Object.create(null) as object);

/**
 * A fast-properties table: the per-level codes an ability holds for its type-level checks. Built
 * over {@link NO_KEYS} rather than with a `null` prototype set afterwards (which gives each table a
 * V8 map of its own) so that tables with the same keys in the same order (one action's row at
 * every level) share one map. Beyond ~1000 keys V8 falls back to a dictionary; still correct.
 */
function fastTable<V>(entries: Iterable<readonly [string, V]>): Readonly<Record<string, V>> {
  const table = Object.create(NO_KEYS) as Record<string, V>;
  for (const [key, value] of entries) {
    Object.defineProperty(table, key, { value, writable: true, enumerable: true, configurable: true });
  }
  return Object.freeze(table);
}

// Line terminators: `.` in CASL's field patterns (`role.**` → `role(?:\..*)?`) does not match them,
// so the documented rules would not protect `role.a\nb`. Such a field name is invalid everywhere.
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** Whether a field name contains a line terminator (such a name is invalid: every check denies it). */
export function hasLineTerminator(field: string): boolean {
  return LINE_TERMINATOR.test(field);
}

/** `field` is a protected name or one of its sub-paths: exact comparisons, no regular expression. */
function protectedMatcher(names: readonly string[]): (field: string) => boolean {
  const prefixes = names.map((name) => `${name}.`);
  return (field) => {
    for (let i = 0; i < names.length; i++) {
      if (field === names[i] || field.startsWith(prefixes[i] as string)) return true;
    }
    return false;
  };
}

function isLadder(value: unknown): value is Ladder<string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as Ladder<string>).scopes) &&
    typeof (value as Ladder<string>).rank === 'function' &&
    typeof (value as Ladder<string>).has === 'function'
  );
}

function rankOf(ladder: Ladder<string>, value: unknown, where: string): number {
  if (typeof value !== 'string' || !ladder.has(value)) {
    fail(where, `${JSON.stringify(value) ?? String(value)} is not a scope of the ladder (${ladder.scopes.join(', ')})`);
  }
  return ladder.rank(value);
}

function compileCell(ladder: Ladder<string>, never: number, resource: string, action: string, value: unknown): { any: number; self: number } {
  const where = `matrix.${resource}.${action}`;
  if (value === null) return { any: never, self: never };
  if (typeof value === 'string') return { any: rankOf(ladder, value, where), self: never };
  if (!isPlainObject(value)) {
    fail(where, 'a cell is a scope, null, or { any?: scope | null, self: scope }');
  }
  for (const key of Object.keys(value)) {
    if (key !== 'any' && key !== 'self') fail(where, `unknown key "${key}" (expected "any" and "self")`);
  }
  const self = rankOf(ladder, value['self'], `${where}.self`);
  const anyValue = value['any'];
  const any = anyValue === undefined || anyValue === null ? never : rankOf(ladder, anyValue, `${where}.any`);
  if (self >= any) {
    fail(
      where,
      `non-monotone cell: self scope "${ladder.scopes[self]}" must be lower than any scope "${ladder.scopes[any]}" ` +
        '(whoever may act on every record may act on their own); write the scope alone instead',
    );
  }
  return { any, self };
}

function compileFields(
  fields: unknown,
  cells: Record<string, Record<string, { any: number; self: number }>>,
  resources: readonly string[],
  actions: readonly string[],
): Map<string, readonly string[]> {
  const result = new Map<string, readonly string[]>();
  if (fields === undefined) return result;
  if (!isPlainObject(fields)) fail('fields', 'expected { Resource: { action: { protected: [...] } } }');
  for (const [resource, perAction] of Object.entries(fields)) {
    if (!resources.includes(resource)) fail(`fields.${resource}`, 'unknown resource');
    if (perAction === undefined) continue;
    if (!isPlainObject(perAction)) fail(`fields.${resource}`, 'expected { action: { protected: [...] } }');
    for (const [action, rule] of Object.entries(perAction)) {
      const where = `fields.${resource}.${action}`;
      if (!actions.includes(action)) fail(where, 'unknown action');
      if (rule === undefined) continue;
      if (!isPlainObject(rule)) fail(where, 'expected { protected: [...] }');
      for (const key of Object.keys(rule)) if (key !== 'protected') fail(where, `unknown key "${key}"`);
      const names = rule['protected'];
      if (!Array.isArray(names) || names.length === 0) fail(`${where}.protected`, 'expected a non-empty array of field names');
      const seen = new Set<string>();
      names.forEach((name: unknown, index) => {
        if (typeof name !== 'string' || !FIELD_NAME.test(name)) {
          fail(`${where}.protected[${index}]`, 'a field name is letters, digits, "_", "$" or "-" (no dots or wildcards)');
        }
        if (seen.has(name)) fail(`${where}.protected[${index}]`, `"${name}" appears twice`);
        seen.add(name);
      });
      const cell = cells[action]?.[resource];
      if (cell === undefined) fail(where, 'unknown cell');
      result.set(`${action}\u0000${resource}`, Object.freeze([...seen]));
    }
  }
  return result;
}

/** Validates a definition (TypeError naming the cell on any mistake) and compiles it. */
export function compilePolicy(definition: RawDefinition): CompiledPolicy {
  if (typeof definition !== 'object' || definition === null) fail('definition', 'expected { scopes, matrix }');
  if (isLadder(definition.scopes) && definition.aliases !== undefined) {
    fail('aliases', 'give the aliases to defineLadder when `scopes` is a Ladder');
  }
  const ladder = isLadder(definition.scopes)
    ? definition.scopes
    : Array.isArray(definition.scopes)
      ? defineLadder(definition.scopes as readonly string[], { aliases: definition.aliases as Record<string, string> | undefined })
      : fail('scopes', 'expected an array of scopes (lowest first) or a Ladder');
  const never = ladder.scopes.length;

  const selfField = definition.selfField ?? 'id';
  if (typeof selfField !== 'string' || !SELF_FIELD.test(selfField) || UNSAFE_KEYS.has(selfField)) {
    fail('selfField', 'expected a property name (letters, digits and "_", not starting with a digit)');
  }

  const matrix = definition.matrix;
  if (!isPlainObject(matrix)) fail('matrix', 'expected { Resource: { action: cell } }');
  const resources = Object.keys(matrix);
  if (resources.length === 0) fail('matrix', 'no resources');
  const actions: string[] = [];
  for (const resource of resources) {
    if (!NAME.test(resource) || RESERVED.has(resource)) {
      fail(`matrix.${resource}`, 'a resource name is letters, digits and "_", starting with a letter, and not "all" or "manage"');
    }
    const row = matrix[resource];
    if (!isPlainObject(row)) fail(`matrix.${resource}`, 'expected { action: cell }');
    const keys = Object.keys(row);
    if (keys.length === 0) fail(`matrix.${resource}`, 'no actions');
    for (const action of keys) {
      if (!NAME.test(action) || RESERVED.has(action)) {
        fail(`matrix.${resource}.${action}`, 'an action name is letters, digits and "_", starting with a letter, and not "all" or "manage"');
      }
      if (!actions.includes(action)) actions.push(action);
    }
  }

  // Every resource must spell out every action: a forgotten cell is a mistake, not a silent deny.
  const rawCells: Record<string, Record<string, { any: number; self: number }>> = nullTable();
  for (const action of actions) rawCells[action] = nullTable();
  for (const resource of resources) {
    const row = matrix[resource] as Record<string, unknown>;
    for (const action of actions) {
      if (!Object.hasOwn(row, action)) {
        fail(`matrix.${resource}.${action}`, 'missing cell (every resource lists every action; write null to allow no scope)');
      }
      (rawCells[action] as Record<string, { any: number; self: number }>)[resource] = compileCell(ladder, never, resource, action, row[action]);
    }
  }

  const tenancy = compileTenancy(definition.tenancy, resources, selfField);

  const protectedByCell = compileFields(definition.fields, rawCells, resources, actions);

  const cells: Table<CompiledCell> = hashTable(
    actions.map((action) => [
      action,
      hashTable(
        resources.map((resource) => {
          const { any, self } = (rawCells[action] as Record<string, { any: number; self: number }>)[resource] as {
            any: number;
            self: number;
          };
          const protectedFields = protectedByCell.get(`${action}\u0000${resource}`) ?? Object.freeze([]);
          if (protectedFields.length > 0 && self === never) {
            fail(`fields.${resource}.${action}`, `protected fields need a self grant in matrix.${resource}.${action}`);
          }
          const ruleFields = protectedFields.length > 0 ? Object.freeze([...protectedFields, ...protectedFields.map((f) => `${f}.**`)]) : null;
          const matcher = protectedFields.length > 0 ? protectedMatcher(protectedFields) : null;
          const cell: CompiledCell = Object.freeze({
            resource,
            action,
            any,
            self,
            protectedFields,
            ruleFields,
            matchProtected: matcher,
          });
          return [resource, cell] as const;
        }),
      ),
    ]),
  );

  // An alias (ChatShipper's `viewer`) is at its scope's level: it grants exactly that.
  const aliases = typeof ladder.aliases === 'object' && ladder.aliases !== null ? Object.entries(ladder.aliases) : [];
  const levels = hashTable([
    ...ladder.scopes.map((scope, rank) => [scope, rank + 1] as const),
    ...aliases.map(([alias, scope]) => [alias, ladder.rank(scope) + 1] as const),
  ]);

  // Per resource: the union of its protected fields over every action, skeletons computed now.
  const fieldNameChecks = hashTable(
    resources.map((resource) => {
      const union = new Set<string>();
      for (const action of actions) {
        for (const field of (cells[action] as Record<string, CompiledCell>)[resource]?.protectedFields ?? []) union.add(field);
      }
      return [resource, compileFieldNameCheck([...union])] as const;
    }),
  );

  const codes: Table<number>[] = [];
  const baseRules: (readonly PolicyRawRule[])[] = [];
  const selfCells: (readonly CompiledCell[])[] = [];
  for (let level = 0; level <= never; level++) {
    const rank = level - 1;
    const rules: PolicyRawRule[] = [];
    const selfOnly: CompiledCell[] = [];
    const table = fastTable(
      actions.map((action) => [
        action,
        fastTable(
          resources.map((resource) => {
            const cell = (cells[action] as Record<string, CompiledCell>)[resource] as CompiledCell;
            let code = CODE_NONE;
            if (rank >= cell.any) {
              code = CODE_ALL;
              rules.push(Object.freeze({ action, subject: resource }));
            } else if (rank >= cell.self) {
              code = CODE_SELF;
              selfOnly.push(cell);
            }
            return [resource, code] as const;
          }),
        ),
      ]),
    );
    codes.push(table);
    baseRules.push(Object.freeze(rules));
    selfCells.push(Object.freeze(selfOnly));
  }

  return Object.freeze({
    ladder,
    resources: Object.freeze(resources),
    actions: Object.freeze(actions),
    selfField,
    never,
    levels,
    codes: Object.freeze(codes),
    cells,
    baseRules: Object.freeze(baseRules),
    selfCells: Object.freeze(selfCells),
    fieldNameChecks,
    tenancy,
  });
}

/** The condition syntax of rules and filters: CASL's MongoDB queries, or Prisma's `where`. */
export type Dialect = 'mongo' | 'prisma';

/**
 * The rules of a principal at `level` with id `id` (and, with tenancy, organization path `path`):
 * the unconditional rules, then one self rule per self-only cell (and an inverted rule for its
 * protected fields). `id === null` means the principal has no usable id, so no self rule could
 * ever match: none is emitted. With tenancy, every rule that grants carries the subtree condition
 * of `path`, and `path === null` (no usable path) gives no rules at all. Without tenancy and in
 * the `mongo` dialect the result is frozen and shared; otherwise it is fresh.
 */
export function rulesAt(
  compiled: CompiledPolicy,
  level: number,
  id: string | null,
  path: string | null = null,
  dialect: Dialect = 'mongo',
): readonly PolicyRawRule[] {
  const base = compiled.baseRules[level] ?? [];
  const selfOnly = compiled.selfCells[level] ?? [];
  const tenancy = compiled.tenancy;
  if (tenancy === null) {
    if (id === null || selfOnly.length === 0) return base;
    const conditions = Object.freeze({ [compiled.selfField]: id });
    const rules: PolicyRawRule[] = [...base];
    for (const cell of selfOnly) {
      rules.push(Object.freeze({ action: cell.action, subject: cell.resource, conditions }));
      if (cell.ruleFields) {
        rules.push(
          Object.freeze({
            action: cell.action,
            subject: cell.resource,
            fields: cell.ruleFields as string[],
            conditions,
            inverted: true,
          }),
        );
      }
    }
    return Object.freeze(rules);
  }
  if (path === null) return [];
  const pattern = dialect === 'mongo' ? subtreePattern(tenancy, path) : '';
  const within = (resource: string): Record<string, unknown> => {
    const field = tenancy.fieldByType[resource] as string;
    return dialect === 'mongo' ? tenancyCondition(field, pattern) : prismaTenancyCondition(tenancy, field, path);
  };
  const rules: PolicyRawRule[] = [];
  for (const rule of base) {
    rules.push({ action: rule.action, subject: rule.subject, conditions: within(rule.subject as string) });
  }
  if (id === null) return rules;
  for (const cell of selfOnly) {
    rules.push({ action: cell.action, subject: cell.resource, conditions: { [compiled.selfField]: id, ...within(cell.resource) } });
    if (cell.ruleFields) {
      rules.push({
        action: cell.action,
        subject: cell.resource,
        fields: [...cell.ruleFields],
        conditions: { [compiled.selfField]: id },
        inverted: true,
      });
    }
  }
  return rules;
}

/** A deep copy of plain JSON-like data (objects, arrays, primitives): what `rulesFor` hands out. */
export function copyPlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyPlain) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(out, key, {
        value: copyPlain((value as Record<string, unknown>)[key]),
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return out as T;
  }
  return value;
}
