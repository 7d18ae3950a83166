/**
 * A throw-away Redis Cluster for tests: three masters (with `replicas`, that many replicas each)
 * started from the plain `redis-server` binary on free loopback ports (each with its bus port, port + 10000, free too), joined by
 * `redis-cli --cluster create`, and ready once every node reports `cluster_state:ok`. Nothing
 * is written outside a temporary directory, removed by `stop()`, which kills only the processes
 * it started.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { freePort, startRedisServer, type RedisServerProcess } from './redis.js';

const run = promisify(execFile);

/** A local cluster owned by a test file. */
export interface LocalRedisCluster {
  /** The masters, as seed nodes for ioredis's `Cluster` (`REDIS_CLUSTER` is `127.0.0.1:<port>,…`). */
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  /** A new ioredis `Cluster` client on it (closed by the caller). */
  connect(): Cluster;
  /** Kills one node (SIGKILL), e.g. a master for a failover test; resolved once it exited. */
  killNode(port: number): Promise<void>;
  /** Kills the nodes (SIGKILL) and removes their directory. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startLocalRedisCluster}. */
export interface StartLocalRedisClusterOptions {
  /** How many masters (≥ 3, Redis's minimum). Default 3. */
  readonly masters?: number;
  /** How long to wait for `cluster_state:ok`. Default 20 s. */
  readonly timeoutMs?: number;
  /** Replicas per master (`--cluster-replicas`). Default 0. */
  readonly replicas?: number;
  /** `cluster-node-timeout`: how long a master may be unreachable before its replica takes over. Default 5000 ms. */
  readonly nodeTimeoutMs?: number;
  /**
   * The ports to take the nodes' from, `[first, last]` (the first free ones whose bus port, port +
   * 10000, is free too). Default: any free ports the system hands out.
   */
  readonly ports?: readonly [number, number];
}

/** A free port whose cluster bus port (port + 10000) is free too; in `range` when given. */
async function freeClusterPort(taken: Set<number>, range: readonly [number, number] | undefined): Promise<number> {
  if (range !== undefined) {
    for (let port = range[0]; port <= range[1]; port += 1) {
      if (taken.has(port) || taken.has(port + 10_000)) continue;
      if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
    }
    throw new Error(`no free port pair for a Redis Cluster node in ${range[0]}-${range[1]}`);
  }
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await freePort();
    if (port > 55_535 || taken.has(port) || taken.has(port + 10_000)) continue;
    const bus = await isFree(port + 10_000);
    if (bus) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function clusterState(port: number): Promise<string> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  client.on('error', () => {});
  try {
    await client.connect();
    const info = await client.cluster('INFO');
    return /cluster_state:(\w+)/.exec(String(info))?.[1] ?? 'unknown';
  } catch {
    return 'unreachable';
  } finally {
    client.disconnect();
  }
}

/** Whether `expected` replicas in all report a finished sync with their master (`master_link_status:up`). */
async function replicasInSync(servers: readonly RedisServerProcess[], expected: number): Promise<boolean> {
  let up = 0;
  for (const server of servers) {
    const client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    client.on('error', () => {});
    try {
      await client.connect();
      if (/master_link_status:up/.test(await client.info('replication'))) up += 1;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
  }
  return up >= expected;
}

/**
 * Starts a local Redis Cluster (needs `redis-server` and `redis-cli` on PATH, as on these machines
 * and in CI), resolved once it serves every slot.
 *
 * @example
 * ```ts
 * const cluster = await startLocalRedisCluster();
 * const client = cluster.connect();
 * await client.set('{user:1}:a', 'x');
 * client.disconnect();
 * await cluster.stop();
 * ```
 */
export async function startLocalRedisCluster(options: StartLocalRedisClusterOptions = {}): Promise<LocalRedisCluster> {
  const masters = options.masters ?? 3;
  if (!Number.isInteger(masters) || masters < 3) throw new TypeError('a Redis Cluster needs at least 3 masters');
  const timeoutMs = options.timeoutMs ?? 20_000;
  const replicas = options.replicas ?? 0;
  if (!Number.isInteger(replicas) || replicas < 0) throw new TypeError('replicas must be an integer >= 0');
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 5000;
  const range = options.ports;
  if (
    range !== undefined &&
    !(Number.isInteger(range[0]) && Number.isInteger(range[1]) && range[0] >= 1 && range[0] <= range[1] && range[1] <= 55_535)
  ) {
    throw new TypeError('ports must be [first, last] with 1 <= first <= last <= 55535 (bus ports are port + 10000)');
  }
  const dir = await mkdtemp(join(tmpdir(), 'scopeladder-cluster-'));
  const servers: RedisServerProcess[] = [];
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(servers.map((server) => server.kill()));
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const taken = new Set<number>();
    for (let i = 0; i < masters * (1 + replicas); i += 1) {
      const port = await freeClusterPort(taken, range);
      taken.add(port);
      taken.add(port + 10_000);
      servers.push(
        await startRedisServer(port, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout',
          String(nodeTimeoutMs),
          '--dir',
          dir,
        ]),
      );
    }
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: timeoutMs });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(servers.map((server) => clusterState(server.port)));
      if (states.every((state) => state === 'ok') && (replicas === 0 || (await replicasInSync(servers, masters * replicas)))) break;
      if (Date.now() > deadline) throw new Error(`the local Redis Cluster did not become ready: ${states.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const nodes = servers.map((server) => ({ host: '127.0.0.1', port: server.port }));
  const killNode = async (port: number): Promise<void> => {
    const server = servers.find((candidate) => candidate.port === port);
    if (!server) throw new Error(`no node of this cluster listens on ${port}`);
    await server.kill();
  };
  return {
    nodes,
    connect() {
      const client = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 }, enableOfflineQueue: true });
      client.on('error', () => {});
      return client;
    },
    killNode,
    stop,
  };
}

/**
 * CRC16/XMODEM, the checksum Redis Cluster hashes keys with.
 *
 * @example
 * ```ts
 * crc16(Buffer.from('123456789')) === 0x31c3; // the specification's check value
 * ```
 */
export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/**
 * The Redis Cluster slot of a key, computed as Redis does (CRC16/XMODEM mod 16384 of its hash
 * tag, the first `{…}` with something inside, else of the whole key), without a cluster.
 *
 * @example
 * ```ts
 * keySlot('{user1000}.following') === keySlot('{user1000}.followers'); // true
 * ```
 */
export function keySlot(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  const open = bytes.indexOf(0x7b);
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) % 16384;
  }
  return crc16(bytes) % 16384;
}
