// Tests for mutants of lib/sql-identifier.ts that survived the postgres tests (issue "Test
// strength"): the column and table names toSqlFilter takes from its options, validated and
// quoted — a non-string, a fourth part, one bad part among good ones, the 63-character limit of a
// part (PostgreSQL's, which would otherwise truncate silently) — and the refusal's message word
// for word. Each fails with its mutant applied. See docs/testing.md, "postgres".
import { chatshipperTenantPolicy, type Principal } from '@scopeladder/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPool, uniqueSchema } from './test-support/database.js';
import { toSqlFilter, type SqlCondition, type SqlFilterOptions } from './to-sql-filter.js';
import { typeErrorOf } from './test-support/type-error-of.js';

const agent: Principal = { id: 'u1', scopes: ['agent'], organizationPath: 'r1#c1' };
const filter = chatshipperTenantPolicy.filterFor(agent, 'list', 'Conversation');

/** The condition for the agent's conversations with `org_path` in `column`. */
const whereWith = (column: unknown, extra: Partial<SqlFilterOptions> = {}) =>
  toSqlFilter(filter, { columns: { organizationPath: column as string }, ...extra }) as SqlCondition;

const notAnIdentifier = (what: string, got: string) =>
  `${what} must be an SQL identifier (letters, digits, _), optionally qualified as table.column; got ${JSON.stringify(got)}`;

describe('quoteQualified, through toSqlFilter', () => {
  it('refuses a name that is not a string, naming the option', () => {
    expect(typeErrorOf(() => whereWith(5))).toBe('options.columns.organizationPath must be a string');
    const join = { table: 'm', keyColumn: 'user_id', pathColumn: 'path', recordColumn: 'users.id' };
    const users = chatshipperTenantPolicy.filterFor({ ...agent, scopes: ['bot'] }, 'list', 'User');
    expect(typeErrorOf(() => toSqlFilter(users, { columns: {}, memberships: { ...join, table: undefined as unknown as string } }))).toBe(
      'options.memberships.table must be a string',
    );
  });

  it('takes up to three parts (schema.table.column), refuses a fourth', () => {
    expect(whereWith('s.t.org_path').text).toBe(`("s"."t"."org_path" = $1 OR "s"."t"."org_path" LIKE $2 ESCAPE '\\')`);
    expect(typeErrorOf(() => whereWith('d.s.t.org_path'))).toBe(notAnIdentifier('options.columns.organizationPath', 'd.s.t.org_path'));
  });

  it('refuses one bad part among good ones', () => {
    expect(typeErrorOf(() => whereWith('conversations.org path'))).toBe(
      notAnIdentifier('options.columns.organizationPath', 'conversations.org path'),
    );
    expect(typeErrorOf(() => whereWith('conversations.'))).toBe(notAnIdentifier('options.columns.organizationPath', 'conversations.'));
    expect(typeErrorOf(() => whereWith('"x".org_path'))).toBe(notAnIdentifier('options.columns.organizationPath', '"x".org_path'));
  });

  it('quotes at most the first 80 characters of a refused name in the message', () => {
    const long = `${'x'.repeat(100)}; DROP TABLE users`;
    expect(typeErrorOf(() => whereWith(long))).toBe(notAnIdentifier('options.columns.organizationPath', 'x'.repeat(80)));
  });
});

describe('the 63-character limit of a part, on a real PostgreSQL', () => {
  const pool = createTestPool();
  const schema = uniqueSchema('identifier');
  const part63 = `c${'x'.repeat(62)}`;

  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(`CREATE TABLE "${schema}".items (id text PRIMARY KEY, "${part63}" text)`);
    await pool.query(`INSERT INTO "${schema}".items VALUES ('mine', 'r1#c1#s1'), ('theirs', 'r2#c1')`);
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('a 63-character part is taken (and reaches the column), a 64-character one refused', async () => {
    const where = whereWith(`${schema}.items.${part63}`);
    const { rows } = await pool.query<{ id: string }>(`SELECT id FROM "${schema}".items WHERE ${where.text}`, where.values);
    expect(rows.map((row) => row.id)).toEqual(['mine']);
    expect(typeErrorOf(() => whereWith(`${part63}x`))).toBe(notAnIdentifier('options.columns.organizationPath', `${part63}x`.slice(0, 80)));
  });
});
