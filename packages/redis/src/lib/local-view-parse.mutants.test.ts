/**
 * The local view's reading of what Redis answers (issue #19, mutants of local-view.ts up to
 * createLocalView's first lines): stream id order, XINFO STREAM replies (Redis 7, Redis 6.2
 * without `entries-added`, and replies no Redis sends, which must never make the view vouch
 * wrongly or stop for good), event entries (the `e` field, malformed JSON or lists: the view
 * empties itself), the XREAD BLOCK time, and the tail connection of a Cluster client.
 *
 * The view is driven directly on the test Redis, events written with XADD as the store writes
 * them. Replies Redis itself cannot produce are made by a thin wrapper over the tail connection
 * (the real duplicate, its `xinfo` and `pipeline` replies rewritten).
 */
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from './connection.js';
import { compareStreamIds, createLocalView, type LocalView, type LocalViewSettings } from './local-view.js';
import { TEST_REDIS_URL, connectTestRedis, deleteKeys, freePort, startRedisServer, uniquePrefix } from '../../../../test/support/redis.js';

const runPrefix = uniquePrefix('lv1');
const settings: LocalViewSettings = { maxLagMs: 400, recheckMs: 60_000, maxEntries: 1000, commandTimeoutMs: 2000 };
let admin: Redis;
const views: LocalView[] = [];
const clients: Redis[] = [];

beforeAll(async () => {
  admin = await connectTestRedis();
});

afterAll(async () => {
  for (const view of views) await view.close();
  for (const client of clients) client.disconnect();
  await deleteKeys(admin, runPrefix);
  await admin.quit();
});

let keys = 0;
function streamKey(): string {
  keys += 1;
  return `${runPrefix}${keys}:{ev}:events`;
}

/** Writes an event entry as the store does (field `e`, JSON), or any fields given. */
async function xadd(key: string, fields: readonly string[]): Promise<string> {
  return (await admin.xadd(key, '*', ...fields)) as string;
}
function event(value: unknown): string[] {
  return ['e', JSON.stringify(value)];
}

type Reply = unknown;
interface Hooks {
  /** Rewrites each XINFO STREAM reply of the tail (direct or pipelined); errors pass through. */
  info?: (reply: Reply) => Reply;
  /** Rewrites each XREAD reply's entries of the tail (the array of `[id, fields]`). */
  entries?: (entries: unknown[]) => void;
}

interface Tail {
  /** XREAD rounds whose reply arrived (counted after the hooks ran). */
  readonly rounds: () => number;
  /** The BLOCK argument of each XREAD sent. */
  readonly blocks: unknown[];
}

/**
 * A client whose `duplicate()` (the view's tail connection) is a real connection to the test
 * Redis, with its replies passed through `hooks`.
 */
function wrappedClient(hooks: Hooks = {}): { client: RedisClient; tail: Tail } {
  const base = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  clients.push(base);
  let rounds = 0;
  const blocks: unknown[] = [];
  const duplicate = base.duplicate.bind(base);
  base.duplicate = (override) => {
    const dup = duplicate(override);
    clients.push(dup);
    const target = dup as unknown as Record<string, (...args: unknown[]) => unknown>;
    const xinfo = target['xinfo']!.bind(dup) as (...args: unknown[]) => Promise<unknown>;
    target['xinfo'] = async (...args: unknown[]) => {
      const reply = await xinfo(...args);
      return hooks.info ? hooks.info(reply) : reply;
    };
    const pipeline = target['pipeline']!.bind(dup) as (...args: unknown[]) => Record<string, (...args: unknown[]) => unknown>;
    target['pipeline'] = (...pipelineArgs: unknown[]) => {
      const p = pipeline(...pipelineArgs);
      const xread = p['xread']!.bind(p);
      p['xread'] = (...args: unknown[]) => {
        blocks.push(args[args.indexOf('BLOCK') + 1]);
        return xread(...args);
      };
      const exec = p['exec']!.bind(p) as () => Promise<[Error | null, unknown][] | null>;
      p['exec'] = async () => {
        const replies = await exec();
        const [read, info] = replies ?? [];
        const entries = (read?.[1] as [unknown, unknown[]][] | null | undefined)?.[0]?.[1];
        if (read?.[0] === null && Array.isArray(entries) && hooks.entries) hooks.entries(entries);
        if (info?.[0] === null && hooks.info) info[1] = hooks.info(info[1]);
        rounds += 1;
        return replies;
      };
      return p;
    };
    return dup;
  };
  return { client: base as unknown as RedisClient, tail: { rounds: () => rounds, blocks } };
}

