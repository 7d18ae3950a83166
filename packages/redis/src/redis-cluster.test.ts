// @scopeladder/redis on a real Redis Cluster: a throw-away local cluster of three masters
// (test/support/redis-cluster.ts), started here and stopped after, whatever happens. The whole
// TokenStore contract suite runs on it, a workload of random ids (keys on every master)
// reproduces issue #15's failure mode, and every script call is checked to name keys of one
// hash slot only, computed with Redis Cluster's own function.
import { randomBytes } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTokenStoreContract, randomDigest } from '@scopeladder/testing/store-contract';
import type { RefreshTokenRecord } from '@scopeladder/tokens';
import { createRedisCollection, createRedisStore, type RedisTokenStore } from './index.js';
import { TOKEN_STORE_SCRIPTS } from './lib/scripts.js';
import { deleteKeys, listKeys } from '../../../test/support/redis.js';
import { settledAfterWrites } from '../../../test/support/redis-view.js';
import { keySlot, startLocalRedisCluster, type LocalRedisCluster } from '../../../test/support/redis-cluster.js';

const HOUR = 3_600_000;

let cluster: LocalRedisCluster | undefined;
let clientA: Cluster;
let clientB: Cluster;

beforeAll(async () => {
  cluster = await startLocalRedisCluster();
  clientA = cluster.connect();
  clientB = cluster.connect();
  await Promise.all([clientA.ping(), clientB.ping()]);
}, 60_000);

afterAll(async () => {
  clientA?.disconnect();
  clientB?.disconnect();
  await cluster?.stop();
});

function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('hex');
}

