/**
 * Redis going away and coming back, against redis-server processes this file starts on free
 * ports (`redis-server --port N --save "" --appendonly no`). The store must fail closed with
 * ERR_STORE_UNAVAILABLE (HTTP 503) within a bounded time, and recover by itself.
 */
import { httpErrorFor, isScopeladderError } from '@scopeladder/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { randomDigest } from '@scopeladder/testing/store-contract';
import { createRedisStore, type RedisTokenStore } from './index.js';
import { type RedisServerProcess, freePort, startRedisServer } from '../../../test/support/redis.js';

const HOUR = 3_600_000;
/** The bound the issue sets for failing closed. */
const FAIL_FAST_MS = 2_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function startServer(port: number): Promise<RedisServerProcess> {
  const server = await startRedisServer(port);
  cleanups.push(() => server.kill());
  return server;
}

function track(store: RedisTokenStore): RedisTokenStore {
  cleanups.push(() => store.close());
  return store;
}

/** Every kind of store call, each one fresh. */
function everyOperation(store: RedisTokenStore): (() => Promise<unknown>)[] {
  const now = Date.now();
  const token = () => ({ digest: randomDigest(), userId: 'u1', familyId: 'f1', expiresAt: now + HOUR });
  return [
    () => store.saveRefreshToken(token()),
    () => store.findRefreshToken(randomDigest()),
    () => store.rotateRefreshToken(randomDigest(), token(), now),
    () => store.revokeFamily('f1', now + HOUR),
    () => store.isFamilyRevoked('f1', now),
    () => store.revokeAccessToken('j1', now + HOUR),
    () => store.isAccessTokenRevoked('j1', now),
    () => store.saveApiKey({ digest: randomDigest(), id: 'k1', userId: 'bot', scopes: ['bot'], createdAt: now }),
    () => store.findApiKey(randomDigest()),
    () => store.deleteApiKey('k1'),
    () => store.deleteApiKeysOfUser('bot'),
    () => store.listApiKeysOfUser('bot'),
    () => store.hit('login:x', 60_000, now),
    () => store.peek('login:x', now),
    () => store.releaseHit('login:x', now + 60_000),
    () => store.clearHits('login:x'),
  ];
}

/** Runs every operation concurrently; each must reject with ERR_STORE_UNAVAILABLE within the bound. */
async function expectAllUnavailable(store: RedisTokenStore): Promise<number> {
  const started = Date.now();
  const outcomes = await Promise.all(
    everyOperation(store).map(async (operation) => {
      const t = Date.now();
      try {
        await operation();
        return { ok: true as const, ms: Date.now() - t };
      } catch (error) {
        return { ok: false as const, error, ms: Date.now() - t };
      }
    }),
  );
  for (const outcome of outcomes) {
    expect(outcome.ok).toBe(false);
    if (outcome.ok) continue;
    expect(isScopeladderError(outcome.error) && outcome.error.code).toBe('ERR_STORE_UNAVAILABLE');
    expect(httpErrorFor(outcome.error).status).toBe(503);
    expect(outcome.ms).toBeLessThan(FAIL_FAST_MS);
  }
  return Date.now() - started;
}

/** Polls (bounded) until the store answers again: recovery needs no new store. */
async function waitUntilAvailable(store: RedisTokenStore, withinMs = 10_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if (await store.ping()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`store did not recover within ${withinMs} ms`);
}

/** A full round of real work: rotation (a Lua script the new server has never seen), hits, keys. */
async function expectWorking(store: RedisTokenStore): Promise<void> {
  const now = Date.now();
  const old = { digest: randomDigest(), userId: 'u1', familyId: `f-${randomDigest()}`, expiresAt: now + HOUR };
  await store.saveRefreshToken(old);
  const next = { ...old, digest: randomDigest(), expiresAt: now + 2 * HOUR };
  expect(await store.rotateRefreshToken(old.digest, next, now)).toEqual({ status: 'rotated', record: old });
  expect((await store.rotateRefreshToken(old.digest, { ...next, digest: randomDigest() }, now)).status).toBe('reused');
  expect(await store.isFamilyRevoked(old.familyId, now)).toBe(true);
  const key = `login:${randomDigest()}`;
  expect((await store.hit(key, 60_000, now)).count).toBe(1);
  const apiKey = { digest: randomDigest(), id: randomDigest().slice(0, 24), userId: 'bot', scopes: ['bot'], createdAt: now };
  await store.saveApiKey(apiKey);
  expect(await store.findApiKey(apiKey.digest)).toEqual(apiKey);
}

describe('Redis unavailable', () => {
  it('store created from a url: fails closed within 2 s when Redis dies, recovers when it returns', async () => {
    const port = await freePort();
    const server = await startServer(port);
    const store = track(createRedisStore({ url: server.url, prefix: 'failure:', commandTimeoutMs: 500 }));
    await expectWorking(store);

    await server.kill();
    await expectAllUnavailable(store);
    // Once the loss is known, calls fail at once instead of waiting out their timeout in a queue.
    expect(await expectAllUnavailable(store)).toBeLessThan(250);

    await startServer(port);
    await waitUntilAvailable(store);
    await expectWorking(store);
  });

  it('shared client with ioredis defaults (offline queue on): still fails fast and recovers', async () => {
    const port = await freePort();
    const server = await startServer(port);
    const client = new Redis(server.url, { retryStrategy: () => 50 });
    client.on('error', () => {});
    cleanups.push(async () => client.disconnect());
    const store = track(createRedisStore({ client, prefix: 'failure-shared:', commandTimeoutMs: 500 }));
    await expectWorking(store);

    await server.kill();
    await expectAllUnavailable(store);
    expect(await expectAllUnavailable(store)).toBeLessThan(250);

    await startServer(port);
    await waitUntilAvailable(store);
    await expectWorking(store);
  });

  it('a frozen Redis (SIGSTOP) cannot hang a call: it rejects after commandTimeoutMs; SIGCONT recovers', async () => {
    const port = await freePort();
    const server = await startServer(port);
    const store = track(createRedisStore({ url: server.url, prefix: 'failure-frozen:', commandTimeoutMs: 300 }));
    await expectWorking(store);

    server.process.kill('SIGSTOP');
    cleanups.push(async () => {
      server.process.kill('SIGCONT');
    });
    const elapsed = await expectAllUnavailable(store);
    expect(elapsed).toBeGreaterThanOrEqual(250);

    server.process.kill('SIGCONT');
    await waitUntilAvailable(store);
    await expectWorking(store);
  });

  it('Redis down at start-up: calls fail within the bound, then work once Redis starts', async () => {
    const port = await freePort();
    const store = track(createRedisStore({ url: `redis://127.0.0.1:${port}`, prefix: 'failure-startup:', commandTimeoutMs: 500 }));
    await expectAllUnavailable(store);

    await startServer(port);
    await waitUntilAvailable(store);
    await expectWorking(store);
  });
});
