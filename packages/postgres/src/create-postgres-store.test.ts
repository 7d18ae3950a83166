import { createHash } from 'node:crypto';
import { randomDigest } from '@scopeladder/testing/store-contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresTokenStore } from './index.js';
import { createTestPool, createTestSchema } from './test-support/database.js';

const HOUR = 3_600_000;
const pools = [createTestPool(), createTestPool(), createTestPool(), createTestPool()];
let schema = '';
let drop: () => Promise<void> = async () => {};
let store: PostgresTokenStore;

beforeAll(async () => {
  ({ schema, drop } = await createTestSchema(pools[0]!, 'store'));
  store = createPostgresStore({ pool: pools[0]!, schema });
});

afterAll(async () => {
  await drop();
  for (const pool of pools) await pool.end();
});

describe('createPostgresStore', () => {
  it('lets exactly one of 100 concurrent rotations across four pools win; the losers revoke the family', async () => {
    const stores = pools.map((pool) => createPostgresStore({ pool, schema, timeoutMs: 10_000 }));
    const t0 = Date.now();
    const old = { digest: randomDigest(), userId: 'u-race', familyId: 'f-race', expiresAt: t0 + HOUR };
    await store.saveRefreshToken(old);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        stores[index % stores.length]!.rotateRefreshToken(old.digest, { ...old, digest: randomDigest(), expiresAt: t0 + 2 * HOUR }, t0),
      ),
    );
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 'rotated')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'reused').length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((status) => status === 'rotated' || status === 'reused' || status === 'revoked')).toBe(true);
    expect(await store.isFamilyRevoked('f-race', t0)).toBe(true);
  });

  it("orders a rotation after a concurrent end of its user's sessions: the rotated family never outlives the revocation", async () => {
    // A deterministic interleaving: an outside transaction holds the revocation row's key, so
    // revokeFamiliesOfUser (E) has deleted the session index entry and waits; a rotation (R) of the
    // same family starts meanwhile. Without the per-user lock R would not see E's revocation,
    // rotate, re-index the family with its later expiry, and leave it live once E's revocation
    // (until the OLD expiry) ends.
    const [a, b] = pools.map((pool) => createPostgresStore({ pool, schema, timeoutMs: 10_000 }));
    const t0 = Date.now();
    const old = { digest: randomDigest(), userId: 'u-order', familyId: 'f-order', expiresAt: t0 + HOUR };
    await a!.saveRefreshToken(old);
    const outside = await pools[3]!.connect();
    const waiting = async (count: number): Promise<void> => {
      for (let i = 0; i < 200; i++) {
        const { rows } = await pools[3]!.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
             AND (query LIKE '%${schema}%' OR query LIKE '%pg_advisory_xact_lock%')`,
        );
        if ((rows[0]?.n ?? 0) >= count) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`expected ${count} waiting statements`);
    };
    try {
      await outside.query('BEGIN');
      await outside.query(`INSERT INTO "${schema}".revoked_families (family_id, revoked_until) VALUES ('f-order', 0)`);
      const ended = a!.revokeFamiliesOfUser('u-order', t0);
      ended.catch(() => {}); // awaited below; never an unhandled rejection if the test fails first
      await waiting(1);
      const nextDigest = randomDigest();
      const rotated = b!.rotateRefreshToken(old.digest, { ...old, digest: nextDigest, expiresAt: t0 + 3 * HOUR }, t0);
      rotated.catch(() => {});
      await waiting(2);
      await outside.query('ROLLBACK');
      expect(await ended).toBe(1);
      const result = await rotated;
      // After the end: refused, and no token of the family was stored beyond the revocation.
      expect(result.status).toBe('revoked');
      expect(await a!.findRefreshToken(nextDigest)).toBeNull();
      expect(await a!.isFamilyRevoked('f-order', t0 + HOUR - 1)).toBe(true);
    } finally {
      outside.release();
    }
  });

  it('stores digests only: no column holds anything but what the service handed it', async () => {
    const apiKey = 'sl_live_secret_key_material';
    const digest = createHash('sha256').update(apiKey).digest('hex');
    await store.saveApiKey({ digest, id: 'key-1', userId: 'bot-1', scopes: ['bot'], createdAt: Date.now() });
    const { rows } = await pools[0]!.query(`SELECT * FROM "${schema}".api_keys WHERE id = 'key-1'`);
    expect(JSON.stringify(rows)).not.toContain(apiKey);
    expect(rows[0]).toMatchObject({ digest });
  });

  it('purgeExpired deletes only rows whose expiry passed more than the grace ago', async () => {
    const t0 = Date.now();
    const purgeStore = createPostgresStore({ pool: pools[0]!, schema, expiryGraceMs: 1000 });
    const gone = { digest: randomDigest(), userId: 'u-purge', familyId: 'f-purge-1', expiresAt: t0 - 5000 };
    const kept = { digest: randomDigest(), userId: 'u-purge', familyId: 'f-purge-2', expiresAt: t0 + HOUR };
    await purgeStore.saveRefreshToken(gone);
    await purgeStore.saveRefreshToken(kept);
    await purgeStore.revokeAccessToken('jti-old', t0 - 5000);
    await purgeStore.revokeAccessToken('jti-live', t0 + HOUR);
    await purgeStore.hit('purge-key', 1000, t0 - 10_000);
    const purged = await purgeStore.purgeExpired(t0);
    expect(purged.refreshTokens).toBeGreaterThanOrEqual(1);
    expect(purged.revokedAccessTokens).toBeGreaterThanOrEqual(1);
    expect(purged.throttleCounters).toBeGreaterThanOrEqual(1);
    expect(await purgeStore.findRefreshToken(gone.digest)).toBeNull();
    expect(await purgeStore.findRefreshToken(kept.digest)).not.toBeNull();
    expect(await purgeStore.isAccessTokenRevoked('jti-live', t0)).toBe(true);
    expect(await purgeStore.purgeExpired(t0)).toEqual({
      refreshTokens: 0,
      revokedFamilies: 0,
      userFamilies: 0,
      revokedAccessTokens: 0,
      throttleCounters: 0,
    });
  });
});
