import { isScopeladderError } from '@scopeladder/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTokenStoreContract, randomDigest } from '@scopeladder/testing/store-contract';
import { createRedisStore, type RedisTokenStore } from './index.js';
import { TEST_REDIS_URL, deleteKeys, freePort, listKeys, startRedisServer, uniquePrefix } from '../../../test/support/redis.js';
import { settledAfterWrites } from '../../../test/support/redis-view.js';

const HOUR = 3_600_000;
const GRACE = 60_000;
const runPrefix = uniquePrefix('store');

// Two connections: two "server instances" sharing one Redis.
const clientA = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
const clientB = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

beforeAll(async () => {
  // No Redis → these reject and every test fails: a missing Redis is a failure, not a skip.
  await clientA.connect();
  await clientB.connect();
});

afterAll(async () => {
  await deleteKeys(clientA, runPrefix);
  await clientA.quit();
  await clientB.quit();
});

/**
 * The contract reads on one instance right after a write on the other: with the local view (on by
 * default) that holds once both views applied the write (`syncView`), within the view's bound.
 */
let fixtureCount = 0;
describeTokenStoreContract('@scopeladder/redis (local view on, the default)', async () => {
  fixtureCount += 1;
  const prefix = `${runPrefix}${fixtureCount}:`;
  const store = createRedisStore({ client: clientA, prefix });
  const peer = createRedisStore({ client: clientB, prefix });
  const syncBoth = (): Promise<unknown> => Promise.all([store.syncView(), peer.syncView()]);
  return {
    store: settledAfterWrites(store, syncBoth),
    peer: settledAfterWrites(peer, syncBoth),
    async cleanup() {
      await store.close();
      await peer.close();
      await deleteKeys(clientA, prefix);
    },
  };
});

describeTokenStoreContract('@scopeladder/redis (local view off)', async () => {
  fixtureCount += 1;
  const prefix = `${runPrefix}${fixtureCount}:`;
  const store = createRedisStore({ client: clientA, prefix, localView: false });
  const peer = createRedisStore({ client: clientB, prefix, localView: false });
  return {
    store,
    peer,
    async cleanup() {
      await store.close();
      await peer.close();
      await deleteKeys(clientA, prefix);
    },
  };
});

function storeWith(label: string): RedisTokenStore {
  return createRedisStore({ client: clientA, prefix: `${runPrefix}${label}:` });
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isScopeladderError(error) && error.code).toBe(code);
}

describe('createRedisStore options', () => {
  it('needs exactly one of client or url', () => {
    expect(() => createRedisStore({})).toThrow(TypeError);
    expect(() => createRedisStore({ client: clientA, url: TEST_REDIS_URL })).toThrow(TypeError);
  });

  it('rejects a client that is not ioredis, a bad url, a bad prefix or bad durations', () => {
    expect(() => createRedisStore({ client: {} as Redis })).toThrow(TypeError);
    expect(() => createRedisStore({ url: 'http://127.0.0.1:6379' })).toThrow(TypeError);
    expect(() => createRedisStore({ client: clientA, prefix: '' })).toThrow(TypeError);
    expect(() => createRedisStore({ client: clientA, prefix: 'has space:' })).toThrow(TypeError);
    expect(() => createRedisStore({ client: clientA, commandTimeoutMs: 0 })).toThrow(TypeError);
    expect(() => createRedisStore({ client: clientA, expiryGraceMs: -1 })).toThrow(TypeError);
  });

  it('defaults the prefix to "scopeladder:"', () => {
    expect(createRedisStore({ client: clientA }).prefix).toBe('scopeladder:');
  });

  it('rejects misuse of methods with TypeError before any round trip', async () => {
    const store = storeWith('misuse');
    await expect(store.findApiKey('')).rejects.toThrow(TypeError);
    await expect(store.hit('k', 0, Date.now())).rejects.toThrow(TypeError);
    await expect(store.isFamilyRevoked('f', Number.NaN)).rejects.toThrow(TypeError);
    const digest = randomDigest();
    await expect(store.rotateRefreshToken(digest, { digest, userId: 'u', familyId: 'f', expiresAt: Date.now() + HOUR }, Date.now())).rejects.toThrow(
      TypeError,
    );
  });
});

/** The keys of API keys (no TTL): `ak:<digest>`, `akid:<id>`, `{u:<userId>}:aku`. */
const API_KEY_KEY = /^(ak:|akid:|\{u:[^}]*\}:aku$)/;

