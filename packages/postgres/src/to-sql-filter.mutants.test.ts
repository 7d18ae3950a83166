// Tests for mutants of to-sql-filter.ts that survived the postgres tests (issue "Test strength"):
// the exact SQL text and parameters of each filter shape, every shape it refuses (with its
// TypeError's message, word for word: a mutant that lets a malformed shape through fails later
// with another message, or not at all), the offset's boundaries, and the produced SQL run on the
// real PostgreSQL, where another tenant's rows must not come back. Each fails with its mutant
// applied. See docs/testing.md, "postgres".
import { chatshipperTenantPolicy, type ListFilter, type Principal } from '@scopeladder/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPool, uniqueSchema } from './test-support/database.js';
import { toSqlFilter, type SqlCondition, type SqlFilterOptions } from './to-sql-filter.js';
import { typeErrorOf } from './test-support/type-error-of.js';

const policy = chatshipperTenantPolicy;
const UNSUPPORTED = 'toSqlFilter: unsupported condition (expected the filter of policy.filterFor)';
const NOT_A_FILTER = 'toSqlFilter: filter must be a ListFilter';
const NO_COLUMNS = 'toSqlFilter: options.columns must map record fields to columns';
const BAD_OFFSET = 'toSqlFilter: options.offset must be an integer from 0 to 65000';
const columns = { organizationPath: 'org_path', id: 'id' };

/** A `condition` filter with the given Prisma form (what a hand-built or foreign filter would be). */
function conditionOf(prisma: Record<string, unknown>): ListFilter {
  return { kind: 'condition', prisma, query: {}, matches: () => true } as unknown as ListFilter;
}

/** core's tenancy subtree in its Prisma form, with the two halves given separately. */
function subtree(equal: unknown, starts: unknown): ListFilter {
  return conditionOf({ OR: [equal, starts] });
}

const goodEqual = { organizationPath: 'r1#c1' };
const goodStarts = { organizationPath: { startsWith: 'r1#c1#' } };

function condition(result: ReturnType<typeof toSqlFilter>): SqlCondition {
  if (typeof result === 'boolean') throw new Error(`expected a condition, got ${String(result)}`);
  return result;
}

/** The message of the TypeError `run` throws (anything else fails the test). */
describe('toSqlFilter: the filter and the options it accepts', () => {
  it('the well-formed subtree the refusals below are variations of', () => {
    expect(toSqlFilter(subtree(goodEqual, goodStarts), { columns })).toEqual({
      text: `("org_path" = $1 OR "org_path" LIKE $2 ESCAPE '\\')`,
      values: ['r1#c1', 'r1#c1#%'],
    });
  });

  it('refuses what is not a ListFilter object: null, undefined, a function, an unknown kind', () => {
    expect(typeErrorOf(() => toSqlFilter(null as unknown as ListFilter, { columns }))).toBe(NOT_A_FILTER);
    expect(typeErrorOf(() => toSqlFilter(undefined as unknown as ListFilter, { columns }))).toBe(NOT_A_FILTER);
    // A function is not a filter, even one that carries `kind: 'none'` / `'all'`.
    expect(typeErrorOf(() => toSqlFilter(Object.assign(() => {}, { kind: 'all' }) as unknown as ListFilter, { columns }))).toBe(NOT_A_FILTER);
    expect(typeErrorOf(() => toSqlFilter({ kind: 'some' } as unknown as ListFilter, { columns }))).toBe(NOT_A_FILTER);
  });

  it('refuses options without a columns object: null, undefined, no columns, columns null', () => {
    const filter = subtree(goodEqual, goodStarts);
    expect(typeErrorOf(() => toSqlFilter(filter, null as unknown as SqlFilterOptions))).toBe(NO_COLUMNS);
    expect(typeErrorOf(() => toSqlFilter(filter, undefined as unknown as SqlFilterOptions))).toBe(NO_COLUMNS);
    expect(typeErrorOf(() => toSqlFilter(filter, {} as unknown as SqlFilterOptions))).toBe(NO_COLUMNS);
    expect(typeErrorOf(() => toSqlFilter(filter, { columns: null } as unknown as SqlFilterOptions))).toBe(NO_COLUMNS);
  });

  it('takes an offset from 0 to 65000 exactly: $65001 is the highest first parameter', () => {
    const filter = subtree(goodEqual, goodStarts);
    expect(condition(toSqlFilter(filter, { columns, offset: 0 })).text).toBe(`("org_path" = $1 OR "org_path" LIKE $2 ESCAPE '\\')`);
    expect(condition(toSqlFilter(filter, { columns, offset: 65_000 })).text).toBe(`("org_path" = $65001 OR "org_path" LIKE $65002 ESCAPE '\\')`);
    expect(typeErrorOf(() => toSqlFilter(filter, { columns, offset: 65_001 }))).toBe(BAD_OFFSET);
    expect(typeErrorOf(() => toSqlFilter(filter, { columns, offset: -1 }))).toBe(BAD_OFFSET);
    expect(typeErrorOf(() => toSqlFilter(filter, { columns, offset: 1.5 }))).toBe(BAD_OFFSET);
  });

  it('names the option of a bad column or memberships name in its message', () => {
    const filter = subtree(goodEqual, goodStarts);
    const message = (what: string, got: string) =>
      `${what} must be an SQL identifier (letters, digits, _), optionally qualified as table.column; got ${JSON.stringify(got)}`;
    expect(typeErrorOf(() => toSqlFilter(filter, { columns: { organizationPath: 'org path' } }))).toBe(
      message('options.columns.organizationPath', 'org path'),
    );
    const join = { field: 'organizationPath', table: 'm', keyColumn: 'user_id', pathColumn: 'path', recordColumn: 'users.id' };
    for (const key of ['table', 'keyColumn', 'pathColumn', 'recordColumn'] as const) {
      expect(typeErrorOf(() => toSqlFilter(filter, { columns, memberships: { ...join, [key]: 'x;y' } }))).toBe(
        message(`options.memberships.${key}`, 'x;y'),
      );
    }
  });
});

