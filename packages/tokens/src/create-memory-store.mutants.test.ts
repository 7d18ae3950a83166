// Tests for mutants of create-memory-store.ts that survived the store's own tests and the store
// contract suite (issue "Test strength"). Each fails with its mutant applied. See docs/testing.md,
// "tokens: packages/tokens/src/create-memory-store.ts" (the equivalent mutants are listed there).
// Only the public store methods, `createMemoryStore` options and `size()` are used; times are
// the `now` arguments (the store has no clock of its own).
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './create-memory-store.js';
import type { ApiKeyRecord, RefreshTokenRecord } from './store.js';
import { expectCode } from './test-fixtures.js';

const T = 1_000_000;
let serial = 0;
const record = (overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => {
  serial += 1;
  return { digest: `digest-${String(serial)}`, userId: 'u1', familyId: 'f1', expiresAt: T + 60_000, ...overrides };
};
const apiKey = (overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  digest: 'key-digest-1',
  id: 'key-1',
  userId: 'u1',
  scopes: ['read'],
  createdAt: T,
  ...overrides,
});

async function expectFull(promise: Promise<unknown>): Promise<void> {
  const error = await expectCode(promise, 'ERR_STORE_UNAVAILABLE');
  expect(error.message).toBe('The token store is full');
}

describe('createMemoryStore: option checks', () => {
  it.each([null, 5, 'big', true])('refuses options %j with the exact TypeError', (options) => {
    expect(() => createMemoryStore(options as never)).toThrow(new TypeError('options must be an object'));
  });
});

describe('createMemoryStore: every argument check names its argument', () => {
  const store = createMemoryStore();
  const text = (name: string) => new TypeError(`${name} must be a non-empty string`);
  const time = (name: string) => new TypeError(`${name} must be a finite number (epoch milliseconds)`);
  it.each([
    ['saveRefreshToken', () => store.saveRefreshToken({ ...record(), digest: '' }), text('record.digest')],
    ['findRefreshToken', () => store.findRefreshToken(''), text('digest')],
    ['revokeFamily (id)', () => store.revokeFamily('', T), text('familyId')],
    ['revokeFamily (time)', () => store.revokeFamily('f1', Number.NaN), time('expiresAt')],
    ['isFamilyRevoked (id)', () => store.isFamilyRevoked('', T), text('familyId')],
    ['isFamilyRevoked (time)', () => store.isFamilyRevoked('f1', Number.POSITIVE_INFINITY), time('now')],
    ['revokeFamiliesOfUser (id)', () => store.revokeFamiliesOfUser('', T), text('userId')],
    ['revokeFamiliesOfUser (time)', () => store.revokeFamiliesOfUser('u1', Number.NaN), time('now')],
    ['revokeAccessToken (id)', () => store.revokeAccessToken('', T), text('jti')],
    ['revokeAccessToken (time)', () => store.revokeAccessToken('j1', Number.NaN), time('expiresAt')],
    ['isAccessTokenRevoked (id)', () => store.isAccessTokenRevoked('', T), text('jti')],
    ['isAccessTokenRevoked (time)', () => store.isAccessTokenRevoked('j1', Number.NaN), time('now')],
    ['saveApiKey', () => store.saveApiKey({ ...apiKey(), id: '' }), text('record.id')],
    ['findApiKey', () => store.findApiKey(''), text('digest')],
    ['deleteApiKey', () => store.deleteApiKey(''), text('id')],
    ['deleteApiKeysOfUser', () => store.deleteApiKeysOfUser(''), text('userId')],
    ['listApiKeysOfUser', () => store.listApiKeysOfUser(''), text('userId')],
    ['hit (key)', () => store.hit('', 1_000, T), text('key')],
    ['hit (window)', () => store.hit('k', 0, T), new TypeError('windowMs must be a positive number of milliseconds')],
    ['hit (time)', () => store.hit('k', 1_000, Number.NaN), time('now')],
    ['peek (key)', () => store.peek('', T), text('key')],
    ['peek (time)', () => store.peek('k', Number.NaN), time('now')],
    ['releaseHit (key)', () => store.releaseHit('', T), text('key')],
    ['releaseHit (time)', () => store.releaseHit('k', Number.NaN), time('resetAt')],
    ['clearHits', () => store.clearHits(''), text('key')],
  ] as const)('%s', async (_name, call, error) => {
    await expect(call()).rejects.toThrow(error);
  });
});

