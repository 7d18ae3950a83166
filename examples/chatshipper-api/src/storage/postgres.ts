import { ScopeladderError, isScopeladderError } from '@scopeladder/core';
import { toSqlFilter, type SqlFilterOptions } from '@scopeladder/postgres';
import type pg from 'pg';
import type { ResourceType } from '../resources.js';
import { applyUserPatch, mergeResource } from './merge.js';
import type { ListPage, ListQuery, ResourceDocument, ResourceRepository, StoredUser, UserPatch, UserRepository } from './types.js';

/** Options of {@link createPostgresUserRepository} and {@link createPostgresResourceRepository}. */
export interface PostgresRepositoryOptions {
  /** The shared `pg` Pool (the same one the token store uses); never closed here. */
  readonly pool: pg.Pool;
  /** The schema {@link migrateServerSchema} created the server's tables in. Default `"chatshipper"`. */
  readonly schema?: string | undefined;
}

/** The default schema of the server's own tables (the token tables live in `@scopeladder/postgres`'s). */
export const DEFAULT_SERVER_SCHEMA = 'chatshipper';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** SQLSTATE classes that mean "not now": connection (08), resources (53), operator (57), rollback (40), lock timeout. */
const TRANSIENT_SQLSTATE = /^(08|53|57|40)|^55P03$/;
const UNIQUE_VIOLATION = '23505';

/**
 * `schema`, checked (a lowercase identifier) and quoted; a `TypeError` otherwise.
 *
 * @example
 * ```ts
 * quoteSchema(undefined); // '"chatshipper"'
 * ```
 */
export function quoteSchema(schema: string | undefined): string {
  const name = schema ?? DEFAULT_SERVER_SCHEMA;
  if (!SCHEMA_NAME.test(name)) throw new TypeError('schema must be a lowercase SQL identifier');
  return `"${name}"`;
}

/**
 * Anything `pg` threw, as the handlers expect it: an unreachable or overloaded database is
 * `ERR_STORE_UNAVAILABLE` (503, retry after 1 s), any other database error `ERR_INTERNAL`. The
 * message never carries a query's values (`pg` puts them in `detail`).
 *
 * @example
 * ```ts
 * const rows = await pool.query(text, values).catch((error: unknown) => { throw toStorageError(error); });
 * ```
 */
export function toStorageError(error: unknown): Error {
  if (isScopeladderError(error) || error instanceof TypeError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !TRANSIENT_SQLSTATE.test(code)) {
    return new ScopeladderError('ERR_INTERNAL', `The database answered with an error (SQLSTATE ${code})`);
  }
  return new ScopeladderError('ERR_STORE_UNAVAILABLE', 'The database is unavailable', { retryAfter: 1 });
}

async function run<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStorageError(error);
  }
}

/**
 * Runs `work` in one transaction on one pooled client; a broken connection is not returned to the
 * pool. Errors pass through as `pg` threw them (the caller maps them with {@link toStorageError}).
 */
async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: unknown;
  const onError = (error: unknown): void => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const value = await work(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken ??= rollbackError;
    });
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(broken === undefined ? undefined : true);
  }
}