describe('toSqlFilter: every malformed subtree is refused, word for word', () => {
  const refuse = (filter: ListFilter) => typeErrorOf(() => toSqlFilter(filter, { columns: { ...columns, 0: 'zero' } }));

  it('OR must be an array of exactly two', () => {
    expect(refuse(conditionOf({ OR: { 0: goodEqual, 1: goodStarts, length: 2 } }))).toBe(UNSUPPORTED);
    expect(refuse(conditionOf({ OR: 5 }))).toBe(UNSUPPORTED);
    expect(refuse(conditionOf({ OR: [goodEqual] }))).toBe(UNSUPPORTED);
    // A third member would be dropped: the condition would be wider than the filter.
    expect(refuse(conditionOf({ OR: [goodEqual, goodStarts, { organizationPath: 'r2' }] }))).toBe(UNSUPPORTED);
  });

  it('both halves must be non-null objects', () => {
    // A string half: Object.keys('r') is ['0'], which `columns` maps here.
    expect(refuse(subtree('r', { 0: { startsWith: 'r#' } }))).toBe(UNSUPPORTED);
    expect(refuse(subtree(null, goodStarts))).toBe(UNSUPPORTED);
    expect(refuse(subtree(goodEqual, null))).toBe(UNSUPPORTED);
    // A function carrying the right property is still not the condition core builds.
    expect(
      refuse(
        subtree(
          goodEqual,
          Object.assign(() => {}, goodStarts),
        ),
      ),
    ).toBe(UNSUPPORTED);
  });

  it('each half names exactly one field, the same one (an own property)', () => {
    expect(refuse(subtree({ ...goodEqual, id: 'u1' }, goodStarts))).toBe(UNSUPPORTED);
    expect(refuse(subtree(goodEqual, { ...goodStarts, id: { startsWith: 'u' } }))).toBe(UNSUPPORTED);
    expect(refuse(subtree({ id: 'r1#c1' }, goodStarts))).toBe(UNSUPPORTED);
    // `startsWith` inherited under the right name, while the own key is another field.
    const inherited = Object.create(goodStarts, { id: { value: { startsWith: 'r1#c1#' }, enumerable: true } }) as object;
    expect(refuse(subtree(goodEqual, inherited))).toBe(UNSUPPORTED);
  });

  it('the path and the prefix are strings, the prefix the path plus one separator', () => {
    expect(refuse(subtree(goodEqual, { organizationPath: null }))).toBe(UNSUPPORTED);
    expect(refuse(subtree(goodEqual, { organizationPath: {} }))).toBe(UNSUPPORTED);
    // String objects coerce in startsWith and have a length: still not strings.
    expect(refuse(subtree({ organizationPath: Object('r1#c1') as unknown }, goodStarts))).toBe(UNSUPPORTED);
    expect(refuse(subtree(goodEqual, { organizationPath: { startsWith: Object('r1#c1#') as unknown } }))).toBe(UNSUPPORTED);
    // Another organization's prefix, of the right length.
    expect(refuse(subtree(goodEqual, { organizationPath: { startsWith: 'r1#c2#' } }))).toBe(UNSUPPORTED);
    // A prefix longer (or shorter) than path + separator.
    expect(refuse(subtree({ organizationPath: 'r1' }, { organizationPath: { startsWith: 'r1#c1#' } }))).toBe(UNSUPPORTED);
    expect(refuse(subtree(goodEqual, { organizationPath: { startsWith: 'r1#c1' } }))).toBe(UNSUPPORTED);
  });

  it('a part that is neither the subtree nor a string is refused, not dropped', () => {
    // With the other part (`id`) accepted, dropping this one would widen the condition to every
    // record with that id.
    expect(refuse(conditionOf({ id: 'u1', organizationPath: { contains: 'r1' } }))).toBe(UNSUPPORTED);
    expect(refuse(conditionOf({}))).toBe(UNSUPPORTED);
  });
});

