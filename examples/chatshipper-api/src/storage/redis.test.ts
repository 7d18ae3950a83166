// The Redis repositories against a real Redis (127.0.0.1:6379 or REDIS_URL; a missing Redis
// fails these tests). Every test writes under its own key prefix; afterAll deletes them all.
import { isScopeladderError } from '@scopeladder/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, connectTestRedis, deleteKeys, freePort, listKeys, startRedisServer, uniquePrefix } from '../../../../test/support/redis.js';
import { ensureBootstrapAdmin } from '../bootstrap.js';
import { newId } from '../lib/ids.js';
import { createLogger } from '../log.js';
import { findOrganizationIn } from './find-organization.js';
import { createRedisResourceRepository, createRedisUserRepository } from './redis.js';
import { describeRedisCluster, describeRedisUrl, openRedisStorage, RedisUnavailableError } from './redis-storage.js';
import { LIST_ALL, describeRepositoryContract } from './repository-contract.js';

const RUN_PREFIX = uniquePrefix('storage');
let prefixes = 0;
/** Two clients: two server instances sharing one Redis. */
let one: Redis;
let two: Redis;

beforeAll(async () => {
  [one, two] = await Promise.all([connectTestRedis(), connectTestRedis()]);
});

afterAll(async () => {
  if (one) {
    await deleteKeys(one, RUN_PREFIX);
    expect(await listKeys(one, RUN_PREFIX)).toEqual([]);
  }
  one?.disconnect();
  two?.disconnect();
});

function freshPrefix(): string {
  prefixes += 1;
  return `${RUN_PREFIX}${prefixes}:`;
}

describeRepositoryContract('redis', async () => {
  const prefix = freshPrefix();
  const resources = createRedisResourceRepository({ client: one, prefix });
  return {
    users: createRedisUserRepository({ client: one, prefix }, (id) => findOrganizationIn(resources, id)),
    resources,
  };
});

describe('redis repositories shared by two instances', () => {
  function instances(): { prefix: string; a: ReturnType<typeof open>; b: ReturnType<typeof open> } {
    const prefix = freshPrefix();
    return { prefix, a: open(one, prefix), b: open(two, prefix) };
  }
  function open(client: Redis, prefix: string) {
    return {
      users: createRedisUserRepository({ client, prefix }),
      resources: createRedisResourceRepository({ client, prefix }),
    };
  }
  const user = (email: string) => ({
    id: newId(),
    email,
    role: 'bot',
    kind: 'bot' as const,
    organization: newId(),
    profile: {},
  });

  it('sees users and resources written by the other instance', async () => {
    const { a, b } = instances();
    const bot = user('bot@example.com');
    await a.users.create(bot);
    expect(await b.users.findByEmail('BOT@example.com')).toEqual(bot);
    await b.users.update(bot.id, { role: 'agent' });
    expect((await a.users.findById(bot.id))?.role).toBe('agent');
    const contact = { id: newId(), organization: bot.organization, name: 'Ada' };
    await b.resources.create('Contact', contact);
    expect((await a.resources.list('Contact', LIST_ALL)).items).toEqual([contact]);
    expect(await a.resources.delete('Contact', contact.id)).toBe(true);
    expect(await b.resources.get('Contact', contact.id)).toBeNull();
  });

  it('lets exactly one of concurrent creations of one email win', async () => {
    const { a, b } = instances();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).users.create(user(i % 3 === 0 ? 'SAME@example.com' : 'same@example.com'))),
    );
    expect(results.filter((created) => created !== null)).toHaveLength(1);
    expect((await a.users.list(LIST_ALL)).items).toHaveLength(1);
  });

  it('loses no field when both instances update one record at once', async () => {
    const { a, b } = instances();
    const id = newId();
    await a.resources.create('Conversation', { id, organization: undefined });
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).resources.update('Conversation', id, { [`field${i}`]: i })));
    const merged = await b.resources.get('Conversation', id);
    for (let i = 0; i < 10; i += 1) expect(merged?.[`field${i}`]).toBe(i);
  });

  it('bootstraps one admin and one organization when instances start at once', async () => {
    const { a, b } = instances();
    const hashPassword = async (password: string) => `hash:${password}`;
    const results = await Promise.all(
      [a, b, a, b].map((instance) => ensureBootstrapAdmin({ ...instance, email: 'admin@example.com', password: 'p4ssword', hashPassword })),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(new Set(results.map((result) => result.organization)).size).toBe(1);
    expect((await a.resources.list('Organization', LIST_ALL)).items.map((org) => org.id)).toEqual([results[0]?.organization]);
  });

  it('never builds keys from ids that are not ids', async () => {
    const { prefix, a } = instances();
    expect(await a.users.findById('*')).toBeNull();
    expect(await a.users.findById('')).toBeNull();
    expect(await a.resources.get('Contact', '../x')).toBeNull();
    expect(await a.users.update('x:y', { role: 'admin' })).toBeNull();
    expect(await a.resources.delete('Form', 'nope')).toBe(false);
    expect(await listKeys(one, prefix)).toEqual([]);
  });
});

