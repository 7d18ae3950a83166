import { ScopeladderError, isScopeladderError } from '@scopeladder/core';
import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import type { LuaScript } from './scripts.js';
import { raceTimer } from './race-timer.js';

/** Redis errors that mean "not now" (failover, loading, memory full…) rather than a bug. */
const TRANSIENT_REPLY = /^(LOADING|READONLY|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN|OOM|NOREPLICAS|MISCONF)\b/;

/**
 * A client the store and collections accept: a single-node `Redis` (also Sentinel-managed), or a
 * `Cluster`. Every command and script they send names keys of one hash slot, so a `Cluster`
 * routes each by its (first) key.
 *
 * @example
 * ```ts
 * import { Cluster } from 'ioredis';
 *
 * const client: RedisClient = new Cluster([{ host: '127.0.0.1', port: 7000 }]);
 * ```
 */
export type RedisClient = Redis | Cluster;

/** Whether `value` looks like an ioredis `Redis` or `Cluster` (what construction accepts). */
export function isRedisClient(value: unknown): value is RedisClient {
  const candidate = value as { evalsha?: unknown; eval?: unknown; status?: unknown; on?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.evalsha === 'function' &&
    typeof candidate.eval === 'function' &&
    typeof candidate.on === 'function' &&
    typeof candidate.status === 'string'
  );
}

/**
 * Runs a Lua script on `redis`: EVALSHA, then EVAL when the server answers NOSCRIPT (first use,
 * a restart, SCRIPT FLUSH, or, on a Cluster, a node that never saw it: both commands are routed
 * by the first key, so the fallback reaches the node that refused).
 */
export async function evalWith(redis: RedisClient, script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    const message = (error as { message?: unknown } | null)?.message;
    if (typeof message === 'string' && message.startsWith('NOSCRIPT')) {
      return await redis.eval(script.source, keys.length, ...keys, ...args);
    }
    throw error;
  }
}