let fixtures = 0;
describeTokenStoreContract('@scopeladder/redis on a Redis Cluster of three masters', async () => {
  fixtures += 1;
  const prefix = `contract${fixtures}:`;
  const store = createRedisStore({ client: clientA, prefix });
  const peer = createRedisStore({ client: clientB, prefix });
  // The local view (on by default) shows a write to the other instance within its bound.
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

/** A Cluster client that records the keys of every script call (and still runs it). */
function recordingClient(): { client: Cluster; calls: { sha: string; keys: string[] }[] } {
  const client = cluster!.connect();
  const calls: { sha: string; keys: string[] }[] = [];
  const record = (sha: string, args: readonly unknown[]): void => {
    const count = Number(args[0]);
    calls.push({ sha, keys: args.slice(1, 1 + count).map(String) });
  };
  const evalsha = client.evalsha.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const evalSource = client.eval.bind(client) as (...args: unknown[]) => Promise<unknown>;
  Object.assign(client, {
    evalsha: (sha: string, ...args: unknown[]) => {
      record(sha, args);
      return evalsha(sha, ...args);
    },
    eval: (source: string, ...args: unknown[]) => {
      const script = TOKEN_STORE_SCRIPTS.find((candidate) => candidate.source === source);
      record(script?.sha ?? 'unknown', args);
      return evalSource(source, ...args);
    },
  });
  return { client, calls };
}

/** Every operation of the store once or more, on random ids. */
async function exerciseEveryOperation(store: RedisTokenStore): Promise<void> {
  const now = Date.now();
  for (let round = 0; round < 5; round += 1) {
    const userId = randomId();
    const first: RefreshTokenRecord = {
      digest: randomDigest(),
      userId,
      familyId: randomId(16),
      expiresAt: now + HOUR,
      familyExpiresAt: now + 3 * HOUR,
      organization: 'c1',
    };
    await store.saveRefreshToken(first);
    const { familyExpiresAt: _longer, ...shorter } = first;
    await store.saveRefreshToken({ ...shorter, digest: randomDigest(), familyId: randomId(16) });
    await store.saveRefreshToken({ ...shorter, digest: randomDigest(), familyId: randomId(16) }); // beyond the cap of 2: ends the second
    const next = { ...first, digest: randomDigest(), expiresAt: now + 2 * HOUR };
    expect((await store.rotateRefreshToken(first.digest, next, now)).status).toBe('rotated');
    expect((await store.rotateRefreshToken(first.digest, { ...next, digest: randomDigest() }, now)).status).toBe('reused');
    await store.findRefreshToken(next.digest);
    await store.revokeFamily(randomId(16), now + HOUR);
    await store.isFamilyRevoked(first.familyId, now);
    await store.revokeAccessToken(randomId(16), now + HOUR);
    await store.isAccessTokenRevoked(randomId(16), now);
    expect(await store.revokeFamiliesOfUser(userId, now, { except: next.familyId })).toBe(1);
    const key = { digest: randomDigest(), id: randomId(), userId: randomId(), scopes: ['bot'], createdAt: now };
    await store.saveApiKey(key);
    await store.saveApiKey({ ...key, digest: randomDigest() }); // the id again, another digest
    await store.saveApiKey({ ...key, id: randomId(), userId: randomId() }); // the digest again, another key
    await store.findApiKey(key.digest);
    await store.listApiKeysOfUser(key.userId);
    await store.deleteApiKey(key.id);
    await store.deleteApiKeysOfUser(key.userId);
    const counter = `login:${randomId()}`;
    const { resetAt } = await store.hit(counter, 60_000, now);
    await store.peek(counter, now);
    await store.releaseHit(counter, resetAt);
    await store.clearHits(counter);
  }
}

describe('token store key layout on Redis Cluster terms', () => {
  it('computes slots like Redis Cluster (CLUSTER KEYSLOT agrees)', async () => {
    for (const key of ['somekey', 'p:{u:1}:ufam', 'p:{f:ab%7Dc}:fam', 'p:rt:00ff', 'foo{}{bar}', `p:{u:${randomId()}}:aku`]) {
      expect(keySlot(key), key).toBe(await clientA.cluster('KEYSLOT', key));
    }
  });

  it('names keys only from KEYS inside its scripts (no key built from ARGV or a stored value)', () => {
    for (const script of TOKEN_STORE_SCRIPTS) {
      const calls = [...script.source.matchAll(/redis\.call\('(\w+)',\s*([^,)]+)/g)];
      expect(calls.length, script.name).toBeGreaterThan(0);
      for (const [call, , key] of calls) {
        // KEYS[i], or a helper's parameter that every caller fills from KEYS.
        expect(key?.trim(), `${script.name}: ${call}`).toMatch(/^(KEYS\[\d\]|key)$/);
      }
      expect(script.source, script.name).not.toMatch(/\.\.\s*'(fam|rt|ak|akid|aku|ufam|uend|jti|hit):/);
    }
  });

  it('sends every script with keys of one slot only, for random ids, and runs each script', async () => {
    const { client, calls } = recordingClient();
    try {
      const store = createRedisStore({ client, prefix: 'layout:', maxSessionsPerUser: 2 });
      await exerciseEveryOperation(store);
      for (const { sha, keys } of calls) {
        const name = TOKEN_STORE_SCRIPTS.find((script) => script.sha === sha)?.name ?? sha;
        expect(keys.length, name).toBeGreaterThan(0);
        expect(new Set(keys.map(keySlot)).size, `${name}: ${keys.join(' ')}`).toBe(1);
      }
      const used = new Set(calls.map((call) => call.sha));
      for (const script of TOKEN_STORE_SCRIPTS) expect(used.has(script.sha), script.name).toBe(true);
    } finally {
      client.disconnect();
    }
  });
});

describe('token store on a Redis Cluster: many random ids (issue #15: data-dependent failures)', () => {
  it('rotation, reuse detection, ending sessions and bot keys stay correct with keys on every master', async () => {
    const prefix = 'spread:';
    const store = createRedisStore({ client: clientA, prefix });
    const peer = createRedisStore({ client: clientB, prefix });
    const now = Date.now();
    const users = Array.from({ length: 40 }, () => randomId());
    const sessions = users.flatMap((userId) =>
      [0, 1].map((): RefreshTokenRecord => ({ digest: randomDigest(), userId, familyId: randomId(16), expiresAt: now + HOUR })),
    );
    await Promise.all(sessions.map((record) => store.saveRefreshToken(record)));

    // Every session rotates once, on the other instance.
    const nexts = sessions.map((record) => ({ ...record, digest: randomDigest(), expiresAt: now + 2 * HOUR }));
    const rotated = await Promise.all(sessions.map((record, n) => peer.rotateRefreshToken(record.digest, nexts[n]!, now + 1)));
    expect(rotated.map((result) => result.status)).toEqual(sessions.map(() => 'rotated'));
    for (const [n, record] of nexts.entries()) expect(await store.findRefreshToken(record.digest), String(n)).toEqual(nexts[n]);

    // The first session of every user replays its old token: reuse, the family is revoked.
    const firsts = sessions.filter((_, n) => n % 2 === 0);
    const replays = await Promise.all(
      firsts.map((record) => store.rotateRefreshToken(record.digest, { ...record, digest: randomDigest() }, now + 2)),
    );
    expect(replays.map((result) => result.status)).toEqual(firsts.map(() => 'reused'));
    for (const [n, record] of sessions.entries()) {
      expect(await peer.isFamilyRevoked(record.familyId, now + 3), String(n)).toBe(n % 2 === 0);
      const status = (await peer.rotateRefreshToken(nexts[n]!.digest, { ...nexts[n]!, digest: randomDigest() }, now + 3)).status;
      expect(status, String(n)).toBe(n % 2 === 0 ? 'revoked' : 'rotated');
    }

    // Half the users end all their sessions: both families each, nobody else's.
    const ended = users.slice(0, 20);
    expect(await Promise.all(ended.map((userId) => peer.revokeFamiliesOfUser(userId, now + 4)))).toEqual(ended.map(() => 2));
    for (const [n, record] of sessions.entries()) {
      const shouldBeRevoked = n % 2 === 0 || ended.includes(record.userId);
      expect(await store.isFamilyRevoked(record.familyId, now + 5), String(n)).toBe(shouldBeRevoked);
    }

    // Bot keys: two per user; one deleted by id, all of half the users deleted.
    const keys = users.flatMap((userId) => [0, 1].map(() => ({ digest: randomDigest(), id: randomId(), userId, scopes: ['bot'], createdAt: now })));
    await Promise.all(keys.map((key) => store.saveApiKey(key)));
    for (const key of keys) expect(await peer.findApiKey(key.digest)).toEqual(key);
    expect(await Promise.all(keys.filter((_, n) => n % 2 === 0).map((key) => peer.deleteApiKey(key.id)))).toEqual(users.map(() => true));
    expect(await Promise.all(ended.map((userId) => store.deleteApiKeysOfUser(userId)))).toEqual(ended.map(() => 1));
    for (const [n, key] of keys.entries()) {
      const live = n % 2 === 1 && !ended.includes(key.userId);
      expect(await store.findApiKey(key.digest), String(n)).toEqual(live ? key : null);
      if (n % 2 === 1) expect(await store.listApiKeysOfUser(key.userId), String(n)).toEqual(live ? [key] : []);
    }

    // The keys really are spread: on every master, over many slots.
    const spread = await Promise.all(clientA.nodes('master').map(async (node) => (await listKeys(node, prefix)).length));
    expect(spread).toHaveLength(3);
    for (const count of spread) expect(count).toBeGreaterThan(20);
    expect(new Set((await listKeys(clientA, prefix)).map(keySlot)).size).toBeGreaterThan(100);
    await store.close();
    await peer.close();
  });

  it('local revocation view on the cluster: revoke on A, B (tailing the stream’s node) refuses within 100 ms, p99 over 100', async () => {
    const prefix = 'view:';
    const a = createRedisStore({ client: clientA, prefix });
    const b = createRedisStore({ client: clientB, prefix });
    await b.isAccessTokenRevoked(randomId(), Date.now());
    const deadline = Date.now() + 5000;
    while (!b.viewStatus().fresh && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(b.viewStatus().fresh).toBe(true);
    const delays: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      const jti = randomId(16);
      expect(await b.isAccessTokenRevoked(jti, Date.now())).toBe(false);
      expect(await b.isAccessTokenRevoked(jti, Date.now())).toBe(false);
      await a.revokeAccessToken(jti, Date.now() + HOUR);
      const revokedAt = performance.now();
      while (!(await b.isAccessTokenRevoked(jti, Date.now()))) {
        if (performance.now() - revokedAt > 2000) throw new Error('B never refused');
        await new Promise((resolve) => setImmediate(resolve));
      }
      delays.push(performance.now() - revokedAt);
    }
    delays.sort((x, y) => x - y);
    expect(delays[98]).toBeLessThanOrEqual(100);
    expect(b.viewStatus().entries.accessTokens).toBeGreaterThan(0);
    await a.close();
    await b.close();
    expect(b.viewStatus().fresh).toBe(false);
  });

  it('reloads its scripts on every master after they lost them (NOSCRIPT → EVAL on the node that refused)', async () => {
    const store = createRedisStore({ client: clientA, prefix: 'noscript:' });
    const now = Date.now();
    const records = Array.from({ length: 12 }, (): RefreshTokenRecord => ({
      digest: randomDigest(),
      userId: randomId(),
      familyId: randomId(16),
      expiresAt: now + HOUR,
    }));
    await Promise.all(records.map((record) => store.saveRefreshToken(record)));
    await Promise.all(clientA.nodes('master').map((node) => node.script('FLUSH')));
    const results = await Promise.all(records.map((record) => store.rotateRefreshToken(record.digest, { ...record, digest: randomDigest() }, now)));
    expect(results.map((result) => result.status)).toEqual(records.map(() => 'rotated'));
  });

  it('accepts a Cluster client and keeps refusing what is not a client, or a prefix with a hash tag', () => {
    expect(createRedisStore({ client: clientA }).client).toBe(clientA);
    expect(() => createRedisStore({ client: {} as unknown as Cluster })).toThrow(TypeError);
    expect(() => createRedisStore({ client: clientA, prefix: 'app{1}:' })).toThrow(TypeError);
    expect(() => createRedisCollection({ client: {} as unknown as Cluster, name: 'x' })).toThrow(TypeError);
  });
});

interface Member {
  readonly id: string;
  readonly email: string;
  readonly organizationPaths: readonly string[];
}

describe('createRedisCollection on a Redis Cluster', () => {
  it('creates, finds, updates, lists by subtree and deletes in collections on several slots', async () => {
    const names = ['members', 'staff', 'bots', 'guests', 'admins'];
    expect(new Set(names.map((name) => keySlot(`cluster:col:{${name}}:docs`))).size).toBe(names.length);
    for (const name of names) {
      const members = createRedisCollection<Member>({
        client: clientA,
        prefix: 'cluster:',
        name,
        unique: (member) => ({ email: member.email }),
        tenancy: { paths: (member) => member.organizationPaths },
      });
      const ada: Member = { id: randomId(), email: `ada-${name}@example.com`, organizationPaths: ['r1#c1', 'r1#c2#s1'] };
      const bob: Member = { id: randomId(), email: `bob-${name}@example.com`, organizationPaths: ['r1#c2'] };
      expect((await members.create(ada)).status).toBe('created');
      expect((await members.create(bob)).status).toBe('created');
      expect(await members.create({ ...bob, id: randomId() })).toEqual({ status: 'conflict', index: 'email' });
      expect(await members.findBy('email', ada.email)).toEqual(ada);
      expect((await members.update(bob.id, (current) => ({ ...current, organizationPaths: ['r1#c1#s9'] }))).status).toBe('updated');
      expect((await members.list({ within: 'r1#c1', offset: 0, limit: 10 })).map((member) => member.id).sort()).toEqual([ada.id, bob.id].sort());
      expect(await members.count({ within: 'r1#c2' })).toBe(1);
      expect(await members.delete(ada.id)).toEqual(ada);
      expect(await members.list({ offset: 0, limit: 10 })).toEqual([{ ...bob, organizationPaths: ['r1#c1#s9'] }]);
    }
  });
});
