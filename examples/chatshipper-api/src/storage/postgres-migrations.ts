import type pg from 'pg';
import { DEFAULT_SERVER_SCHEMA, quoteSchema } from './postgres.js';

/** One migration of the server's own tables: applied once, in version order, in one transaction. */
interface ServerMigration {
  readonly version: number;
  readonly name: string;
  /** SQL with `%schema%` for the quoted schema name (no value of a caller's ever goes in). */
  readonly sql: string;
}

/**
 * The server's tables, beside the token tables of `@scopeladder/postgres` (in their own schema,
 * applied after that package's `migrate()`). Append a migration to change them; never edit one
 * that shipped.
 */
const MIGRATIONS: readonly ServerMigration[] = [
  {
    version: 1,
    name: 'records_and_users',
    sql: `
      -- Every non-user resource, by type. \`document\` is the record as the API answers it (json, not
      -- jsonb: its field order is kept). \`organization_path\` is its organization's path (an
      -- Organization's own path), what list filters match; \`seq\` is the creation order.
      CREATE TABLE %schema%.records (
        type text NOT NULL,
        id text NOT NULL,
        seq bigserial NOT NULL,
        organization text,
        organization_path text,
        parent text,
        document json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (type, id)
      );
      -- text_pattern_ops: \`organization_path = $1 OR organization_path LIKE 'r1#c1#%'\` is a range scan.
      CREATE INDEX records_subtree ON %schema%.records (type, organization_path text_pattern_ops);
      CREATE INDEX records_seq ON %schema%.records (type, seq);
      -- A list page's order inside a subtree: a large subtree is read in index order, no sort.
      CREATE INDEX records_order ON %schema%.records (type, ((organization_path || '#') COLLATE "C"), seq);
      CREATE INDEX records_parent ON %schema%.records (parent) WHERE type = 'Organization';

      -- Users and bots. \`email\` is lower-cased, unique; \`document\` is the StoredUser.
      CREATE TABLE %schema%.users (
        id text PRIMARY KEY,
        seq bigserial NOT NULL,
        email text NOT NULL UNIQUE,
        document json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX users_seq ON %schema%.users (seq);

      -- One row per path of a user's memberships: what a User list filter joins.
      CREATE TABLE %schema%.user_paths (
        user_id text NOT NULL REFERENCES %schema%.users (id) ON DELETE CASCADE,
        path text NOT NULL,
        PRIMARY KEY (user_id, path)
      );
      CREATE INDEX user_paths_path ON %schema%.user_paths (path text_pattern_ops);
    `,
  },
];

/** Options of {@link migrateServerSchema}. */
export interface MigrateServerSchemaOptions {
  readonly pool: pg.Pool;
  /** Default `"chatshipper"`. */
  readonly schema?: string | undefined;
}

/**
 * Applies the server's pending migrations to `schema` (created when missing) and resolves their
 * labels (`"0001_records_and_users"`), oldest first; empty when up to date. Instances starting
 * together take turns on an advisory lock; a schema newer than this server is refused.
 *
 * @example
 * ```ts
 * const applied = await migrateServerSchema({ pool });
 * logger.info(`postgres: server schema: ${applied.join(', ') || 'up to date'}`);
 * ```
 */
export async function migrateServerSchema(options: MigrateServerSchemaOptions): Promise<string[]> {
  const name = options.schema ?? DEFAULT_SERVER_SCHEMA;
  const schema = quoteSchema(name);
  const client = await options.pool.connect();
  let broken: unknown;
  try {
    await client.query("SELECT pg_advisory_lock(hashtextextended('chatshipper-api:migrate:' || $1, 0))", [name]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.server_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query<{ version: number }>(`SELECT max(version) AS version FROM ${schema}.server_migrations`);
      const current = rows[0]?.version ?? 0;
      if (current > MIGRATIONS.length) {
        throw new Error(`the database schema "${name}" is at version ${current}, newer than this server (${MIGRATIONS.length}): upgrade the server`);
      }
      const applied: string[] = [];
      for (const migration of MIGRATIONS.slice(current)) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql.replaceAll('%schema%', schema));
          await client.query(`INSERT INTO ${schema}.server_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
        applied.push(`${String(migration.version).padStart(4, '0')}_${migration.name}`);
      }
      return applied;
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtextextended('chatshipper-api:migrate:' || $1, 0))", [name]).catch((error: unknown) => {
        broken = error;
      });
    }
  } finally {
    client.release(broken === undefined ? undefined : true);
  }
}
