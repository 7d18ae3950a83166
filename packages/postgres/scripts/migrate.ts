/**
 * Applies the pending migrations of @scopeladder/postgres:
 *   DATABASE_URL=postgres://… [PG_SCHEMA=scopeladder] pnpm --filter @scopeladder/postgres migrate
 * Prints what it applied; exits 1 (with the reason, never the URL) when it cannot.
 */
import pg from 'pg';
import { migrate } from '../src/index.js';

const url = process.env['DATABASE_URL'];
if (!url) {
  console.error('Set DATABASE_URL=postgres://user@host:5432/database (and PG_SCHEMA for a schema other than "scopeladder").');
  process.exit(1);
}
const pool = new pg.Pool({ connectionString: url, max: 1 });
pool.on('error', () => {});
try {
  const { applied, version } = await migrate({ pool, schema: process.env['PG_SCHEMA'] || undefined });
  console.log(applied.length === 0 ? `Up to date at version ${version}.` : `Applied ${applied.join(', ')}; now at version ${version}.`);
} catch (error) {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
