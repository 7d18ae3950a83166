import {
  chatshipperAliases,
  chatshipperFields,
  chatshipperMatrix,
  chatshipperScopes,
  chatshipperTenantPolicy,
  definePolicy,
  subject,
  type ListFilter,
  type Principal,
} from '@scopeladder/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPool, uniqueSchema } from './test-support/database.js';
import { toSqlFilter, type SqlCondition } from './to-sql-filter.js';

const policy = chatshipperTenantPolicy;
const columns = { organizationPath: 'org_path', path: 'org_path', id: 'id' };
const agent: Principal = { id: 'u1', scopes: ['agent'], organization: 'c1', organizationPath: 'r1#c1' };

function condition(result: ReturnType<typeof toSqlFilter>): SqlCondition {
  if (typeof result === 'boolean') throw new Error(`expected a condition, got ${String(result)}`);
  return result;
}

describe('toSqlFilter', () => {
  it('turns the subtree into an equality OR an escaped prefix LIKE, values as parameters', () => {
    const where = condition(toSqlFilter(policy.filterFor(agent, 'list', 'Conversation'), { columns }));
    expect(where).toEqual({ text: `("org_path" = $1 OR "org_path" LIKE $2 ESCAPE '\\')`, values: ['r1#c1', 'r1#c1#%'] });
  });

  it('numbers parameters after `offset`, and quotes qualified columns', () => {
    const where = condition(toSqlFilter(policy.filterFor(agent, 'list', 'Conversation'), { columns: { organizationPath: 'c.org_path' }, offset: 2 }));
    expect(where.text).toBe(`("c"."org_path" = $3 OR "c"."org_path" LIKE $4 ESCAPE '\\')`);
  });

  it("escapes LIKE's wildcards and backslashes in the path: they match only themselves", () => {
    const odd: Principal = { ...agent, organizationPath: 'r%1#c_1\\' };
    expect(condition(toSqlFilter(policy.filterFor(odd, 'list', 'Conversation'), { columns })).values).toEqual(['r%1#c_1\\', 'r\\%1#c\\_1\\\\#%']);
  });

  it('answers false for none and true for all', () => {
    expect(toSqlFilter(policy.filterFor({ id: 'u1', scopes: [] }, 'list', 'Conversation'), { columns })).toBe(false);
    // `all` exists only without tenancy: the matrix alone.
    const matrixOnly = definePolicy({ scopes: chatshipperScopes, aliases: chatshipperAliases, matrix: chatshipperMatrix, fields: chatshipperFields });
    expect(toSqlFilter(matrixOnly.filterFor({ id: 'u1', scopes: ['admin'] }, 'list', 'Conversation'), { columns })).toBe(true);
  });

  it("AND's the self condition of a self-only cell", () => {
    const guest: Principal = { ...agent, scopes: ['guest'] };
    const filter = policy.filterFor(guest, 'update', 'User');
    expect(filter.kind).toBe('condition');
    const where = condition(
      toSqlFilter(filter, {
        columns: { id: 'users.id' },
        memberships: { table: 'm', keyColumn: 'user_id', pathColumn: 'path', recordColumn: 'users.id' },
      }),
    );
    expect(where.text).toBe(
      `("users"."id" = $1) AND (EXISTS (SELECT 1 FROM "m" WHERE "m"."user_id" = "users"."id" AND ("m"."path" = $2 OR "m"."path" LIKE $3 ESCAPE '\\')))`,
    );
    expect(where.values).toEqual(['u1', 'r1#c1', 'r1#c1#%']);
  });

  it('refuses an unmapped field, a bad identifier, a bad offset and a foreign filter with TypeError', () => {
    const filter = policy.filterFor(agent, 'list', 'Conversation');
    expect(() => toSqlFilter(filter, { columns: {} })).toThrow(/no column for the field "organizationPath"/);
    expect(() => toSqlFilter(filter, { columns: { organizationPath: 'org_path; DROP TABLE x' } })).toThrow(TypeError);
    expect(() => toSqlFilter(filter, { columns: { organizationPath: 'a"b' } })).toThrow(TypeError);
    expect(() => toSqlFilter(filter, { columns, offset: -1 })).toThrow(TypeError);
    const foreign = { kind: 'condition', prisma: { org_path: { contains: 'x' } }, query: {}, matches: () => true } as unknown as ListFilter;
    expect(() => toSqlFilter(foreign, { columns: { org_path: 'org_path' } })).toThrow(TypeError);
    const empty = { kind: 'condition', prisma: {}, query: {}, matches: () => true } as unknown as ListFilter;
    expect(() => toSqlFilter(empty, { columns })).toThrow(TypeError);
  });
});