describe('Redis layout', () => {
  it('isolates stores by prefix', async () => {
    const a = storeWith('iso-a');
    const b = storeWith('iso-b');
    const now = Date.now();
    const token = { digest: randomDigest(), userId: 'u1', familyId: 'f1', expiresAt: now + HOUR };
    await a.saveRefreshToken(token);
    await a.revokeFamily('f2', now + HOUR);
    await a.revokeAccessToken('j1', now + HOUR);
    const key = { digest: randomDigest(), id: 'k1', userId: 'bot1', scopes: ['bot'], createdAt: now };
    await a.saveApiKey(key);
    await a.hit('login:x', 60_000, now);

    expect(await b.findRefreshToken(token.digest)).toBeNull();
    expect(await b.rotateRefreshToken(token.digest, { ...token, digest: randomDigest() }, now)).toEqual({ status: 'not_found' });
    expect(await b.isFamilyRevoked('f2', now)).toBe(false);
    expect(await b.isAccessTokenRevoked('j1', now)).toBe(false);
    expect(await b.findApiKey(key.digest)).toBeNull();
    expect(await b.listApiKeysOfUser('bot1')).toEqual([]);
    expect(await b.deleteApiKeysOfUser('bot1')).toBe(0);
    expect(await b.peek('login:x', now)).toBeNull();
    // …and a's state is intact.
    expect(await a.findApiKey(key.digest)).toEqual(key);
    expect(await a.peek('login:x', now)).toEqual({ count: 1, resetAt: now + 60_000 });
  });

  it('puts a TTL of expiresAt + grace on every key except API keys', async () => {
    const prefix = `${runPrefix}ttl:`;
    const store = createRedisStore({ client: clientA, prefix, expiryGraceMs: GRACE });
    const now = Date.now();
    const token = { digest: randomDigest(), userId: 'u1', familyId: 'fam1', expiresAt: now + HOUR };
    await store.saveRefreshToken(token);
    const next = { ...token, digest: randomDigest(), expiresAt: now + 2 * HOUR };
    await store.rotateRefreshToken(token.digest, next, now);
    await store.rotateRefreshToken(token.digest, { ...token, digest: randomDigest(), expiresAt: now + 3 * HOUR }, now);
    await store.revokeAccessToken('jti1', now + HOUR);
    await store.hit('login:y', 60_000, now);
    await store.saveApiKey({ digest: randomDigest(), id: 'key1', userId: 'bot1', scopes: ['bot'], createdAt: now });

    const expected: Record<string, number> = {
      // The lookup copies, and the tokens in their family's slot.
      [`${prefix}rt:${token.digest}`]: now + HOUR + GRACE,
      [`${prefix}rt:${next.digest}`]: now + 2 * HOUR + GRACE,
      [`${prefix}{f:fam1}:rt:${token.digest}`]: now + HOUR + GRACE,
      [`${prefix}{f:fam1}:rt:${next.digest}`]: now + 2 * HOUR + GRACE,
      // Reuse revoked the family until max(next.expiresAt, old.expiresAt).
      [`${prefix}{f:fam1}:fam`]: now + 3 * HOUR + GRACE,
      [`${prefix}jti:jti1`]: now + HOUR + GRACE,
      [`${prefix}hit:login:y`]: Date.now() + 60_000 + GRACE,
      // The session index lives as long as the longest-lived family in it.
      [`${prefix}{u:u1}:ufam`]: now + 2 * HOUR + GRACE,
      // The credential-event stream (reuse, revocation, key saved): an hour after its newest event.
      [`${prefix}{ev}:events`]: Date.now() + HOUR,
    };
    const keys = await listKeys(clientA, prefix);
    for (const key of keys) {
      const pttl = await clientA.pttl(key);
      if (API_KEY_KEY.test(key.slice(prefix.length))) {
        expect(pttl, key).toBe(-1);
        continue;
      }
      const at = expected[key];
      expect(at, key).toBeTypeOf('number');
      // PTTL is relative to Redis' clock: allow a few seconds of test run time.
      expect(Math.abs(Date.now() + pttl - (at ?? 0)), key).toBeLessThan(5_000);
    }
    expect(keys.filter((key) => API_KEY_KEY.test(key.slice(prefix.length)))).toHaveLength(3);
    expect(keys).toHaveLength(12);
  });

  it('keeps the session index small: ended and expired families leave it, and the key goes with the last', async () => {
    const prefix = `${runPrefix}ufam:`;
    const store = createRedisStore({ client: clientA, prefix, expiryGraceMs: GRACE });
    const now = Date.now();
    const live = { digest: randomDigest(), userId: 'u2', familyId: 'live', expiresAt: now + 2 * HOUR };
    const expiring = { digest: randomDigest(), userId: 'u2', familyId: 'expiring', expiresAt: now + HOUR };
    await store.saveRefreshToken(live);
    await store.saveRefreshToken(expiring);
    expect(await clientA.zrange(`${prefix}{u:u2}:ufam`, 0, -1, 'WITHSCORES')).toEqual([
      'expiring',
      String(now + HOUR),
      'live',
      String(now + 2 * HOUR),
    ]);
    // A rotation after the other family expired trims it.
    await store.rotateRefreshToken(live.digest, { ...live, digest: randomDigest(), expiresAt: now + 3 * HOUR }, now + HOUR);
    expect(await clientA.zrange(`${prefix}{u:u2}:ufam`, 0, -1, 'WITHSCORES')).toEqual(['live', String(now + 3 * HOUR)]);
    expect(await store.revokeFamiliesOfUser('u2', now + HOUR)).toBe(1);
    expect(await clientA.exists(`${prefix}{u:u2}:ufam`)).toBe(0);
    await deleteKeys(clientA, prefix);
  });

  // Reproduction (security review of issue #11 item 3): `ufam:<id>` grew by one member per login,
  // expired members stayed, and revokeFamiliesOfUser looped over all of them in one script.
  it("caps a user's session index at maxSessionsPerUser and trims expired members on save", async () => {
    const prefix = `${runPrefix}ufam-cap:`;
    const store = createRedisStore({ client: clientA, prefix, expiryGraceMs: GRACE, maxSessionsPerUser: 5 });
    const now = Date.now();
    // Expired (by Redis' own clock, past the grace too): trimmed by the next save.
    for (let n = 0; n < 3; n += 1) {
      await store.saveRefreshToken({ digest: randomDigest(), userId: 'u3', familyId: `old${n}`, expiresAt: now - 2 * GRACE });
    }
    await store.saveRefreshToken({ digest: randomDigest(), userId: 'u3', familyId: 'first', expiresAt: now + HOUR });
    expect(await clientA.zrange(`${prefix}{u:u3}:ufam`, 0, -1)).toEqual(['first']);
    for (let n = 0; n < 40; n += 1) {
      await store.saveRefreshToken({ digest: randomDigest(), userId: 'u3', familyId: `f${n}`, expiresAt: now + HOUR + n });
      expect(await clientA.zcard(`${prefix}{u:u3}:ufam`)).toBeLessThanOrEqual(5);
    }
    expect(await clientA.zrange(`${prefix}{u:u3}:ufam`, 0, -1)).toEqual(['f35', 'f36', 'f37', 'f38', 'f39']);
    expect(await store.isFamilyRevoked('first', now)).toBe(true);
    expect(await store.isFamilyRevoked('f34', now)).toBe(true);
    expect(await store.revokeFamiliesOfUser('u3', now)).toBe(5);
    // Every ended family was revoked, so none is left to repair.
    expect(await clientA.exists(`${prefix}{u:u3}:uend`)).toBe(0);
    await deleteKeys(clientA, prefix);
  });

  it('bounds the work of revokeFamiliesOfUser by the cap, whatever the number of logins', async () => {
    const prefix = `${runPrefix}ufam-bound:`;
    // 2000 logins at once, each a few round trips (index, token, revocation beyond the cap): a
    // bound on work, not on latency, so a loaded machine gets time.
    const store = createRedisStore({ client: clientA, prefix, expiryGraceMs: GRACE, commandTimeoutMs: 15_000 });
    const now = Date.now();
    const logins = 2_000;
    const pipeline = Array.from({ length: logins }, (_, n) =>
      store.saveRefreshToken({ digest: randomDigest(), userId: 'flood', familyId: `f${n}`, expiresAt: now + HOUR + n }),
    );
    await Promise.all(pipeline);
    expect(await clientA.zcard(`${prefix}{u:flood}:ufam`)).toBe(100);
    // Each of the 1900 families beyond the cap was revoked by the login that ended it.
    expect(await clientA.exists(`${prefix}{u:flood}:uend`)).toBe(0);
    expect(await store.isFamilyRevoked('f0', now)).toBe(true);
    expect(await store.revokeFamiliesOfUser('flood', now)).toBe(100);
    await deleteKeys(clientA, prefix);
  });

  it('warns when Redis may evict keys (maxmemory-policy other than noeviction), and not when CONFIG is refused', async () => {
    expect(await storeWith('policy').checkEvictionPolicy()).toEqual({ policy: 'noeviction', warning: null });
    const server = await startRedisServer(await freePort());
    const admin = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    const clients: Redis[] = [admin];
    try {
      await admin.connect();
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const lru = createRedisStore({ url: server.url });
      const check = await lru.checkEvictionPolicy();
      await lru.close();
      expect(check.policy).toBe('allkeys-lru');
      expect(check.warning).toMatch(/allkeys-lru.*noeviction/);
      // A user without CONFIG (as on managed Redis): no answer, no warning, no failure.
      await admin.call('ACL', 'SETUSER', 'limited', 'on', '>limited-pass', '~*', '&*', '+@all', '-config');
      const limited = createRedisStore({ url: `redis://limited:limited-pass@127.0.0.1:${server.port}` });
      expect(await limited.checkEvictionPolicy()).toEqual({ policy: null, warning: null });
      expect(await limited.ping()).toBe(true);
      await limited.close();
    } finally {
      for (const client of clients) client.disconnect();
      await server.kill();
    }
  });

  it('validates maxSessionsPerUser', () => {
    expect(() => createRedisStore({ client: clientA, maxSessionsPerUser: 0 })).toThrow(TypeError);
    expect(() => createRedisStore({ client: clientA, maxSessionsPerUser: 1.5 })).toThrow(TypeError);
    expect(() => createRedisStore({ client: clientA, maxSessionsPerUser: 100_001 })).toThrow(TypeError);
  });

  it('checks revokeFamiliesOfUser arguments before any round trip', async () => {
    const store = storeWith('misuse-ufam');
    await expect(store.revokeFamiliesOfUser('', Date.now())).rejects.toThrow(TypeError);
    await expect(store.revokeFamiliesOfUser('u', Number.NaN)).rejects.toThrow(TypeError);
    await expect(store.revokeFamiliesOfUser('u', Date.now(), { except: '' })).rejects.toThrow(TypeError);
    await expect(
      store.saveRefreshToken({ digest: randomDigest(), userId: 'u', familyId: 'f', expiresAt: Date.now(), familyExpiresAt: Number.NaN }),
    ).rejects.toThrow(TypeError);
  });

  it('bases the throttle TTL on the caller’s now, so a fake clock cannot make a counter vanish', async () => {
    const prefix = `${runPrefix}fake-now:`;
    const store = createRedisStore({ client: clientA, prefix, expiryGraceMs: GRACE });
    const longAgo = 1_000_000;
    await store.hit('k', 60_000, longAgo);
    expect(await store.peek('k', longAgo + 1)).toEqual({ count: 1, resetAt: longAgo + 60_000 });
    const pttl = await clientA.pttl(`${prefix}hit:k`);
    expect(pttl).toBeGreaterThan(60_000 + GRACE - 5_000);
  });

  it('leaves no key behind when API keys are deleted', async () => {
    const prefix = `${runPrefix}growth:`;
    const store = createRedisStore({ client: clientA, prefix });
    const now = Date.now();
    for (let i = 0; i < 5; i += 1) {
      await store.saveApiKey({ digest: randomDigest(), id: `a${i}`, userId: 'botA', scopes: ['bot'], createdAt: now });
    }
    await store.saveApiKey({ digest: randomDigest(), id: 'b0', userId: 'botB', scopes: ['bot'], createdAt: now });
    expect(await store.deleteApiKeysOfUser('botA')).toBe(5);
    expect(await store.deleteApiKey('b0')).toBe(true);
    // Only the credential-event stream, which expires by itself (eventRetentionMs).
    expect(await listKeys(clientA, prefix)).toEqual([`${prefix}{ev}:events`]);
    expect(await clientA.pttl(`${prefix}{ev}:events`)).toBeGreaterThan(0);
  });

  it('re-saving a key id with a new digest replaces the old key and keeps the indexes exact', async () => {
    const prefix = `${runPrefix}resave:`;
    const store = createRedisStore({ client: clientA, prefix });
    const now = Date.now();
    const first = { digest: randomDigest(), id: 'k', userId: 'botA', scopes: ['bot'], createdAt: now };
    const second = { ...first, digest: randomDigest(), userId: 'botB', createdAt: now + 1 };
    await store.saveApiKey(first);
    await store.saveApiKey(second);
    expect(await store.findApiKey(first.digest)).toBeNull();
    expect(await store.findApiKey(second.digest)).toEqual(second);
    expect(await store.listApiKeysOfUser('botA')).toEqual([]);
    expect(await store.listApiKeysOfUser('botB')).toEqual([second]);
    expect(await store.deleteApiKey('k')).toBe(true);
    expect(await listKeys(clientA, prefix)).toEqual([`${prefix}{ev}:events`]);
  });

  it('keeps a spent token’s own TTL when it is rotated', async () => {
    const prefix = `${runPrefix}spent-ttl:`;
    const store = createRedisStore({ client: clientA, prefix, expiryGraceMs: 0 });
    const now = Date.now();
    const token = { digest: randomDigest(), userId: 'u', familyId: 'f', expiresAt: now + HOUR };
    await store.saveRefreshToken(token);
    await store.rotateRefreshToken(token.digest, { ...token, digest: randomDigest(), expiresAt: now + 5 * HOUR }, now);
    const pttl = await clientA.pttl(`${prefix}{f:f}:rt:${token.digest}`);
    expect(Math.abs(Date.now() + pttl - token.expiresAt)).toBeLessThan(5_000);
    expect(await clientA.hget(`${prefix}{f:f}:rt:${token.digest}`, 's')).toBe('1');
  });
});

