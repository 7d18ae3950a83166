// Tests for mutants of create-redis-store.ts (deleteApiKeysOfUser … close) that survived the redis
// tests (issue "Test strength"): each method's refusal of a bad argument, naming it; the event
// deleteApiKeysOfUser publishes (the user and every digest, as other instances need them) and its
// count; which index entries listApiKeysOfUser lists (only keys that authenticate, as that user's,
// under that id) and its order; peek on a counter missing a field; checkEvictionPolicy on a
// CONFIG reply that is empty or a long foreign value; viewStatus and syncView with the view off;
// syncView waiting for the newest event (held back here) and on a stream that does not exist yet.
// Each fails with its mutant applied.
import { randomBytes } from 'node:crypto';
import { randomDigest } from '@scopeladder/testing/store-contract';
import type { ApiKeyRecord } from '@scopeladder/tokens';
import { Pipeline, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisStoreOptions, type RedisTokenStore } from './index.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from '../../../test/support/redis.js';

const HOUR = 3_600_000;
const runPrefix = uniquePrefix('rsc');
const admin = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
const opened: RedisTokenStore[] = [];

beforeAll(async () => {
  await admin.connect();
});

afterEach(async () => {
  while (opened.length > 0) await opened.pop()?.close();
});

afterAll(async () => {
  await deleteKeys(admin, runPrefix);
  await admin.quit();
});

let count = 0;
function nextPrefix(): string {
  count += 1;
  return `${runPrefix}${count}:`;
}

/** A store on its own connection (URL), closed after the test. */
function open(prefix: string, options: Omit<RedisStoreOptions, 'url' | 'client' | 'prefix'> = {}): RedisTokenStore {
  const store = createRedisStore({ url: TEST_REDIS_URL, prefix, ...options });
  opened.push(store);
  return store;
}

function id(): string {
  return randomBytes(12).toString('hex');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `store`'s view answers (it starts at the first check). */
async function untilFresh(store: RedisTokenStore, timeoutMs = 5000): Promise<void> {
  await store.isAccessTokenRevoked(id(), Date.now());
  const deadline = Date.now() + timeoutMs;
  while (!store.viewStatus().fresh) {
    if (Date.now() > deadline) throw new Error('the view did not become fresh');
    await sleep(5);
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof Error)) throw new Error(`expected a rejection with an Error, got ${String(error)}`);
  return error;
}

/** The newest event on the stream under `prefix`: its id and its JSON (documented layout: field `e`). */
async function newestEvent(prefix: string): Promise<{ id: string; event: unknown }> {
  const [entry] = await admin.xrevrange(`${prefix}{ev}:events`, '+', '-', 'COUNT', 1);
  if (entry === undefined) throw new Error('no event on the stream');
  const [eventId, fields] = entry;
  expect(fields[0]).toBe('e');
  return { id: eventId, event: JSON.parse(String(fields[1])) };
}

function apiKey(userId: string, keyId: string, createdAt: number): ApiKeyRecord {
  return { digest: randomDigest(), id: keyId, userId, scopes: ['bot'], createdAt };
}

describe('each method refuses a bad argument, naming it', () => {
  it.each<[string, (store: RedisTokenStore) => Promise<unknown>, string]>([
    ['deleteApiKeysOfUser', (s) => s.deleteApiKeysOfUser(''), 'userId must be a non-empty string'],
    ['listApiKeysOfUser', (s) => s.listApiKeysOfUser(''), 'userId must be a non-empty string'],
    ['hit', (s) => s.hit('', 1000, 1), 'key must be a non-empty string'],
    ['hit', (s) => s.hit('k', 0, 1), 'windowMs must be a positive number of milliseconds'],
    ['hit', (s) => s.hit('k', 1000, Number.NaN), 'now must be a finite number (epoch milliseconds)'],
    ['peek', (s) => s.peek('', 1), 'key must be a non-empty string'],
    ['peek', (s) => s.peek('k', Number.NaN), 'now must be a finite number (epoch milliseconds)'],
    ['releaseHit', (s) => s.releaseHit('', 1), 'key must be a non-empty string'],
    ['releaseHit', (s) => s.releaseHit('k', Number.NaN), 'resetAt must be a finite number (epoch milliseconds)'],
    ['clearHits', (s) => s.clearHits(''), 'key must be a non-empty string'],
  ])('%s: %s', async (_name, call, message) => {
    const error = await rejectionOf(call(open(nextPrefix(), { localView: false })));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(message);
  });
});

