/**
 * Mutation-test survivors of create-redis-store.ts, lines 500–599 (issue #19): argument names in
 * the refusals, ending every session of a user, the count on a `stringNumbers` client, and the API
 * keys: re-saves (same id, same digest, another digest, another user), a digest taken over by
 * another key, incomplete records, and which answers the local view drops, when, and what the
 * credential-event stream carries.
 */
import { randomBytes } from 'node:crypto';
import { isScopeladderError } from '@scopeladder/core';
import { randomDigest } from '@scopeladder/testing/store-contract';
import type { ApiKeyCache, ApiKeyRecord } from '@scopeladder/tokens';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisStoreOptions, type RedisTokenStore } from './index.js';
import { DELETE_API_KEY_RECORD, SAVE_API_KEY_RECORD, type LuaScript } from './lib/scripts.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from '../../../test/support/redis.js';

const HOUR = 3_600_000;
const runPrefix = uniquePrefix('rsb');
const admin = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
const opened: RedisTokenStore[] = [];

beforeAll(async () => {
  await admin.connect();
});

afterAll(async () => {
  for (const store of opened) await store.close();
  await deleteKeys(admin, runPrefix);
  await admin.quit();
});

let count = 0;
function nextPrefix(): string {
  count += 1;
  return `${runPrefix}${count}:`;
}

/** A store instance (its own connection). The view's bound is long, so a busy machine never makes it lapse mid-test. */
function open(prefix: string, options: Partial<RedisStoreOptions> = {}): RedisTokenStore {
  const store = createRedisStore({ url: TEST_REDIS_URL, prefix, localView: { maxLagMs: 60_000 }, ...options });
  opened.push(store);
  return store;
}

function randomId(): string {
  return randomBytes(8).toString('hex');
}

function apiKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return { digest: randomDigest(), id: randomId(), userId: randomId(), scopes: ['bot'], createdAt: Date.now(), ...overrides };
}

function cacheOf(store: RedisTokenStore): ApiKeyCache {
  const cache = store.apiKeyCache;
  if (cache === undefined) throw new Error('the store has no apiKeyCache');
  return cache;
}