describe('Redis behaviour', () => {
  it('reloads its scripts after the server lost them (SCRIPT FLUSH, restart)', async () => {
    const store = storeWith('noscript');
    const now = Date.now();
    const token = { digest: randomDigest(), userId: 'u', familyId: 'f', expiresAt: now + HOUR };
    await store.saveRefreshToken(token);
    await clientA.script('FLUSH');
    const next = { ...token, digest: randomDigest() };
    expect(await store.rotateRefreshToken(token.digest, next, now)).toEqual({ status: 'rotated', record: token });
  });

  it('answers ERR_INTERNAL (not unavailable) for a foreign value under its prefix', async () => {
    const prefix = `${runPrefix}corrupt:`;
    const store = createRedisStore({ client: clientA, prefix });
    const digest = randomDigest();
    await clientA.hset(`${prefix}ak:${digest}`, 'id', 'k', 'u', 'bot', 'sc', 'not json', 'c', '1');
    await expectCode(store.findApiKey(digest), 'ERR_INTERNAL');
    const wrongType = randomDigest();
    await clientA.set(`${prefix}rt:${wrongType}`, 'a string, not a hash');
    await clientA.set(`${prefix}{f:f}:rt:${wrongType}`, 'a string, not a hash');
    await expectCode(store.findRefreshToken(wrongType), 'ERR_INTERNAL');
    await expectCode(
      store.rotateRefreshToken(wrongType, { digest: randomDigest(), userId: 'u', familyId: 'f', expiresAt: Date.now() + HOUR }, Date.now()),
      'ERR_INTERNAL',
    );
  });

  it('treats an unreadable revocation marker as revoked (fail closed)', async () => {
    const prefix = `${runPrefix}marker:`;
    const store = createRedisStore({ client: clientA, prefix });
    await clientA.set(`${prefix}jti:j`, 'garbage');
    expect(await store.isAccessTokenRevoked('j', Date.now())).toBe(true);
  });

  it('with a url, owns its client: works, pings, and close() quits it', async () => {
    const store = createRedisStore({ url: TEST_REDIS_URL, prefix: `${runPrefix}owned:` });
    // The first call waits for the connection to become ready.
    expect(await store.isAccessTokenRevoked('j', Date.now())).toBe(false);
    expect(await store.ping()).toBe(true);
    await store.close();
    await store.close();
    if (store.client.status !== 'end') await new Promise((resolve) => store.client.once('end', resolve));
    expect(store.client.status).toBe('end');
    await expectCode(store.findApiKey(randomDigest()), 'ERR_STORE_UNAVAILABLE');
    expect(await store.ping()).toBe(false);
  });

  it('with a shared client, close() leaves the client open', async () => {
    const store = storeWith('shared');
    await store.close();
    expect(clientA.status).toBe('ready');
    expect(await clientA.ping()).toBe('PONG');
  });

  it('adds no listener per store to a shared client', () => {
    storeWith('listeners-0');
    const before = clientA.listenerCount('ready') + clientA.listenerCount('error');
    for (let i = 1; i <= 20; i += 1) storeWith(`listeners-${i}`);
    expect(clientA.listenerCount('ready') + clientA.listenerCount('error')).toBe(before);
  });

  it('waits for a lazy shared client to connect', async () => {
    const lazy = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    try {
      const store = createRedisStore({ client: lazy, prefix: `${runPrefix}lazy:` });
      expect(await store.peek('k', Date.now())).toBeNull();
      expect(lazy.status).toBe('ready');
    } finally {
      await lazy.quit();
    }
  });
});