describe('openRedisStorage', () => {
  it('shares one client between the token store and the collections, and closes it', async () => {
    const prefix = freshPrefix();
    const storage = await openRedisStorage({ url: TEST_REDIS_URL, prefix, logger: createLogger({ out: () => {} }) });
    expect(storage.name).toBe('redis');
    expect(storage.description).toContain(`prefix ${JSON.stringify(prefix)}`);
    expect(await storage.check()).toEqual({ ok: true, details: { redis: 'up' } });
    const admin = await ensureBootstrapAdmin({ ...storage, email: 'a@example.com', password: 'x'.repeat(8), hashPassword: async () => 'h' });
    expect(admin.created).toBe(true);
    const apiKey = { id: newId(), userId: admin.id, digest: 'd'.repeat(64), scopes: ['bot'], createdAt: Date.now() };
    await storage.tokenStore.saveApiKey(apiKey);
    expect(await storage.tokenStore.findApiKey(apiKey.digest)).toMatchObject({ id: apiKey.id, userId: admin.id });
    expect((await listKeys(one, prefix)).every((name) => name.startsWith(prefix))).toBe(true);
    await storage.close();
    await storage.close();
    expect(await storage.check()).toEqual({ ok: false, details: { redis: 'down' } });
    await expect(storage.users.findById(admin.id)).rejects.toSatisfy(
      (error: unknown) => isScopeladderError(error) && error.code === 'ERR_STORE_UNAVAILABLE',
    );
  });

  it('gives up at start-up with a clear error that holds no password', async () => {
    const port = await freePort();
    const started = Date.now();
    const failure = await openRedisStorage({
      url: `redis://app:hunter2-secret@127.0.0.1:${port}/0`,
      prefix: freshPrefix(),
      logger: createLogger({ out: () => {}, err: () => {} }),
      connectTimeoutMs: 300,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RedisUnavailableError);
    expect((failure as Error).message).toContain(`redis://127.0.0.1:${port}/0 did not answer`);
    expect((failure as Error).message).not.toContain('hunter2');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('describes a URL without its credentials', () => {
    expect(describeRedisUrl('redis://app:s3cret@cache.internal:6380/2')).toBe('redis://cache.internal:6380/2');
    expect(describeRedisUrl('rediss://:s3cret@cache.internal')).toBe('rediss://cache.internal:6379');
    expect(describeRedisUrl('not a url')).not.toContain('not a url');
  });

  it('describes a cluster by its first three seed nodes, IPv6 in brackets', () => {
    expect(describeRedisCluster([{ host: '10.0.0.1', port: 6379 }])).toBe('10.0.0.1:6379');
    expect(
      describeRedisCluster([
        { host: '10.0.0.1', port: 6379 },
        { host: 'fd00::2', port: 6380 },
        { host: 'redis-3.internal', port: 7000 },
        { host: '10.0.0.4', port: 6379 },
        { host: '10.0.0.5', port: 6379 },
      ]),
    ).toBe('10.0.0.1:6379,[fd00::2]:6380,redis-3.internal:7000 and 2 more');
  });
});

describe('openRedisStorage and the eviction policy', () => {
  it('warns once at start when Redis may evict keys, and says nothing under noeviction', async () => {
    const quiet: string[] = [];
    const safe = await openRedisStorage({
      url: TEST_REDIS_URL,
      prefix: freshPrefix(),
      logger: createLogger({ out: (l) => quiet.push(l), err: (l) => quiet.push(l) }),
    });
    await safe.close();
    expect(quiet.join('\n')).not.toMatch(/maxmemory-policy/);

    const redis = await startRedisServer(await freePort());
    const lines: string[] = [];
    try {
      const admin = await connectTestRedis(redis.url);
      await admin.config('SET', 'maxmemory-policy', 'volatile-lru');
      admin.disconnect();
      const storage = await openRedisStorage({
        url: redis.url,
        prefix: freshPrefix(),
        // The messages of the JSON log lines.
        logger: createLogger({
          out: (line) => lines.push((JSON.parse(line) as { msg: string }).msg),
          err: (line) => lines.push((JSON.parse(line) as { msg: string }).msg),
        }),
      });
      await storage.close();
    } finally {
      await redis.kill();
    }
    expect(lines.filter((line) => /maxmemory-policy is "volatile-lru".*noeviction/.test(line))).toHaveLength(1);
  });
});

describe('redis storage while Redis is unreachable', () => {
  it('rejects with ERR_STORE_UNAVAILABLE at once (503, never a crash), and works again when Redis is back', async () => {
    const port = await freePort();
    let redis = await startRedisServer(port);
    const lines: string[] = [];
    const logger = createLogger({ out: (line) => lines.push(line), err: (line) => lines.push(line) });
    const storage = await openRedisStorage({ url: redis.url, prefix: freshPrefix(), logger });
    const recovered = new Promise<void>((resolve) => storage.onRecovered(resolve));
    try {
      await storage.users.create({ id: newId(), email: 'a@example.com', role: 'admin', kind: 'user', organization: undefined, profile: {} });
      await redis.kill();
      const unavailable = (error: unknown) => isScopeladderError(error) && error.code === 'ERR_STORE_UNAVAILABLE';
      const started = Date.now();
      await expect(storage.users.findByEmail('a@example.com')).rejects.toSatisfy(unavailable);
      await expect(storage.resources.list('Contact', LIST_ALL)).rejects.toSatisfy(unavailable);
      await expect(storage.tokenStore.isFamilyRevoked('f', Date.now())).rejects.toSatisfy(unavailable);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(await storage.check()).toEqual({ ok: false, details: { redis: 'down' } });

      redis = await startRedisServer(port);
      await recovered;
      expect(await storage.check()).toEqual({ ok: true, details: { redis: 'up' } });
      // Nothing on disk: the restarted Redis is empty.
      expect(await storage.users.findByEmail('a@example.com')).toBeNull();
      expect(lines.join('\n')).toMatch(/redis: connection to redis:\/\/127\.0\.0\.1:\d+ lost[\s\S]*connected to .* again/);
    } finally {
      await storage.close();
      await redis.kill();
    }
  });
});
