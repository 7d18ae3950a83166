/**
 * Test support for the PostgreSQL tests (not part of the package): the database the tests run
 * against (a missing one FAILS the tests, never skips them) and a throw-away schema per test
 * file, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../migrate.js';

/** The PostgreSQL of the test run: `TEST_DATABASE_URL`, else the local one (trust auth, database `test`). */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other run or test file uses. */
export function uniqueSchema(label: string): string {
  return `sl_test_${label}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** A pool on the test database; `error` events of idle clients are ignored (tests stop backends on purpose). */
export function createTestPool(config: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 10, ...config });
  pool.on('error', () => {});
  return pool;
}

/** A fresh, migrated schema; `drop()` removes it with everything in it. */
export async function createTestSchema(pool: pg.Pool, label: string): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = uniqueSchema(label);
  try {
    await migrate({ pool, schema });
  } catch (error) {
    throw new Error(`These tests need a PostgreSQL at ${TEST_DATABASE_URL} (set TEST_DATABASE_URL for another one): ${String(error)}`);
  }
  return {
    schema,
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}