/** `error` as {@link toStorageError} maps it, unless it is a unique violation: then `onConflict()`. */
function conflictOr<T>(error: unknown, onConflict: () => T): T {
  if ((error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION) return onConflict();
  throw toStorageError(error);
}

/** How a table confines a list to the subtree `within` and orders it (placeholders of `within` and of its LIKE pattern). */
type Subtree = (equal: string, like: string) => { readonly where?: string; readonly order: string };

/**
 * The WHERE condition and the ORDER BY of one list page, and the values they use after `values`:
 * the caller's filter in SQL (`toSqlFilter`), ordered as the other backends order a subtree (by
 * the record's first path inside `within` followed by `#`, byte order, then creation).
 */
function listClauses(
  query: ListQuery,
  values: unknown[],
  filterOptions: Omit<SqlFilterOptions, 'offset'>,
  subtree: Subtree,
): { where: string; order: string } | null {
  const condition = toSqlFilter(query.filter, { ...filterOptions, offset: values.length });
  if (condition === false) return null;
  let where = 'TRUE';
  if (condition !== true) {
    where = condition.text;
    values.push(...condition.values);
  }
  if (query.within === undefined) return { where, order: 'seq' };
  values.push(query.within, `${query.within.replace(/[\\%_]/g, '\\$&')}#%`);
  const confined = subtree(`$${values.length - 1}`, `$${values.length}`);
  return { where: confined.where === undefined ? where : `(${where}) AND ${confined.where}`, order: `${confined.order}, seq` };
}

/** A page from rows fetched with `LIMIT limit + 1`, the caller's predicate applied once more (defence in depth). */
function pageFrom<T>(rows: readonly T[], query: ListQuery): ListPage<T> {
  return { items: rows.slice(0, query.limit).filter((row) => query.filter.matches(row)), more: rows.length > query.limit };
}

/** Where a record keeps its organization path: Organization records their own `path`. */
function pathOf(type: ResourceType, document: ResourceDocument): string | null {
  const path = type === 'Organization' ? document['path'] : document.organizationPath;
  return typeof path === 'string' ? path : null;
}

/**
 * A {@link ResourceRepository} on PostgreSQL: one `records` table (type, id, organization path,
 * the document as `jsonb`), shared by every instance. Lists run the caller's filter as SQL
 * (`toSqlFilter` of `@scopeladder/postgres`, a prefix match on the `text_pattern_ops` index of
 * the organization path) and read one page with `LIMIT`/`OFFSET`, in the same order as the
 * memory and Redis backends. Updates read and write the document in one transaction (`FOR UPDATE`).
 * An unreachable database rejects with `ERR_STORE_UNAVAILABLE` (503).
 *
 * @example
 * ```ts
 * const resources = createPostgresResourceRepository({ pool });
 * await resources.create('Contact', { id: newId(), organization: orgId, organizationPath: path, name: 'Ada' });
 * ```
 */
export function createPostgresResourceRepository(options: PostgresRepositoryOptions): ResourceRepository {
  const { pool } = options;
  const records = `${quoteSchema(options.schema)}.records`;
  const columns = { organizationPath: 'organization_path', path: 'organization_path', id: 'id' };
  return {
    async list(type, query) {
      const values: unknown[] = [type];
      const clauses = listClauses(
        query,
        values,
        { columns },
        // Only the subtree, as the Redis index lists it; `records_order` can walk a large one in order.
        (equal, like) => ({
          where: `(organization_path = ${equal} OR organization_path LIKE ${like} ESCAPE '\\')`,
          order: `(organization_path || '#') COLLATE "C"`,
        }),
      );
      if (clauses === null) return { items: [], more: false };
      values.push(query.limit + 1, query.offset);
      const { rows } = await run(() =>
        pool.query<{ document: ResourceDocument }>(
          `SELECT document FROM ${records} WHERE type = $1 AND (${clauses.where}) ORDER BY ${clauses.order} LIMIT $${values.length - 1} OFFSET $${values.length}`,
          values,
        ),
      );
      return pageFrom(
        rows.map((row) => row.document),
        query,
      );
    },
    async hasSubOrganizations(parent) {
      const { rows } = await run(() => pool.query(`SELECT 1 FROM ${records} WHERE type = 'Organization' AND parent = $1 LIMIT 1`, [parent]));
      return rows.length > 0;
    },
    async get(type, id) {
      const { rows } = await run(() =>
        pool.query<{ document: ResourceDocument }>(`SELECT document FROM ${records} WHERE type = $1 AND id = $2`, [type, id]),
      );
      return rows[0]?.document ?? null;
    },
    async create(type, document) {
      const parent = type === 'Organization' && typeof document['parent'] === 'string' ? document['parent'] : null;
      try {
        const { rows } = await pool.query<{ document: ResourceDocument }>(
          `INSERT INTO ${records} (type, id, organization, organization_path, parent, document) VALUES ($1, $2, $3, $4, $5, $6) RETURNING document`,
          [type, document.id, document.organization ?? null, pathOf(type, document), parent, JSON.stringify(document)],
        );
        return rows[0]?.document as ResourceDocument;
      } catch (error) {
        return conflictOr(error, () => {
          throw new ScopeladderError('ERR_INTERNAL', 'A new record got an id that is already in use');
        });
      }
    },
    async update(type, id, patch) {
      return run(() =>
        transaction(pool, async (client) => {
          const { rows } = await client.query<{ document: ResourceDocument }>(
            `SELECT document FROM ${records} WHERE type = $1 AND id = $2 FOR UPDATE`,
            [type, id],
          );
          const current = rows[0]?.document;
          if (current === undefined) return null;
          const next = mergeResource(current, patch);
          const { rows: written } = await client.query<{ document: ResourceDocument }>(
            `UPDATE ${records} SET organization = $3, organization_path = $4, document = $5 WHERE type = $1 AND id = $2 RETURNING document`,
            [type, id, next.organization ?? null, pathOf(type, next), JSON.stringify(next)],
          );
          return written[0]?.document ?? null;
        }),
      );
    },
    async delete(type, id) {
      const { rowCount } = await run(() => pool.query(`DELETE FROM ${records} WHERE type = $1 AND id = $2`, [type, id]));
      return (rowCount ?? 0) > 0;
    },
  };
}

/** The stored document of a user, and the paths of its memberships (one `user_paths` row each). */
function pathsOf(user: StoredUser): string[] {
  return [...new Set((user.memberships ?? []).map((membership) => membership.path))];
}

async function writePaths(client: pg.PoolClient, table: string, user: StoredUser): Promise<void> {
  await client.query(`DELETE FROM ${table} WHERE user_id = $1`, [user.id]);
  const paths = pathsOf(user);
  if (paths.length > 0) await client.query(`INSERT INTO ${table} (user_id, path) SELECT $1, unnest($2::text[])`, [user.id, paths]);
}

/**
 * A {@link UserRepository} on PostgreSQL (and so the auth service's `UserDirectory`): a `users`
 * table (the lower-cased email unique, the user as `jsonb`) and `user_paths` (one row per
 * membership path), which a list filter joins (`toSqlFilter`'s `memberships` option). Updates
 * run in one transaction on the locked row, so concurrent role and membership changes from
 * several instances never lose one another; a taken email is the unique index's answer.
 * Organizations are read through `findOrganization` (the Organization records).
 *
 * @example
 * ```ts
 * const resources = createPostgresResourceRepository({ pool });
 * const users = createPostgresUserRepository({ pool }, (id) => findOrganizationIn(resources, id));
 * const auth = createAuthService({ directory: users, store: createPostgresStore({ pool }), keys });
 * ```
 */
export function createPostgresUserRepository(
  options: PostgresRepositoryOptions,
  findOrganization: UserRepository['findOrganization'] = async () => null,
): UserRepository {
  const { pool } = options;
  const schema = quoteSchema(options.schema);
  const users = `${schema}.users`;
  const paths = `${schema}.user_paths`;
  const filterOptions = {
    columns: { id: 'users.id' },
    memberships: { table: `${schema.slice(1, -1)}.user_paths`, keyColumn: 'user_id', pathColumn: 'path', recordColumn: 'users.id' },
  };

  async function findOne(where: string, value: string): Promise<StoredUser | null> {
    const { rows } = await run(() => pool.query<{ document: StoredUser }>(`SELECT document FROM ${users} WHERE ${where}`, [value]));
    return rows[0]?.document ?? null;
  }

  return {
    findById: (id) => findOne('id = $1', id),
    findByEmail: (email) => findOne('email = $1', email.toLowerCase()),
    async list(query) {
      const values: unknown[] = [];
      const clauses = listClauses(
        query,
        values,
        filterOptions,
        // A user's first path inside the subtree; users with none come last (the filter drops them anyway).
        (equal, like) => ({
          order: `(SELECT min((p.path || '#') COLLATE "C") FROM ${paths} p WHERE p.user_id = users.id AND (p.path = ${equal} OR p.path LIKE ${like} ESCAPE '\\')) NULLS LAST`,
        }),
      );
      if (clauses === null) return { items: [], more: false };
      values.push(query.limit + 1, query.offset);
      const { rows } = await run(() =>
        pool.query<{ document: StoredUser }>(
          `SELECT document FROM ${users} WHERE ${clauses.where} ORDER BY ${clauses.order} LIMIT $${values.length - 1} OFFSET $${values.length}`,
          values,
        ),
      );
      return pageFrom(
        rows.map((row) => row.document),
        query,
      );
    },
    findOrganization,
    async create(user) {
      const stored: StoredUser = { ...user, email: user.email.toLowerCase() };
      try {
        return await transaction(pool, async (client) => {
          const { rows } = await client.query<{ document: StoredUser }>(
            `INSERT INTO ${users} (id, email, document) VALUES ($1, $2, $3) RETURNING document`,
            [stored.id, stored.email, JSON.stringify(stored)],
          );
          await writePaths(client, paths, stored);
          return rows[0]?.document as StoredUser;
        });
      } catch (error) {
        return conflictOr(error, () => null);
      }
    },
    async update(id, patch: UserPatch) {
      try {
        return await transaction(pool, async (client) => {
          const { rows } = await client.query<{ document: StoredUser }>(`SELECT document FROM ${users} WHERE id = $1 FOR UPDATE`, [id]);
          const current = rows[0]?.document;
          if (current === undefined) return null;
          const next = applyUserPatch(current, patch);
          const { rows: written } = await client.query<{ document: StoredUser }>(
            `UPDATE ${users} SET email = $2, document = $3 WHERE id = $1 RETURNING document`,
            [id, next.email, JSON.stringify(next)],
          );
          await writePaths(client, paths, next);
          return written[0]?.document ?? null;
        });
      } catch (error) {
        return conflictOr(error, () => 'email_taken' as const);
      }
    },
    async delete(id) {
      const { rows } = await run(() => pool.query<{ document: StoredUser }>(`DELETE FROM ${users} WHERE id = $1 RETURNING document`, [id]));
      return rows[0]?.document ?? null;
    },
  };
}