describe('deleteApiKeysOfUser', () => {
  it('publishes the user and every digest of its keys: each instance drops what it remembered about them', async () => {
    const prefix = nextPrefix();
    const a = open(prefix, { localView: { maxLagMs: 10_000 } });
    const b = open(prefix, { localView: { maxLagMs: 10_000 } });
    await untilFresh(a);
    await untilFresh(b);
    const userId = id();
    const first = apiKey(userId, 'k1', 1_000);
    const second = apiKey(userId, 'k2', 2_000);
    await a.saveApiKey(first);
    await a.saveApiKey(second);
    await Promise.all([a.syncView(), b.syncView()]);
    // An answer about one of the user's keys (by digest), and one about the user only (a digest
    // not in its index any more, e.g. remembered before a re-save): both go with the user's keys.
    const elsewhere = randomDigest();
    for (const store of [a, b]) {
      const cache = store.apiKeyCache;
      if (cache === undefined) throw new Error('the view is on: the store has an apiKeyCache');
      const ticket = cache.ticket();
      cache.set(ticket, first.digest, userId, 'first');
      cache.set(ticket, elsewhere, userId, 'elsewhere');
      expect(cache.get(first.digest)).toBe('first');
      expect(cache.get(elsewhere)).toBe('elsewhere');
    }

    expect(await a.deleteApiKeysOfUser(userId)).toBe(2);
    const { event } = await newestEvent(prefix);
    const published = event as { a: string[]; u: string[] };
    expect(Object.keys(published).sort()).toEqual(['a', 'u']);
    expect([...published.a].sort()).toEqual([first.digest, second.digest].sort());
    expect(published.u).toEqual([userId]);

    await b.syncView();
    for (const store of [a, b]) {
      expect(store.apiKeyCache?.get(first.digest)).toBeUndefined();
      expect(store.apiKeyCache?.get(elsewhere)).toBeUndefined();
    }
    expect(await a.listApiKeysOfUser(userId)).toEqual([]);
  });

  it('counts only the keys it deleted: an index entry whose key is gone (a call failed halfway) is cleaned, not counted', async () => {
    const prefix = nextPrefix();
    const store = open(prefix, { localView: false });
    const userId = id();
    const key = apiKey(userId, 'k-live', 1_000);
    await store.saveApiKey(key);
    await admin.hset(`${prefix}{u:${userId}}:aku`, 'k-ghost', randomDigest());
    expect(await store.deleteApiKeysOfUser(userId)).toBe(1);
    expect(await admin.exists(`${prefix}{u:${userId}}:aku`, `${prefix}ak:${key.digest}`, `${prefix}akid:k-live`)).toBe(0);
    expect(await store.deleteApiKeysOfUser(userId)).toBe(0);
  });
});