describe('toSqlFilter on a real PostgreSQL: which rows come back', () => {
  const pool = createTestPool();
  const schema = uniqueSchema('filter_rows');
  const q = (name: string) => `"${schema}".${name}`;

  // Conversations of several tenants; the principal's organization is r1#c1.
  const conversations: ReadonlyArray<readonly [string, string | null]> = [
    ['own', 'r1#c1'],
    ['child', 'r1#c1#s1'],
    ['grandchild', 'r1#c1#s1#t1'],
    ['sibling-prefix', 'r1#c10'], // starts with "r1#c1" but is another organization
    ['sibling', 'r1#c2'],
    ['parent', 'r1'],
    ['other-root', 'r2#c1'],
    ['same-tail', 'r2#r1#c1'],
    ['no-path', null],
    // For the wildcard principal (r_#c%): rows LIKE's wildcards would reach unescaped.
    ['wild-own', 'r_#c%'],
    ['wild-child', 'r_#c%#s'],
    ['wild-lookalike', 'rx#cyz'],
    ['wild-lookalike-child', 'rx#cy#s'],
  ];
  // Users and their memberships' paths.
  const memberships: ReadonlyArray<readonly [string, string]> = [
    ['u1', 'r1#c1'],
    ['u2', 'r1#c1#s1'],
    ['u2', 'r2#c1'],
    ['u3', 'r2#c1'],
    ['u4', 'r1#c10'],
    ['u5', 'r1'],
  ];

  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(`CREATE TABLE ${q('conversations')} (id text PRIMARY KEY, org_path text)`);
    await pool.query(`CREATE TABLE ${q('users')} (id text PRIMARY KEY)`);
    await pool.query(`CREATE TABLE ${q('memberships')} (user_id text NOT NULL, path text NOT NULL)`);
    for (const [id, path] of conversations) await pool.query(`INSERT INTO ${q('conversations')} VALUES ($1, $2)`, [id, path]);
    for (const id of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']) await pool.query(`INSERT INTO ${q('users')} VALUES ($1)`, [id]);
    for (const [id, path] of memberships) await pool.query(`INSERT INTO ${q('memberships')} VALUES ($1, $2)`, [id, path]);
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  /** The ids the filter selects from `table`, after one parameter of the caller's own ($1). */
  async function select(table: string, where: SqlCondition): Promise<string[]> {
    const { rows } = await pool.query<{ id: string }>(`SELECT id FROM ${q(table)} WHERE id <> $1 AND ${where.text} ORDER BY id`, [
      '-never-',
      ...where.values,
    ]);
    return rows.map((row) => row.id);
  }

  const agentOf = (organizationPath: string): Principal => ({ id: 'u1', scopes: ['agent'], organizationPath });

  it("an agent of r1#c1 lists its organization's subtree, and no other tenant's conversation", async () => {
    const where = condition(toSqlFilter(policy.filterFor(agentOf('r1#c1'), 'list', 'Conversation'), { columns, offset: 1 }));
    expect(where).toEqual({ text: `("org_path" = $2 OR "org_path" LIKE $3 ESCAPE '\\')`, values: ['r1#c1', 'r1#c1#%'] });
    expect(await select('conversations', where)).toEqual(['child', 'grandchild', 'own']);
  });

  it("a path with LIKE's wildcards matches only itself and its subtree", async () => {
    const where = condition(toSqlFilter(policy.filterFor(agentOf('r_#c%'), 'list', 'Conversation'), { columns, offset: 1 }));
    expect(where.values).toEqual(['r_#c%', 'r\\_#c\\%#%']);
    expect(await select('conversations', where)).toEqual(['wild-child', 'wild-own']);
  });

  it('users through their memberships: once each, and never a user of another tenant only', async () => {
    const options: SqlFilterOptions = {
      columns: { id: `${schema}.users.id` },
      memberships: { table: `${schema}.memberships`, keyColumn: 'user_id', pathColumn: 'path', recordColumn: `${schema}.users.id` },
      offset: 1,
    };
    const users = condition(toSqlFilter(policy.filterFor({ ...agentOf('r1#c1'), scopes: ['bot'] }, 'list', 'User'), options));
    const m = `"${schema}"."memberships"`;
    expect(users).toEqual({
      text: `EXISTS (SELECT 1 FROM ${m} WHERE ${m}."user_id" = "${schema}"."users"."id" AND (${m}."path" = $2 OR ${m}."path" LIKE $3 ESCAPE '\\'))`,
      values: ['r1#c1', 'r1#c1#%'],
    });
    expect(await select('users', users)).toEqual(['u1', 'u2']);

    // A self-only cell: the principal's own record, AND'ed with the subtree (u2 is in it, but is not u1).
    const self = condition(toSqlFilter(policy.filterFor({ ...agentOf('r1#c1'), scopes: ['guest'] }, 'update', 'User'), options));
    expect(self.values).toEqual(['u1', 'r1#c1', 'r1#c1#%']);
    expect(await select('users', self)).toEqual(['u1']);
    const stranger = condition(toSqlFilter(policy.filterFor({ ...agentOf('r1#c1'), id: 'u3', scopes: ['guest'] }, 'update', 'User'), options));
    expect(await select('users', stranger)).toEqual([]);
  });
});
