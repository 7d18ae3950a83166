/**
 * Mutation-testing kills for createRedisStore (issue #19), part A: option checking (exact
 * messages and the edges of each range), the API-key cache's argument guards, the events
 * published by logins, rotations and capped or ended sessions, the local view dropping a family
 * before its revocation is written, lookups of incomplete records, and rotation carrying a
 * session's organization and scope.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomDigest } from '@scopeladder/testing/store-contract';
import { createRedisStore, type RedisStoreOptions, type RedisTokenStore } from './index.js';
import { REVOKE_FAMILY } from './lib/scripts.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from '../../../test/support/redis.js';

const HOUR = 3_600_000;
const runPrefix = uniquePrefix('rsa');
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
function freshPrefix(): string {
  count += 1;
  return `${runPrefix}${count}:`;
}

function open(options: Omit<RedisStoreOptions, 'client' | 'url'> = {}, client: Redis = admin): RedisTokenStore {
  const store = createRedisStore({ client, prefix: freshPrefix(), ...options });
  opened.push(store);
  return store;
}

function id(): string {
  return randomBytes(12).toString('hex');
}

/** The error `action` throws (synchronously), or `undefined`. */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** The error `promise` rejects with, or `undefined`. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error;
  }
}

function expectTypeError(error: unknown, message: string): void {
  expect(error).toBeInstanceOf(TypeError);
  expect((error as Error).message).toBe(message);
}

/** The events on the store's credential-event stream, as published (JSON of field `e`). */
async function events(prefix: string): Promise<string[]> {
  const entries = await admin.xrange(`${prefix}{ev}:events`, '-', '+');
  return entries.map(([, fields]) => {
    const at = fields.indexOf('e');
    return at >= 0 ? String(fields[at + 1]) : `(no e field: ${fields.join(',')})`;
  });
}