describe('listApiKeysOfUser', () => {
  it('lists only index entries whose key authenticates, as this user’s and under this id', async () => {
    const prefix = nextPrefix();
    const store = open(prefix, { localView: false });
    const [userId, otherUser] = [id(), id()];
    const index = `${prefix}{u:${userId}}:aku`;
    const live = apiKey(userId, 'k-live', 1_000);
    const others = apiKey(otherUser, 'k-other', 1_000);
    await store.saveApiKey(live);
    await store.saveApiKey(others);
    // Index entries left by calls that failed halfway, or foreign ones:
    // another id naming the live key's digest (its record says k-live);
    await admin.hset(index, 'k-alias', live.digest);
    // the other user's key under this user's index;
    await admin.hset(index, 'k-other', others.digest);
    // a record without scopes, and one without createdAt;
    const [noScopes, noCreatedAt, gone] = [randomDigest(), randomDigest(), randomDigest()];
    await admin.hset(`${prefix}ak:${noScopes}`, 'id', 'k-no-scopes', 'u', userId, 'c', '1000');
    await admin.hset(index, 'k-no-scopes', noScopes);
    await admin.hset(`${prefix}ak:${noCreatedAt}`, 'id', 'k-no-created', 'u', userId, 'sc', '["bot"]');
    await admin.hset(index, 'k-no-created', noCreatedAt);
    // a key that is gone.
    await admin.hset(index, 'k-gone', gone);

    expect(await store.listApiKeysOfUser(userId)).toEqual([live]);
    expect(await store.listApiKeysOfUser(otherUser)).toEqual([others]);
  });

  it('orders by createdAt, then by id (code points), whatever the order of the index', async () => {
    const prefix = nextPrefix();
    const store = open(prefix, { localView: false });
    const userId = id();
    // Saved (and so indexed) in this order; ids and createdAt disagree across and within groups.
    const keys = [
      apiKey(userId, 'k-e', 3_000),
      apiKey(userId, 'k-d', 1_000),
      apiKey(userId, 'k-a', 2_000),
      apiKey(userId, 'k-f', 1_000),
      apiKey(userId, 'K-z', 2_000),
      apiKey(userId, 'k-c', 1_000),
      apiKey(userId, 'k-b', 2_000),
    ];
    for (const key of keys) await store.saveApiKey(key);
    const listed = await store.listApiKeysOfUser(userId);
    expect(listed.map((key) => `${key.createdAt}:${key.id}`)).toEqual([
      '1000:k-c',
      '1000:k-d',
      '1000:k-f',
      '2000:K-z',
      '2000:k-a',
      '2000:k-b',
      '3000:k-e',
    ]);
  });
});

describe('peek', () => {
  it('a counter missing its count or its reset is no running window (as for hit, which starts a new one)', async () => {
    const prefix = nextPrefix();
    const store = open(prefix, { localView: false });
    const now = Date.now();
    await admin.hset(`${prefix}hit:only-count`, 'c', '3');
    await admin.hset(`${prefix}hit:only-reset`, 'r', String(now + HOUR));
    expect(await store.peek('only-count', now)).toBeNull();
    expect(await store.peek('only-reset', now)).toBeNull();
    expect(await store.hit('only-count', 1000, now)).toEqual({ count: 1, resetAt: now + 1000 });
    expect(await store.hit('only-reset', 1000, now)).toEqual({ count: 1, resetAt: now + 1000 });
  });
});

describe('checkEvictionPolicy on a CONFIG reply Redis itself never gives', () => {
  // Redis refuses to set an unknown policy and always answers this parameter; a Redis-compatible
  // service or proxy may not. Only that one command's reply is replaced, on a real client.
  async function checkWith(reply: unknown): Promise<ReturnType<RedisTokenStore['checkEvictionPolicy']>> {
    const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    try {
      (client as unknown as { config: () => Promise<unknown> }).config = () => Promise.resolve(reply);
      const store = createRedisStore({ client, prefix: nextPrefix(), localView: false });
      const check = await store.checkEvictionPolicy();
      await store.close();
      return check;
    } finally {
      client.disconnect();
    }
  }

  it('no value for maxmemory-policy (empty reply): policy null, no warning, no throw', async () => {
    expect(await checkWith([])).toEqual({ policy: null, warning: null });
    expect(await checkWith(['maxmemory-policy', 42])).toEqual({ policy: null, warning: null });
  });

  it('a long foreign policy: reported whole, quoted in the warning cut to 40 characters', async () => {
    const policy = `${'x'.repeat(40)}${'y'.repeat(60)}`;
    expect(await checkWith(['maxmemory-policy', policy])).toEqual({
      policy,
      warning:
        `Redis maxmemory-policy is "${'x'.repeat(40)}": when Redis is full it may evict revocations and session ` +
        'indexes and so revive ended sessions; set maxmemory-policy noeviction for the scopeladder store',
    });
  });
});