/** What the store needs from a connection: bounded, fail-closed command execution. */
export interface Connection {
  readonly client: RedisClient;
  /** Runs a Lua script (EVALSHA, then EVAL if the server does not know it). */
  evalScript(script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  /**
   * Runs any command(s) on the client with the same guarantees: one deadline for the whole
   * operation, however many round trips it makes.
   */
  run<T>(operation: (client: RedisClient) => Promise<T>): Promise<T>;
  /** Quits an owned client; detaches from a shared one. Idempotent. */
  close(): Promise<void>;
}

/** How to obtain the client. */
export interface ConnectionOptions {
  readonly client?: RedisClient | undefined;
  readonly url?: string | undefined;
  readonly redisOptions?: RedisOptions | undefined;
  readonly commandTimeoutMs: number;
}

/** The one "unavailable" error: no detail of the backend leaks into the message. */
export function unavailable(cause?: unknown): ScopeladderError {
  return new ScopeladderError('ERR_STORE_UNAVAILABLE', 'The token store is unavailable', {
    retryAfter: 1,
    cause: sanitizeCause(cause),
  });
}

/**
 * Maps anything a Redis call throws to a ScopeladderError. Connection problems and transient
 * server states become `ERR_STORE_UNAVAILABLE` (fail closed, 503); other Redis replies (a bug, a
 * foreign value under our prefix) become `ERR_INTERNAL`.
 */
export function toStoreError(error: unknown): ScopeladderError {
  if (isScopeladderError(error)) return error;
  const name = (error as { name?: unknown } | null)?.name;
  const message = (error as { message?: unknown } | null)?.message;
  if (name === 'ReplyError' && !(typeof message === 'string' && TRANSIENT_REPLY.test(message))) {
    return new ScopeladderError('ERR_INTERNAL', 'The token store answered with an error', {
      cause: sanitizeCause(error),
    });
  }
  return unavailable(error);
}

/**
 * Keeps only the name and message of a Redis error: ioredis attaches the command and its
 * arguments (key names with digests) to reply errors, which have no place in logs.
 */
function sanitizeCause(error: unknown): Error | undefined {
  if (error === undefined) return undefined;
  const name = (error as { name?: unknown } | null)?.name;
  const message = (error as { message?: unknown } | null)?.message;
  const clean = new Error(typeof message === 'string' ? message : 'unknown error');
  clean.name = typeof name === 'string' ? name : 'Error';
  return clean;
}

/** Options for a client the store creates and owns: fail fast, never queue, never resend. */
function ownedClientOptions(commandTimeoutMs: number, extra: RedisOptions | undefined): RedisOptions {
  return {
    // Reconnect forever, quickly at first, at most once a second: recovery needs no restart.
    retryStrategy: (attempt: number) => Math.min(50 * attempt, 1000),
    connectTimeout: Math.max(commandTimeoutMs, 1000),
    commandTimeout: commandTimeoutMs,
    // No offline queue: while disconnected a command fails at once instead of piling up.
    enableOfflineQueue: false,
    // A rotation or a hit sent before a disconnect must not be replayed after it.
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    ...extra,
  };
}

/** What the store knows about a client's connection history. */
interface Readiness {
  /** Whether the client was ever ready: after that, "not ready" means an outage. */
  everReady: boolean;
  /** Resolves at the first `ready`. */
  readonly firstReady: Promise<void>;
}

/**
 * One record (and one `ready` listener) per client, however many stores and collections share
 * it, so a shared client never collects listeners.
 */
const readiness = new WeakMap<RedisClient, Readiness>();

function readinessOf(client: RedisClient): Readiness {
  let state = readiness.get(client);
  if (!state) {
    let markReady: () => void = () => {};
    const created: Readiness = {
      everReady: client.status === 'ready',
      firstReady: new Promise<void>((resolve) => {
        markReady = resolve;
      }),
    };
    if (created.everReady) markReady();
    client.on('ready', () => {
      created.everReady = true;
      markReady();
    });
    readiness.set(client, created);
    state = created;
  }
  return state;
}

/**
 * Wraps a client with bounded, fail-closed execution:
 * - while the client is not ready after having been ready once (an outage), commands fail at
 *   once with `ERR_STORE_UNAVAILABLE` instead of waiting in a queue;
 * - before the first `ready` (start-up), a command waits for it, at most `commandTimeoutMs`;
 * - every command is bounded by `commandTimeoutMs`, whatever the client's own settings.
 */
export function createConnection(options: ConnectionOptions): Connection {
  const owned = options.client === undefined;
  const client: RedisClient = options.client ?? new Redis(options.url as string, ownedClientOptions(options.commandTimeoutMs, options.redisOptions));
  const timeoutMs = options.commandTimeoutMs;
  // An owned client's errors surface as rejected commands; without a listener ioredis would
  // print every reconnection error.
  const onError = (): void => {};
  if (owned) client.on('error', onError);

  const state = readinessOf(client);
  let closed = false;

  function waitForFirstReady(): Promise<void> {
    if (client.status === 'wait') client.connect().catch(() => {});
    return state.firstReady;
  }

  function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(unavailable(new Error('command timed out')));
    return raceTimer(promise, remaining, () => unavailable(new Error('command timed out')));
  }

  async function run<T>(operation: (client: RedisClient) => Promise<T>): Promise<T> {
    if (closed) throw unavailable(new Error('store closed'));
    const deadline = Date.now() + timeoutMs;
    try {
      if (client.status !== 'ready') {
        if (state.everReady || client.status === 'end' || client.status === 'close') {
          throw unavailable(new Error(`connection ${client.status}`));
        }
        await withDeadline(waitForFirstReady(), deadline);
      }
      return await withDeadline(operation(client), deadline);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  function evalScript(script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    return run((redis) => evalWith(redis, script, keys, args));
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    if (!owned) return;
    try {
      if (client.status === 'ready') await client.quit();
      else client.disconnect();
    } catch {
      client.disconnect();
    }
  }

  return { client, evalScript, run, close };
}