/** Waits until `store`'s view answers (it starts at the first check). */
async function untilFresh(store: RedisTokenStore, timeoutMs = 10_000): Promise<void> {
  await store.isAccessTokenRevoked(randomId(), Date.now());
  const deadline = Date.now() + timeoutMs;
  while (!store.viewStatus().fresh) {
    if (Date.now() > deadline) throw new Error('the view did not become fresh');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Has `store`'s view remember `value` for `digest` (as the auth service does after a lookup). */
function remember(store: RedisTokenStore, digest: string, userId: string, value: string): void {
  const cache = cacheOf(store);
  cache.set(cache.ticket(), digest, userId, value);
  expect(cache.get(digest)).toBe(value);
}

/** Every event on the prefix's credential-event stream (field `e`, JSON), oldest first. */
async function events(prefix: string): Promise<unknown[]> {
  const entries = await admin.xrange(`${prefix}{ev}:events`, '-', '+');
  return entries.map(([, fields]) => JSON.parse(fields[1] ?? 'null') as unknown);
}

interface SentCommand {
  readonly name: string;
  readonly args: readonly unknown[];
  readonly promise: Promise<unknown>;
}

/**
 * Calls `before()` whenever the store's own connection (not its view's) is about to send `script`
 * on `key`; a promise it returns holds that command back until it settles. Returns the undo.
 */
function beforeScript(store: RedisTokenStore, script: LuaScript, key: string, before: () => void | Promise<unknown>): () => void {
  const target = store.client as unknown as { sendCommand: (command: SentCommand, ...rest: unknown[]) => unknown };
  const original = target.sendCommand.bind(store.client);
  target.sendCommand = (command, ...rest) => {
    const { name, args } = command;
    if ((name === 'evalsha' || name === 'eval') && (args[0] === script.sha || args[0] === script.source) && args[2] === key) {
      const pending = before();
      if (pending !== undefined) {
        void pending.finally(() => original(command, ...rest));
        return command.promise;
      }
    }
    return original(command, ...rest);
  };
  return () => {
    delete (target as { sendCommand?: unknown }).sendCommand;
  };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string | null | undefined> {
  try {
    const value = await promise;
    return value === null ? null : undefined;
  } catch (error) {
    return isScopeladderError(error) ? error.code : `not a ScopeladderError: ${String(error)}`;
  }
}

describe('refusals name the argument', () => {
  const TIME = 'must be a finite number (epoch milliseconds)';
  const TEXT = 'must be a non-empty string';
  const cases: readonly [string, (store: RedisTokenStore) => Promise<unknown>, string][] = [
    ['isFamilyRevoked(now)', (store) => store.isFamilyRevoked('f', Number.NaN), `now ${TIME}`],
    ['revokeFamiliesOfUser(userId)', (store) => store.revokeFamiliesOfUser('', 1), `userId ${TEXT}`],
    ['revokeFamiliesOfUser(now)', (store) => store.revokeFamiliesOfUser('u', Number.POSITIVE_INFINITY), `now ${TIME}`],
    ['revokeAccessToken(jti)', (store) => store.revokeAccessToken('', 1), `jti ${TEXT}`],
    ['revokeAccessToken(expiresAt)', (store) => store.revokeAccessToken('j', Number.NaN), `expiresAt ${TIME}`],
    ['isAccessTokenRevoked(jti)', (store) => store.isAccessTokenRevoked('', 1), `jti ${TEXT}`],
    ['isAccessTokenRevoked(now)', (store) => store.isAccessTokenRevoked('j', Number.NaN), `now ${TIME}`],
    ['saveApiKey(record)', (store) => store.saveApiKey(null as never), 'record must be a record'],
    ['saveApiKey(record.digest)', (store) => store.saveApiKey(apiKey({ digest: '' })), `record.digest ${TEXT}`],
    ['findApiKey(digest)', (store) => store.findApiKey(''), `digest ${TEXT}`],
    ['deleteApiKey(id)', (store) => store.deleteApiKey(''), `id ${TEXT}`],
  ];

  it.each(cases)('%s', async (_, call, message) => {
    const store = open(nextPrefix(), { localView: false });
    expect(await refusal(call(store))).toBe(`TypeError: ${message}`);
  });
});

describe('revokeFamiliesOfUser', () => {
  it('without `except` ends every session of the user, whatever its family id', async () => {
    const store = open(nextPrefix());
    const now = Date.now();
    const userId = randomId();
    const families = ['Stryker was here!', 'undefined', 'null', '0', 'except', randomId()];
    for (const familyId of families) await store.saveRefreshToken({ digest: randomDigest(), userId, familyId, expiresAt: now + HOUR });
    expect(await store.revokeFamiliesOfUser(userId, now)).toBe(families.length);
    for (const familyId of families) expect(await store.isFamilyRevoked(familyId, now)).toBe(true);
  });

  it('answers a number on a client that returns numbers as strings (ioredis `stringNumbers`)', async () => {
    const store = open(nextPrefix(), { localView: false, redisOptions: { stringNumbers: true } });
    const now = Date.now();
    const userId = randomId();
    for (const familyId of ['f1', 'f2']) await store.saveRefreshToken({ digest: randomDigest(), userId, familyId, expiresAt: now + HOUR });
    expect(typeof (await store.revokeFamiliesOfUser(userId, now))).toBe('number');
    expect(await store.isFamilyRevoked('f1', now)).toBe(true);
    expect(await store.isFamilyRevoked('f2', now)).toBe(true);
  });

  // A defect found here (fixed): with `stringNumbers` (a shared client's setting, or
  // `redisOptions`) integer replies are strings, and the store compared them with numbers: the
  // sessions and the key were gone, but the counts said 0 and deleteApiKey said false.
  it('counts what it ended and deleted on a `stringNumbers` client (integer replies as strings)', async () => {
    const store = open(nextPrefix(), { localView: false, redisOptions: { stringNumbers: true } });
    const now = Date.now();
    const userId = randomId();
    for (const familyId of ['f1', 'f2']) await store.saveRefreshToken({ digest: randomDigest(), userId, familyId, expiresAt: now + HOUR });
    const key = apiKey();
    await store.saveApiKey(key);
    expect({ ended: await store.revokeFamiliesOfUser(userId, now), deleted: await store.deleteApiKey(key.id) }).toEqual({ ended: 2, deleted: true });
    const bot = randomId();
    for (let i = 0; i < 2; i++) await store.saveApiKey(apiKey({ userId: bot }));
    expect(await store.deleteApiKeysOfUser(bot)).toBe(2);
  });
});

describe('saveApiKey: re-saves and digests taken over', () => {
  it.each([
    ['view on', {}],
    ['view off', { localView: false }],
  ] as const)('a key re-saved by its user with a new digest: the old digest no longer authenticates (%s)', async (_, options) => {
    const store = open(nextPrefix(), options);
    const first = apiKey();
    const second = { ...first, digest: randomDigest(), createdAt: first.createdAt + 1 };
    await store.saveApiKey(first);
    await store.saveApiKey(second);
    expect(await store.findApiKey(first.digest)).toBeNull();
    expect(await store.findApiKey(second.digest)).toEqual(second);
    expect(await store.listApiKeysOfUser(first.userId)).toEqual([second]);
  });

  it('a key saved again unchanged (or re-scoped) keeps its indexes: listed, and deleted by its id', async () => {
    const prefix = nextPrefix();
    const store = open(prefix);
    const key = apiKey();
    const rescoped = { ...key, scopes: ['guest'] };
    await store.saveApiKey(key);
    await store.saveApiKey(key);
    await store.saveApiKey(rescoped);
    expect(await store.findApiKey(key.digest)).toEqual(rescoped);
    expect(await store.listApiKeysOfUser(key.userId)).toEqual([rescoped]);
    expect(await admin.get(`${prefix}akid:${key.id}`)).toBe(key.userId);
    expect(await store.deleteApiKey(key.id)).toBe(true);
    expect(await store.findApiKey(key.digest)).toBeNull();
  });

  it('re-scoping a key (same id, digest and user) never makes it stop authenticating, even for a moment', async () => {
    const prefix = nextPrefix();
    const store = open(prefix, { localView: false });
    const reader = open(prefix, { localView: false });
    const key = apiKey();
    await store.saveApiKey(key);
    // Just before the write that puts the new record in place, another instance still finds the old one.
    const seen: unknown[] = [];
    const undo = beforeScript(store, SAVE_API_KEY_RECORD, `${prefix}ak:${key.digest}`, () =>
      reader.findApiKey(key.digest).then((found) => seen.push(found)),
    );
    try {
      await store.saveApiKey({ ...key, scopes: ['guest'] });
    } finally {
      undo();
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const found of seen) expect(found).toEqual(key);
    expect(await reader.findApiKey(key.digest)).toEqual({ ...key, scopes: ['guest'] });
  });

  it('a key moved to another user with the same digest: deleting the first user’s keys leaves it alone', async () => {
    const prefix = nextPrefix();
    const store = open(prefix);
    const key = apiKey();
    const moved = { ...key, userId: randomId() };
    await store.saveApiKey(key);
    await store.saveApiKey(moved);
    expect(await admin.exists(`${prefix}{u:${key.userId}}:aku`)).toBe(0);
    expect(await store.deleteApiKeysOfUser(key.userId)).toBe(0);
    expect(await store.findApiKey(key.digest)).toEqual(moved);
    expect(await store.listApiKeysOfUser(moved.userId)).toEqual([moved]);
  });

  it('a digest saved under another key id: the key it named is gone from its id and its user', async () => {
    const prefix = nextPrefix();
    const store = open(prefix);
    const taken = apiKey();
    const taker = apiKey({ digest: taken.digest });
    await store.saveApiKey(taken);
    await store.saveApiKey(taker);
    expect(await store.findApiKey(taken.digest)).toEqual(taker);
    expect(await admin.exists(`${prefix}akid:${taken.id}`, `${prefix}{u:${taken.userId}}:aku`)).toBe(0);
    expect(await store.listApiKeysOfUser(taken.userId)).toEqual([]);
    expect(await store.deleteApiKey(taken.id)).toBe(false);
    expect(await store.listApiKeysOfUser(taker.userId)).toEqual([taker]);
    expect(await store.deleteApiKey(taker.id)).toBe(true);
  });

  it('a key whose id and user are the strings "undefined" is left alone when another key is saved', async () => {
    const store = open(nextPrefix());
    const odd = apiKey({ id: 'undefined', userId: 'undefined' });
    await store.saveApiKey(odd);
    await store.saveApiKey(apiKey());
    expect(await store.listApiKeysOfUser('undefined')).toEqual([odd]);
    expect(await store.deleteApiKey('undefined')).toBe(true);
    expect(await store.findApiKey(odd.digest)).toBeNull();
  });
});

describe('findApiKey', () => {
  it.each(['id', 'u', 'sc', 'c'])('answers null for a record without its `%s` field', async (missing) => {
    const prefix = nextPrefix();
    const store = open(prefix, { localView: false });
    const digest = randomDigest();
    const fields: Record<string, string> = { id: 'k', u: 'bot', sc: '["bot"]', c: '1', o: 'c1' };
    delete fields[missing];
    await admin.hset(`${prefix}ak:${digest}`, fields);
    expect(await codeOf(store.findApiKey(digest))).toBeNull();
  });
});

describe('the local view and the event stream on API-key writes', () => {
  it('saveApiKey drops its own answer for the digest before it writes', async () => {
    const store = open(nextPrefix());
    await untilFresh(store);
    const key = apiKey();
    await store.saveApiKey(key);
    await store.syncView();
    remember(store, key.digest, key.userId, 'before');
    const saving = store.saveApiKey({ ...key, scopes: [] });
    expect(cacheOf(store).get(key.digest)).toBeUndefined();
    await saving;
  });

  it('saveApiKey publishes exactly the digest it saved; a peer drops its answer for a re-scoped key', async () => {
    const prefix = nextPrefix();
    const [store, peer] = [open(prefix), open(prefix)];
    await Promise.all([untilFresh(store), untilFresh(peer)]);
    const key = apiKey();
    await store.saveApiKey(key);
    expect((await events(prefix)).at(-1)).toEqual({ a: [key.digest] });
    await peer.syncView();
    remember(peer, key.digest, key.userId, 'before');
    await store.saveApiKey({ ...key, scopes: [] });
    expect((await events(prefix)).at(-1)).toEqual({ a: [key.digest] });
    await peer.syncView();
    expect(peer.viewStatus()).toMatchObject({ fresh: true, resets: 0 });
    expect(cacheOf(peer).get(key.digest)).toBeUndefined();
  });

  it('a re-save with a new digest drops the old digest’s answer before it deletes the old record', async () => {
    const prefix = nextPrefix();
    const store = open(prefix);
    await untilFresh(store);
    const key = apiKey();
    await store.saveApiKey(key);
    await store.syncView();
    remember(store, key.digest, key.userId, 'before');
    const seen: unknown[] = [];
    const undo = beforeScript(store, DELETE_API_KEY_RECORD, `${prefix}ak:${key.digest}`, () => {
      seen.push(cacheOf(store).get(key.digest));
    });
    try {
      await store.saveApiKey({ ...key, digest: randomDigest() });
    } finally {
      undo();
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([undefined]));
    expect(await store.findApiKey(key.digest)).toBeNull();
  });

  it('deleteApiKey drops its own answer for the digest before it deletes the record', async () => {
    const prefix = nextPrefix();
    const store = open(prefix);
    await untilFresh(store);
    const key = apiKey();
    await store.saveApiKey(key);
    await store.syncView();
    remember(store, key.digest, key.userId, 'before');
    const seen: unknown[] = [];
    const undo = beforeScript(store, DELETE_API_KEY_RECORD, `${prefix}ak:${key.digest}`, () => {
      seen.push(cacheOf(store).get(key.digest));
    });
    try {
      expect(await store.deleteApiKey(key.id)).toBe(true);
    } finally {
      undo();
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([undefined]));
  });

  it('deleteApiKey of an id whose user index lost it (a call stopped halfway) publishes nothing a peer cannot read', async () => {
    const prefix = nextPrefix();
    const [store, peer] = [open(prefix), open(prefix)];
    await Promise.all([untilFresh(store), untilFresh(peer)]);
    const other = apiKey();
    await store.saveApiKey(other);
    await peer.syncView();
    remember(peer, other.digest, other.userId, 'kept');
    const before = await events(prefix);
    // What a deleteApiKey stopped after the index and before `akid:` leaves behind.
    await admin.set(`${prefix}akid:k-halfway`, 'bot-halfway');
    expect(await store.deleteApiKey('k-halfway')).toBe(true);
    expect(await admin.exists(`${prefix}akid:k-halfway`)).toBe(0);
    await peer.syncView();
    expect(await events(prefix)).toEqual(before);
    expect(peer.viewStatus()).toMatchObject({ fresh: true, resets: 0 });
    expect(cacheOf(peer).get(other.digest)).toBe('kept');
  });
});
