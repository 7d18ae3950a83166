import { ScopeladderError } from '@scopeladder/core';
import type { Database } from './connection.js';
import { MIGRATIONS_TABLE, SCHEMA_VERSION } from './migrations.js';
import { quoteIdent } from './validate.js';

/**
 * Checks once (on first use) that `schema` is at the version this package needs, and fails with
 * a clear `ERR_INTERNAL` otherwise — never a silent schema change. An outage during the check is
 * `ERR_STORE_UNAVAILABLE` and the check runs again on the next call.
 */
export function createSchemaCheck(database: Database, schema: string, caller: string): () => Promise<void> {
  let passed = false;
  return async () => {
    if (passed) return;
    const found = await database.run(async (session) => {
      const [exists] = await session.query<{ table: string | null }>({
        text: 'SELECT to_regclass($1) AS table',
        values: [`${quoteIdent(schema)}.${MIGRATIONS_TABLE}`],
      });
      if (!exists || exists.table === null) return null;
      const [row] = await session.query<{ version: number | null }>({
        text: `SELECT max(version)::int AS version FROM ${quoteIdent(schema)}.${MIGRATIONS_TABLE}`,
      });
      return row?.version ?? null;
    });
    if (found !== SCHEMA_VERSION) {
      const state = found === null ? 'has no scopeladder migrations' : `is at migration version ${found}`;
      throw new ScopeladderError(
        'ERR_INTERNAL',
        `${caller}: schema "${schema}" ${state}, this version of @scopeladder/postgres needs version ${SCHEMA_VERSION}: ` +
          (found !== null && found > SCHEMA_VERSION ? 'upgrade @scopeladder/postgres' : 'run migrate({ pool, schema }) first'),
      );
    }
    passed = true;
  };
}
