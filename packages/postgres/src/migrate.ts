import { ScopeladderError } from '@scopeladder/core';
import type { Pool } from 'pg';
import { createDatabase } from './lib/connection.js';
import { MIGRATIONS_TABLE, loadMigrations } from './lib/migrations.js';
import { assertPool, quoteIdent, readSchema, readTimeout } from './lib/validate.js';

/**
 * Options of {@link migrate}.
 *
 * @example
 * ```ts
 * const options: MigrateOptions = { pool, schema: 'scopeladder' };
 * ```
 */
export interface MigrateOptions {
  /** A `pg` Pool on the database to migrate. Left open. */
  readonly pool: Pool;
  /** The schema that holds the tables (created when missing). A lowercase identifier; default `"scopeladder"`. */
  readonly schema?: string | undefined;
  /** The longest the whole migration may take, lock wait included. Default `60000`. */
  readonly timeoutMs?: number | undefined;
}

/**
 * What {@link migrate} did.
 *
 * @example
 * ```ts
 * const result: MigrateResult = await migrate({ pool });
 * if (result.applied.length > 0) logger.info(`applied ${result.applied.join(', ')}`);
 * ```
 */
export interface MigrateResult {
  /** The migrations applied by this call (`"0001_initial"`…), oldest first; empty when up to date. */
  readonly applied: readonly string[];
  /** The schema version now. */
  readonly version: number;
}

/**
 * Applies the package's pending SQL migrations (`migrations/*.sql`) to `schema`, each in its own
 * transaction, recording each in `<schema>.scopeladder_migrations`. Idempotent (an up-to-date
 * schema is left alone) and safe to run from several processes at once: a session advisory lock
 * per schema makes them take turns. Refuses a schema migrated by a newer release, or one whose
 * applied migration files differ from the shipped ones. Call it from a deploy step (or
 * `pnpm --filter @scopeladder/postgres migrate`); the store and the directory never change the
 * schema themselves, they only check its version.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate } from '@scopeladder/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const { applied, version } = await migrate({ pool });
 * console.log(`schema at version ${version}; applied: ${applied.join(', ') || 'none'}`);
 * ```
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  if (typeof options !== 'object' || options === null) throw new TypeError('migrate: options must be an object');
  assertPool(options.pool, 'migrate');
  const schema = readSchema(options.schema, 'migrate');
  const timeoutMs = readTimeout(options.timeoutMs, 60_000, 'timeoutMs', 'migrate');
  const migrations = loadMigrations();
  const database = createDatabase(options.pool, timeoutMs);
  const table = `${quoteIdent(schema)}.${MIGRATIONS_TABLE}`;

  return database.run(async (session) => {
    // One lock per schema, held for the session: concurrent migrators take turns.
    const lock = { text: "SELECT pg_advisory_lock(hashtextextended('scopeladder:migrate:' || $1, 0))", values: [schema] };
    const unlock = { text: "SELECT pg_advisory_unlock(hashtextextended('scopeladder:migrate:' || $1, 0))", values: [schema] };
    await session.query(lock);
    try {
      await session.query({ text: `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}` });
      await session.query({
        text: `CREATE TABLE IF NOT EXISTS ${table} (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      });
      const rows = await session.query<{ version: number; name: string; checksum: string }>({
        text: `SELECT version, name, checksum FROM ${table} ORDER BY version`,
      });
      for (const row of rows) {
        const shipped = migrations[row.version - 1];
        if (shipped === undefined) {
          throw new ScopeladderError(
            'ERR_INTERNAL',
            `migrate: schema "${schema}" is at version ${row.version}, newer than this @scopeladder/postgres (${migrations.length}): upgrade it`,
          );
        }
        if (shipped.checksum !== row.checksum) {
          throw new ScopeladderError(
            'ERR_INTERNAL',
            `migrate: migration ${String(row.version).padStart(4, '0')}_${row.name} was applied from a different file than the one shipped`,
          );
        }
      }
      const applied: string[] = [];
      for (const migration of migrations.slice(rows.length)) {
        const label = `${String(migration.version).padStart(4, '0')}_${migration.name}`;
        await session.query({ text: `BEGIN; SET LOCAL search_path TO ${quoteIdent(schema)}` });
        try {
          await session.query({ text: migration.sql });
          await session.query({
            text: `INSERT INTO ${table} (version, name, checksum) VALUES ($1, $2, $3)`,
            values: [migration.version, migration.name, migration.checksum],
          });
          await session.query({ text: 'COMMIT' });
        } catch (error) {
          await session.query({ text: 'ROLLBACK' }).catch(() => {});
          throw error;
        }
        applied.push(label);
      }
      return { applied, version: migrations.length };
    } finally {
      await session.query(unlock).catch(() => {});
    }
  });
}
