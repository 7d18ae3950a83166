// Tests for mutants of lib/local-view.ts (ensureStarted … isGap, lines 200–329) that survived the
// redis tests (issue "Test strength"), driving createLocalView directly on the test Redis: the
// tail's error listener, the freshness bound and the sweeps at their exact edges (monotonic clock
// mocked), tickets across events and resets, what an event drops, the per-user key index (and its
// memory), waitFor, the start point, gaps on Redis 7 (entries-added) and as Redis 6.2 replies
// (the field dropped by a wrapper), a reply landing after close(). Each fails with its mutant
// applied; the last test pins a fixed defect: a hung (half-open) tail connection is replaced.
import { randomBytes } from 'node:crypto';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalView, type LocalViewSettings, createLocalView } from './local-view.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from '../../../../test/support/redis.js';

const runPrefix = uniquePrefix('lv2');
const admin = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  await admin.connect();
});

afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanups.length > 0) await cleanups.pop()?.();
});

afterAll(async () => {
  await deleteKeys(admin, runPrefix);
  await admin.quit();
});

let count = 0;
function nextKey(): string {
  count += 1;
  return `${runPrefix}${count}:events`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `predicate` every 5 ms until it holds; fails after `timeoutMs`. */
async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const SETTINGS: LocalViewSettings = { maxLagMs: 400, recheckMs: 5000, maxEntries: 1000, commandTimeoutMs: 1000 };

interface Opened {
  readonly view: LocalView;
  readonly client: Redis;
  readonly key: string;
  /** The view's tail connection, once started. */
  tail: () => Redis | null;
}

/**
 * A view on a client of its own (on `url`), stream `key`. `onTail` sees the tail connection the
 * view duplicates from the client (to observe or wrap it) before the view uses it.
 */
function open(options: { settings?: Partial<LocalViewSettings>; key?: string; url?: string; onTail?: (tail: Redis) => void } = {}): Opened {
  const client = new Redis(options.url ?? TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  let tail: Redis | null = null;
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (override) => {
    tail = duplicate(override);
    options.onTail?.(tail);
    return tail;
  };
  const key = options.key ?? nextKey();
  const view = createLocalView(client, key, { ...SETTINGS, ...options.settings });
  cleanups.push(async () => {
    await view.close();
    client.disconnect();
  });
  return { view, client, key, tail: () => tail };
}

/** Starts the view and waits until it vouches. */
async function untilFresh(view: LocalView, timeoutMs = 5000): Promise<void> {
  view.ticket();
  await until(() => view.status().fresh, 'the view to become fresh', timeoutMs);
}

/** Appends an event to the stream as the store does (field `e`, JSON); resolves its id. */
async function publish(key: string, event: object, id = '*'): Promise<string> {
  return (await admin.xadd(key, id, 'e', JSON.stringify(event))) as string;
}

/** Waits until the view applied the stream up to `id`. */
async function untilApplied(view: LocalView, id: string, timeoutMs = 5000): Promise<void> {
  await until(() => view.status().lastEventId === id, `the view to apply ${id}`, timeoutMs);
}

function token(): string {
  return randomBytes(8).toString('hex');
}

/**
 * A TCP proxy to the test Redis whose current connections can be made to hang (bytes neither
 * way, sockets kept open: a half-open connection); new connections go through normally.
 */
async function startProxy(): Promise<{ port: number; hangCurrent: () => void; close: () => Promise<void> }> {
  const target = new URL(TEST_REDIS_URL);
  const pairs: { down: Socket; up: Socket; hung: boolean }[] = [];
  const server: Server = createServer((down) => {
    const up = connect(Number(target.port || 6379), target.hostname);
    const pair = { down, up, hung: false };
    pairs.push(pair);
    down.on('data', (data) => {
      if (!pair.hung) up.write(data);
    });
    up.on('data', (data) => {
      if (!pair.hung) down.write(data);
    });
    down.on('error', () => {});
    up.on('error', () => {});
    down.on('close', () => up.destroy());
    up.on('close', () => down.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('no port');
  return {
    port: address.port,
    hangCurrent() {
      for (const pair of pairs) pair.hung = true;
    },
    async close() {
      for (const pair of pairs) {
        pair.down.destroy();
        pair.up.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Replies = [Error | null, unknown][] | null;

/** Wraps every pipeline round of `tail`: `map` sees (and may change) the real replies. */
function wrapExec(tail: Redis, map: (replies: Replies) => Replies): void {
  const pipeline = tail.pipeline.bind(tail);
  tail.pipeline = ((...args: Parameters<Redis['pipeline']>) => {
    const created = pipeline(...args);
    const exec = created.exec.bind(created);
    created.exec = (async () => map(await exec())) as typeof created.exec;
    return created;
  }) as Redis['pipeline'];
}

/** An XINFO STREAM reply as Redis < 7 gives it: no `entries-added`. */
function withoutEntriesAdded(reply: unknown): unknown {
  if (!Array.isArray(reply)) return reply;
  const kept: unknown[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) if (reply[i] !== 'entries-added') kept.push(reply[i], reply[i + 1]);
  return kept;
}

/** Makes `tail` answer XINFO STREAM as Redis 6.2 does (the real reply less `entries-added`), and counts its rounds. */
function asRedis6(tail: Redis, rounds: { count: number }): void {
  const target = tail as unknown as { xinfo: (...args: unknown[]) => Promise<unknown> };
  const xinfo = target.xinfo.bind(tail);
  target.xinfo = async (...args) => withoutEntriesAdded(await xinfo(...args));
  wrapExec(tail, (replies) => {
    rounds.count += 1;
    return replies?.map(([error, value], i): [Error | null, unknown] => [error, i === 1 ? withoutEntriesAdded(value) : value]) ?? replies;
  });
}

/** Waits until `rounds` more rounds completed than now. */
async function afterRounds(rounds: { count: number }, more = 2): Promise<void> {
  const target = rounds.count + more;
  await until(() => rounds.count >= target, `${more} more rounds`);
}

const STRYKER = 'Stryker was here';

describe('local view: start, tickets, invalidation (mutants 200–241)', () => {
  it('the tail connection has an error listener: a Redis that refuses connections logs no unhandled error', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    // A port nothing listens on: the tail's connection attempts fail (ECONNREFUSED → 'error').
    const refused = await startProxy();
    const port = refused.port;
    await refused.close();
    let reconnects = 0;
    const { view } = open({
      url: `redis://127.0.0.1:${port}`,
      onTail: (tail) => {
        tail.on('reconnecting', () => {
          reconnects += 1;
        });
      },
    });
    view.ticket();
    await until(() => reconnects >= 2, 'two failed connection attempts of the tail');
    const unhandled = consoleError.mock.calls.filter((args) => String(args[0]).includes('Unhandled error'));
    expect(unhandled).toEqual([]);
    expect(view.status().fresh).toBe(false);
  });

  it('starting is not a reset: resets stays 0 on an existing and on a missing stream', async () => {
    const existing = nextKey();
    await publish(existing, {});
    for (const key of [existing, nextKey()]) {
      const { view } = open({ key });
      await untilFresh(view);
      expect(view.status().resets).toBe(0);
    }
  });

  it.each([
    ['an event, then a reset', 'event-first'],
    ['a reset, then an event', 'reset-first'],
  ] as const)('a ticket taken before %s remembers nothing (every change moves the stamp forward)', async (_, order) => {
    const { view, key } = open();
    await publish(key, {});
    await untilFresh(view);
    const ticket = view.ticket();
    expect(ticket).not.toBeNull();
    const resets = view.status().resets;
    if (order === 'event-first') view.invalidate({ j: [token()] });
    // An entry that is not ours (no field `e`): the view resets.
    await admin.xadd(key, '*', 'x', '1');
    await until(() => view.status().resets > resets, 'the reset');
    if (order === 'reset-first') view.invalidate({ j: [token()] });
    view.rememberRevocation(ticket, 'j', token(), 0);
    view.rememberApiKey(ticket, token(), 'user', { bot: true });
    expect(view.status().entries).toEqual({ accessTokens: 0, families: 0, apiKeys: 0 });
    // A fresh ticket remembers.
    view.rememberRevocation(view.ticket(), 'j', token(), 0);
    expect(view.status().entries.accessTokens).toBe(1);
  });

  it('an event drops only what it names: lists it lacks drop nothing, a user without keys drops no key', async () => {
    const { view } = open();
    await untilFresh(view);
    const ticket = view.ticket();
    view.rememberRevocation(ticket, 'j', STRYKER, 0);
    view.rememberRevocation(ticket, 'f', STRYKER, 0);
    view.rememberApiKey(ticket, STRYKER, 'owner', 'key named like the placeholder');
    view.rememberApiKey(ticket, 'digest-of-user', STRYKER, 'key of the user named like the placeholder');
    expect(view.status().entries).toEqual({ accessTokens: 1, families: 1, apiKeys: 2 });
    view.invalidate({});
    view.invalidate({ u: ['nobody'] });
    view.invalidate({ j: ['other'], f: ['other'], a: ['other'] });
    expect(view.status().entries).toEqual({ accessTokens: 1, families: 1, apiKeys: 2 });
    // The events that name them drop them.
    view.invalidate({ j: [STRYKER], f: [STRYKER], u: [STRYKER] });
    expect(view.status().entries).toEqual({ accessTokens: 0, families: 0, apiKeys: 1 });
    view.invalidate({ a: [STRYKER] });
    expect(view.status().entries.apiKeys).toBe(0);
  });

  it('a key dropped by digest leaves the user’s other keys indexed: ending the user’s sessions drops them', async () => {
    const { view } = open();
    await untilFresh(view);
    const ticket = view.ticket();
    view.rememberApiKey(ticket, 'd1', 'bot', 'first');
    view.rememberApiKey(ticket, 'd2', 'bot', 'second');
    view.invalidate({ a: ['d1'] });
    expect(view.status().entries.apiKeys).toBe(1);
    view.invalidate({ u: ['bot'] });
    expect(view.status().entries.apiKeys).toBe(0);
    expect(view.readApiKey('d2')).toBeUndefined();
  });

  it('memory stays bounded by maxEntries when keys of ever new users come and go (no index left per user)', async () => {
    const { view } = open({ settings: { maxEntries: 1 } });
    await untilFresh(view);
    const ticket = view.ticket();
    const remember = (from: number, to: number): void => {
      for (let i = from; i < to; i += 1) view.rememberApiKey(ticket, `digest-${i}`, `user-${i}`, true);
    };
    remember(0, 1000);
    const before = heapAfterGc();
    // Each key evicts the previous one (maxEntries 1), whose user then has no key left.
    remember(1000, 201_000);
    view.invalidate({ a: ['digest-200999'] });
    const grown = heapAfterGc() - before;
    expect(view.status().entries.apiKeys).toBe(0);
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  });
});

/** Replaces the monotonic clock: the real one plus `offset.ms`, or exactly `fixed.ms` when set. */
function mockClock(): { offset: number; fixed: number | null } {
  const clock: { offset: number; fixed: number | null } = { offset: 0, fixed: null };
  const realNow = performance.now.bind(performance);
  vi.spyOn(performance, 'now').mockImplementation(() => clock.fixed ?? realNow() + clock.offset);
  return clock;
}

/** A full garbage collection (V8's gc, exposed for this test process), then the heap in use. */
function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  return process.memoryUsage().heapUsed;
}

describe('local view: freshness bound and sweeps on the monotonic clock (mutants 215, 258, 262–263)', () => {
  it('fresh up to exactly maxLagMs after the last complete round started, not one instant more', async () => {
    const clock = mockClock();
    const base = 1_000_000;
    clock.fixed = base;
    const { view } = open({ settings: { maxLagMs: 400 } });
    await untilFresh(view);
    // Synchronous from here: no round can run between the clock's steps.
    clock.fixed = base + 400;
    expect(view.isFresh()).toBe(true);
    clock.fixed = base + 400.001;
    expect(view.isFresh()).toBe(false);
    clock.fixed = base;
    expect(view.isFresh()).toBe(true);
  });

  it('a round’s sweep keeps answers of exactly their age bound and drops older ones (revocations: recheckMs; API keys: maxLagMs)', async () => {
    const clock = mockClock();
    const base = 1_000_000;
    clock.fixed = base;
    const { view, key } = open({ settings: { maxLagMs: 400, recheckMs: 1000 } });
    await untilFresh(view);
    const ticket = view.ticket();
    view.rememberRevocation(ticket, 'j', 'jti', 0);
    view.rememberApiKey(ticket, 'digest', 'bot', 'value');
    /** Sets the clock, then waits for a round (the one applying a new event) to sweep. */
    async function sweepAt(ms: number): Promise<{ accessTokens: number; apiKeys: number }> {
      clock.fixed = base + ms;
      await untilApplied(view, await publish(key, {}));
      const { accessTokens, apiKeys } = view.status().entries;
      return { accessTokens, apiKeys };
    }
    expect(await sweepAt(400)).toEqual({ accessTokens: 1, apiKeys: 1 });
    expect(await sweepAt(400.001)).toEqual({ accessTokens: 1, apiKeys: 0 });
    expect(await sweepAt(1000)).toEqual({ accessTokens: 1, apiKeys: 0 });
    expect(await sweepAt(1000.001)).toEqual({ accessTokens: 0, apiKeys: 0 });
  });
});

describe('local view: waitFor (mutants 268–276)', () => {
  /** `waitFor(target)` and whether it resolved yet. */
  function waiting(view: LocalView, target: string): { done: boolean } {
    const state = { done: false };
    void view.waitFor(target).then(() => {
      state.done = true;
    });
    return state;
  }

  it('resolves when the stream reached the id (not before, not only at its maxLagMs timer)', async () => {
    const { view, key } = open({ settings: { maxLagMs: 20_000 } });
    await untilFresh(view);
    const target = `${Date.now() + 3_600_000}-5`;
    const waiter = waiting(view, target);
    expect(waiter.done).toBe(false);
    // Rounds that apply an earlier id leave it waiting.
    await untilApplied(view, await publish(key, {}));
    await untilApplied(view, await publish(key, {}));
    await Promise.resolve();
    expect(waiter.done).toBe(false);
    // The id itself arrives: resolved by the round that applied it.
    await publish(key, {}, target);
    await untilApplied(view, target);
    await Promise.resolve();
    expect(waiter.done).toBe(true);
  });

  it('resolves at close()', async () => {
    const { view } = open({ settings: { maxLagMs: 20_000 } });
    await untilFresh(view);
    const waiter = waiting(view, `${Date.now() + 3_600_000}-0`);
    await Promise.resolve();
    expect(waiter.done).toBe(false);
    await view.close();
    await Promise.resolve();
    expect(waiter.done).toBe(true);
  });

  it('resolves as soon as a round finds the view can no longer vouch (before its own maxLagMs timer)', async () => {
    const clock = mockClock();
    const { view } = open({ settings: { maxLagMs: 20_000 } });
    await untilFresh(view);
    const waiter = waiting(view, `${Date.now() + 3_600_000}-0`);
    await Promise.resolve();
    expect(waiter.done).toBe(false);
    // The monotonic clock jumps past maxLagMs: the round in flight (started before the jump)
    // completes with the view stale, and settles the waiter.
    clock.offset = 60_000;
    await until(() => waiter.done, 'the waiter to resolve', 5000);
  });
});

describe('local view: start point and gaps (mutants 284, 307–318)', () => {
  it('a stream key holding another type: the view does not start (only a missing key reads as an empty stream), and starts once it is a stream', async () => {
    const key = nextKey();
    await admin.set(key, 'not a stream');
    let failedInfo = 0;
    const { view } = open({
      key,
      onTail: (tail) => {
        const target = tail as unknown as { xinfo: (...args: unknown[]) => Promise<unknown> };
        const xinfo = target.xinfo.bind(tail);
        target.xinfo = (...args) =>
          xinfo(...args).catch((error: unknown) => {
            failedInfo += 1;
            throw error;
          });
      },
    });
    view.ticket();
    await until(() => failedInfo >= 2 || view.status().lastEventId !== null, 'two start attempts');
    expect(view.status().lastEventId).toBeNull();
    expect(view.ticket()).toBeNull();
    await admin.del(key);
    const id = await publish(key, {});
    await untilFresh(view);
    expect(view.status().lastEventId).toBe(id);
    expect(view.status().resets).toBe(0);
  });

  it('Redis 6.2 (no entries-added): no gap while nothing is trimmed; entries trimmed unread are a gap; an emptied stream read to its end is not', async () => {
    const key = nextKey();
    const first = await publish(key, {});
    const rounds = { count: 0 };
    const { view } = open({ key, onTail: (tail) => asRedis6(tail, rounds) });
    await untilFresh(view);
    await afterRounds(rounds);
    expect(view.status()).toMatchObject({ lastEventId: first, resets: 0 });
    await publish(key, {});
    const last = await publish(key, {});
    await untilApplied(view, last);
    await afterRounds(rounds);
    expect(view.status().resets).toBe(0);
    // Two entries added and the older trimmed before the view read them (one transaction): a gap.
    const ms = Date.now() + 1000;
    const kept = `${ms}-2`;
    await admin.multi().xadd(key, `${ms}-1`, 'e', '{}').xadd(key, kept, 'e', '{}').xtrim(key, 'MINID', kept).exec();
    await until(() => view.status().resets === 1, 'the gap');
    await untilApplied(view, kept);
    // Everything read, then the stream emptied: nothing was lost.
    await admin.xtrim(key, 'MAXLEN', 0);
    await afterRounds(rounds, 3);
    expect(view.status()).toMatchObject({ lastEventId: kept, resets: 1, fresh: true });
  });

  it('Redis 6.2: an empty stream created after the start (XGROUP CREATE MKSTREAM, last id 0-0) is not a gap', async () => {
    const key = nextKey();
    const rounds = { count: 0 };
    const { view } = open({ key, onTail: (tail) => asRedis6(tail, rounds) });
    await untilFresh(view);
    await admin.xgroup('CREATE', key, 'group', '$', 'MKSTREAM');
    await afterRounds(rounds, 3);
    expect(view.status()).toMatchObject({ lastEventId: '0-0', resets: 0, fresh: true });
  });
});

describe('local view: the exact gap check of Redis 7 (entries-added) (mutants 307–318)', () => {
  it('started on an existing stream, it counts from the stream’s entries-added: an entry deleted unread (XDEL) is a gap, a normal event is not', async () => {
    const key = nextKey();
    await publish(key, {});
    const { view } = open({ key });
    await untilFresh(view);
    await untilApplied(view, await publish(key, {}));
    expect(view.status().resets).toBe(0);
    // Two entries added and the older deleted before the view read it: only entries-added tells.
    const ms = Date.now() + 1000;
    const kept = `${ms}-2`;
    await admin.multi().xadd(key, `${ms}-1`, 'e', '{}').xadd(key, kept, 'e', '{}').xdel(key, `${ms}-1`).exec();
    await until(() => view.status().resets === 1, 'the gap');
    expect(view.status().lastEventId).toBe(kept);
  });

  it('a round that read only READ_COUNT of more entries (not caught up) is not a gap', async () => {
    const key = nextKey();
    await publish(key, {});
    const { view } = open({ key });
    await untilFresh(view);
    const batch = admin.multi();
    for (let i = 0; i < 1500; i += 1) batch.xadd(key, '*', 'e', '{}');
    const ids = ((await batch.exec()) ?? []).map(([, id]) => id as string);
    await untilApplied(view, ids[ids.length - 1] ?? '');
    expect(view.status().resets).toBe(0);
  });

  it('after an unreadable entry (count unknown) the next rounds are not a gap by count', async () => {
    const key = nextKey();
    await publish(key, {});
    const { view } = open({ key });
    await untilFresh(view);
    await admin.xadd(key, '*', 'x', '1');
    await until(() => view.status().resets === 1, 'the reset of the foreign entry');
    await untilApplied(view, await publish(key, {}));
    expect(view.status().resets).toBe(1);
  });
});

describe('local view: close and a hung round (mutants 290–326)', () => {
  it('a round whose reply lands after close() applies nothing', async () => {
    const key = nextKey();
    const first = await publish(key, {});
    let armed = false;
    let closing: Promise<void> | null = null;
    const opened = open({
      key,
      onTail: (tail) =>
        wrapExec(tail, (replies) => {
          if (armed && replies?.[0]?.[1] !== null && replies?.[0]?.[1] !== undefined) {
            armed = false;
            closing = opened.view.close();
          }
          return replies;
        }),
    });
    const { view } = opened;
    await untilFresh(view);
    expect(view.status().lastEventId).toBe(first);
    armed = true;
    await admin.xadd(key, '*', 'x', '1');
    await until(() => closing !== null, 'the reply');
    await closing;
    expect(view.status()).toMatchObject({ fresh: false, lastEventId: first, resets: 0 });
  });

  // A defect found here (fixed): the tail's own ioredis commandTimeout was the same bound as
  // withTimeout's, fired first and resolved the round with "Command timed out", so
  // disconnect(true) never ran and the rounds timed out on the same dead socket until TCP
  // keepalive ended it: safe (the view stopped vouching), but the view never came back.
  it('a round that hangs (half-open connection) is dropped, and the tail comes back on a new socket', async () => {
    const proxy = await startProxy();
    cleanups.push(() => proxy.close());
    const { view, key } = open({ url: `redis://127.0.0.1:${proxy.port}`, settings: { maxLagMs: 400, commandTimeoutMs: 300 } });
    await publish(key, {});
    await untilFresh(view);
    proxy.hangCurrent();
    await until(() => !view.status().fresh, 'the view to stop vouching');
    const id = await publish(key, { j: [token()] });
    await untilApplied(view, id, 3000);
    await until(() => view.status().fresh, 'fresh again', 3000);
  });
});

describe('local view: a read answered empty on the client side (ioredis blockingTimeout)', () => {
  it('a round whose read came back empty while the stream moved on does not vouch: stale, then the event applied', async () => {
    let armed = false;
    const { view, key } = open({
      settings: { maxLagMs: 400 },
      onTail: (tail) =>
        // As ioredis answers a late XREAD BLOCK when the client has `blockingTimeout`: `null`,
        // while the XINFO of the same round is real.
        wrapExec(tail, (replies) => (armed && replies !== null ? [[null, null], ...replies.slice(1)] : replies)),
    });
    const first = await publish(key, {});
    await untilFresh(view);
    await untilApplied(view, first);
    armed = true;
    const revoked = token();
    const second = await publish(key, { j: [revoked] });
    await until(() => !view.status().fresh, 'the view to stop vouching', 5000);
    expect(view.status().lastEventId).toBe(first);
    armed = false;
    await untilApplied(view, second);
    await until(() => view.status().fresh, 'fresh again', 5000);
  });

  it("the tail never takes the client's blockingTimeout (single node and Cluster options)", async () => {
    const client = new Redis(TEST_REDIS_URL, { blockingTimeout: 5000, lazyConnect: true });
    client.on('error', () => {});
    let tail: Redis | null = null;
    const duplicate = client.duplicate.bind(client);
    client.duplicate = (override) => (tail = duplicate(override));
    const view = createLocalView(client, nextKey(), SETTINGS);
    cleanups.push(async () => {
      await view.close();
      client.disconnect();
    });
    view.ticket();
    expect((tail as Redis | null)?.options.blockingTimeout).toBe(0);

    // The Cluster branch: the options handed to Cluster.duplicate.
    let handed: { redisOptions?: Record<string, unknown> } | undefined;
    const cluster = {
      isCluster: true,
      options: { redisOptions: { blockingTimeout: 5000, password: 'secret' } },
      duplicate: (_nodes: unknown, options: { redisOptions?: Record<string, unknown> }) => {
        handed = options;
        const stand = new Redis(TEST_REDIS_URL, { lazyConnect: true });
        stand.on('error', () => {});
        cleanups.push(() => stand.disconnect());
        return stand;
      },
    };
    const clusterView = createLocalView(cluster as unknown as Redis, nextKey(), SETTINGS);
    cleanups.push(() => clusterView.close());
    clusterView.ticket();
    expect(handed?.redisOptions).toMatchObject({ blockingTimeout: 0, password: 'secret', connectionName: 'scopeladder-view' });
  });
});