describe('createMemoryStore: the clock it sweeps by', () => {
  it('purge refuses a `now` that is not a finite number, like every other method: live revocations stay', async () => {
    const store = createMemoryStore({ maxEntries: 1 });
    await store.revokeAccessToken('j1', T + 60_000);
    for (const now of [Number.POSITIVE_INFINITY, Number.NaN, '5' as never]) {
      expect(() => store.purge(now)).toThrow(new TypeError('now must be a finite number (epoch milliseconds)'));
    }
    // Nothing was dropped, and the next sweep (the store is full) does not drop the live revocation either.
    await expectFull(store.revokeAccessToken('j2', T + 60_000));
    expect(await store.isAccessTokenRevoked('j1', T)).toBe(true);
  });

  it('sweeps by the latest `now` seen, not by an older one seen after it', async () => {
    const store = createMemoryStore({ maxEntries: 1 });
    await store.revokeAccessToken('j1', T + 10);
    expect(await store.isAccessTokenRevoked('j1', T + 5_000)).toBe(false);
    expect(await store.isAccessTokenRevoked('j1', T)).toBe(true);
    // Full: the sweep at T + 5 000 drops the expired revocation and makes room.
    await store.revokeAccessToken('j2', T + 60_000);
    expect(await store.isAccessTokenRevoked('j2', T + 5_000)).toBe(true);
    expect(store.size().revokedAccessTokens).toBe(1);
  });

  it('a store that is not full does not sweep on a write (only every 1 000 writes or when full)', async () => {
    const store = createMemoryStore({ maxEntries: 10 });
    await store.revokeAccessToken('j1', T + 10);
    await store.saveRefreshToken(record({ familyId: 'fa', expiresAt: T + 10 }));
    expect(await store.isAccessTokenRevoked('j1', T + 5_000)).toBe(false);
    await store.revokeAccessToken('j2', T + 60_000);
    await store.saveRefreshToken(record({ familyId: 'fb', expiresAt: T + 60_000 }));
    expect(store.size()).toMatchObject({ revokedAccessTokens: 2, refreshTokens: 2, indexedFamilies: 2 });
  });
});

describe('createMemoryStore: purge drops exactly what expired at `now`, keeps what is live', () => {
  it('refresh tokens, family revocations, throttle counters and the session index, at and one past the expiry', async () => {
    const store = createMemoryStore();
    const ending = record({ userId: 'u1', familyId: 'fa', expiresAt: T + 10 });
    const live = record({ userId: 'u2', familyId: 'fb', expiresAt: T + 11 });
    await store.saveRefreshToken(ending);
    await store.saveRefreshToken(live);
    await store.revokeFamily('ra', T + 10);
    await store.revokeFamily('rb', T + 11);
    await store.hit('ka', 10, T);
    await store.hit('kb', 11, T);
    store.purge(T + 10);
    expect(store.size()).toMatchObject({ refreshTokens: 1, revokedFamilies: 1, counters: 1, indexedFamilies: 1 });
    expect(await store.findRefreshToken(ending.digest)).toBeNull();
    expect(await store.findRefreshToken(live.digest)).not.toBeNull();
    expect(await store.isFamilyRevoked('rb', T + 10)).toBe(true);
    expect(await store.peek('kb', T + 10)).toEqual({ count: 1, resetAt: T + 11 });
    expect(await store.revokeFamiliesOfUser('u2', T + 10)).toBe(1);
  });
});

describe('createMemoryStore: the per-user session cap', () => {
  it('at the cap, a session whose last credential expires exactly now is dropped for free, not revoked', async () => {
    const store = createMemoryStore({ maxSessionsPerUser: 1 });
    await store.saveRefreshToken(record({ familyId: 'fa', expiresAt: T + 10 }));
    await store.isFamilyRevoked('x', T + 10);
    await store.saveRefreshToken(record({ familyId: 'fb', expiresAt: T + 60_000 }));
    expect(store.size()).toMatchObject({ revokedFamilies: 0, indexedFamilies: 1 });
  });

  it('of two sessions with the same expiry, the first saved is the one the cap ends', async () => {
    const store = createMemoryStore({ maxSessionsPerUser: 2 });
    await store.saveRefreshToken(record({ familyId: 'fa' }));
    await store.saveRefreshToken(record({ familyId: 'fb' }));
    await store.saveRefreshToken(record({ familyId: 'fc' }));
    expect(await store.isFamilyRevoked('fa', T)).toBe(true);
    expect(await store.isFamilyRevoked('fb', T)).toBe(false);
    expect(await store.isFamilyRevoked('fc', T)).toBe(false);
  });

  it('rotating within a session at the cap does not count it as a new session (it is not ended)', async () => {
    const store = createMemoryStore({ maxSessionsPerUser: 1 });
    const first = record();
    const second = record();
    const third = record();
    await store.saveRefreshToken(first);
    expect((await store.rotateRefreshToken(first.digest, second, T)).status).toBe('rotated');
    expect((await store.rotateRefreshToken(second.digest, third, T)).status).toBe('rotated');
    expect(await store.isFamilyRevoked('f1', T)).toBe(false);
    expect(store.size()).toMatchObject({ revokedFamilies: 0, indexedFamilies: 1 });
  });

  it('with the index full, a user at the cap may still log in: the new session replaces their oldest', async () => {
    const store = createMemoryStore({ maxEntries: 1, maxSessionsPerUser: 1 });
    await store.saveRefreshToken(record({ familyId: 'fa' }));
    const next = record({ familyId: 'fb' });
    await store.saveRefreshToken(next);
    expect(await store.findRefreshToken(next.digest)).not.toBeNull();
    expect(await store.isFamilyRevoked('fa', T)).toBe(true);
  });

  it('when the index is full, the refusal of a new session says the store is full', async () => {
    const store = createMemoryStore({ maxEntries: 1 });
    await store.saveRefreshToken(record({ userId: 'u1', familyId: 'fa' }));
    await expectFull(store.saveRefreshToken(record({ userId: 'u2', familyId: 'fb' })));
  });
});

