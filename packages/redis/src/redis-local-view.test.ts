/**
 * The local revocation view: two store instances (A and B, two connections, one Redis), a
 * revocation on A and how long B keeps accepting it; the tail connection cut; a gap in the
 * stream; bounded memory; the API-key cache of the auth service; a clean close.
 */
import { randomBytes } from 'node:crypto';
import { isScopeladderError } from '@scopeladder/core';
import { createAuthService, createMemoryDirectory } from '@scopeladder/tokens';
import { Pipeline, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisStore, type RedisTokenStore } from './index.js';
import { compareStreamIds } from './lib/local-view.js';
import { TEST_REDIS_URL, deleteKeys, freePort, startRedisServer, uniquePrefix } from '../../../test/support/redis.js';

const HOUR = 3_600_000;
const runPrefix = uniquePrefix('view');
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
/** Two instances: each its own connection (URL), one prefix. */
function pair(options: Parameters<typeof createRedisStore>[0] = {}, url = TEST_REDIS_URL): [RedisTokenStore, RedisTokenStore, string] {
  count += 1;
  const prefix = `${runPrefix}${count}:`;
  const a = createRedisStore({ url, prefix, ...options });
  const b = createRedisStore({ url, prefix, ...options });
  opened.push(a, b);
  return [a, b, prefix];
}

function id(): string {
  return randomBytes(12).toString('hex');
}

