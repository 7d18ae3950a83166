/**
 * Mutation-testing kills for the local view's tail loop and its interface (issue #19, local-view.ts
 * lines 330–458): the round's XINFO reply, unreadable and malformed entries, gaps (trim, deleted
 * entries, a deleted stream), a round that did not catch up, a tail connection that ended, the
 * ticket rule, the age bounds of remembered answers, waitFor and close.
 *
 * Each view tails a real stream on the test Redis through a thin wrapper of the client: the
 * wrapper counts the rounds (pipeline `exec`), can hold a round before it is sent (so a test
 * decides when the view reads), and can alter a reply Redis itself cannot produce. The monotonic
 * clock (`performance.now`) is frozen at a value each test sets, so freshness never depends on
 * machine load.
 */
import { performance } from 'node:perf_hooks';
import { Pipeline, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { compareStreamIds, createLocalView, type LocalView, type LocalViewSettings } from './local-view.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from '../../../../test/support/redis.js';

const runPrefix = uniquePrefix('lv3');
const admin = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
const cleanups: (() => Promise<void>)[] = [];
const T = 1_000_000;
let clock = T;

beforeAll(async () => {
  await admin.connect();
});

beforeEach(() => {
  clock = T;
  vi.spyOn(performance, 'now').mockImplementation(() => clock);
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

afterAll(async () => {
  await deleteKeys(admin, runPrefix);
  await admin.quit();
});

type ExecReply = [Error | null, unknown][] | null;

interface Harness {
  readonly view: LocalView;
  readonly key: string;
  /** The view's own connection (once started). */
  tail(): Redis;
  /** Rounds started so far (pipeline `exec` calls). */
  execs(): number;
  /** Resolves once `n` more rounds started (so at least `n - 1` completed). */
  rounds(n: number): Promise<void>;
  /** Holds every round from now on before it is sent. */
  hold(): void;
  /** Resolves once a round is held. */
  waitHeld(): Promise<void>;
  /** Lets the held round run and resolves once the next one is held (the first one completed). */
  step(): Promise<void>;
  /** Stops holding (and lets a held round run). */
  free(): void;
  /** Alters each round's reply (after Redis answered). */
  alterReply: ((reply: ExecReply) => void) | null;
  /** Sends the round's XINFO as an invalid subcommand (an error reply other than "no such key"). */
  breakInfo: boolean;
}

let keyCount = 0;
function harness(settings: Partial<LocalViewSettings> = {}): Harness {
  keyCount += 1;
  const key = `${runPrefix}${keyCount}:events`;
  const base = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  let tail: Redis | null = null;
  let execs = 0;
  let holding = false;
  const held: (() => void)[] = [];
  let onHeld: (() => void)[] = [];
  const arrivals: (() => void)[] = [];

  const duplicate = base.duplicate.bind(base);
  base.duplicate = ((options?: Parameters<Redis['duplicate']>[0]) => {
    const made = duplicate(options);
    tail = made;
    const pipeline = made.pipeline.bind(made);
    made.pipeline = ((...args: Parameters<Redis['pipeline']>) => {
      const p = pipeline(...args);
      const xinfo = p.xinfo.bind(p);
      p.xinfo = ((...infoArgs: unknown[]) =>
        h.breakInfo ? xinfo('NO-SUCH-SUBCOMMAND' as 'HELP') : (xinfo as (...a: unknown[]) => Pipeline)(...infoArgs)) as Pipeline['xinfo'];
      const exec = p.exec.bind(p);
      p.exec = (async () => {
        execs += 1;
        for (const arrived of arrivals.splice(0)) arrived();
        if (holding) {
          await new Promise<void>((resolve) => {
            held.push(resolve);
            for (const notify of onHeld.splice(0)) notify();
          });
        }
        const reply = (await exec()) as ExecReply;
        h.alterReply?.(reply);
        return reply;
      }) as Pipeline['exec'];
      return p;
    }) as Redis['pipeline'];
    return made;
  }) as Redis['duplicate'];

  const view = createLocalView(base, key, { maxLagMs: 400, recheckMs: 60_000, maxEntries: 100, commandTimeoutMs: 10_000, ...settings });
  const waitHeld = (): Promise<void> => (held.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => onHeld.push(resolve)));
  const h: Harness = {
    view,
    key,
    tail() {
      if (tail === null) throw new Error('the view has not started');
      return tail;
    },
    execs: () => execs,
    async rounds(n) {
      const target = execs + n;
      while (execs < target) {
        await withDeadline(new Promise<void>((resolve) => arrivals.push(resolve)), 5000, 'the tail stopped running rounds');
      }
    },
    hold() {
      holding = true;
    },
    waitHeld: () => withDeadline(waitHeld(), 5000, 'no round was held'),
    async step() {
      const next = held.shift();
      if (next === undefined) throw new Error('no round is held');
      next();
      await withDeadline(waitHeld(), 5000, 'the next round was not held');
    },
    free() {
      holding = false;
      onHeld = [];
      for (const release of held.splice(0)) release();
    },
    alterReply: null,
    breakInfo: false,
  };
  cleanups.push(async () => {
    h.free();
    await view.close();
    base.disconnect();
  });
  return h;
}

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(what)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts the view and waits until it answers. */
async function fresh(h: Harness): Promise<void> {
  h.view.ticket();
  await until(() => h.view.isFresh(), 'the view is fresh');
}

async function publish(key: string, event: object = {}): Promise<string> {
  return String(await admin.xadd(key, '*', 'e', JSON.stringify(event)));
}

/** A revocation remembered under a current ticket. */
function rememberOne(view: LocalView, id: string): void {
  view.rememberRevocation(view.ticket(), 'j', id, 0);
}

const FAR = '99999999999999-0';

describe('local view: starting, tickets and remembering', () => {
  it('a first ticket is null (nothing read yet), and readRevocation alone starts the tail', async () => {
    const byTicket = harness();
    expect(byTicket.view.ticket()).toBeNull();
    await until(() => byTicket.view.ticket() !== null, 'a ticket is given');

    const byRead = harness();
    expect(byRead.view.readRevocation('j', 'any')).toBeUndefined();
    await until(() => byRead.view.status().lastEventId !== null, 'the tail started');
    await byRead.view.close();
    expect(byRead.view.ticket()).toBeNull();
  });

  it('an answer is not remembered when any event was applied since its ticket', async () => {
    const h = harness();
    await fresh(h);
    const { view } = h;

    const stale = view.ticket();
    view.invalidate({});
    view.rememberRevocation(stale, 'j', 'stale-jti', 5);
    view.rememberApiKey(stale, 'stale-digest', 'user-1', 'stale value');
    expect(view.readRevocation('j', 'stale-jti')).toBeUndefined();
    expect(view.readApiKey('stale-digest')).toBeUndefined();
    expect(view.status().entries).toEqual({ accessTokens: 0, families: 0, apiKeys: 0 });

    const current = view.ticket();
    view.rememberRevocation(current, 'j', 'jti', 5);
    view.rememberApiKey(current, 'digest', 'user-1', 'value');
    expect(view.readRevocation('j', 'jti')).toBe(5);
    expect(view.readApiKey('digest')).toBe('value');
  });

  it('an event about a user drops every API key remembered for that user', async () => {
    const h = harness();
    await fresh(h);
    const { view } = h;
    const ticket = view.ticket();
    view.rememberApiKey(ticket, 'k1', 'bot', 'v1');
    view.rememberApiKey(ticket, 'k2', 'bot', 'v2');
    view.rememberApiKey(ticket, 'k3', 'other', 'v3');
    expect([view.readApiKey('k1'), view.readApiKey('k2')]).toEqual(['v1', 'v2']);
    view.invalidate({ u: ['bot'] });
    expect([view.readApiKey('k1'), view.readApiKey('k2'), view.readApiKey('k3')]).toEqual([undefined, undefined, 'v3']);
  });

  it('answers exactly up to maxLagMs since the last complete read and recheckMs / maxLagMs since remembered', async () => {
    const h = harness({ maxLagMs: 300, recheckMs: 200 });
    await fresh(h);
    const { view } = h;
    h.hold();
    await h.waitHeld(); // every round so far started at T: vouched at T

    view.rememberRevocation(view.ticket(), 'j', 'r1', 7);
    view.rememberApiKey(view.ticket(), 'k1', 'u', 'v1');
    clock = T + 100;
    view.rememberRevocation(view.ticket(), 'j', 'r2', 8);
    clock = T + 200;
    expect(view.readRevocation('j', 'r1')).toBe(7); // remembered recheckMs ago: still answered
    clock = T + 201;
    expect(view.readRevocation('j', 'r1')).toBeUndefined(); // past recheckMs
    clock = T + 300;
    expect(view.isFresh()).toBe(true);
    expect(view.readRevocation('j', 'r2')).toBe(8); // vouched exactly maxLagMs ago
    expect(view.readApiKey('k1')).toBe('v1'); // remembered exactly maxLagMs ago
    clock = T + 301;
    expect(view.readRevocation('j', 'r2')).toBeUndefined();
    expect(view.readApiKey('k1')).toBeUndefined();

    // A key remembered at T+310, rounds started at T+301 and T+350 complete (sweeps keep it):
    // at T+611 the view is fresh (vouched at T+350) but the key is older than maxLagMs.
    await h.step(); // the held round (started at T) completes; the next one starts at T+301
    clock = T + 310;
    view.rememberApiKey(view.ticket(), 'k2', 'u', 'v2');
    clock = T + 350;
    await h.step(); // vouched at T+301; the next round starts at T+350
    clock = T + 400;
    await h.step(); // vouched at T+350
    clock = T + 611;
    expect(view.isFresh()).toBe(true);
    expect(view.readApiKey('k2')).toBeUndefined();

    // A key remembered just now, but the view is no longer fresh: not answered.
    view.rememberApiKey(view.ticket(), 'k3', 'u', 'v3');
    clock = T + 651;
    expect(view.isFresh()).toBe(false);
    expect(view.readApiKey('k3')).toBeUndefined();
    clock = T + 611;
    expect(view.readApiKey('k3')).toBe('v3');
  });
});

describe('local view: what a round reads', () => {
  it('an XINFO error other than "no such key" fails the round: the view never vouches', async () => {
    const h = harness();
    await publish(h.key);
    h.breakInfo = true;
    h.view.ticket();
    await h.rounds(4);
    expect(h.view.status()).toMatchObject({ fresh: false, resets: 0 });
    h.breakInfo = false;
    await until(() => h.view.isFresh(), 'the view is fresh once XINFO answers');
  });

  it('a healthy view on an existing stream, or on none, never resets', async () => {
    for (const existing of [true, false]) {
      const h = harness();
      if (existing) await publish(h.key);
      await fresh(h);
      rememberOne(h.view, 'kept');
      await h.rounds(4);
      expect(h.view.status()).toMatchObject({ fresh: true, resets: 0, entries: { accessTokens: 1 } });
      expect(h.view.status().lastEventId === '0-0').toBe(!existing);
    }
  });

  it.each([
    ['not JSON', ['e', 'not json']],
    ['a list of non-strings', ['e', '{"j":[1]}']],
    ['no field e', ['x', '{}']],
  ])('an entry it cannot read (%s) empties the view', async (_, fields) => {
    const h = harness();
    await publish(h.key);
    await fresh(h);
    rememberOne(h.view, 'before');
    expect(h.view.status().entries.accessTokens).toBe(1);
    const [field, value] = fields as [string, string];
    const bad = String(await admin.xadd(h.key, '*', field, value));
    await until(() => h.view.status().lastEventId === bad, 'the entry was read');
    expect(h.view.status()).toMatchObject({ resets: 1, entries: { accessTokens: 0 } });
  });

  it('an entry without an id resets the view at the last entry applied, not back at the round start', async () => {
    const h = harness();
    await publish(h.key);
    await fresh(h);
    // Redis cannot send such an entry: appended to every reply that has entries.
    h.alterReply = (reply) => {
      const streams = reply?.[0]?.[1];
      if (Array.isArray(streams) && Array.isArray(streams[0]) && Array.isArray(streams[0][1]) && streams[0][1].length > 0) {
        (streams[0][1] as unknown[]).push('no id');
      }
    };
    const results = await admin.multi().xadd(h.key, '*', 'e', '{}').xadd(h.key, '*', 'e', '{}').exec();
    const last = String(results?.[1]?.[1]);
    await until(() => h.view.status().lastEventId === last, 'the view moved past the entries before the unreadable one');
    await h.rounds(3);
    expect(h.view.status()).toMatchObject({ lastEventId: last, resets: 1, fresh: true });
  });

  it('a gap found by entries-added resets once at the last id, and later gaps are still found', async () => {
    const h = harness();
    const first = await publish(h.key);
    await fresh(h);
    const [ms] = first.split('-').map(Number) as [number];
    // Two entries added and one trimmed before the view read them (atomically).
    await admin
      .multi()
      .xadd(h.key, `${ms + 1}-0`, 'e', '{}')
      .xadd(h.key, `${ms + 1}-1`, 'e', '{}')
      .xtrim(h.key, 'MAXLEN', 1)
      .exec();
    await until(() => h.view.status().lastEventId === `${ms + 1}-1`, 'the view read past the trim');
    expect(h.view.status().resets).toBe(1);
    rememberOne(h.view, 'after the gap');
    await h.rounds(4);
    expect(h.view.status()).toMatchObject({ lastEventId: `${ms + 1}-1`, resets: 1, fresh: true, entries: { accessTokens: 1 } });

    // Three entries added and the middle one deleted: only entries-added shows it was missed.
    await admin
      .multi()
      .xadd(h.key, `${ms + 2}-0`, 'e', '{}')
      .xadd(h.key, `${ms + 2}-1`, 'e', '{}')
      .xadd(h.key, `${ms + 2}-2`, 'e', '{}')
      .xdel(h.key, `${ms + 2}-1`)
      .exec();
    await until(() => h.view.status().lastEventId === `${ms + 2}-2`, 'the view read the new entries');
    expect(h.view.status()).toMatchObject({ resets: 2, entries: { accessTokens: 0 } });
  });

  it('a deleted stream resets the view at 0-0, fresh again, and it reads the new stream', async () => {
    const h = harness();
    await publish(h.key);
    await fresh(h);
    rememberOne(h.view, 'before');
    await admin.del(h.key);
    await until(() => h.view.status().lastEventId === '0-0', 'the view restarted at 0-0');
    expect(h.view.status()).toMatchObject({ resets: 1, entries: { accessTokens: 0 } });
    await until(() => h.view.isFresh(), 'the view is fresh again');
    const next = await publish(h.key);
    await until(() => h.view.status().lastEventId === next, 'the view read the new stream');
    await h.rounds(3);
    expect(h.view.status()).toMatchObject({ lastEventId: next, resets: 1, fresh: true });
  });

  it('a round that returned READ_COUNT entries did not catch up: not fresh until a shorter one', async () => {
    const h = harness();
    await publish(h.key);
    h.hold();
    h.view.ticket();
    await h.waitHeld(); // started at the stream's last id, first read held
    const batch = admin.multi();
    for (let i = 0; i < 1000; i += 1) batch.xadd(h.key, '*', 'e', '{}');
    const results = await batch.exec();
    const last = String(results?.[999]?.[1]);
    await h.step();
    expect(h.view.status()).toMatchObject({ lastEventId: last, fresh: false });
    await h.step();
    expect(h.view.status()).toMatchObject({ lastEventId: last, fresh: true });
  });

  it('a tail connection that ended is connected again', async () => {
    const h = harness();
    await publish(h.key);
    await fresh(h);
    const tail = h.tail();
    const ended = new Promise<void>((resolve) => tail.once('end', () => resolve()));
    tail.disconnect();
    await withDeadline(ended, 5000, 'the tail connection did not end');
    const next = await publish(h.key);
    await until(() => h.view.status().lastEventId === next, 'the view reads again');
    expect(tail.status).toBe('ready');
  });
});

describe('local view: waitFor and close', () => {
  it('waitFor(null) resolves at once on a fresh view', async () => {
    const h = harness();
    await fresh(h);
    await expect(h.view.waitFor(null)).resolves.toBeUndefined();
  });

  it('waitFor resolves once the view applied the event, and the tail keeps running', async () => {
    const h = harness({ maxLagMs: 1000 });
    const first = await publish(h.key);
    await fresh(h);
    h.hold();
    await h.waitHeld();
    const next = await publish(h.key);
    const seen: { id: string | null } = { id: null };
    const waited = h.view.waitFor(next).then(() => {
      seen.id = h.view.status().lastEventId;
    });
    expect(h.view.status().lastEventId).toBe(first);
    h.free();
    await withDeadline(waited, 5000, 'waitFor did not resolve');
    expect(seen.id).not.toBeNull();
    expect(compareStreamIds(seen.id ?? '0-0', next)).toBeGreaterThanOrEqual(0);
    const later = await publish(h.key);
    await until(() => h.view.status().lastEventId === later, 'the view read the next event');
  });

  it('waitFor gives up after maxLagMs when the event never comes', async () => {
    const h = harness({ maxLagMs: 300 });
    await fresh(h);
    await withDeadline(h.view.waitFor(FAR), 5000, 'waitFor never gave up');
    expect(h.view.isFresh()).toBe(true);
  });

  it('one waiter giving up leaves the others waiting for their event', async () => {
    const h = harness({ maxLagMs: 800 });
    await publish(h.key);
    await fresh(h);
    h.hold();
    await h.waitHeld();
    const next = await publish(h.key);
    const givesUp = h.view.waitFor(FAR);
    await sleep(400);
    let done = false;
    void h.view.waitFor(next).then(() => {
      done = true;
    });
    await givesUp;
    expect(done).toBe(false);
    h.free();
    await until(() => h.view.status().lastEventId === next, 'the view read the event');
    expect(done).toBe(true);
  });

  it('close resolves once the tail stopped and its connection ended', async () => {
    const h = harness();
    await fresh(h);
    const tail = h.tail();
    await h.view.close();
    expect(tail.status).toBe('end');
    expect(h.view.ticket()).toBeNull();
    await expect(h.view.waitFor(FAR)).resolves.toBeUndefined();
  });
});
