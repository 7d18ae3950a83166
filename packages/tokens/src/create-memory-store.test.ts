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
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.rotateRefreshToken(first.digest, record({ digest: digest() }), T)),
    );
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

  it('when the session index is full, revokes and drops the oldest indexed session (it ends early, never escapes)', async () => {
    const store = createMemoryStore({ maxEntries: 3 });
    const families = ['fa', 'fb', 'fc', 'fd'].map((familyId) => record({ familyId, familyExpiresAt: T + 120_000 }));
    for (const each of families) await store.saveRefreshToken(each);
    expect(store.size().indexedFamilies).toBe(3);
    expect(await store.isFamilyRevoked('fa', T + 119_999)).toBe(true);
    expect(store.size().revokedFamilies).toBe(1);
    expect(await store.revokeFamiliesOfUser('u1', T, { except: 'fd' })).toBe(2);
    for (const familyId of ['fb', 'fc']) expect(await store.isFamilyRevoked(familyId, T + 119_999)).toBe(true);
    expect(await store.isFamilyRevoked('fd', T)).toBe(false);
    expect(store.size().indexedFamilies).toBe(1);
  });

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
