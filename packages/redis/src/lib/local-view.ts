import { performance } from 'node:perf_hooks';
import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './connection.js';
import { raceTimer } from './race-timer.js';

/**
 * What changed, as published on the credential-event stream (field `e`, JSON). Every list is
 * optional; an event only says "this changed, ask again", never what the new state is.
 */
export interface CredentialEvent {
  /** Access-token ids (`jti`) revoked. */
  readonly j?: readonly string[];
  /** Refresh families revoked. */
  readonly f?: readonly string[];
  /** API-key digests deleted or replaced. */
  readonly a?: readonly string[];
  /** Users whose sessions were ended (role, membership, password change, deletion) or whose keys were deleted. */
  readonly u?: readonly string[];
}

/** Settings of one instance's view (validated by the store). */
export interface LocalViewSettings {
  /** The view answers only while its last complete read of the stream started at most this long ago. */
  readonly maxLagMs: number;
  /** A revocation answer is asked again after this long (a safety net; events drop it sooner). */
  readonly recheckMs: number;
  /** The most entries per map (revoked/not, per kind; API keys); the oldest go first. */
  readonly maxEntries: number;
  /** Bound of one stream round trip beyond its BLOCK time. */
  readonly commandTimeoutMs: number;
}

/** What {@link LocalView.status} reports. */
export interface LocalViewState {
  readonly fresh: boolean;
  /** The id of the last stream entry applied, or `null` before the tail started. */
  readonly lastEventId: string | null;
  /** Entries held: access tokens, families, API keys. */
  readonly entries: { readonly accessTokens: number; readonly families: number; readonly apiKeys: number };
  /** How many times the view was emptied because it could not prove it saw every event (gap, lost stream). */
  readonly resets: number;
}

/**
 * One instance's local view of credential state: answers cached per id, filled by lookups,
 * dropped by the events every instance publishes. See {@link createLocalView}.
 */
export interface LocalView {
  /** The cached "revoked until" (`0`: no revocation) of an access token (`j`) or family (`f`), when the view can vouch for it now. */
  readRevocation(kind: 'j' | 'f', id: string): number | undefined;
  /** Stamp to take BEFORE a lookup whose answer is to be remembered; `null`: do not remember. */
  ticket(): number | null;
  /** Remembers a lookup's answer, unless any event was applied since `ticket` (it may be stale). */
  rememberRevocation(ticket: number | null, kind: 'j' | 'f', id: string, until: number): void;
  /** The value remembered for an API key digest, when the view can vouch for it now. */
  readApiKey(digest: string): unknown;
  /** Remembers what was derived for an API key (of user `userId`), unless an event was applied since `ticket`. */
  rememberApiKey(ticket: number | null, digest: string, userId: string, value: unknown): void;
  /** Applies an event of this instance at once (before and after its write). */
  invalidate(event: CredentialEvent): void;
  /** Whether the view may answer now. */
  isFresh(): boolean;
  /** Resolves once the view applied the stream up to `eventId` (or cannot vouch, or `maxLagMs` passed). */
  waitFor(eventId: string | null): Promise<void>;
  status(): LocalViewState;
  /** Stops the tail and closes its connection; idempotent. */
  close(): Promise<void>;
}

interface Entry {
  until: number;
  /** When remembered ({@link monotonicNow}, never the wall clock). */
  at: number;
}

interface KeyEntry {
  value: unknown;
  userId: string;
  /** When remembered ({@link monotonicNow}, never the wall clock). */
  at: number;
}

interface StreamInfo {
  readonly lastGeneratedId: string;
  /** How many entries were ever added (Redis 7+; `undefined` before). */
  readonly entriesAdded: number | undefined;
  readonly firstEntryId: string | undefined;
}

/** Most entries read per round: a round that returns this many did not catch up yet. */
const READ_COUNT = 1000;
/** Longest BLOCK: an idle stream still proves the tail alive four times a second. */
const MAX_BLOCK_MS = 250;
/** Pause before retrying after a failed round (connection down, timeout). */
const RETRY_MS = 25;

/**
 * The clock of every freshness and age bound (`vouchedAt`, entry ages): monotonic, so a wall
 * clock stepped back (NTP, a restored VM) can never make a stale view look fresh.
 */
function monotonicNow(): number {
  return performance.now();
}

/** Compares two stream ids (`<ms>-<seq>`). */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs === bMs ? aSeq - bSeq : aMs - bMs;
}

