import { createPostgresStore, migrate } from '@scopeladder/postgres';
import pg from 'pg';
import type { Logger } from '../log.js';
import { findOrganizationIn } from './find-organization.js';
import { createPostgresResourceRepository, createPostgresUserRepository, DEFAULT_SERVER_SCHEMA } from './postgres.js';
import { migrateServerSchema } from './postgres-migrations.js';
import type { Storage } from './types.js';

/** Options of {@link openPostgresStorage}. */
export interface OpenPostgresStorageOptions {
  /** `DATABASE_URL`: `postgres://[user:password@]host:port/database[?…]`. */
  readonly url: string;
  /** Where migrations, outages and recoveries are reported (never with credentials). */
  readonly logger: Logger;
  /** The schema of the token tables (`@scopeladder/postgres`). Default `"scopeladder"`. */
  readonly tokenSchema?: string | undefined;
  /** The schema of the server's users and records. Default `"chatshipper"`. */
  readonly schema?: string | undefined;
  /** How long start-up waits for PostgreSQL before giving up. Default `5000`. */
  readonly connectTimeoutMs?: number | undefined;
  /** The longest one database call may take before `ERR_STORE_UNAVAILABLE` (503). Default `1000`. */
  readonly queryTimeoutMs?: number | undefined;
}

/**
 * Thrown by {@link openPostgresStorage} when PostgreSQL does not answer at start-up. Its message
 * names the host, port and database, never the credentials.
 *
 * @example
 * ```ts
 * try {
 *   await openPostgresStorage({ url, logger });
 * } catch (error) {
 *   if (error instanceof PostgresUnavailableError) process.exitCode = 1;
 * }
 * ```
 */
export class PostgresUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostgresUnavailableError';
  }
}

/**
 * A PostgreSQL URL for logs and the banner: scheme, host, port and database, never the user name,
 * the password or the query string.
 *
 * @example
 * ```ts
 * describePostgresUrl('postgres://app:s3cret@db.internal:5433/chat'); // 'postgres://db.internal:5433/chat'
 * ```
 */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
  } catch {
    return 'postgres (unparsable URL)';
  }
}

/** The message of a connection error without anything of the URL's credentials. */
function reason(error: unknown, url: string): string {
  const message = (error as { message?: unknown } | null)?.message;
  let text = typeof message === 'string' && message !== '' ? message : 'unknown error';
  try {
    const { password, username } = new URL(url);
    for (const secret of [password, decodeURIComponent(password)]) if (secret.length > 0) text = text.split(secret).join('***');
    if (username.length > 0 && password.length > 0) text = text.split(`${username}:***`).join('***');
  } catch {
    // Unparsable URL: nothing to redact that pg could have parsed either.
  }
  return text;
}

const PURGE_INTERVAL_MS = 10 * 60_000;
/** The longest the migrations at start may take, waiting for another instance's included. */
const MIGRATION_TIMEOUT_MS = 60_000;

/**
 * Opens the durable state of a deployment on PostgreSQL (`DATABASE_URL`): one `pg` Pool shared by
 * the token store of `@scopeladder/postgres` and the server's users and records. At start it
 * waits for the database (or rejects with {@link PostgresUnavailableError} after
 * `connectTimeoutMs`), applies the package's pending migrations (`migrate()`), then the server's
 * own, and logs which it applied. Every instance on the same database serves as one; a restart
 * loses nothing. While the database is away every call fails with `ERR_STORE_UNAVAILABLE` (503)
 * and the pool reconnects by itself. Expired token rows are purged every 10 minutes.
 *
 * @example
 * ```ts
 * const storage = await openPostgresStorage({ url: process.env.DATABASE_URL!, logger });
 * const auth = createAuthService({ directory: storage.users, store: storage.tokenStore, ... });
 * // at shutdown, after the HTTP server closed:
 * await storage.close();
 * ```
 */
export async function openPostgresStorage(options: OpenPostgresStorageOptions): Promise<Storage> {
  const { url, logger } = options;
  const where = describePostgresUrl(url);
  const queryTimeoutMs = options.queryTimeoutMs ?? 1000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const schema = options.schema ?? DEFAULT_SERVER_SCHEMA;
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: queryTimeoutMs,
    query_timeout: queryTimeoutMs,
    statement_timeout: queryTimeoutMs,
    application_name: 'chatshipper-api',
  });
  // An idle client whose connection dies makes the pool emit `error`: without a listener Node
  // would exit. The pool drops the client; the next call opens a fresh connection.
  pool.on('error', () => {});

  let closed = false;
  let purge: NodeJS.Timeout | undefined = undefined;
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    clearInterval(purge);
    await pool.end().catch(() => {});
  }

  // Migrations run on a pool of their own, without the 1 s bounds of the serving pool: an instance
  // starting beside another one waits on the migration lock while the other migrates.
  const migrationPool = new pg.Pool({
    connectionString: url,
    max: 1,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: MIGRATION_TIMEOUT_MS,
    application_name: 'chatshipper-api migrations',
  });
  migrationPool.on('error', () => {});
  try {
    const deadline = Date.now() + connectTimeoutMs;
    for (;;) {
      try {
        await migrationPool.query('SELECT 1');
        break;
      } catch (error) {
        if (Date.now() >= deadline) {
          throw new PostgresUnavailableError(`PostgreSQL at ${where} did not answer within ${connectTimeoutMs / 1000}s (${reason(error, url)})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const tokens = await migrate({ pool: migrationPool, schema: options.tokenSchema, timeoutMs: MIGRATION_TIMEOUT_MS });
    logger.info(
      tokens.applied.length > 0
        ? `postgres: applied @scopeladder/postgres migrations ${tokens.applied.join(', ')} (schema version ${tokens.version})`
        : `postgres: @scopeladder/postgres schema up to date (version ${tokens.version})`,
    );
    const server = await migrateServerSchema({ pool: migrationPool, schema });
    logger.info(server.length > 0 ? `postgres: applied server migrations ${server.join(', ')}` : 'postgres: server schema up to date');
  } catch (error) {
    await close();
    if (error instanceof PostgresUnavailableError) throw error;
    throw new PostgresUnavailableError(`PostgreSQL at ${where}: could not prepare the schema (${reason(error, url)})`);
  } finally {
    await migrationPool.end().catch(() => {});
  }

  const tokenStore = createPostgresStore({ pool, schema: options.tokenSchema, timeoutMs: queryTimeoutMs });
  purge = setInterval(() => {
    tokenStore.purgeExpired().catch((error: unknown) => logger.error(`postgres: purging expired token rows failed (${reason(error, url)})`));
  }, PURGE_INTERVAL_MS);
  purge.unref();

  const resources = createPostgresResourceRepository({ pool, schema });
  return {
    name: 'postgres',
    description: `postgres at ${where}`,
    users: createPostgresUserRepository({ pool, schema }, (id) => findOrganizationIn(resources, id)),
    resources,
    tokenStore,
    async check() {
      const up = await tokenStore.ping();
      return { ok: up, details: { postgres: up ? 'up' : 'down' } };
    },
    // The database keeps everything across an outage: nothing to restore when it is back.
    onRecovered: () => {},
    close,
  };
}