describe('the local view off', () => {
  it('viewStatus: off, not fresh, nothing held; no apiKeyCache property (a store without it)', () => {
    const store = open(nextPrefix(), { localView: false });
    expect('apiKeyCache' in store).toBe(false);
    expect('apiKeyCache' in open(nextPrefix())).toBe(true);
    expect(store.viewStatus()).toEqual({
      enabled: false,
      fresh: false,
      lastEventId: null,
      entries: { accessTokens: 0, families: 0, apiKeys: 0 },
      resets: 0,
    });
  });

  it('syncView resolves (nothing to wait for), also after events were published', async () => {
    const store = open(nextPrefix(), { localView: false });
    await store.revokeAccessToken(id(), Date.now() + HOUR);
    await expect(store.syncView()).resolves.toBeUndefined();
  });
});

describe('syncView with the view on', () => {
  it('resolves on a prefix whose stream does not exist yet (no event to wait for)', async () => {
    const prefix = nextPrefix();
    const store = open(prefix);
    await untilFresh(store);
    expect(await admin.exists(`${prefix}{ev}:events`)).toBe(0);
    await expect(store.syncView()).resolves.toBeUndefined();
    expect(store.viewStatus()).toMatchObject({ enabled: true, fresh: true, lastEventId: '0-0' });
  });

  it('waits until this instance applied the newest event: not before its stream reads (held back here) deliver it', async () => {
    const prefix = nextPrefix();
    const writer = open(prefix, { localView: false });
    // A bound far above the hold, so the reader stays fresh (and so waits) while its reads are held.
    const reader = open(prefix, { commandTimeoutMs: 5000, localView: { maxLagMs: 10_000 } });
    await writer.revokeAccessToken(id(), Date.now() + HOUR);
    await untilFresh(reader);
    await reader.syncView();

    // The reader's xrevrange (the newest id it will wait for): known when it was answered.
    const client = reader.client as unknown as { sendCommand: (command: { name: string; promise: Promise<unknown> }, ...rest: unknown[]) => unknown };
    const sendCommand = client.sendCommand;
    let asked: Promise<unknown> | undefined;
    client.sendCommand = function (this: unknown, command, ...rest) {
      if (command.name === 'xrevrange') asked = command.promise;
      return sendCommand.call(this, command, ...rest);
    };
    // Every stream read (the view's pipelined XREAD + XINFO) started from now on is held until released.
    const prototype = Pipeline.prototype as unknown as { exec: (...args: unknown[]) => Promise<unknown> };
    const exec = prototype.exec;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held = 0;
    prototype.exec = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      held += 1;
      const replies = await exec.apply(this, args);
      await gate;
      return replies;
    };
    try {
      const deadline = Date.now() + 3000;
      while (held === 0) {
        expect(Date.now()).toBeLessThanOrEqual(deadline);
        await sleep(5);
      }
      await writer.revokeAccessToken(id(), Date.now() + HOUR);
      const newest = await newestEvent(prefix);
      expect(reader.viewStatus().lastEventId).not.toBe(newest.id);
      let synced = false;
      const sync = reader.syncView().then(() => {
        synced = true;
      });
      while (asked === undefined) {
        expect(Date.now()).toBeLessThanOrEqual(deadline);
        await sleep(1);
      }
      await asked;
      await sleep(50);
      expect(synced).toBe(false);
      release();
      await sync;
      expect(reader.viewStatus().lastEventId).toBe(newest.id);
    } finally {
      release();
      prototype.exec = exec;
      client.sendCommand = sendCommand;
    }
  });
});