function parseInfo(reply: unknown): StreamInfo | null {
  if (!Array.isArray(reply)) return null;
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  const last = fields.get('last-generated-id');
  if (typeof last !== 'string') return null;
  const added = Number(fields.get('entries-added'));
  const first = fields.get('first-entry');
  return {
    lastGeneratedId: last,
    entriesAdded: fields.has('entries-added') && Number.isSafeInteger(added) ? added : undefined,
    firstEntryId: Array.isArray(first) && typeof first[0] === 'string' ? first[0] : undefined,
  };
}

function parseEvent(fields: unknown): CredentialEvent | null {
  if (!Array.isArray(fields)) return null;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== 'e') continue;
    try {
      const parsed: unknown = JSON.parse(String(fields[i + 1]));
      if (typeof parsed !== 'object' || parsed === null) return null;
      const event = parsed as Record<string, unknown>;
      for (const name of ['j', 'f', 'a', 'u']) {
        const list = event[name];
        if (list !== undefined && !(Array.isArray(list) && list.every((item) => typeof item === 'string'))) return null;
      }
      return event as CredentialEvent;
    } catch {
      return null;
    }
  }
  return null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref?.();
  });
}

/** A connection of our own for the blocking reads: never the shared client (a BLOCK would stall it). */
function duplicateForTail(client: RedisClient, blockMs: number, commandTimeoutMs: number): RedisClient {
  // ioredis' own timeout only backs up `withTimeout` (which drops a hung socket): at the same
  // bound, ioredis' timer fires first and resolves the round with "Command timed out", so a
  // half-open connection would never be replaced. (Set anyway: the client's own may be shorter
  // than a BLOCK.)
  const commandTimeout = 2 * (blockMs + commandTimeoutMs);
  if ((client as { isCluster?: unknown }).isCluster === true) {
    const cluster = client as Cluster;
    const redisOptions = (cluster.options as { redisOptions?: Record<string, unknown> }).redisOptions ?? {};
    return cluster.duplicate(undefined, {
      enableOfflineQueue: false,
      redisOptions: { ...redisOptions, connectionName: 'scopeladder-view', commandTimeout, blockingTimeout: 0 },
    });
  }
  return (client as Redis).duplicate({
    connectionName: 'scopeladder-view',
    enableOfflineQueue: false,
    commandTimeout,
    // Never the client's own: with it, ioredis answers a late XREAD BLOCK with `null` (no entries).
    blockingTimeout: 0,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    lazyConnect: false,
  });
}

/**
 * Creates the local view of one store instance on `client` (the store's client; the view reads
 * the stream `streamKey` on a duplicate of it, started at first use).
 *
 * Correctness rests on three rules:
 * - every write that ends or narrows a credential is followed by an event on the stream (the
 *   store publishes after the write, and applies it to its own view before and after);
 * - an answer from Redis is remembered only if no event at all was applied between the moment
 *   before the lookup and its answer (`ticket`), so an answer read before a write is never kept
 *   after that write's event;
 * - the view answers only while fresh: a read of the stream that started at most `maxLagMs`
 *   ago completed and caught up, and no gap was found (entries trimmed before we read them, or
 *   the stream gone): a gap empties the view. So an event published at time T is applied before
 *   any answer given after T + `maxLagMs`.
 */
