/**
 * Test support (not exported by the package): the Redis the tests run against, unique prefixes,
 * cleanup by SCAN (tests only), and throw-away redis-server processes for failure tests.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';

/** The Redis of the test run: `REDIS_URL`, else the local default. A missing Redis fails the tests. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other run or test uses. */
export function uniquePrefix(label: string): string {
  return `scopeladder-test:${label}:${Date.now().toString(36)}-${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN: fine in tests, never used by the store). */
export async function deleteKeys(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  do {
    const [nextCursor, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = nextCursor;
    if (keys.length > 0) deleted += await client.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Every key under `prefix`, sorted (SCAN; tests only). */
export async function listKeys(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  do {
    const [nextCursor, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = nextCursor;
    found.push(...keys);
  } while (cursor !== '0');
  return [...new Set(found)].sort();
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** The redis-server binary (`which redis-server`). */
export function redisServerBinary(): string {
  return execFileSync('which', ['redis-server'], { encoding: 'utf8' }).trim();
}

/** A redis-server process owned by a test. */
export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  /** SIGKILL, resolved once the process has exited. */
  kill(): Promise<void>;
}

/** Starts `redis-server --port <port> --save "" --appendonly no`, resolved once it accepts connections. */
export function startRedisServer(port: number): Promise<RedisServerProcess> {
  const child = spawn(
    redisServerBinary(),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start on port ${port}: ${output}`));
    }, 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) {
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
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
  });
}
