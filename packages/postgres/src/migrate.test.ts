import { readdirSync } from 'node:fs';
import { isScopeladderError } from '@scopeladder/core';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from './index.js';
import { SCHEMA_VERSION } from './lib/migrations.js';
import { createTestPool, uniqueSchema } from './test-support/database.js';

const pool = createTestPool();
const schemas: string[] = [];

function freshSchema(label: string): string {
  const schema = uniqueSchema(label);
  schemas.push(schema);
  return schema;
}

afterAll(async () => {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

describe('migrate', () => {
  it('ships one file per version, and SCHEMA_VERSION is the last one', () => {
    const files = readdirSync(new URL('../migrations/', import.meta.url)).filter((file) => file.endsWith('.sql'));
    expect(files.length).toBe(SCHEMA_VERSION);
    expect(files.sort().at(-1)).toMatch(new RegExp(`^${String(SCHEMA_VERSION).padStart(4, '0')}_`));
  });

  it('creates the schema, applies every migration once, and is idempotent', async () => {
    const schema = freshSchema('migrate');
    expect(await migrate({ pool, schema })).toEqual({ applied: ['0001_initial', '0002_refresh_token_scope'], version: SCHEMA_VERSION });
    expect(await migrate({ pool, schema })).toEqual({ applied: [], version: SCHEMA_VERSION });
    const { rows } = await pool.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    expect(rows.map((row) => row.table_name)).toEqual(
      expect.arrayContaining(['api_keys', 'memberships', 'organizations', 'refresh_tokens', 'scopeladder_migrations', 'throttle_counters', 'users']),
    );
  });

  it('lets concurrent migrators take turns: each migration is applied exactly once', async () => {
    const schema = freshSchema('concurrent');
    const pools = [createTestPool(), createTestPool(), createTestPool()];
    try {
      const results = await Promise.all(pools.flatMap((p) => [migrate({ pool: p, schema }), migrate({ pool: p, schema })]));
      expect(results.flatMap((result) => result.applied)).toEqual(['0001_initial', '0002_refresh_token_scope']);
      expect(new Set(results.map((result) => result.version))).toEqual(new Set([SCHEMA_VERSION]));
    } finally {
      for (const p of pools) await p.end();
    }
  });

  it('refuses a schema whose applied migration differs from the shipped file, or that is newer', async () => {
    const schema = freshSchema('tampered');
    await migrate({ pool, schema });
    await pool.query(`UPDATE "${schema}".scopeladder_migrations SET checksum = 'x' WHERE version = 1`);
    const tampered = await migrate({ pool, schema }).catch((error: unknown) => error);
    expect(isScopeladderError(tampered) && tampered.message).toMatch(/0001_initial was applied from a different file/);
    const newer = freshSchema('newer');
    await migrate({ pool, schema: newer });
    await pool.query(`INSERT INTO "${newer}".scopeladder_migrations (version, name, checksum) VALUES (3, 'future', 'x')`);
    await expect(migrate({ pool, schema: newer })).rejects.toThrow(/newer than this @scopeladder\/postgres/);
  });

  it('refuses a bad schema name or pool with TypeError', async () => {
    await expect(migrate({ pool, schema: 'public; DROP TABLE x' })).rejects.toThrow(TypeError);
    await expect(migrate({ pool: {} as typeof pool })).rejects.toThrow(TypeError);
  });
});