function open(client: RedisClient, key: string, overrides: Partial<LocalViewSettings> = {}): LocalView {
  const view = createLocalView(client, key, { ...settings, ...overrides });
  views.push(view);
  view.ticket(); // starts the tail
  return view;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits until `count` more rounds of the tail completed. */
async function rounds(tail: Tail, count: number): Promise<void> {
  const target = tail.rounds() + count;
  await until(() => tail.rounds() >= target, `${count} rounds of the tail`);
}

/** Remembers "not revoked" for access token `id` (the view must have started). */
function remember(view: LocalView, id: string): void {
  const ticket = view.ticket();
  expect(ticket).not.toBeNull();
  const before = view.status().entries.accessTokens;
  view.rememberRevocation(ticket, 'j', id, 0);
  expect(view.status().entries.accessTokens).toBe(before + 1);
}

/**
 * Waits until the view answers "not revoked" for `id` from memory (it answers only while fresh,
 * so a busy machine may delay it; an entry the view dropped never comes back).
 */
async function answers(view: LocalView, id: string): Promise<void> {
  await until(() => view.readRevocation('j', id) === 0, `the view answering for ${id}`);
}

function hex(): string {
  return randomBytes(8).toString('hex');
}

describe('compareStreamIds', () => {
  it.each([
    ['5-0', '10-0', -1],
    ['10-0', '5-0', 1],
    ['1-2', '1-10', -1],
    ['7-3', '7-3', 0],
  ])('%s against %s', (a, b, sign) => {
    expect(Math.sign(compareStreamIds(a, b))).toBe(sign);
  });
});

/** XINFO STREAM reply as a field → value list, rewritten. */
function withoutField(name: string): (reply: Reply) => Reply {
  return (reply) => {
    if (!Array.isArray(reply)) return reply;
    const out: unknown[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) if (reply[i] !== name) out.push(reply[i], reply[i + 1]);
    return out;
  };
}
function replacing(name: string, value: (old: unknown) => unknown): (reply: Reply) => Reply {
  return (reply) => {
    if (!Array.isArray(reply)) return reply;
    const out = [...(reply as unknown[])];
    const at = out.indexOf(name);
    if (at >= 0 && at % 2 === 0) out[at + 1] = value(out[at + 1]);
    return out;
  };
}
function chain(...steps: ((reply: Reply) => Reply)[]): (reply: Reply) => Reply {
  return (reply) => steps.reduce((current, step) => step(current), reply);
}

describe('XINFO STREAM replies the view reads', () => {
  // A stream with entries before the view starts; a "not revoked" remembered; then an event about
  // another token. The view starts at the stream's end, applies the event, and never empties
  // itself: no gap was there.
  it.each([
    ['Redis 7 (entries-added: the exact check)', undefined],
    ['Redis 6.2 (no entries-added: the oldest kept entry decides)', withoutField('entries-added')],
    ['a dangling field name at the end (odd length) is ignored', (reply: Reply) => (Array.isArray(reply) ? [...reply, 'last-generated-id'] : reply)],
  ] as const)('%s: starts at the end, applies events, no reset', async (_name, info) => {
    const key = streamKey();
    await xadd(key, event({ j: [hex()] }));
    await xadd(key, event({ j: [hex()] }));
    const last = await xadd(key, event({ f: [hex()] }));
    const { client, tail } = wrappedClient({ info });
    const view = open(client, key);
    await until(() => view.status().fresh, 'fresh');
    expect(view.status().lastEventId).toBe(last);
    const kept = hex();
    remember(view, kept);
    await rounds(tail, 3);
    const next = await xadd(key, event({ j: [hex()] }));
    await until(() => view.status().lastEventId === next, 'the event applied');
    await rounds(tail, 3);
    expect(view.status()).toMatchObject({ resets: 0, entries: { accessTokens: 1 } });
    await answers(view, kept);
  });

  // Replies no Redis sends: the view must not throw on them round after round (never fresh); it
  // reads them as "no stream information" or "unknown" and goes on.
  it.each([
    ['not an array (null)', () => null],
    ['without last-generated-id (read as no stream)', withoutField('last-generated-id')],
    [
      'a first entry whose id is not a string (Redis 6.2 reply)',
      chain(
        withoutField('entries-added'),
        replacing('first-entry', (entry) => [null, ...(Array.isArray(entry) ? entry.slice(1) : [])]),
      ),
    ],
  ] as const)('an INFO reply %s: the view still becomes fresh', async (_name, info) => {
    const key = streamKey();
    await xadd(key, event({ j: [hex()] }));
    await xadd(key, event({ j: [hex()] }));
    const { client, tail } = wrappedClient({ info });
    const view = open(client, key);
    await until(() => view.status().fresh, 'fresh');
    await rounds(tail, 2);
    await until(() => view.status().fresh, 'fresh again');
  });

  it('a first entry whose id is not a string reads as none: no reset while idle (Redis 6.2 reply)', async () => {
    const key = streamKey();
    await xadd(key, event({ j: [hex()] }));
    const { client, tail } = wrappedClient({
      info: chain(
        withoutField('entries-added'),
        replacing('first-entry', (entry) => [null, ...(Array.isArray(entry) ? entry.slice(1) : [])]),
      ),
    });
    const view = open(client, key);
    await until(() => view.status().fresh, 'fresh');
    remember(view, 'kept');
    await rounds(tail, 4);
    expect(view.status()).toMatchObject({ resets: 0, entries: { accessTokens: 1 } });
  });

  // A stream that appears empty (XGROUP CREATE … MKSTREAM: last-generated-id 0-0) after the view
  // started on no stream: nothing was missed. An entries-added Redis cannot have sent (not an
  // integer) or none at all (Redis 6.2) is "unknown", never a count that proves a gap.
  it.each([
    ['not an integer', replacing('entries-added', () => 'x')],
    ['missing (Redis 6.2)', withoutField('entries-added')],
  ] as const)('entries-added %s, a stream created empty after the start: no reset', async (_name, info) => {
    const key = streamKey();
    const { client, tail } = wrappedClient({ info });
    const view = open(client, key);
    await until(() => view.status().fresh, 'fresh');
    expect(view.status().lastEventId).toBe('0-0');
    remember(view, 'kept');
    await admin.xgroup('CREATE', key, 'g', '$', 'MKSTREAM');
    await rounds(tail, 4);
    expect(view.status()).toMatchObject({ resets: 0, entries: { accessTokens: 1 } });
  });
});

describe('event entries the view reads', () => {
  async function started(hooks: Hooks = {}): Promise<{ key: string; view: LocalView; tail: Tail }> {
    const key = streamKey();
    await xadd(key, event({ j: [hex()] }));
    const { client, tail } = wrappedClient(hooks);
    const view = open(client, key);
    await until(() => view.status().fresh, 'fresh');
    return { key, view, tail };
  }

  // Whatever an unreadable entry said is lost: the view empties itself (and goes on from it).
  it.each([
    ['JSON that is not an object (a number)', ['e', '1']],
    ['JSON null', ['e', 'null']],
    ['not JSON, then a second e field that is', ['e', 'not json', ...event({ j: ['x'] })]],
    ['no e field', ['x', '{}']],
    ['j not a list', event({ j: 'abc' })],
    ['j with a non-string item', event({ j: ['ok', 2] })],
    ['f with a non-string item', event({ f: ['ok', 2] })],
    ['a with a non-string item', event({ a: ['ok', 2] })],
    ['u with a non-string item', event({ u: ['ok', 2] })],
  ] as const)('an entry with %s empties the view', async (_name, fields) => {
    const { key, view } = await started();
    remember(view, 'kept');
    const id = await xadd(key, fields);
    await until(() => view.status().lastEventId === id, 'the entry read');
    expect(view.status()).toMatchObject({ resets: 1, entries: { accessTokens: 0 } });
    expect(view.readRevocation('j', 'kept')).toBeUndefined();
    await until(() => view.status().fresh, 'fresh after the reset');
  });

  it('an entry whose fields are not a list (fault injected in the XREAD reply) empties the view', async () => {
    let armed = false;
    const { key, view } = await started({
      entries(entries) {
        if (!armed || entries.length === 0 || !Array.isArray(entries[0])) return;
        armed = false;
        (entries[0] as unknown[])[1] = null;
      },
    });
    remember(view, 'kept');
    armed = true;
    const id = await xadd(key, event({ j: [hex()] }));
    await until(() => view.status().lastEventId === id, 'the entry read');
    expect(armed).toBe(false);
    expect(view.status()).toMatchObject({ resets: 1, entries: { accessTokens: 0 } });
  });

  it('the e field after another field is read: the event applies, nothing else is dropped', async () => {
    const { key, view } = await started();
    remember(view, 'kept');
    remember(view, 'gone');
    const id = await xadd(key, ['x', '1', ...event({ j: ['gone'] })]);
    await until(() => view.status().lastEventId === id, 'the entry read');
    expect(view.status()).toMatchObject({ resets: 0, entries: { accessTokens: 1 } });
    await answers(view, 'kept');
    expect(view.readRevocation('j', 'gone')).toBeUndefined();
  });
});

describe('the tail connection', () => {
  it.each([
    [400, 100],
    [2000, 250],
    [20, 10],
  ])('maxLagMs %i: XREAD BLOCK %i ms (a quarter, 10 to 250)', async (maxLagMs, block) => {
    const { client, tail } = wrappedClient();
    const view = open(client, streamKey(), { maxLagMs });
    await until(() => tail.blocks.length > 0, 'a read');
    expect(tail.blocks[0]).toBe(block);
    await view.close();
  });
});

/**
 * A Cluster client as the view sees it (`isCluster`, `options`, `duplicate`), on one plain Redis
 * standing for the stream's node: `duplicate(startupNodes, overrides)` merges the options as
 * ioredis's `Cluster.duplicate` does (`{ ...options, ...overrides }`), and the node connection
 * gets the merged `redisOptions`, as the cluster's connection pool gives every node.
 */
function clusterLike(url: string, redisOptions: RedisOptions): RedisClient {
  const options: { redisOptions: RedisOptions; enableOfflineQueue: boolean } = { redisOptions, enableOfflineQueue: true };
  return {
    isCluster: true,
    options,
    duplicate(_startupNodes: unknown = [], overrides: Partial<typeof options> = {}): Redis {
      const merged = { ...options, ...overrides };
      const node = new Redis(url, { ...merged.redisOptions, enableOfflineQueue: merged.enableOfflineQueue, maxRetriesPerRequest: 0 });
      clients.push(node);
      return node;
    },
  } as unknown as RedisClient;
}

describe('the tail connection of a Cluster client', () => {
  it('is a duplicate cluster client keeping its redisOptions (the password), named scopeladder-view', async () => {
    const password = randomBytes(12).toString('hex');
    const server = await startRedisServer(await freePort(), ['--requirepass', password]);
    const control = new Redis(server.url, { password, maxRetriesPerRequest: 1 });
    try {
      const key = streamKey();
      await control.xadd(key, '*', ...event({ j: [hex()] }));
      const view = open(clusterLike(server.url, { password }), key);
      await until(() => view.status().fresh, 'fresh');
      const next = (await control.xadd(key, '*', ...event({ j: [hex()] }))) as string;
      await until(() => view.status().lastEventId === next, 'the event applied');
      const tails = String(await control.call('CLIENT', 'LIST'))
        .split('\n')
        .filter((line) => line.includes('name=scopeladder-view'));
      expect(tails).toHaveLength(1);
      await view.close();
    } finally {
      control.disconnect();
      await server.kill();
    }
  });
});
