import { createRedisStore, type RedisClient } from '@scopeladder/redis';
import { Cluster, Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { findOrganizationIn } from './find-organization.js';
import { createRedisResourceRepository, createRedisUserRepository } from './redis.js';
import type { Storage } from './types.js';

/**
 * Options of {@link openRedisStorage}: exactly one of `url` (one Redis, `REDIS_URL`) or `cluster`
 * (a Redis Cluster, `REDIS_CLUSTER`).
 */
export type OpenRedisStorageOptions = OpenRedisStorageCommonOptions &
  (
    | {
        /** `REDIS_URL`: `redis://[user:password@]host:port[/db]` or `rediss://…`. */
        readonly url: string;
        readonly cluster?: undefined;
      }
    | {
        /** `REDIS_CLUSTER`: seed nodes of a Redis Cluster (any reachable masters; the rest is discovered). */
        readonly cluster: readonly { readonly host: string; readonly port: number }[];
        readonly url?: undefined;
      }
  );

/** What {@link OpenRedisStorageOptions} share, whatever the Redis. */
export interface OpenRedisStorageCommonOptions {
  /** `REDIS_PREFIX`: put before every key. */
  readonly prefix: string;
  /** Where connection losses and recoveries are reported (never with credentials). */
  readonly logger: Logger;
  /** How long start-up waits for Redis before giving up. Default `5000`. */
  readonly connectTimeoutMs?: number | undefined;
  /** The longest one Redis call may take before `ERR_STORE_UNAVAILABLE` (503). Default `1000`. */
  readonly commandTimeoutMs?: number | undefined;
}

/**
 * Thrown by {@link openRedisStorage} when Redis does not answer at start-up. Its message names
 * the host and port, never the credentials.
 *
 * @example
 * ```ts
 * try {
 *   await openRedisStorage({ url, prefix, logger });
 * } catch (error) {
 *   if (error instanceof RedisUnavailableError) process.exitCode = 1;
 * }
 * ```
 */
export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * A Redis URL for logs and the banner: scheme, host, port and database, never the user name or
 * the password.
 *
 * @example
 * ```ts
 * describeRedisUrl('redis://app:s3cret@cache.internal:6380/2'); // 'redis://cache.internal:6380/2'
 * ```
 */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const db = parsed.pathname.length > 1 ? parsed.pathname : '';
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || '6379'}${db}`;
  } catch {
    return 'redis (unparsable URL)';
  }
}

/** How often at most a failing Redis Cluster node is reported in the log. */
const NODE_ERROR_REPORT_INTERVAL_MS = 60_000;

/** The name and message of a connection error: ioredis puts host and port there, never credentials. */
function reason(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : 'unknown error';
}

/**
 * A Redis Cluster's seed nodes for logs and the banner: `host:port,…` (the first three named).
 *
 * @example
 * ```ts
 * describeRedisCluster([{ host: '10.0.0.1', port: 6379 }, { host: 'fd00::2', port: 6379 }]); // '10.0.0.1:6379,[fd00::2]:6379'
 * ```
 */
export function describeRedisCluster(nodes: readonly { readonly host: string; readonly port: number }[]): string {
  const named = nodes.slice(0, 3).map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`);
  const more = nodes.length > 3 ? ` and ${nodes.length - 3} more` : '';
  return `${named.join(',')}${more}`;
}

/**
 * Resolves at the client's first `ready`, or rejects after `timeoutMs` with the last error seen
 * (`subject`: `Redis at redis://…` or `Redis Cluster at …`).
 */
function waitForReady(client: RedisClient, timeoutMs: number, subject: string): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError = 'no answer';
    const onError = (error: unknown): void => {
      lastError = reason(error);
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
    };
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new RedisUnavailableError(`${subject} did not answer within ${timeoutMs / 1000}s (${lastError})`));
    }, timeoutMs);
    client.on('ready', onReady);
    client.on('error', onError);
  });
}

/**
 * Opens the shared state of a multi-instance deployment: one ioredis client, a `Redis` from
 * `REDIS_URL` or a `Cluster` on the seed nodes of `REDIS_CLUSTER`, shared by the token store of
 * `@scopeladder/redis` and the user and resource collections, all under `prefix`. Resolves once
 * Redis answers (or rejects with {@link RedisUnavailableError} after `connectTimeoutMs`).
 *
 * The client fails fast and never replays: no offline queue (while Redis is away every call
 * fails at once with `ERR_STORE_UNAVAILABLE`, answered 503), no resending of unanswered commands
 * after a reconnect (a refresh rotation must never run twice), and reconnection forever (at
 * most one attempt a second), so the server recovers by itself when Redis returns. Outages and
 * recoveries are logged once each.
 *
 * @example
 * ```ts
 * const storage = await openRedisStorage({ url: process.env.REDIS_URL!, prefix: 'chatshipper:', logger });
 * const auth = createAuthService({ directory: storage.users, store: storage.tokenStore, ... });
 * // at shutdown, after the HTTP server closed:
 * await storage.close();
 * ```
 */
