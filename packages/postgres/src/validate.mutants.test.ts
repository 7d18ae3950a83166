// Tests for mutants of lib/validate.ts that survived the postgres tests (issue "Test strength"):
// the package's own option checks, through createPostgresStore / createPostgresDirectory /
// migrate — what a pool must have, a schema name that is not a string, the 63-character limit of
// a schema (run on the real PostgreSQL), the timeouts' bounds (1 to 600000) — with each
// refusal's message word for word. Each fails with its mutant applied. See docs/testing.md,
// "postgres".
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDirectory } from './create-postgres-directory.js';
import { createPostgresStore } from './create-postgres-store.js';
import { migrate } from './migrate.js';
import { createTestPool } from './test-support/database.js';
import { typeErrorOf } from './test-support/type-error-of.js';

const pool = createTestPool();
afterAll(async () => {
  await pool.end();
});

const method = () => undefined;

describe('assertPool', () => {
  it('refuses anything without connect, query and on, all three functions', () => {
    const message = 'createPostgresStore: `pool` must be a pg Pool';
    const refused = (candidate: unknown) => typeErrorOf(() => createPostgresStore({ pool: candidate as pg.Pool }));
    expect(refused(undefined)).toBe(message);
    expect(refused(null)).toBe(message);
    // A function carrying the three methods is not a Pool object.
    expect(refused(Object.assign(() => {}, { connect: method, query: method, on: method }))).toBe(message);
    expect(refused({ query: method, on: method })).toBe(message);
    expect(refused({ connect: method, on: method })).toBe(message);
    expect(refused({ connect: method, query: method })).toBe(message);
    expect(refused({ connect: method, query: method, on: 'on' })).toBe(message);
    // The least it takes.
    expect(createPostgresStore({ pool: { connect: method, query: method, on: method } as unknown as pg.Pool }).schema).toBe('scopeladder');
    expect(typeErrorOf(() => createPostgresDirectory({ pool: {} as pg.Pool }))).toBe('createPostgresDirectory: `pool` must be a pg Pool');
  });
});

describe('readSchema', () => {
  const message = (caller: string) => `${caller}: \`schema\` must be a lowercase SQL identifier (a-z, 0-9, _; at most 63 characters)`;

  it('refuses a schema that is not a string, even one whose text would pass', () => {
    expect(typeErrorOf(() => createPostgresStore({ pool, schema: ['scopeladder'] as unknown as string }))).toBe(message('createPostgresStore'));
    const named = { toString: () => 'scopeladder' };
    expect(typeErrorOf(() => createPostgresDirectory({ pool, schema: named as unknown as string }))).toBe(message('createPostgresDirectory'));
  });

  it('takes a 63-character schema end to end (migrate, then the store), refuses 64', async () => {
    const schema = `sl_test_${Date.now().toString(36)}_`.padEnd(63, 'x');
    expect(schema).toHaveLength(63);
    await expect(migrate({ pool, schema: `${schema}x` })).rejects.toThrow(message('migrate'));
    try {
      const { version } = await migrate({ pool, schema });
      expect(version).toBeGreaterThan(0);
      const store = createPostgresStore({ pool, schema });
      expect(store.schema).toBe(schema);
      expect(await store.ping()).toBe(true);
      await store.revokeAccessToken('j1', Date.now() + 60_000);
      expect(await store.isAccessTokenRevoked('j1', Date.now())).toBe(true);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
});

describe('readTimeout', () => {
  it('takes 1 to 600000 ms exactly', () => {
    const message = 'createPostgresStore: `timeoutMs` must be an integer number of milliseconds from 1 to 600000';
    expect(createPostgresStore({ pool, timeoutMs: 1 }).schema).toBe('scopeladder');
    expect(createPostgresStore({ pool, timeoutMs: 600_000 }).schema).toBe('scopeladder');
    expect(typeErrorOf(() => createPostgresStore({ pool, timeoutMs: 600_001 }))).toBe(message);
    expect(typeErrorOf(() => createPostgresStore({ pool, timeoutMs: 0 }))).toBe(message);
    expect(typeErrorOf(() => createPostgresStore({ pool, timeoutMs: '1000' as unknown as number }))).toBe(message);
  });
});
