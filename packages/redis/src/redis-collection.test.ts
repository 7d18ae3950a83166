import { isScopeladderError } from '@scopeladder/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCollection, type RedisCollection } from './index.js';
import { TEST_REDIS_URL, deleteKeys, listKeys, uniquePrefix } from '../../../test/support/redis.js';

interface User {
  readonly id: string;
  readonly email: string;
  readonly role: string;
  readonly visits?: number;
  readonly nickname?: string | undefined;
}

const prefix = uniquePrefix('collection');
const clientA = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
const clientB = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

beforeAll(async () => {
  await clientA.connect();
  await clientB.connect();
});

afterAll(async () => {
  await deleteKeys(clientA, prefix);
  await clientA.quit();
  await clientB.quit();
});

let count = 0;
/** The same collection seen from two connections (two server instances). */
function users(): [RedisCollection<User>, RedisCollection<User>, string] {
  count += 1;
  const name = `users${count}`;
  const unique = (user: User) => ({ email: user.email.toLowerCase(), nickname: user.nickname });
  return [
    createRedisCollection<User>({ client: clientA, prefix, name, unique }),
    createRedisCollection<User>({ client: clientB, prefix, name, unique }),
    name,
  ];
}

const ada: User = { id: 'a1', email: 'Ada@example.com', role: 'admin' };
const bob: User = { id: 'b2', email: 'bob@example.com', role: 'agent' };

describe('createRedisCollection', () => {
  it('validates its options', () => {
    expect(() => createRedisCollection({ client: clientA, name: 'has:colon' })).toThrow(TypeError);
    expect(() => createRedisCollection({ name: 'x' })).toThrow(TypeError);
    expect(() => createRedisCollection({ client: clientA, url: TEST_REDIS_URL, name: 'x' })).toThrow(TypeError);
    expect(() => createRedisCollection({ client: clientA, name: 'x', prefix: '' })).toThrow(TypeError);
    // The keys carry the hash tag {<name>}: a brace in the prefix would change the tag.
    expect(() => createRedisCollection({ client: clientA, name: 'x', prefix: 'app{1}:' })).toThrow(TypeError);
    expect(() => createRedisCollection({ client: clientA, name: 'x', commandTimeoutMs: -1 })).toThrow(TypeError);
  });

  it('creates, gets, lists in insertion order and counts', async () => {
    const [a, b] = users();
    expect(await a.create(bob)).toEqual({ status: 'created', document: bob });
    expect(await b.create(ada)).toEqual({ status: 'created', document: ada });
    expect(await b.get('b2')).toEqual(bob);
    expect(await a.get('nope')).toBeNull();
    expect(await a.list()).toEqual([bob, ada]);
    expect(await a.list({ offset: 1 })).toEqual([ada]);
    expect(await a.list({ limit: 1 })).toEqual([bob]);
    expect(await a.list({ limit: 0 })).toEqual([]);
    expect(await b.count()).toBe(2);
  });

  it('refuses a taken id or unique value, writing nothing', async () => {
    const [a, b, name] = users();
    await a.create(ada);
    const before = await listKeys(clientA, `${prefix}col:{${name}}:`);
    expect(await b.create({ ...bob, id: 'a1' })).toEqual({ status: 'conflict', index: 'id' });
    expect(await b.create({ ...bob, email: 'ADA@example.com' })).toEqual({ status: 'conflict', index: 'email' });
    expect(await listKeys(clientA, `${prefix}col:{${name}}:`)).toEqual(before);
    expect(await a.get('b2')).toBeNull();
  });

  it('finds by a unique value', async () => {
    const [a, b] = users();
    await a.create(ada);
    expect(await b.findBy('email', 'ada@example.com')).toEqual(ada);
    expect(await b.findBy('email', 'Ada@example.com')).toBeNull();
    expect(await b.findBy('nickname', 'x')).toBeNull();
  });

  it('updates atomically with its unique values', async () => {
    const [a, b] = users();
    await a.create(ada);
    await a.create(bob);
    const renamed = await b.update('a1', (user) => ({ ...user, email: 'lovelace@example.com', nickname: 'ada' }));
    expect(renamed).toEqual({ status: 'updated', document: { ...ada, email: 'lovelace@example.com', nickname: 'ada' } });
    expect(await a.findBy('email', 'ada@example.com')).toBeNull();
    expect(await a.findBy('email', 'lovelace@example.com')).toMatchObject({ id: 'a1' });
    expect(await a.findBy('nickname', 'ada')).toMatchObject({ id: 'a1' });
    // The freed value can be taken; a taken one cannot.
    expect((await a.update('b2', (user) => ({ ...user, email: 'ada@example.com' }))).status).toBe('updated');
    expect(await a.update('b2', (user) => ({ ...user, email: 'LOVELACE@example.com' }))).toEqual({
      status: 'conflict',
      index: 'email',
    });
    expect(await a.get('b2')).toMatchObject({ email: 'ada@example.com' });
    // Dropping an optional unique value frees it.
    await a.update('a1', ({ nickname: _dropped, ...user }) => user);
    expect(await a.findBy('nickname', 'ada')).toBeNull();
    expect(await a.update('zz', (user) => user)).toEqual({ status: 'not_found' });
    await expect(a.update('a1', (user) => ({ ...user, id: 'other' }))).rejects.toThrow(TypeError);
  });

  it('loses no update under concurrency across two instances (compare-and-set)', async () => {
    const [a, b] = users();
    await a.create({ ...ada, visits: 0 });
    await Promise.all(
      Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? a : b).update('a1', (user) => ({ ...user, visits: (user.visits ?? 0) + 1 }))),
    );
    expect(await a.get('a1')).toMatchObject({ visits: 10 });
  });

  it('lets exactly one of many concurrent creates with one email win', async () => {
    const [a, b] = users();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? a : b).create({ id: `u${index}`, email: 'same@example.com', role: 'agent' })),
    );
    expect(results.filter((result) => result.status === 'created')).toHaveLength(1);
    expect(await a.count()).toBe(1);
  });

  it('deletes a document and frees its unique values, leaving no key behind', async () => {
    const [a, b, name] = users();
    await a.create(ada);
    expect(await b.delete('a1')).toEqual(ada);
    expect(await a.delete('a1')).toBeNull();
    expect(await a.get('a1')).toBeNull();
    expect(await a.list()).toEqual([]);
    expect(await a.findBy('email', 'ada@example.com')).toBeNull();
    expect((await b.create({ ...bob, email: 'ada@example.com' })).status).toBe('created');
    await b.delete('b2');
    // Only the insertion counter stays.
    expect(await listKeys(clientA, `${prefix}col:{${name}}:`)).toEqual([`${prefix}col:{${name}}:seq`]);
  });

  it('answers ERR_INTERNAL for a malformed document', async () => {
    const [a, , name] = users();
    await clientA.hset(`${prefix}col:{${name}}:docs`, 'v:x', '1', 'd:x', '{not json');
    const error = await a.get('x').catch((caught: unknown) => caught);
    expect(isScopeladderError(error) && error.code).toBe('ERR_INTERNAL');
  });
});
