// What the store makes of records it reads back from Redis (lib/records.ts) and the key layout
// with its hash tags (lib/keys.ts). A record that cannot be decoded is refused with
// ERR_INTERNAL "The token store holds a malformed record" (README: fail closed), never passed on
// half-read, and never mistaken for "unavailable". Replies no real script can produce (a wrong
// length, a non-string field, a Buffer) come from a thin wrapper that answers ONE script's
// EVALSHA itself and sends everything else to the real client.
import { isScopeladderError } from '@scopeladder/core';
import { randomDigest } from '@scopeladder/testing/store-contract';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from './index.js';
import { integerOf } from './lib/records.js';
import { HIT, RELEASE_HIT, ROTATE_REFRESH_TOKEN, type LuaScript } from './lib/scripts.js';
import { TEST_REDIS_URL, deleteKeys, listKeys, uniquePrefix } from '../../../test/support/redis.js';

const HOUR = 3_600_000;
const runPrefix = uniquePrefix('rrk');
const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

beforeAll(async () => {
  await client.connect();
});

afterAll(async () => {
  await answeringStore.close();
  await deleteKeys(client, runPrefix);
  await client.quit();
});

let count = 0;
function nextPrefix(): string {
  count += 1;
  return `${runPrefix}${count}:`;
}

