// `authenticate` on a verified-token cache hit (the same HS256 token every call), on the memory
// store and on the Redis store: the per-request cost of the revocation lookups (the token's `jti`
// and its session's family, asked together). Issue #11 item 3 requires that ending a user's
// sessions adds no round trip here; this measures it, optionally beside another copy of the
// sources (e.g. main's) in the same process, interleaved round by round, so that load on a
// shared machine hits both alike.
//
// Runs on the sources (tsconfig paths), not on the built packages:
//   node --expose-gc --import tsx bench/auth/session-lookup.ts                       # this tree
//   node --expose-gc --import tsx bench/auth/session-lookup.ts --before-tokens <dir> --before-redis <dir>
// where the dirs hold the `src/` of @scopeladder/tokens and @scopeladder/redis of the other
// version, placed inside packages/tokens and packages/redis so that their dependencies resolve
// (see bench/RESULTS.md for the exact commands). Needs a Redis at REDIS_URL (default 127.0.0.1:6379);
// its keys go under a unique prefix and are deleted at the end.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runMicro } from '../lib/measure.js';

interface Version {
  readonly label: string;
  readonly tokens: typeof import('@scopeladder/tokens');
  readonly redis: typeof import('@scopeladder/redis');
}

const REDIS_URL = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const PASSWORD = 'correct horse battery staple';
const USER = { id: '64b000000000000000000002', email: 'agent@bench.invalid', role: 'agent' };

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function load(label: string, dirs?: { tokens: string; redis: string }): Promise<Version> {
  if (dirs === undefined) {
    return { label, tokens: await import('@scopeladder/tokens'), redis: await import('@scopeladder/redis') };
  }
  const at = (dir: string) => pathToFileURL(resolve(dir, 'index.ts')).href;
  return { label, tokens: await import(at(dirs.tokens)), redis: await import(at(dirs.redis)) };
}

async function main(): Promise<void> {
  const rounds = Number(option('--rounds') ?? 5);
  const timePerRoundMs = Number(option('--time') ?? 400);
  const warmupMs = Number(option('--warmup') ?? 500);
  const versions = [await load('this tree')];
  const beforeTokens = option('--before-tokens');
  const beforeRedis = option('--before-redis');
  if (beforeTokens !== undefined && beforeRedis !== undefined) {
    versions.unshift(await load('before', { tokens: beforeTokens, redis: beforeRedis }));
  }

  const secret = randomBytes(32).toString('hex');
  const prefix = `scopeladder-bench:${randomBytes(4).toString('hex')}:`;
  const cleanups: (() => Promise<void>)[] = [];
  const cases: { id: string; fn: () => Promise<unknown>; operations: number }[] = [];
  const commandCounts: { id: string; count: () => Promise<number> }[] = [];
  for (const version of versions) {
    const { createAuthService, createMemoryDirectory, createMemoryStore, hashPassword } = version.tokens;
    const directory = createMemoryDirectory([{ ...USER, passwordHash: await hashPassword(PASSWORD, { N: 2 ** 10 }) }]);
    const redisStore = version.redis.createRedisStore({ url: REDIS_URL, prefix: `${prefix}${version.label.replace(/\W/g, '')}:` });
    cleanups.push(async () => {
      const client = redisStore.client;
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await client.del(...keys);
      } while (cursor !== '0');
      await redisStore.close();
    });
    for (const [storeName, store] of [
      ['memory', createMemoryStore()],
      ['redis', redisStore],
    ] as const) {
      const auth = createAuthService({ directory, store, keys: { algorithm: 'HS256', secret }, throttle: false });
      const header = `Bearer ${(await auth.login({ email: USER.email, password: PASSWORD })).token}`;
      const { principal } = await auth.authenticate(header);
      if (principal.id !== USER.id) throw new Error('wrong principal');
      cases.push({ id: `${version.label} / ${storeName}`, fn: () => auth.authenticate(header), operations: 1 });
      if (storeName === 'redis') {
        // Redis commands per call, from INFO commandstats (exact only on a Redis no one else uses).
        commandCounts.push({
          id: `${version.label} / ${storeName}`,
          count: async () => {
            const calls = async () =>
              [...(await redisStore.client.info('commandstats')).matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
            const start = await calls();
            for (let i = 0; i < 1000; i++) await auth.authenticate(header);
            return ((await calls()) - start - 1) / 1000; // minus the second INFO
          },
        });
      }
    }
  }
  try {
    if (process.argv.includes('--count-commands')) {
      for (const { id, count } of commandCounts) console.log(`${id}: ${await count()} Redis commands per authenticate (cache hit)`);
    }
    const results = await runMicro(cases, { rounds, timePerRoundMs, warmupMs, log: (line) => console.error(line) });
    console.log(`| case | median per call | rounds |`);
    console.log(`|---|---|---|`);
    for (const result of results) {
      const us = (ns: number) => `${(ns / 1000).toFixed(2)} µs`;
      console.log(`| ${result.id} | ${us(result.medianNs)} | ${result.roundsNs.map(us).join(' · ')} |`);
    }
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

await main();