describe('createMemoryStore: records as handed back', () => {
  it('a refresh token saved without organization or scope comes back without those keys', async () => {
    const store = createMemoryStore();
    const saved = record();
    await store.saveRefreshToken(saved);
    const found = await store.findRefreshToken(saved.digest);
    expect(found).not.toBeNull();
    expect(Object.keys(found ?? {}).sort()).toEqual(['digest', 'expiresAt', 'familyId', 'userId']);
  });
});

describe('createMemoryStore: a full store writes over an existing entry without evicting or refusing', () => {
  it('re-saving a stored refresh token evicts no other token', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    const first = record();
    const second = record();
    await store.saveRefreshToken(first);
    await store.saveRefreshToken(second);
    await store.saveRefreshToken(second);
    expect(await store.findRefreshToken(first.digest)).not.toBeNull();
  });

  it('a rotation in a full store evicts the oldest token and stays within maxEntries', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    const first = record();
    const second = record();
    await store.saveRefreshToken(first);
    await store.saveRefreshToken(second);
    const next = record();
    expect((await store.rotateRefreshToken(first.digest, next, T)).status).toBe('rotated');
    expect(store.size().refreshTokens).toBe(2);
    expect(await store.findRefreshToken(first.digest)).toBeNull();
    expect(await store.findRefreshToken(next.digest)).not.toBeNull();
  });

  it('a rotation onto a digest already stored evicts no other token (a replay of the old one is still caught)', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    const first = record();
    const second = record();
    await store.saveRefreshToken(first);
    await store.saveRefreshToken(second);
    expect((await store.rotateRefreshToken(first.digest, { ...second }, T)).status).toBe('rotated');
    expect((await store.rotateRefreshToken(first.digest, record(), T)).status).toBe('reused');
  });

  it('re-revoking a revoked access token extends it', async () => {
    const store = createMemoryStore({ maxEntries: 1 });
    await store.revokeAccessToken('j1', T + 10);
    await store.revokeAccessToken('j1', T + 20);
    expect(await store.isAccessTokenRevoked('j1', T + 15)).toBe(true);
  });

  it('re-saving an API key', async () => {
    const store = createMemoryStore({ maxEntries: 1 });
    await store.saveApiKey(apiKey());
    await store.saveApiKey(apiKey({ scopes: ['read', 'write'] }));
    expect((await store.findApiKey('key-digest-1'))?.scopes).toEqual(['read', 'write']);
  });

  it('renewing an expired throttle counter evicts no other counter', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    await store.hit('x', 60_000, T);
    await store.hit('y', 60_000, T);
    await store.hit('z', 10, T); // full: sweeps at T (nothing expired), evicts x
    await store.hit('z', 10, T + 20); // z expired; no sweep within a second of the last
    expect(await store.peek('y', T + 20)).toEqual({ count: 1, resetAt: T + 60_000 });
  });
});

describe('createMemoryStore: API key ids are unique', () => {
  it('refuses a second key with the same id and another digest', async () => {
    const store = createMemoryStore();
    await store.saveApiKey(apiKey());
    const error = await expectCode(store.saveApiKey(apiKey({ digest: 'key-digest-2' })), 'ERR_INTERNAL');
    expect(error.message).toBe('Duplicate API key id');
    expect(await store.findApiKey('key-digest-2')).toBeNull();
    expect(await store.findApiKey('key-digest-1')).not.toBeNull();
  });
});