export function createLocalView(client: RedisClient, streamKey: string, settings: LocalViewSettings): LocalView {
  const blockMs = Math.max(10, Math.min(MAX_BLOCK_MS, Math.floor(settings.maxLagMs / 4)));
  const { maxLagMs, recheckMs, maxEntries, commandTimeoutMs } = settings;
  const revoked = { j: new Map<string, Entry>(), f: new Map<string, Entry>() };
  const apiKeys = new Map<string, KeyEntry>();
  const keysOfUser = new Map<string, Set<string>>();
  let seq = 0;
  let resets = 0;
  let lastId: string | null = null;
  /** The stream's `entries-added` when it stood at `lastId` (NaN when unknown). */
  let addedSeen = Number.NaN;
  /** When the last complete round started ({@link monotonicNow}). */
  let vouchedAt = Number.NEGATIVE_INFINITY;
  let closed = false;
  let tail: RedisClient | null = null;
  let loop: Promise<void> | null = null;
  let waiters: { readonly target: string; readonly resolve: () => void }[] = [];

  function ensureStarted(): void {
    if (loop !== null || closed) return;
    tail = duplicateForTail(client, blockMs, commandTimeoutMs);
    tail.on('error', () => {});
    loop = run(tail).catch(() => {});
  }

  function isFresh(): boolean {
    return !closed && lastId !== null && monotonicNow() - vouchedAt <= maxLagMs;
  }

  function dropApiKey(digest: string): void {
    const entry = apiKeys.get(digest);
    if (entry === undefined) return;
    apiKeys.delete(digest);
    const digests = keysOfUser.get(entry.userId);
    digests?.delete(digest);
    if (digests?.size === 0) keysOfUser.delete(entry.userId);
  }

  function invalidate(event: CredentialEvent): void {
    seq += 1;
    for (const jti of event.j ?? []) revoked.j.delete(jti);
    for (const familyId of event.f ?? []) revoked.f.delete(familyId);
    for (const digest of event.a ?? []) dropApiKey(digest);
    for (const userId of event.u ?? []) {
      for (const digest of [...(keysOfUser.get(userId) ?? [])]) dropApiKey(digest);
    }
  }

  function reset(fromId: string, entriesAdded = Number.NaN): void {
    seq += 1;
    addedSeen = entriesAdded;
    // The start is not counted: only the times the view had to forget what it held.
    if (lastId !== null) resets += 1;
    revoked.j.clear();
    revoked.f.clear();
    apiKeys.clear();
    keysOfUser.clear();
    lastId = fromId;
  }

  /**
   * Drops entries past their recheck time: maps are in insertion order (every set re-inserts),
   * so the old ones come first. API-key answers (which carry the bot's directory record) are
   * asked again after `maxLagMs`, so a directory change nobody published acts within the same bound.
   */
  function sweep(): void {
    const now = monotonicNow();
    for (const map of [revoked.j, revoked.f]) {
      for (const [id, entry] of map) {
        if (entry.at >= now - recheckMs) break;
        map.delete(id);
      }
    }
    for (const [digest, entry] of apiKeys) {
      if (entry.at >= now - maxLagMs) break;
      dropApiKey(digest);
    }
  }

  function settleWaiters(): void {
    if (waiters.length === 0) return;
    const fresh = isFresh();
    waiters = waiters.filter((waiter) => {
      if (closed || !fresh || (lastId !== null && compareStreamIds(lastId, waiter.target) >= 0)) {
        waiter.resolve();
        return false;
      }
      return true;
    });
  }

  async function readInfo(redis: RedisClient): Promise<StreamInfo | null> {
    try {
      return parseInfo(await redis.xinfo('STREAM', streamKey));
    } catch (error) {
      if (/no such key/i.test(String((error as { message?: unknown } | null)?.message))) return null;
      throw error;
    }
  }

  function withTimeout<T>(promise: Promise<T>, redis: RedisClient): Promise<T> {
    return raceTimer(promise, blockMs + commandTimeoutMs, () => {
      // A round that hangs (a half-open connection): start over on a new socket.
      redis.disconnect(true);
      return new Error('stream read timed out');
    });
  }

  /**
   * Whether entries after `from` may have been trimmed before this round read them. Exact when
   * the round caught up with the stream on Redis 7+ (every entry added since our start point was
   * read: `entries-added` tells); otherwise conservative: the oldest entry kept (or, on an empty
   * stream, the next one) lies after `from` (a false alarm only empties the view once). A stream
   * whose last generated id is below the last one applied is always a gap.
   */
  function isGap(info: StreamInfo, from: string): boolean {
    // The stream went backwards (a failover to a replica behind, a restore): not the stream we read.
    if (lastId !== null && compareStreamIds(info.lastGeneratedId, lastId) < 0) return true;
    if (info.entriesAdded !== undefined && Number.isFinite(addedSeen) && info.lastGeneratedId === lastId) {
      return info.entriesAdded !== addedSeen;
    }
    if (info.firstEntryId === undefined) return compareStreamIds(info.lastGeneratedId, from) > 0;
    return compareStreamIds(info.firstEntryId, from) > 0;
  }

  /** One round: XREAD BLOCK from `lastId`, then XINFO (same connection, same round trip) to look for a gap. */
  async function round(redis: RedisClient): Promise<void> {
    if (lastId === null) {
      const info = await withTimeout(readInfo(redis), redis);
      reset(info?.lastGeneratedId ?? '0-0', info === null ? 0 : (info.entriesAdded ?? Number.NaN));
    }
    const from = lastId as string;
    const sentAt = monotonicNow();
    const replies = await withTimeout(
      redis.pipeline().xread('COUNT', READ_COUNT, 'BLOCK', blockMs, 'STREAMS', streamKey, from).xinfo('STREAM', streamKey).exec(),
      redis,
    );
    if (closed) return;
    const [readReply, infoReply] = replies ?? [];
    if (readReply === undefined || readReply[0] !== null) throw readReply?.[0] ?? new Error('no reply');
    const streams = readReply[1];
    const entries: unknown[] =
      Array.isArray(streams) && Array.isArray(streams[0]) && Array.isArray(streams[0][1]) ? (streams[0][1] as unknown[]) : [];
    let info: StreamInfo | null = null;
    if (infoReply !== undefined && infoReply[0] === null) info = parseInfo(infoReply[1]);
    else if (!/no such key/i.test(String((infoReply?.[0] as { message?: unknown } | null | undefined)?.message))) throw infoReply?.[0];

    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
        // Unreadable (no id): whatever it said is lost, so nothing from before it can be vouched for.
        reset(lastId ?? from);
        continue;
      }
      const event = parseEvent(entry[1]);
      lastId = entry[0];
      addedSeen += 1;
      if (event === null) {
        // Not ours to read: nothing can be vouched for from before it.
        reset(entry[0]);
        continue;
      }
      invalidate(event);
    }

    // Nothing read although the stream moved past `from` (an entry added between the two
    // commands, or a read answered empty on the client's side): this round cannot vouch.
    const missed = entries.length === 0 && info !== null && compareStreamIds(info.lastGeneratedId, from) > 0;
    if (info === null ? from !== '0-0' : isGap(info, from))
      reset(info?.lastGeneratedId ?? '0-0', info === null ? 0 : (info.entriesAdded ?? Number.NaN));
    if (entries.length < READ_COUNT && !missed) vouchedAt = sentAt;
    sweep();
    settleWaiters();
  }

  async function run(redis: RedisClient): Promise<void> {
    while (!closed) {
      if (redis.status !== 'ready') {
        if (redis.status === 'end') redis.connect().catch(() => {});
        await sleep(RETRY_MS);
        settleWaiters();
        continue;
      }
      try {
        await round(redis);
      } catch {
        settleWaiters();
        if (!closed) await sleep(RETRY_MS);
      }
    }
  }

  /** Sets `id` last in `map` (insertion order = age), evicting the oldest entry when full. */
  function remember<V>(map: Map<string, V>, id: string, value: V, evict: (id: string) => void): void {
    map.delete(id);
    if (map.size >= maxEntries) {
      const oldest = map.keys().next();
      if (oldest.done !== true) evict(oldest.value);
    }
    map.set(id, value);
  }

  return {
    readRevocation(kind, id) {
      if (loop === null) ensureStarted();
      const entry = revoked[kind].get(id);
      if (entry === undefined) return undefined;
      const now = monotonicNow();
      if (closed || now - vouchedAt > maxLagMs || now - entry.at > recheckMs) return undefined;
      return entry.until;
    },
    ticket() {
      ensureStarted();
      return lastId === null || closed ? null : seq;
    },
    rememberRevocation(ticket, kind, id, until) {
      if (ticket === null || ticket !== seq || closed) return;
      const map = revoked[kind];
      remember(map, id, { until, at: monotonicNow() }, (oldest) => map.delete(oldest));
    },
    readApiKey(digest) {
      ensureStarted();
      if (!isFresh()) return undefined;
      const entry = apiKeys.get(digest);
      if (entry === undefined || monotonicNow() - entry.at > maxLagMs) return undefined;
      return entry.value;
    },
    rememberApiKey(ticket, digest, userId, value) {
      if (ticket === null || ticket !== seq || closed) return;
      dropApiKey(digest);
      remember(apiKeys, digest, { value, userId, at: monotonicNow() }, dropApiKey);
      let digests = keysOfUser.get(userId);
      if (digests === undefined) {
        digests = new Set();
        keysOfUser.set(userId, digests);
      }
      digests.add(digest);
    },
    invalidate,
    isFresh,
    waitFor(eventId) {
      if (eventId === null || loop === null || closed || !isFresh() || (lastId !== null && compareStreamIds(lastId, eventId) >= 0)) {
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const waiter = { target: eventId, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          waiters = waiters.filter((other) => other !== waiter);
          resolve();
        }, maxLagMs).unref?.();
      });
    },
    status() {
      return {
        fresh: isFresh(),
        lastEventId: lastId,
        entries: { accessTokens: revoked.j.size, families: revoked.f.size, apiKeys: apiKeys.size },
        resets,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      settleWaiters();
      if (tail !== null) tail.disconnect();
      if (loop !== null) await loop;
      revoked.j.clear();
      revoked.f.clear();
      apiKeys.clear();
      keysOfUser.clear();
    },
  };
}
