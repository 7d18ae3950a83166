// Test support (not part of the server): a throw-away PostgreSQL database for one test file, on
// the PostgreSQL of the test run (127.0.0.1:5432 with trust auth, or TEST_DATABASE_URL; a
// missing one FAILS the tests, never skips them).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The maintenance URL: any database of the test server the tests may connect to. */
const ADMIN_URL = process.env['TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';

/** A database made for one test file. */
export interface TestDatabase {
  /** Its name (`cs_e2e_<label>_<random>`). */
  readonly name: string;
  /**
   * Its URL, with a password in it (trust auth ignores it), so tests can check that no log line
   * ever prints one.
   */
  readonly url: string;
  /** The password in {@link url}. */
  readonly password: string;
  /** A pool on it, for assertions; ended by {@link drop}. */
  readonly pool: pg.Pool;
  /** Drops the database (closing whatever still connects to it). */
  drop(): Promise<void>;
}

/** Creates an empty database on the test server. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `cs_e2e_${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
  } catch (error) {
    throw new Error(`These tests need a PostgreSQL at ${ADMIN_URL} (set TEST_DATABASE_URL for another one): ${String(error)}`);
  } finally {
    await admin.end().catch(() => {});
  }
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.password = password;
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  pool.on('error', () => {});
  return {
    name,
    url: url.toString(),
    password,
    pool,
    async drop() {
      await pool.end().catch(() => {});
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
