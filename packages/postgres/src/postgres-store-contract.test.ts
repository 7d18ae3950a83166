import { afterAll, beforeAll } from 'vitest';
import { createPostgresStore } from './index.js';
import { describeTokenStoreContract } from '@scopeladder/testing/store-contract';
import { createTestPool, createTestSchema } from './test-support/database.js';

// The shipped contract suite, as for the memory and Redis stores. Two pools: two "server
// instances" on one database. One schema for this file, dropped at the end; each test's records
// use fresh random ids, so tests do not see each other's rows.
const poolA = createTestPool();
const poolB = createTestPool();
let schema = '';
let drop: () => Promise<void> = async () => {};

beforeAll(async () => {
  ({ schema, drop } = await createTestSchema(poolA, 'contract'));
});

afterAll(async () => {
  await drop();
  await poolA.end();
  await poolB.end();
});

describeTokenStoreContract('@scopeladder/postgres', async () => ({
  store: createPostgresStore({ pool: poolA, schema, timeoutMs: 10_000 }),
  peer: createPostgresStore({ pool: poolB, schema, timeoutMs: 10_000 }),
  cleanup: async () => {},
}));