/** The settled outcome of a call: its value, or what it threw. */
async function outcome(promise: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

async function expectMalformed(promise: Promise<unknown>): Promise<void> {
  const { value, error } = await outcome(promise);
  expect(value).toBeUndefined();
  expect(isScopeladderError(error) && { code: error.code, message: error.message }).toEqual({
    code: 'ERR_INTERNAL',
    message: 'The token store holds a malformed record',
  });
}

/** What the wrapped client answers to one script's EVALSHA (`null`: every command goes to Redis). */
let answer: { script: LuaScript; reply: unknown } | null = null;

/** The real client, except for the EVALSHA of `answer.script`. One wrapper, one store. */
const wrapped = new Proxy(client, {
  get(target, property) {
    if (property === 'evalsha') {
      return (sha: unknown, ...rest: unknown[]): Promise<unknown> =>
        answer !== null && sha === answer.script.sha
          ? Promise.resolve(answer.reply)
          : (Reflect.apply(target.evalsha, target, [sha, ...rest]) as Promise<unknown>);
    }
    const value: unknown = Reflect.get(target, property, target);
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  },
});
const answeringStore = createRedisStore({ client: wrapped, prefix: `${runPrefix}wrapped:`, localView: false });

/** The store on the wrapped client, whose `script` answers `reply`. */
function storeAnswering(script: LuaScript, reply: unknown) {
  answer = { script, reply };
  return answeringStore;
}

describe('records read back from Redis: a malformed one is ERR_INTERNAL, never passed on', () => {
  it('a refresh token whose expiresAt is not a finite number (lookup copy, and the rotation script reading it)', async () => {
    const prefix = nextPrefix();
    const store = createRedisStore({ client, prefix, localView: false });
    for (const e of ['soon', 'Infinity', '1e400']) {
      const digest = randomDigest();
      await client.hset(`${prefix}rt:${digest}`, 'u', 'u', 'f', 'f', 'e', e);
      await expectMalformed(store.findRefreshToken(digest));
      // The family's copy: the script answers `expired` with the unreadable `e`.
      await client.hset(`${prefix}{f:f}:rt:${digest}`, 'u', 'u', 'f', 'f', 'e', e, 's', '0');
      const now = Date.now();
      await expectMalformed(store.rotateRefreshToken(digest, { digest: randomDigest(), userId: 'u', familyId: 'f', expiresAt: now + HOUR }, now));
    }
    await store.close();
  });

  it('an API key whose scopes are not a JSON array of strings, or whose createdAt is not a number', async () => {
    const prefix = nextPrefix();
    const store = createRedisStore({ client, prefix, localView: false });
    const cases: [string, string][] = [
      ['not json', '1'],
      ['{"0":"read"}', '1'],
      ['"read"', '1'],
      ['null', '1'],
      ['7', '1'],
      ['[1]', '1'],
      ['["read",2]', '1'],
      ['["read",null]', '1'],
      ['["read"]', 'yesterday'],
    ];
    for (const [sc, c] of cases) {
      const digest = randomDigest();
      await client.hset(`${prefix}ak:${digest}`, 'id', 'k', 'u', 'bot', 'sc', sc, 'c', c);
      await expectMalformed(store.findApiKey(digest));
    }
    // The same fields well-formed decode.
    const digest = randomDigest();
    await client.hset(`${prefix}ak:${digest}`, 'id', 'k', 'u', 'bot', 'sc', '["read",""]', 'c', '5');
    expect(await store.findApiKey(digest)).toEqual({ digest, id: 'k', userId: 'bot', scopes: ['read', ''], createdAt: 5 });
    await store.close();
  });

  it('a throttle counter that is not numbers (peek)', async () => {
    const prefix = nextPrefix();
    const store = createRedisStore({ client, prefix, localView: false });
    await client.hset(`${prefix}hit:k`, 'c', 'three', 'r', String(Date.now() + HOUR));
    await expectMalformed(store.peek('k', Date.now()));
    await client.hset(`${prefix}hit:k`, 'c', '3', 'r', 'later');
    await expectMalformed(store.peek('k', Date.now()));
    await store.close();
  });
});

describe('replies of the rotation script, decoded', () => {
  const now = Date.now();
  const next = { digest: randomDigest(), userId: 'u', familyId: 'f', expiresAt: now + HOUR };

  it('four or five elements: the old token has no organization, or no narrowed scope', async () => {
    const old = randomDigest();
    expect(await storeAnswering(ROTATE_REFRESH_TOKEN, ['expired', 'u', 'f', '123']).rotateRefreshToken(old, next, now)).toEqual({
      status: 'expired',
      record: { digest: old, userId: 'u', familyId: 'f', expiresAt: 123 },
    });
    expect(await storeAnswering(ROTATE_REFRESH_TOKEN, ['revoked', 'u', 'f', '123', 'r1']).rotateRefreshToken(old, next, now)).toEqual({
      status: 'revoked',
      record: { digest: old, userId: 'u', familyId: 'f', organization: 'r1', expiresAt: 123 },
    });
    expect(await storeAnswering(ROTATE_REFRESH_TOKEN, ['not_found']).rotateRefreshToken(old, next, now)).toEqual({ status: 'not_found' });
  });

  it('Buffer elements are read as UTF-8', async () => {
    const old = randomDigest();
    const reply = ['expired', 'üser', 'f', '123', 'r1#ç', 'read'].map((field) => Buffer.from(field, 'utf8'));
    expect(await storeAnswering(ROTATE_REFRESH_TOKEN, reply).rotateRefreshToken(old, next, now)).toEqual({
      status: 'expired',
      record: { digest: old, userId: 'üser', familyId: 'f', organization: 'r1#ç', scope: 'read', expiresAt: 123 },
    });
  });

  const malformed: [string, unknown][] = [
    ['no reply', null],
    ['not an array', 'expired'],
    ['an empty array', []],
    ['a status that is not text', [7, 'u', 'f', '1', '', '']],
    ['an unknown status', ['rotated?', 'u', 'f', '1', '', '']],
    ['three elements', ['expired', 'u', 'f']],
    ['seven elements', ['expired', 'u', 'f', '1', '', '', 'x']],
    ['a user id that is a number', ['expired', 42, 'f', '1', '', '']],
    ['a missing family id', ['expired', 'u', null, '1', '', '']],
    ['an organization that is a number', ['expired', 'u', 'f', '1', 7, '']],
    ['a scope that is an array', ['expired', 'u', 'f', '1', '', ['read']]],
    ['an expiry that is not a number', ['expired', 'u', 'f', 'NaN', '', '']],
  ];
  for (const [what, reply] of malformed) {
    it(`refuses ${what}`, async () => {
      await expectMalformed(storeAnswering(ROTATE_REFRESH_TOKEN, reply).rotateRefreshToken(randomDigest(), next, now));
    });
  }
});

describe('replies of the throttle scripts, decoded', () => {
  it('[count, resetAt], as text or Buffers', async () => {
    expect(await storeAnswering(HIT, ['2', '99']).hit('k', 1000, 0)).toEqual({ count: 2, resetAt: 99 });
    expect(await storeAnswering(HIT, [Buffer.from('3'), Buffer.from('98')]).hit('k', 1000, 0)).toEqual({ count: 3, resetAt: 98 });
    expect(await storeAnswering(RELEASE_HIT, ['1', '99']).releaseHit('k', 99)).toEqual({ count: 1, resetAt: 99 });
    expect(await storeAnswering(RELEASE_HIT, null).releaseHit('k', 99)).toBeNull();
  });

  for (const [what, reply] of [
    ['no reply', null],
    ['a number', 2],
    ['one element', ['2']],
    ['three elements', ['2', '99', '1']],
    ['a count that is not a number', ['two', '99']],
  ] as [string, unknown][]) {
    it(`refuses ${what}`, async () => {
      await expectMalformed(storeAnswering(HIT, reply).hit('k', 1000, 0));
      if (reply !== null) await expectMalformed(storeAnswering(RELEASE_HIT, reply).releaseHit('k', 99));
    });
  }
});

describe('key layout: ids in hash tags are percent-escaped', () => {
  it('a family id and a user id with %, { and } (upper-case hex, the tag ends at our brace)', async () => {
    const prefix = nextPrefix();
    const store = createRedisStore({ client, prefix, localView: false });
    const digest = randomDigest();
    await store.saveRefreshToken({ digest, userId: 'u{1}%', familyId: '{f}%x', expiresAt: Date.now() + HOUR });
    expect(await listKeys(client, prefix)).toEqual(
      [`${prefix}rt:${digest}`, `${prefix}{f:%7Bf%7D%25x}:rt:${digest}`, `${prefix}{f:%7Bf%7D%25x}:fam`, `${prefix}{u:u%7B1%7D%25}:ufam`].sort(),
    );
    await store.close();
  });

  it('ids differing only in %, { or } never share a key', async () => {
    const store = createRedisStore({ client, prefix: nextPrefix(), localView: false });
    const now = Date.now();
    await store.revokeFamily('x{y', now + HOUR);
    expect(await store.isFamilyRevoked('x{y', now)).toBe(true);
    for (const other of ['x}y', 'x%y', 'xy', 'x%7By']) expect(await store.isFamilyRevoked(other, now), other).toBe(false);
    await store.close();
  });
});

describe('integer replies of the scripts (numbers, or decimal strings with ioredis stringNumbers)', () => {
  it.each([
    [2, 2],
    [0, 0],
    ['2', 2],
    ['-3', -3],
    ['123456789012345', 123456789012345],
    ['1234567890123456', Number.NaN],
    ['', Number.NaN],
    ['2.5', Number.NaN],
    ['1e3', Number.NaN],
    [' 1', Number.NaN],
    ['1\n', Number.NaN],
    ['0x1', Number.NaN],
    [null, Number.NaN],
    [undefined, Number.NaN],
    [[1], Number.NaN],
  ] as const)('%j → %d', (reply, expected) => {
    expect(integerOf(reply)).toBe(expected);
  });
});
