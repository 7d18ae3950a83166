/**
 * Test support shared by the tests of @scopeladder/redis and of the reference server: the Redis
 * the tests run against (a missing one FAILS the tests, never skips them), unique key prefixes,
 * cleanup by SCAN (tests only), and throw-away redis-server processes for failure tests.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Cluster, Redis } from 'ioredis';

/** The Redis of the test run: `REDIS_URL`, else the local default. */
export const TEST_REDIS_URL = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';

/** `url` without its password (REDIS_URL may hold one), for messages. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(REDIS_URL is not a URL)';
  }
}

/** A key prefix no other run or test file uses. */
export function uniquePrefix(label: string): string {
  return `scopeladder-test:${label}:${Date.now().toString(36)}-${randomBytes(4).toString('hex')}:`;
}

/**
 * A client on the test Redis, once it answers. Rejects (failing the test file) when there is no
 * Redis, with a message that says how to get one.
 */
export async function connectTestRedis(url = TEST_REDIS_URL, timeoutMs = 3000): Promise<Redis> {
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
  client.on('error', () => {});
  const timer = setTimeout(() => client.disconnect(), timeoutMs);
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw new Error(
      `These tests need a Redis: start Redis on 127.0.0.1:6379 or set REDIS_URL (none answered at ${withoutPassword(url)}), e.g. \`redis-server --save "" --appendonly no\`: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  } finally {
    clearTimeout(timer);
  }
}

function pattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}

/**
 * Every key under `prefix`, sorted (SCAN: tests only; the server never scans). On a `Cluster`,
 * every master is scanned.
 */
export async function listKeys(client: Redis | Cluster, prefix: string): Promise<string[]> {
  const found = new Set<string>();
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern(prefix), 'COUNT', 500);
      cursor = next;
      for (const key of keys) found.add(key);
    } while (cursor !== '0');
  }
  return [...found].sort();
}

/** Deletes every key under `prefix` (one DEL per key, so a `Cluster` routes each); resolves how many there were. */
export async function deleteKeys(client: Redis | Cluster, prefix: string): Promise<number> {
  const keys = await listKeys(client, prefix);
  for (let i = 0; i < keys.length; i += 500) await Promise.all(keys.slice(i, i + 500).map((key) => client.del(key)));
  return keys.length;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A redis-server process owned by a test. */
export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  /** SIGKILL (no shutdown, no save), resolved once the process has exited. */
  kill(): Promise<void>;
}

/** The redis-server processes this test process started and that still run. */
const running = new Set<ChildProcess>();

/** Kills them when the test process exits, even after a failure that skipped their `kill()`. */
function killRunning(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * Starts `redis-server --port <port> --save "" --appendonly no` (nothing on disk: a restart
 * comes back empty) with `extraArgs` after those, resolved once it accepts connections. Needs
 * `redis-server` on PATH.
 */
export function startRedisServer(port: number, extraArgs: readonly string[] = []): Promise<RedisServerProcess> {
  const binary = execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  if (running.size === 1) process.once('exit', killRunning);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start on port ${port}: ${output}`));
    }, 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (!output.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      resolve({
        port,
        url: `redis://127.0.0.1:${port}`,
        process: child,
        async kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
  });
}