/** Waits until `store`'s view answers (it starts at the first check). */
async function untilFresh(store: RedisTokenStore, timeoutMs = 5000): Promise<void> {
  await store.isAccessTokenRevoked(id(), Date.now());
  const deadline = Date.now() + timeoutMs;
  while (!store.viewStatus().fresh) {
    if (Date.now() > deadline) throw new Error('the view did not become fresh');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('createRedisStore option checks: exact messages', () => {
  const bad = (options: unknown): unknown => thrownBy(() => createRedisStore(options as RedisStoreOptions));
  const rangeMessage = (name: string, min: number, max: number): string => `createRedisStore: \`${name}\` must be an integer from ${min} to ${max}`;

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', TEST_REDIS_URL],
  ])('refuses %s as options', (_label, options) => {
    expectTypeError(bad(options), 'createRedisStore: options must be an object');
  });

  it.each<[string, () => Record<string, unknown>, string]>([
    ['neither client nor url', () => ({}), 'createRedisStore: give exactly one of `client` or `url`'],
    ['a client that is not ioredis', () => ({ client: {} }), 'createRedisStore: `client` must be an ioredis Redis or Cluster client'],
    ['an http url', () => ({ url: 'http://127.0.0.1:6379' }), 'createRedisStore: `url` must be a redis:// or rediss:// URL'],
    [
      'a url with redis:// not at its start',
      () => ({ url: 'http://127.0.0.1:1/redis://127.0.0.1:6379' }),
      'createRedisStore: `url` must be a redis:// or rediss:// URL',
    ],
    [
      'a url that is not a string (even one reading as redis://)',
      () => ({ url: [TEST_REDIS_URL] }),
      'createRedisStore: `url` must be a redis:// or rediss:// URL',
    ],
    [
      'a prefix that is not a string',
      () => ({ client: admin, prefix: 42 }),
      'createRedisStore: `prefix` must be a non-empty string without whitespace, `{` or `}` (keys carry Redis Cluster hash tags)',
    ],
    [
      'a prefix with a brace',
      () => ({ client: admin, prefix: 'a{b}:' }),
      'createRedisStore: `prefix` must be a non-empty string without whitespace, `{` or `}` (keys carry Redis Cluster hash tags)',
    ],
    ['commandTimeoutMs 0', () => ({ client: admin, commandTimeoutMs: 0 }), 'createRedisStore: `commandTimeoutMs` must be a positive number'],
    ['expiryGraceMs -1', () => ({ client: admin, expiryGraceMs: -1 }), 'createRedisStore: `expiryGraceMs` must be a number >= 0'],
    [
      'maxSessionsPerUser 0',
      () => ({ client: admin, maxSessionsPerUser: 0 }),
      'createRedisStore: `maxSessionsPerUser` must be an integer from 1 to 10000',
    ],
    [
      'maxSessionsPerUser 10001',
      () => ({ client: admin, maxSessionsPerUser: 10_001 }),
      'createRedisStore: `maxSessionsPerUser` must be an integer from 1 to 10000',
    ],
    ['localView a string', () => ({ client: admin, localView: 'yes' }), 'createRedisStore: `localView` must be a boolean or an options object'],
    ['localView null', () => ({ client: admin, localView: null }), 'createRedisStore: `localView` must be a boolean or an options object'],
    ['localView.maxLagMs 99', () => ({ client: admin, localView: { maxLagMs: 99 } }), rangeMessage('localView.maxLagMs', 100, 60_000)],
    ['localView.recheckMs 999', () => ({ client: admin, localView: { recheckMs: 999 } }), rangeMessage('localView.recheckMs', 1000, 60_000)],
    ['localView.maxEntries 0', () => ({ client: admin, localView: { maxEntries: 0 } }), rangeMessage('localView.maxEntries', 1, 10_000_000)],
    ['eventRetentionMs 59999', () => ({ client: admin, eventRetentionMs: 59_999 }), rangeMessage('eventRetentionMs', 60_000, 30 * 86_400_000)],
  ])('refuses %s', (_label, options, message) => {
    expectTypeError(bad(options()), message);
  });

  it.each<[string, Omit<RedisStoreOptions, 'client' | 'url'>]>([
    ['maxSessionsPerUser 1 (the lowest)', { maxSessionsPerUser: 1 }],
    ['maxSessionsPerUser 10000 (the highest)', { maxSessionsPerUser: 10_000 }],
    ['localView true', { localView: true }],
  ])('accepts %s', (_label, options) => {
    expect(open(options).viewStatus().enabled).toBe(options.localView !== false);
  });

  it('has no API-key cache with the view off, one with it on', () => {
    expect('apiKeyCache' in open({ localView: false })).toBe(false);
    expect(open().apiKeyCache).toBeDefined();
  });
});

describe('store method checks: exact messages', () => {
  const store = open({ localView: false });

  it.each<[string, () => Promise<unknown>, string]>([
    [
      'saveRefreshToken names the record',
      () => store.saveRefreshToken({ digest: '', userId: 'u', familyId: 'f', expiresAt: Date.now() + HOUR }),
      'record.digest must be a non-empty string',
    ],
    ['findRefreshToken names the digest', () => store.findRefreshToken(''), 'digest must be a non-empty string'],
    ['revokeFamily names the family', () => store.revokeFamily('', Date.now() + HOUR), 'familyId must be a non-empty string'],
    ['revokeFamily names expiresAt', () => store.revokeFamily('f', Number.NaN), 'expiresAt must be a finite number (epoch milliseconds)'],
    ['isFamilyRevoked names the family', () => store.isFamilyRevoked('', Date.now()), 'familyId must be a non-empty string'],
  ])('%s', async (_label, call, message) => {
    expectTypeError(await rejectionOf(call()), message);
  });
});