describe('toSqlFilter on a real PostgreSQL', () => {
  const pool = createTestPool();
  const schema = uniqueSchema('filter');
  const items = `"${schema}".items`;
  const paths = `"${schema}".item_paths`;

  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(`CREATE TABLE ${items} (id text PRIMARY KEY, org_path text)`);
    await pool.query(`CREATE INDEX ON ${items} (org_path text_pattern_ops)`);
    await pool.query(`CREATE TABLE ${paths} (item_id text NOT NULL, path text NOT NULL)`);
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  async function select(filter: ListFilter): Promise<string[]> {
    const where = toSqlFilter(filter, {
      columns: { ...columns, id: `${schema}.items.id` },
      memberships: { table: `${schema}.item_paths`, keyColumn: 'item_id', pathColumn: 'path', recordColumn: `${schema}.items.id` },
      offset: 1,
    });
    if (where === false) return [];
    const { rows } = await pool.query<{ id: string }>(
      `SELECT id FROM ${items} WHERE id <> $1 AND ${where === true ? 'TRUE' : where.text} ORDER BY id`,
      ['-never-', ...(where === true ? [] : where.values)],
    );
    return rows.map((row) => row.id);
  }

  it('is answered from a text_pattern_ops index (EXPLAIN)', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN; SET LOCAL enable_seqscan = off');
      const where = condition(toSqlFilter(policy.filterFor(agent, 'list', 'Conversation'), { columns }));
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM ${items} WHERE ${where.text}`, where.values);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index|Bitmap/);
      expect(plan).toMatch(/~>=~|~<~/); // the prefix became an index range on text_pattern_ops
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('returns exactly the records can() allows (and filter.matches accepts), for random trees, principals and records', async () => {
    // Ids include LIKE's wildcards and the escape character: the filter must not widen on them.
    const id = fc.constantFrom('a', 'b', 'c', '%', '_', '\\', 'a_', 'b%');
    const tree = fc.uniqueArray(fc.tuple(id, id, id), { minLength: 1, maxLength: 6 });
    const scope = fc.constantFrom('guest', 'agent', 'bot', 'admin');
    const action = fc.constantFrom('list', 'fetch', 'update', 'delete');
    const type = fc.constantFrom('Conversation', 'Organization', 'User', 'Contact');
    await fc.assert(
      fc.asyncProperty(tree, fc.nat(20), scope, action, type, fc.nat(5), async (triples, pick, role, act, kind, depth) => {
        const orgPaths = [...new Set(triples.flatMap(([r, c, s]) => [r, `${r}#${c}`, `${r}#${c}#${s}`]))];
        const principalPath = orgPaths[pick % orgPaths.length] as string;
        const principal: Principal = { id: 'rec3', scopes: [role], organizationPath: principalPath };
        // Records: one per path, a few without a path, one with the principal's id; users with 0–2 memberships.
        const records = orgPaths.map((path, index) => ({ id: `rec${index}`, path: index % 7 === depth ? null : path }));
        await pool.query(`TRUNCATE ${items}, ${paths}`);
        for (const record of records) {
          await pool.query(`INSERT INTO ${items} (id, org_path) VALUES ($1, $2)`, [record.id, record.path]);
          const memberships =
            record.path === null
              ? []
              : [record.path, orgPaths[(records.indexOf(record) + depth) % orgPaths.length] as string].slice(0, 1 + (depth % 2));
          for (const path of memberships) await pool.query(`INSERT INTO ${paths} (item_id, path) VALUES ($1, $2)`, [record.id, path]);
        }
        const filter = policy.filterFor(principal, act, kind);
        const expected = records
          .filter((record) => {
            const memberships =
              record.path === null
                ? []
                : [record.path, orgPaths[(records.indexOf(record) + depth) % orgPaths.length] as string].slice(0, 1 + (depth % 2));
            const plain =
              kind === 'User'
                ? { id: record.id, organizationPaths: memberships }
                : { id: record.id, ...(record.path === null ? {} : { organizationPath: record.path, path: record.path }) };
            // The filter is the list form of the instance check: both must agree on every record.
            const allowed = policy.can(principal, act, subject(kind, { ...plain }));
            expect(filter.matches(plain)).toBe(allowed);
            return allowed;
          })
          .map((record) => record.id)
          .sort();
        expect(await select(filter)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});
