/**
 * Vitest global setup: a whole run (`pnpm test`, `vitest run` with no file filter) needs the test
 * Redis (test/support/redis.ts), so it asks it once, before any test file, and stops the run with
 * one line that says what to do when nobody answers — instead of every Redis suite failing with
 * ioredis's connection errors. The run FAILS; no test is skipped. A run filtered to some files
 * (`vitest run packages/core`) is not stopped: the Redis suites among them, if any, fail with the
 * same message through `connectTestRedis`.
 */
import type { TestProject } from 'vitest/node';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, withoutPassword } from './redis.js';

/** The one line a run without Redis prints. */
export const NO_REDIS = 'start Redis on 127.0.0.1:6379 or set REDIS_URL';

/** Resolves `null` when a Redis answers PING at `url` within `timeoutMs`, else why not (one line). */
export async function pingRedis(url: string, timeoutMs = 2000): Promise<string | null> {
  let client: Redis;
  try {
    client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: timeoutMs,
    });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  client.on('error', () => {}); // answered below, once; no "Unhandled error event" noise
  const timer = setTimeout(() => client.disconnect(), timeoutMs);
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Whether this run names files or patterns (`vitest run <filter>…`); then Redis is asked only by the suites that need it. */
function isFiltered(project: TestProject | undefined): boolean {
  // `filenamePattern` is what vitest keeps of the command line's filters (not a documented
  // member: when it is missing, the run counts as a whole run, and Redis is asked).
  const patterns = (project?.vitest as { filenamePattern?: readonly string[] } | undefined)?.filenamePattern;
  return patterns !== undefined && patterns.length > 0;
}

/** Rejects with the one-line {@link NO_REDIS} message when no Redis answers at `url` (a whole run only). */
export async function checkTestRedis(url: string, filtered: boolean): Promise<void> {
  if (filtered) return;
  const problem = await pingRedis(url);
  if (problem === null) return;
  const error = new Error(
    `${NO_REDIS} (no Redis answered at ${withoutPassword(url)}: ${problem}); the Redis tests fail without one, they are never skipped`,
  );
  error.stack = `Error: ${error.message}`; // the message says it all: no stack of vitest's internals under it
  throw error;
}

export default async function setup(project?: TestProject): Promise<void> {
  // Thrown, the run stops here with the message (exit code 1).
  await checkTestRedis(TEST_REDIS_URL, isFiltered(project));
}