/** Waits until `store`'s view answers (it starts at the first check). */
async function untilFresh(store: RedisTokenStore, timeoutMs = 3000): Promise<void> {
  await store.isAccessTokenRevoked(id(), Date.now());
  const deadline = Date.now() + timeoutMs;
  while (!store.viewStatus().fresh) {
    if (Date.now() > deadline) throw new Error('the view did not become fresh');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Counts the commands a client sends (the store's own connection, not the view's). */
function countCommands(client: RedisTokenStore['client']): { readonly count: () => number } {
  let sent = 0;
  const target = client as unknown as { sendCommand: (...args: unknown[]) => unknown };
  const original = target.sendCommand.bind(client);
  target.sendCommand = (...args: unknown[]) => {
    sent += 1;
    return original(...args);
  };
  return { count: () => sent };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isScopeladderError(error) ? error.code : `not a ScopeladderError: ${String(error)}`;
  }
}

describe('local revocation view', () => {
  it('compares stream ids by time then sequence', () => {
    expect(compareStreamIds('1-2', '1-10')).toBeLessThan(0);
    expect(compareStreamIds('10-0', '9-99')).toBeGreaterThan(0);
    expect(compareStreamIds('5-5', '5-5')).toBe(0);
  });

  it('rejects bad options with TypeError', () => {
    const client = admin;
    expect(() => createRedisStore({ client, localView: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => createRedisStore({ client, localView: { maxLagMs: 50 } })).toThrow(TypeError);
    expect(() => createRedisStore({ client, localView: { recheckMs: 10 } })).toThrow(TypeError);
    // At most a minute: it bounds how long a "not revoked" survives a publish that failed.
    expect(() => createRedisStore({ client, localView: { recheckMs: 60_001 } })).toThrow(TypeError);
    expect(() => createRedisStore({ client, localView: { recheckMs: 600_000 } })).toThrow(TypeError);
    expect(() => createRedisStore({ client, localView: { recheckMs: 60_000 } }).close()).not.toThrow();
    expect(() => createRedisStore({ client, localView: { maxEntries: 0 } })).toThrow(TypeError);
    expect(() => createRedisStore({ client, eventRetentionMs: 1000 })).toThrow(TypeError);
  });

  it('answers repeated checks from memory once fresh: no Redis command per request', async () => {
    const [, b] = pair();
    await untilFresh(b);
    const jti = id();
    const familyId = id();
    expect(await b.isAccessTokenRevoked(jti, Date.now())).toBe(false);
    expect(await b.isFamilyRevoked(familyId, Date.now())).toBe(false);
    const counter = countCommands(b.client);
    for (let i = 0; i < 100; i += 1) {
      expect(await b.isAccessTokenRevoked(jti, Date.now())).toBe(false);
      expect(await b.isFamilyRevoked(familyId, Date.now())).toBe(false);
    }
    expect(counter.count()).toBe(0);
    expect(b.viewStatus()).toMatchObject({ enabled: true, fresh: true });
  });

  it('localView: false asks Redis every time, and still publishes for the others', async () => {
    const [a] = pair();
    const off = createRedisStore({ client: a.client, prefix: a.prefix, localView: false });
    const jti = id();
    expect(await off.isAccessTokenRevoked(jti, Date.now())).toBe(false);
    const counter = countCommands(a.client);
    await off.isAccessTokenRevoked(jti, Date.now());
    expect(counter.count()).toBe(1);
    expect(off.viewStatus().enabled).toBe(false);
    await untilFresh(a);
    expect(await a.isAccessTokenRevoked(jti, Date.now())).toBe(false);
    await off.revokeAccessToken(jti, Date.now() + HOUR);
    await a.syncView();
    expect(await a.isAccessTokenRevoked(jti, Date.now())).toBe(true);
  });

  it('reads its own writes at once (no wait for the stream)', async () => {
    const [a] = pair();
    await untilFresh(a);
    const jti = id();
    const familyId = id();
    expect(await a.isAccessTokenRevoked(jti, Date.now())).toBe(false);
    expect(await a.isFamilyRevoked(familyId, Date.now())).toBe(false);
    await a.revokeAccessToken(jti, Date.now() + HOUR);
    await a.revokeFamily(familyId, Date.now() + HOUR);
    expect(await a.isAccessTokenRevoked(jti, Date.now())).toBe(true);
    expect(await a.isFamilyRevoked(familyId, Date.now())).toBe(true);
  });

  it('revoke on A, B refuses: p99 ≤ 100 ms over 200 revocations (access tokens and families)', async () => {
    const [a, b] = pair();
    await untilFresh(b);
    const delays: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      const jti = id();
      const family = id();
      const kind = i % 2 === 0 ? 'token' : 'family';
      const check = (): Promise<boolean> => (kind === 'token' ? b.isAccessTokenRevoked(jti, Date.now()) : b.isFamilyRevoked(family, Date.now()));
      // B remembers "not revoked" first: the case where a stale view would keep accepting.
      expect(await check()).toBe(false);
      expect(await check()).toBe(false);
      if (kind === 'token') await a.revokeAccessToken(jti, Date.now() + HOUR);
      else await a.revokeFamily(family, Date.now() + HOUR);
      const revokedAt = performance.now();
      while (!(await check())) {
        if (performance.now() - revokedAt > 2000) throw new Error('B never refused');
        await new Promise((resolve) => setImmediate(resolve));
      }
      delays.push(performance.now() - revokedAt);
    }
    const p99 = percentile(delays, 99);
    console.log(
      `revoke on A → B refuses: p50 ${percentile(delays, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${Math.max(...delays).toFixed(2)} ms`,
    );
    expect(p99).toBeLessThanOrEqual(100);
  });

  it('sessions ended on A (revokeFamiliesOfUser) are refused on B', async () => {
    const [a, b] = pair();
    await untilFresh(b);
    const userId = id();
    const now = Date.now();
    const records = Array.from({ length: 3 }, () => ({ digest: randomBytes(32).toString('hex'), userId, familyId: id(), expiresAt: now + HOUR }));
    for (const record of records) await a.saveRefreshToken(record);
    for (const record of records) expect(await b.isFamilyRevoked(record.familyId, now)).toBe(false);
    expect(await a.revokeFamiliesOfUser(userId, now)).toBe(3);
    await b.syncView();
    for (const record of records) expect(await b.isFamilyRevoked(record.familyId, now)).toBe(true);
  });

  it('a refresh reuse on A (family revoked inside the rotation script) is refused on B', async () => {
    const [a, b] = pair();
    await untilFresh(b);
    const now = Date.now();
    const old = { digest: randomBytes(32).toString('hex'), userId: id(), familyId: id(), expiresAt: now + HOUR };
    await a.saveRefreshToken(old);
    expect(await b.isFamilyRevoked(old.familyId, now)).toBe(false);
    const next = { ...old, digest: randomBytes(32).toString('hex') };
    expect((await a.rotateRefreshToken(old.digest, next, now)).status).toBe('rotated');
    expect((await a.rotateRefreshToken(old.digest, { ...old, digest: randomBytes(32).toString('hex') }, now)).status).toBe('reused');
    await b.syncView();
    expect(await b.isFamilyRevoked(old.familyId, now)).toBe(true);
  });

  it('bounds memory: at most maxEntries per kind, and entries go after recheckMs', async () => {
    const [, b] = pair({ localView: { maxEntries: 50, recheckMs: 1000 } });
    await untilFresh(b);
    for (let i = 0; i < 500; i += 1) await b.isAccessTokenRevoked(id(), Date.now());
    expect(b.viewStatus().entries.accessTokens).toBe(50);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(b.viewStatus().entries.accessTokens).toBe(0);
  });

  it('a gap (the stream trimmed past B’s last id while B could not read) empties B’s view, and B answers right after', async () => {
    const port = await freePort();
    const server = await startRedisServer(port);
    try {
      const control = new Redis(server.url, { maxRetriesPerRequest: 1 });
      const userPassword = randomBytes(16).toString('hex');
      await control.call('ACL', 'SETUSER', 'viewer', 'on', `>${userPassword}`, '~*', '+@all');
      const [a] = pair({}, server.url);
      const b = createRedisStore({ url: `redis://viewer:${userPassword}@127.0.0.1:${port}`, prefix: a.prefix });
      opened.push(b);
      await untilFresh(b);
      const jti = id();
      expect(await b.isAccessTokenRevoked(jti, Date.now())).toBe(false);
      // B's tail cannot read the stream any more (its main connection still can).
      await control.call('ACL', 'SETUSER', 'viewer', '-xread');
      await a.revokeAccessToken(jti, Date.now() + HOUR);
      for (let i = 0; i < 5; i += 1) await a.revokeAccessToken(id(), Date.now() + HOUR);
      await control.xtrim(`${a.prefix}{ev}:events`, 'MAXLEN', 0);
      const resetsBefore = b.viewStatus().resets;
      // Stale within maxLagMs: B falls back to Redis and refuses.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(b.viewStatus().fresh).toBe(false);
      expect(await b.isAccessTokenRevoked(jti, Date.now())).toBe(true);
      // Readable again: the gap is found, the view emptied, and fresh again.
      await control.call('ACL', 'SETUSER', 'viewer', '+xread');
      const deadline = Date.now() + 3000;
      while (!b.viewStatus().fresh && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(b.viewStatus().fresh).toBe(true);
      expect(b.viewStatus().resets).toBeGreaterThan(resetsBefore);
      expect(await b.isAccessTokenRevoked(jti, Date.now())).toBe(true);
      // The stream deleted (FLUSH, expiry): also a gap.
      const resetsNow = b.viewStatus().resets;
      await a.revokeAccessToken(id(), Date.now() + HOUR);
      await b.syncView();
      await control.del(`${a.prefix}{ev}:events`);
      const until = Date.now() + 2000;
      while (b.viewStatus().resets === resetsNow && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(b.viewStatus().resets).toBeGreaterThan(resetsNow);
      await control.quit();
    } finally {
      await server.kill();
    }
  });

  it('a wall clock stepped back while the tail is stalled does not extend the bound: B stops vouching within maxLagMs', async () => {
    const port = await freePort();
    const server = await startRedisServer(port);
    const realNow = Date.now.bind(Date);
    try {
      const control = new Redis(server.url, { maxRetriesPerRequest: 1 });
      const userPassword = randomBytes(16).toString('hex');
      await control.call('ACL', 'SETUSER', 'viewer', 'on', `>${userPassword}`, '~*', '+@all');
      const [a] = pair({}, server.url);
      const b = createRedisStore({ url: `redis://viewer:${userPassword}@127.0.0.1:${port}`, prefix: a.prefix });
      opened.push(b);
      await untilFresh(b);
      const jti = id();
      expect(await b.isAccessTokenRevoked(jti, Date.now())).toBe(false);
      // B's tail stalls, and the wall clock steps back a minute (NTP, a VM restored).
      await control.call('ACL', 'SETUSER', 'viewer', '-xread');
      // Past the read that was blocked when the permission went (it may still return events).
      await new Promise((resolve) => setTimeout(resolve, 400));
      vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 60_000);
      await a.revokeAccessToken(jti, Date.now() + HOUR);
      const revokedAt = realNow();
      let lastAccepted = revokedAt;
      while (realNow() - revokedAt < 1500) {
        if (!(await b.isAccessTokenRevoked(jti, Date.now()))) lastAccepted = realNow();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(lastAccepted - revokedAt).toBeLessThanOrEqual(1000);
      expect(b.viewStatus().fresh).toBe(false);
      control.disconnect();
    } finally {
      vi.restoreAllMocks();
      await server.kill();
    }
  });

  it('the stream id going backwards (failover, restore: last-generated-id below B’s last id) is a gap: B empties its view', async () => {
    const [a, b, prefix] = pair();
    await untilFresh(b);
    const jti = id();
    expect(await b.isAccessTokenRevoked(jti, Date.now())).toBe(false);
    await a.revokeAccessToken(id(), Date.now() + HOUR);
    await b.syncView();
    const resetsBefore = b.viewStatus().resets;
    // An older stream comes back (ids below B's last one) holding the revocation B never saw.
    await admin
      .multi()
      .set(`${prefix}jti:${jti}`, String(Date.now() + HOUR))
      .del(`${prefix}{ev}:events`)
      .xadd(`${prefix}{ev}:events`, '1-1', 'e', JSON.stringify({ j: [jti] }))
      .exec();
    const deadline = Date.now() + 1500;
    while (!(await b.isAccessTokenRevoked(jti, Date.now()))) {
      expect(Date.now()).toBeLessThanOrEqual(deadline);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(b.viewStatus().resets).toBeGreaterThan(resetsBefore);
  });

  it('a malformed stream entry (no id) empties the view instead of being skipped', async () => {
    const [a, b] = pair();
    await untilFresh(b);
    // An older entry first, so the stream's first entry never looks like a gap by itself.
    await a.revokeAccessToken(id(), Date.now() + HOUR);
    await b.syncView();
    expect(await b.isAccessTokenRevoked(id(), Date.now())).toBe(false);
    expect(b.viewStatus().entries.accessTokens).toBe(1);
    const resetsBefore = b.viewStatus().resets;
    // Fault injection on the real reply: the next XREAD reply with entries loses its first id.
    const prototype = Pipeline.prototype as unknown as { exec: (...args: unknown[]) => Promise<unknown> };
    const exec = prototype.exec;
    let armed = true;
    prototype.exec = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      const replies = (await exec.apply(this, args)) as [unknown, unknown][] | null;
      const entries = (replies?.[0]?.[1] as [string, [string, unknown[]][]][] | null | undefined)?.[0]?.[1];
      if (armed && Array.isArray(entries) && entries.length > 0 && Array.isArray(entries[0])) {
        armed = false;
        (entries[0] as unknown[])[0] = null;
      }
      return replies;
    };
    try {
      // Past the round already in flight (its reply is not wrapped).
      await new Promise((resolve) => setTimeout(resolve, 400));
      await a.revokeAccessToken(id(), Date.now() + HOUR);
      const deadline = Date.now() + 1500;
      while (armed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(armed).toBe(false);
      await b.syncView();
    } finally {
      prototype.exec = exec;
    }
    expect(b.viewStatus().resets).toBeGreaterThan(resetsBefore);
    expect(b.viewStatus().entries.accessTokens).toBe(0);
  });

  it('the tail connection cut (CLIENT KILL, cannot read back): B never accepts a revoked token beyond maxLagMs; Redis down → 503', async () => {
    const port = await freePort();
    const server = await startRedisServer(port);
    try {
      const control = new Redis(server.url, { maxRetriesPerRequest: 1 });
      const userPassword = randomBytes(16).toString('hex');
      await control.call('ACL', 'SETUSER', 'viewer', 'on', `>${userPassword}`, '~*', '+@all');
      const [a] = pair({}, server.url);
      const b = createRedisStore({ url: `redis://viewer:${userPassword}@127.0.0.1:${port}`, prefix: a.prefix });
      opened.push(b);
      await untilFresh(b);
      const jti = id();
      expect(await b.isAccessTokenRevoked(jti, Date.now())).toBe(false);
      await control.call('ACL', 'SETUSER', 'viewer', '-xread');
      const list = String(await control.call('CLIENT', 'LIST'));
      const tails = list.split('\n').filter((line) => line.includes('name=scopeladder-view') && line.includes('user=viewer'));
      expect(tails).toHaveLength(1);
      const tailId = /\bid=(\d+)/.exec(tails[0] ?? '')?.[1];
      await control.call('CLIENT', 'KILL', 'ID', tailId ?? '0');
      await a.revokeAccessToken(jti, Date.now() + HOUR);
      const revokedAt = Date.now();
      let lastAccepted = revokedAt;
      while (Date.now() - revokedAt < 1500) {
        if (!(await b.isAccessTokenRevoked(jti, Date.now()))) lastAccepted = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      // The documented bound (maxLagMs 1000): never longer.
      expect(lastAccepted - revokedAt).toBeLessThanOrEqual(1000);
      expect(b.viewStatus().fresh).toBe(false);
      // Redis gone: the fallback answers ERR_STORE_UNAVAILABLE (503), never "not revoked".
      await server.kill();
      expect(await codeOf(b.isAccessTokenRevoked(jti, Date.now()))).toBe('ERR_STORE_UNAVAILABLE');
      expect(await codeOf(b.isAccessTokenRevoked(id(), Date.now()))).toBe('ERR_STORE_UNAVAILABLE');
      control.disconnect();
    } finally {
      await server.kill();
    }
  });

  it('a publish that fails after the write rejects the call (never success), and an instance that remembered the token live re-asks within recheckMs', async () => {
    const port = await freePort();
    const server = await startRedisServer(port);
    try {
      const control = new Redis(server.url, { maxRetriesPerRequest: 1 });
      const userPassword = randomBytes(16).toString('hex');
      await control.call('ACL', 'SETUSER', 'writer', 'on', `>${userPassword}`, '~*', '+@all', '-xadd');
      count += 1;
      const prefix = `${runPrefix}${count}:`;
      const writer = createRedisStore({ url: `redis://writer:${userPassword}@127.0.0.1:${port}`, prefix });
      const b = createRedisStore({ url: server.url, prefix, localView: { recheckMs: 1000 } });
      opened.push(writer, b);
      await untilFresh(b);
      const jti = id();
      expect(await b.isAccessTokenRevoked(jti, Date.now())).toBe(false);
      // The marker is written, the event cannot be: the call must not report success.
      expect(await codeOf(writer.revokeAccessToken(jti, Date.now() + HOUR))).toMatch(/^ERR_/);
      expect(await control.get(`${prefix}jti:${jti}`)).not.toBeNull();
      const failedAt = Date.now();
      while (!(await b.isAccessTokenRevoked(jti, Date.now()))) {
        expect(Date.now() - failedAt).toBeLessThanOrEqual(1000 + 500);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      control.disconnect();
    } finally {
      await server.kill();
    }
  });

  it('closes cleanly: the tail connection goes, the view stops answering', async () => {
    const port = await freePort();
    const server = await startRedisServer(port);
    try {
      const control = new Redis(server.url, { maxRetriesPerRequest: 1 });
      const store = createRedisStore({ url: server.url, prefix: `${runPrefix}close:` });
      await untilFresh(store);
      const countTails = async (): Promise<number> =>
        String(await control.call('CLIENT', 'LIST'))
          .split('\n')
          .filter((line) => line.includes('name=scopeladder-view')).length;
      expect(await countTails()).toBe(1);
      await store.close();
      expect(store.viewStatus().fresh).toBe(false);
      const deadline = Date.now() + 2000;
      while ((await countTails()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await countTails()).toBe(0);
      await store.close();
      await control.quit();
    } finally {
      await server.kill();
    }
  });
});

describe('local view: bot API keys through the auth service', () => {
  const botId = '65f0c0ffee0000000000b0c1';
  const secret = randomBytes(32);

  it('answers a known key from memory; a deletion or an ended session of the bot on A acts on B', async () => {
    const directory = createMemoryDirectory();
    directory.add({ id: botId, email: 'bot-view@example.com', role: 'bot', kind: 'bot' });
    let reads = 0;
    const counted = {
      ...directory,
      findById: (userId: string) => {
        reads += 1;
        return directory.findById(userId);
      },
    };
    const [storeA, storeB] = pair();
    const a = createAuthService({ directory: counted, store: storeA, keys: { algorithm: 'HS256', secret } });
    const b = createAuthService({ directory: counted, store: storeB, keys: { algorithm: 'HS256', secret } });
    await untilFresh(storeB);
    const created = await a.createApiKey(botId, ['bot']);
    await storeB.syncView();
    expect((await b.authenticate(`Bearer ${created.apiKey}`)).principal.scopes).toContain('bot');
    const readsAfterFirst = reads;
    const counter = countCommands(storeB.client);
    for (let i = 0; i < 50; i += 1) expect((await b.authenticate(`Bearer ${created.apiKey}`)).principal.id).toBe(botId);
    expect(reads).toBe(readsAfterFirst);
    expect(counter.count()).toBe(0);

    // A role change, followed by endSessionsOfUser as documented: B sees the new role.
    directory.update(botId, { role: 'guest' });
    await a.endSessionsOfUser(botId);
    await storeB.syncView();
    expect((await b.authenticate(`Bearer ${created.apiKey}`)).principal.scopes).not.toContain('bot');

    // The key deleted on A: refused on B.
    expect(await a.revokeApiKey(created.id)).toBe(true);
    await storeB.syncView();
    expect(await codeOf(b.authenticate(`Bearer ${created.apiKey}`))).toBe('ERR_API_KEY_INVALID');
  });

  it('a directory change nobody published acts within maxLagMs', async () => {
    const directory = createMemoryDirectory();
    directory.add({ id: botId, email: 'bot-view@example.com', role: 'bot', kind: 'bot' });
    const [storeA] = pair();
    const a = createAuthService({ directory, store: storeA, keys: { algorithm: 'HS256', secret } });
    await untilFresh(storeA);
    const created = await a.createApiKey(botId, ['bot']);
    await a.authenticate(`Bearer ${created.apiKey}`);
    directory.delete(botId);
    const removedAt = Date.now();
    while ((await codeOf(a.authenticate(`Bearer ${created.apiKey}`))) === undefined) {
      expect(Date.now() - removedAt).toBeLessThanOrEqual(1100);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await codeOf(a.authenticate(`Bearer ${created.apiKey}`))).toBe('ERR_API_KEY_INVALID');
  });
});