describe('the API-key cache ignores arguments that are not strings', () => {
  it('get of a non-string neither answers nor starts the view’s tail', async () => {
    const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    try {
      const duplicate = vi.spyOn(client, 'duplicate');
      const store = createRedisStore({ client, prefix: freshPrefix() });
      const cache = store.apiKeyCache;
      expect(cache?.get(42 as unknown as string)).toBeUndefined();
      expect(duplicate).not.toHaveBeenCalled();
      // A real check starts the tail (its own connection).
      expect(cache?.get(randomDigest())).toBeUndefined();
      expect(duplicate).toHaveBeenCalledTimes(1);
      await store.close();
    } finally {
      await client.quit();
    }
  });

  it('set remembers nothing for a non-string digest or user', async () => {
    const store = open({ localView: { maxLagMs: 60_000 } });
    await untilFresh(store);
    const cache = store.apiKeyCache;
    if (cache === undefined) throw new Error('no API-key cache');
    const ticket = cache.ticket();
    expect(ticket).not.toBeNull();
    const digest = randomDigest();
    cache.set(ticket, 42 as unknown as string, 'bot', { role: 'a' });
    cache.set(ticket, digest, 42 as unknown as string, { role: 'b' });
    expect(store.viewStatus().entries.apiKeys).toBe(0);
    expect(cache.get(digest)).toBeUndefined();
    // The same ticket with strings is remembered: the ticket was good.
    cache.set(ticket, digest, 'bot', { role: 'c' });
    expect(store.viewStatus().entries.apiKeys).toBe(1);
    expect(cache.get(digest)).toEqual({ role: 'c' });
  });
});

describe('events published by logins, rotations and ended sessions', () => {
  it('a login publishes nothing; a login beyond the cap publishes exactly the capped family', async () => {
    const store = open({ localView: false, maxSessionsPerUser: 1 });
    const userId = id();
    const [first, second] = [`fam-${id()}`, `fam-${id()}`];
    const now = Date.now();
    await store.saveRefreshToken({ digest: randomDigest(), userId, familyId: first, expiresAt: now + HOUR });
    expect(await events(store.prefix)).toEqual([]);
    await store.saveRefreshToken({ digest: randomDigest(), userId, familyId: second, expiresAt: now + 2 * HOUR });
    expect(await events(store.prefix)).toEqual([JSON.stringify({ f: [first] })]);
    expect(await store.isFamilyRevoked(first, now)).toBe(true);
    expect(await store.isFamilyRevoked(second, now)).toBe(false);
  });

  it('ending sessions publishes each ended family and the user', async () => {
    const store = open({ localView: false });
    const userId = id();
    const familyId = `fam-${id()}`;
    const now = Date.now();
    await store.saveRefreshToken({ digest: randomDigest(), userId, familyId, expiresAt: now + HOUR });
    expect(await store.revokeFamiliesOfUser(userId, now)).toBe(1);
    expect(await events(store.prefix)).toEqual([JSON.stringify({ f: [familyId], u: [userId] })]);
  });

  it('only a reuse publishes: rotated, not_found, expired and revoked answers do not', async () => {
    const store = open({ localView: false });
    const userId = id();
    const familyId = `fam-${id()}`;
    const now = Date.now();
    const [t1, t2, t3] = [randomDigest(), randomDigest(), randomDigest()];
    await store.saveRefreshToken({ digest: t1, userId, familyId, expiresAt: now + HOUR });
    const next = { digest: t2, userId, familyId, expiresAt: now + HOUR };
    expect((await store.rotateRefreshToken(t1, next, now)).status).toBe('rotated');
    expect((await store.rotateRefreshToken(randomDigest(), { ...next, digest: t3 }, now)).status).toBe('not_found');
    expect((await store.rotateRefreshToken(t2, { ...next, digest: t3 }, now + 2 * HOUR)).status).toBe('expired');
    expect(await events(store.prefix)).toEqual([]);
    expect((await store.rotateRefreshToken(t1, { ...next, digest: t3 }, now)).status).toBe('reused');
    expect(await events(store.prefix)).toEqual([JSON.stringify({ f: [familyId] })]);
    expect((await store.rotateRefreshToken(t2, { ...next, digest: t3 }, now)).status).toBe('revoked');
    expect(await events(store.prefix)).toHaveLength(1);
  });
});

