import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './create-memory-store.js';
import type { RefreshTokenRecord } from './store.js';
import { expectCode } from './test-fixtures.js';

// Focused tests of the memory store's own behaviour (bounds, purging, atomicity). The shared
// TokenStore contract suite (test/store-contract) runs against it as well.

const digest = () => createHash('sha256').update(randomBytes(16)).digest('hex');
const T = 1_000_000;
const record = (overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
  digest: digest(),
  userId: 'u1',
  familyId: 'f1',
  expiresAt: T + 60_000,
  ...overrides,
});

describe('createMemoryStore', () => {
  it('validates its options', () => {
    expect(() => createMemoryStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => createMemoryStore({ maxEntries: 1.5 })).toThrow(TypeError);
    expect(() => createMemoryStore(null as never)).toThrow(TypeError);
  });

  it('rotates atomically: of concurrent rotations of one token exactly one wins', async () => {
    const store = createMemoryStore();
    const first = record();
    await store.saveRefreshToken(first);
    const results = await Promise.all(Array.from({ length: 50 }, () => store.rotateRefreshToken(first.digest, record({ digest: digest() }), T)));
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 'rotated')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'reused')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'revoked')).toHaveLength(48);
  });

  it('evicts the oldest refresh tokens when full (a session ends early; nothing is un-revoked)', async () => {
    const store = createMemoryStore({ maxEntries: 3 });
    const records = [record(), record(), record(), record()];
    for (const each of records) await store.saveRefreshToken(each);
    expect(store.size().refreshTokens).toBe(3);
    expect(await store.findRefreshToken(records[0]!.digest)).toBeNull();
    expect(await store.findRefreshToken(records[3]!.digest)).not.toBeNull();
  });

  it('validates maxSessionsPerUser', () => {
    expect(() => createMemoryStore({ maxSessionsPerUser: 0 })).toThrow(/maxSessionsPerUser/);
    expect(() => createMemoryStore({ maxSessionsPerUser: 2.5 })).toThrow(TypeError);
    expect(() => createMemoryStore({ maxSessionsPerUser: Number.POSITIVE_INFINITY })).toThrow(TypeError);
  });

  it("a user's session beyond maxSessionsPerUser revokes that user's oldest (lowest expiry) session, never another's", async () => {
    const store = createMemoryStore({ maxSessionsPerUser: 3 });
    await store.saveRefreshToken(record({ userId: 'other', familyId: 'o1', familyExpiresAt: T + 10_000 }));
    const untils = { fa: T + 90_000, fb: T + 70_000, fc: T + 80_000 };
    for (const [familyId, until] of Object.entries(untils)) await store.saveRefreshToken(record({ familyId, familyExpiresAt: until }));
    await store.saveRefreshToken(record({ familyId: 'fd', familyExpiresAt: T + 100_000 }));
    expect(await store.isFamilyRevoked('fb', T + 69_999)).toBe(true);
    expect(await store.isFamilyRevoked('fb', T + 70_000)).toBe(false);
    for (const familyId of ['fa', 'fc', 'fd', 'o1']) expect(await store.isFamilyRevoked(familyId, T)).toBe(false);
    expect(store.size().indexedFamilies).toBe(4);
    expect(await store.revokeFamiliesOfUser('u1', T)).toBe(3);
  });

  it("at the cap, drops the user's expired sessions before ending a live one", async () => {
    const store = createMemoryStore({ maxSessionsPerUser: 2 });
    await store.saveRefreshToken(record({ familyId: 'gone', expiresAt: T + 10 }));
    await store.saveRefreshToken(record({ familyId: 'live', expiresAt: T + 60_000 }));
    await store.isFamilyRevoked('x', T + 20);
    await store.saveRefreshToken(record({ familyId: 'new', expiresAt: T + 60_000 }));
    expect(await store.isFamilyRevoked('live', T + 20)).toBe(false);
    expect(store.size()).toMatchObject({ indexedFamilies: 2, revokedFamilies: 0 });
  });

  // Reproduction (security review of issue #11 item 3): once the index was full, every login of
  // one account revoked the oldest OTHER user's session, then filled the revocations so that no
  // login and no endSessionsOfUser worked any more (the attacker could not even be deleted).
  it("one account logging in however often never ends another user's session, and ending its sessions still works", async () => {
    const store = createMemoryStore({ maxEntries: 10, maxSessionsPerUser: 3 });
    const victims = ['v1', 'v2', 'v3'];
    for (const userId of victims) await store.saveRefreshToken(record({ userId, familyId: `${userId}-f`, familyExpiresAt: T + 120_000 }));
    let refused = 0;
    for (let n = 0; n < 200; n++) {
      try {
        await store.saveRefreshToken(record({ userId: 'attacker', familyId: `a${n}`, familyExpiresAt: T + 120_000 }));
      } catch (error) {
        expect((error as { code?: unknown }).code).toBe('ERR_STORE_UNAVAILABLE');
        refused += 1;
      }
      for (const userId of victims) expect(await store.isFamilyRevoked(`${userId}-f`, T)).toBe(false);
    }
    // Memory stays bounded: the newcomer is refused once the store is full, nobody else pays.
    expect(refused).toBeGreaterThan(0);
    expect(store.size().indexedFamilies).toBeLessThanOrEqual(10);
    expect(store.size().revokedFamilies + store.size().indexedFamilies).toBeLessThanOrEqual(20);
    // Revocations outrank logins: the attacker (and anyone else) can still be ended and logged out.
    expect(await store.revokeFamiliesOfUser('attacker', T)).toBe(3);
    expect(await store.revokeFamiliesOfUser('v1', T)).toBe(1);
    await store.revokeFamily('v2-f', T + 120_000);
    expect(await store.isFamilyRevoked('v2-f', T)).toBe(true);
    expect(await store.isFamilyRevoked('v3-f', T)).toBe(false);
    // Until the revocations expire the store stays full for newcomers; then there is room again.
    await expectCode(store.saveRefreshToken(record({ userId: 'v1', familyId: 'v1-g', familyExpiresAt: T + 240_000 })), 'ERR_STORE_UNAVAILABLE');
    await store.isFamilyRevoked('x', T + 120_000);
    await store.saveRefreshToken(record({ userId: 'v1', familyId: 'v1-g', expiresAt: T + 180_000, familyExpiresAt: T + 240_000 }));
    expect(await store.isFamilyRevoked('v1-g', T + 120_000)).toBe(false);
  });

  it('when the session index is full, refuses the new session and ends none (fail closed for the newcomer)', async () => {
    const store = createMemoryStore({ maxEntries: 3 });
    const families = ['fa', 'fb', 'fc'].map((familyId, n) => record({ userId: `u${n}`, familyId, familyExpiresAt: T + 120_000 }));
    for (const each of families) await store.saveRefreshToken(each);
    const newcomer = record({ userId: 'u9', familyId: 'fd', familyExpiresAt: T + 120_000 });
    await expectCode(store.saveRefreshToken(newcomer), 'ERR_STORE_UNAVAILABLE');
    expect(await store.findRefreshToken(newcomer.digest)).toBeNull();
    for (const each of families) {
      expect(await store.isFamilyRevoked(each.familyId, T)).toBe(false);
      expect(await store.findRefreshToken(each.digest)).not.toBeNull();
    }
    expect(store.size()).toMatchObject({ indexedFamilies: 3, revokedFamilies: 0 });
  });

  // Reproduction: indexFamily swept the whole store on every new family while the index was full.
  it("while the index is full, sweeps at most once per second of the callers' clock, not once per login", async () => {
    const store = createMemoryStore({ maxEntries: 3 });
    await store.saveRefreshToken(record({ userId: 'a', familyId: 'soon', expiresAt: T + 10 }));
    await store.saveRefreshToken(record({ userId: 'b', familyId: 'later', expiresAt: T + 30 }));
    await store.saveRefreshToken(record({ userId: 'c', familyId: 'live', expiresAt: T + 60_000 }));
    await store.isFamilyRevoked('x', T + 20); // the store learns the time
    await store.saveRefreshToken(record({ userId: 'd', familyId: 'd1', expiresAt: T + 60_000 })); // sweeps: 'soon' goes
    await store.isFamilyRevoked('x', T + 40);
    // 'later' has expired too, but the last sweep was 20 ms ago (of the callers' clock): no sweep.
    await expectCode(store.saveRefreshToken(record({ userId: 'e', familyId: 'e1', expiresAt: T + 60_000 })), 'ERR_STORE_UNAVAILABLE');
    await store.isFamilyRevoked('x', T + 1_020);
    await store.saveRefreshToken(record({ userId: 'e', familyId: 'e1', expiresAt: T + 60_000 }));
    expect(store.size().indexedFamilies).toBe(3);
  });

  it('logins against a full index of 100 000 sessions cost no sweep each (measured)', async () => {
    const store = createMemoryStore({ maxEntries: 100_000 });
    for (let n = 0; n < 100_000; n++) {
      await store.saveRefreshToken(record({ userId: `u${n % 5_000}`, familyId: `f${n}`, expiresAt: T + 600_000 }));
    }
    await store.isFamilyRevoked('x', T);
    const logins = 200;
    const started = performance.now();
    for (let n = 0; n < logins; n++) {
      await store.saveRefreshToken(record({ userId: 'flood', familyId: `flood${n}`, expiresAt: T + 600_000 })).catch(() => undefined);
    }
    const perLoginMs = (performance.now() - started) / logins;
    // One full sweep of this store takes tens of ms; a login against it must cost far less.
    expect(perLoginMs).toBeLessThan(2);
  }, 60_000);

  it('purges expired sessions from the index', async () => {
    const store = createMemoryStore();
    await store.saveRefreshToken(record({ familyId: 'short', expiresAt: T + 10 }));
    await store.saveRefreshToken(record({ familyId: 'long', expiresAt: T + 10, familyExpiresAt: T + 60_000 }));
    store.purge(T + 20);
    expect(store.size().indexedFamilies).toBe(1);
    expect(await store.revokeFamiliesOfUser('u1', T + 20)).toBe(1);
    expect(await store.isFamilyRevoked('long', T + 59_999)).toBe(true);
  });

  it('purges expired records before evicting anything', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    const old = record({ expiresAt: T + 10 });
    const live = record({ expiresAt: T + 60_000 });
    await store.saveRefreshToken(old);
    await store.saveRefreshToken(live);
    await store.isFamilyRevoked('nothing', T + 20); // the store learns the time
    const next = record();
    await store.saveRefreshToken(next);
    expect(await store.findRefreshToken(old.digest)).toBeNull();
    expect(await store.findRefreshToken(live.digest)).not.toBeNull();
    expect(await store.findRefreshToken(next.digest)).not.toBeNull();
  });

  it('refuses a new revocation when full of live ones, rather than forgetting one (fail closed)', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    await store.revokeFamily('f1', T + 60_000);
    await store.revokeFamily('f2', T + 60_000);
    await expectCode(store.revokeFamily('f3', T + 60_000), 'ERR_STORE_UNAVAILABLE');
    await store.revokeFamily('f1', T + 120_000); // extending an existing one needs no room
    expect(await store.isFamilyRevoked('f1', T + 90_000)).toBe(true);

    const tokens = createMemoryStore({ maxEntries: 2 });
    await tokens.revokeAccessToken('j1', T + 60_000);
    await tokens.revokeAccessToken('j2', T + 60_000);
    await expectCode(tokens.revokeAccessToken('j3', T + 60_000), 'ERR_STORE_UNAVAILABLE');
    expect(await tokens.isAccessTokenRevoked('j1', T)).toBe(true);
    // Once they expire, there is room again.
    tokens.purge(T + 60_000);
    await tokens.revokeAccessToken('j3', T + 120_000);
    expect(await tokens.isAccessTokenRevoked('j3', T + 70_000)).toBe(true);
  });

  it('refuses a new API key when full', async () => {
    const store = createMemoryStore({ maxEntries: 1 });
    await store.saveApiKey({ digest: digest(), id: 'k1', userId: 'u', scopes: ['bot'], createdAt: T });
    await expectCode(store.saveApiKey({ digest: digest(), id: 'k2', userId: 'u', scopes: ['bot'], createdAt: T }), 'ERR_STORE_UNAVAILABLE');
    expect(await store.deleteApiKey('k1')).toBe(true);
    await store.saveApiKey({ digest: digest(), id: 'k2', userId: 'u', scopes: ['bot'], createdAt: T });
  });

  it('evicts the oldest throttle counters when full', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    await store.hit('a', 60_000, T);
    await store.hit('b', 60_000, T);
    await store.hit('c', 60_000, T);
    expect(await store.peek('a', T)).toBeNull();
    expect(await store.peek('c', T)).toEqual({ count: 1, resetAt: T + 60_000 });
  });

  it('returns copies: a caller cannot change a stored record', async () => {
    const store = createMemoryStore();
    const key = { digest: digest(), id: 'k1', userId: 'u', scopes: ['bot'], createdAt: T };
    await store.saveApiKey(key);
    key.scopes.push('admin');
    const found = await store.findApiKey(key.digest);
    expect(found?.scopes).toEqual(['bot']);
    expect(Object.isFrozen(found?.scopes)).toBe(true);
  });

  it('sweeps expired records as it goes, without timers', async () => {
    const store = createMemoryStore();
    for (let n = 0; n < 999; n++) await store.revokeAccessToken(`j${n}`, T + 10);
    await store.isAccessTokenRevoked('x', T + 20);
    await store.revokeAccessToken('last', T + 60_000); // the 1000th write sweeps
    expect(store.size().revokedAccessTokens).toBe(1);
  });
});