export async function openRedisStorage(options: OpenRedisStorageOptions): Promise<Storage> {
  const { prefix, logger } = options;
  const commandTimeoutMs = options.commandTimeoutMs ?? 1000;
  // For logs (`connection to … lost`), start-up failures and the banner.
  const where = options.cluster === undefined ? describeRedisUrl(options.url) : `Redis Cluster at ${describeRedisCluster(options.cluster)}`;
  const subject = options.cluster === undefined ? `Redis at ${where}` : where;
  const description = options.cluster === undefined ? `redis at ${where}` : `redis cluster at ${describeRedisCluster(options.cluster)}`;
  const nodeOptions = {
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.max(commandTimeoutMs, 1000),
    // How long a closing socket may linger (ioredis' default, 2 s, delays the exit after a
    // failed start).
    disconnectTimeout: 500,
  };
  const reconnectDelay = (attempt: number): number => Math.min(50 * attempt, 1000);
  const client: RedisClient =
    options.cluster === undefined
      ? new Redis(options.url, { ...nodeOptions, enableOfflineQueue: false, retryStrategy: reconnectDelay })
      : new Cluster(
          options.cluster.map(({ host, port }) => ({ host, port })),
          {
            enableOfflineQueue: false,
            // Reconnects to the cluster forever, as to one Redis; a node's own connection is
            // re-made by the cluster client (MOVED, slot refreshes, failovers).
            clusterRetryStrategy: reconnectDelay,
            redisOptions: nodeOptions,
          },
        );

  // Connection reports: one line when Redis goes away, one when it is back. (An `error`
  // listener is required anyway: without one, ioredis prints every failed reconnection.)
  let everReady = false;
  let down = false;
  let closing = false;
  const recoveredListeners: (() => void)[] = [];
  client.on('error', (error: unknown) => {
    if (!everReady || down) return;
    down = true;
    logger.error(`redis: connection to ${where} lost (${reason(error)}); requests answer 503 until it is back`);
  });
  client.on('close', () => {
    if (!everReady || down || closing) return;
    down = true;
    logger.error(`redis: connection to ${where} lost; requests answer 503 until it is back`);
  });
  client.on('ready', () => {
    if (!everReady) {
      everReady = true;
      return;
    }
    if (!down) return;
    down = false;
    logger.info(`redis: connected to ${where} again`);
    for (const listener of recoveredListeners) listener();
  });
  if (client instanceof Cluster) {
    // One node of the cluster failing leaves the client ready (the other slots are served), and
    // ioredis reports each failed reconnection: say so once a minute per node at most. The
    // address is host:port only.
    const lastReported = new Map<string, number>();
    client.on('node error', (error: unknown, address: unknown) => {
      const node = typeof address === 'string' ? address : 'unknown';
      const now = Date.now();
      if (!everReady || closing || now - (lastReported.get(node) ?? -Infinity) < NODE_ERROR_REPORT_INTERVAL_MS) return;
      lastReported.set(node, now);
      logger.error(
        `redis: cluster node ${node} failed (${reason(error)}); requests that need it answer 503 until it is back or a replica takes over`,
      );
    });
  }

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    await tokenStore.close();
    try {
      if (client.status === 'ready') await client.quit();
      else client.disconnect();
    } catch {
      client.disconnect();
    }
  }

  const tokenStore = createRedisStore({ client, prefix, commandTimeoutMs });
  try {
    await waitForReady(client, options.connectTimeoutMs ?? 5000, subject);
  } catch (error) {
    await close();
    throw error;
  }
  // Revocations and session indexes must never be evicted; a refused CONFIG (managed Redis) is fine.
  const eviction = await tokenStore.checkEvictionPolicy();
  if (eviction.warning !== null) logger.error(`redis: WARNING: ${eviction.warning}`);

  const resources = createRedisResourceRepository({ client, prefix, commandTimeoutMs });
  return {
    name: 'redis',
    description: `${description} (prefix ${JSON.stringify(prefix)})`,
    users: createRedisUserRepository({ client, prefix, commandTimeoutMs }, (id) => findOrganizationIn(resources, id)),
    resources,
    tokenStore,
    async check() {
      const up = await tokenStore.ping();
      return { ok: up, details: { redis: up ? 'up' : 'down' } };
    },
    onRecovered(listener) {
      recoveredListeners.push(listener);
    },
    close,
  };
}