describe('local view while ending sessions', () => {
  it('drops a remembered "not revoked" before the revocation is written: a check sent after it reads Redis', async () => {
    const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    const store = createRedisStore({ client, prefix: freshPrefix(), localView: { maxLagMs: 60_000 } });
    try {
      // Loads REVOKE_FAMILY into the script cache, so the revocation below is one EVALSHA.
      await store.revokeFamily(`warm-${id()}`, Date.now() + HOUR);
      const userId = id();
      const familyId = `fam-${id()}`;
      const now = Date.now();
      await store.saveRefreshToken({ digest: randomDigest(), userId, familyId, expiresAt: now + HOUR });
      await untilFresh(store);
      expect(await store.isFamilyRevoked(familyId, now)).toBe(false);
      expect(store.viewStatus().entries.families).toBe(1); // remembered: "not revoked"

      // Right after the revocation's EVALSHA is written to the socket, check again on the same
      // connection (so Redis answers the check after the revocation).
      let probe: Promise<boolean> | undefined;
      const target = client as unknown as { evalsha: (...args: unknown[]) => Promise<unknown> };
      const original = target.evalsha.bind(client);
      target.evalsha = (...args: unknown[]) => {
        const sent = original(...args);
        if (args[0] === REVOKE_FAMILY.sha && probe === undefined) probe = store.isFamilyRevoked(familyId, now);
        return sent;
      };
      try {
        expect(await store.revokeFamiliesOfUser(userId, now)).toBe(1);
      } finally {
        target.evalsha = original;
      }
      expect(probe).toBeDefined();
      expect(await probe).toBe(true);
    } finally {
      await store.close();
      await client.quit();
    }
  });
});

describe('findRefreshToken on an incomplete lookup copy', () => {
  it.each([
    ['no user', ['f', 'fam', 'e', '9999999999999']],
    ['no family', ['u', 'user', 'e', '9999999999999']],
    ['no expiresAt', ['u', 'user', 'f', 'fam']],
  ])('answers null for a copy with %s', async (_label, fields) => {
    const store = open({ localView: false });
    const digest = randomDigest();
    await admin.hset(`${store.prefix}rt:${digest}`, ...fields);
    expect(await store.findRefreshToken(digest)).toBeNull();
    // The complete copy is a record.
    await admin.hset(`${store.prefix}rt:${digest}`, 'u', 'user', 'f', 'fam', 'e', '9999999999999');
    expect(await store.findRefreshToken(digest)).toEqual({ digest, userId: 'user', familyId: 'fam', expiresAt: 9_999_999_999_999 });
  });
});

describe('rotation keeps the session’s organization and scope', () => {
  it('the rotated token carries them into the next rotation', async () => {
    const store = open({ localView: false });
    const userId = id();
    const familyId = `fam-${id()}`;
    const now = Date.now();
    const session = { userId, familyId, expiresAt: now + HOUR, organization: 'org-1', scope: 'read write' };
    const [t1, t2, t3] = [randomDigest(), randomDigest(), randomDigest()];
    await store.saveRefreshToken({ digest: t1, ...session });
    expect(await store.rotateRefreshToken(t1, { digest: t2, ...session }, now)).toEqual({ status: 'rotated', record: { digest: t1, ...session } });
    expect(await admin.hmget(`${store.prefix}{f:${familyId}}:rt:${t2}`, 'o', 'n')).toEqual(['org-1', 'read write']);
    expect(await store.rotateRefreshToken(t2, { digest: t3, ...session }, now)).toEqual({ status: 'rotated', record: { digest: t2, ...session } });
  });
});
