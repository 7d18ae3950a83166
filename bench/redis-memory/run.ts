// Redis memory per active session, per revoked session and per bot key, for bench/RESULTS.md
// ("Redis memory", issue #15 §4): the real operations of an auth service on @scopeladder/redis (the
// built package), each run N times (default 1,000), and `MEMORY USAGE … SAMPLES 0` summed over every
// key under the run's prefix before and after, per kind of key (bench/redis-memory/measure.ts).
// Needs a Redis (REDIS_URL, default redis://127.0.0.1:6379); writes under a unique prefix and
// deletes it afterwards. Run from bench/ after `pnpm build`:
//   node --import tsx redis-memory/run.ts [--quick] [--count 1000]
import { randomBytes } from 'node:crypto';
import { createRedisStore } from '@scopeladder/redis';
import { createAuthService, createMemoryDirectory, hashPassword } from '@scopeladder/tokens';
import { Redis } from 'ioredis';
import { createRandom, hexId } from '../lib/random.js';
import { deltaPer, measurePrefix, type PrefixUsage, type UsageDelta } from './measure.js';

const countOption = process.argv.indexOf('--count');
const COUNT = countOption === -1 ? (process.argv.includes('--quick') ? 100 : 1000) : Number(process.argv[countOption + 1]);
if (!Number.isInteger(COUNT) || COUNT < 1) throw new TypeError('--count must be a positive integer');
const PASSWORD = 'correct horse battery staple';
/** How many operations run at once (a login is a few round trips; the store does not care). */
const BATCH = 50;

const random = createRandom(20261207);
const redis = new Redis(process.env['REDIS_URL'] || 'redis://127.0.0.1:6379', { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
const prefix = `scopeladder-bench:memory:${Date.now().toString(36)}-${randomBytes(4).toString('hex')}:`;

const passwordHash = await hashPassword(PASSWORD, { N: 2 ** 10 });
const agents = Array.from({ length: COUNT }, (_, i) => ({ id: hexId(random), email: `agent${i}@bench.invalid`, role: 'agent', passwordHash }));
/** Each user logs in from an address of its own, as through the reference server (`source`: the client address). */
const sourceOf = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const bots = Array.from({ length: COUNT }, (_, i) => ({ id: hexId(random), email: `bot${i}@bench.invalid`, role: 'bot', kind: 'bot' as const }));
const store = createRedisStore({ client: redis, prefix, commandTimeoutMs: 10_000 });
const auth = createAuthService({
  directory: createMemoryDirectory([...agents, ...bots]),
  store,
  keys: { algorithm: 'HS256', secret: randomBytes(32).toString('hex') },
});

async function inBatches<T, R>(items: readonly T[], operation: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += BATCH) results.push(...(await Promise.all(items.slice(i, i + BATCH).map(operation))));
  return results;
}

interface Row {
  readonly operation: string;
  readonly delta: UsageDelta;
}
const rows: Row[] = [];

/** Runs `phase`, and records the change under the prefix per operation. */
async function measured(operation: string, phase: () => Promise<unknown>): Promise<PrefixUsage> {
  const before = await measurePrefix(redis, prefix);
  await phase();
  const after = await measurePrefix(redis, prefix);
  rows.push({ operation, delta: deltaPer(before, after, COUNT) });
  return after;
}

try {
  const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  const start = await measurePrefix(redis, prefix);
  if (start.keys !== 0) throw new Error('the prefix is not empty');

  const login = (i: number) => auth.login({ email: agents[i]!.email, password: PASSWORD }, { source: sourceOf(i) });
  const indexes = agents.map((_, i) => i);
  let first: Awaited<ReturnType<typeof login>>[] = [];
  await measured('`login()`: a user’s first session', async () => {
    first = await inBatches(indexes, login);
  });
  const afterFirst = await measurePrefix(redis, prefix);
  // The login throttle's keys: counters of the window (15 min) and known-source markers (30 days).
  const hitTtls: number[] = [];
  let hitCursor = '0';
  do {
    const [next, keys] = await redis.scan(hitCursor, 'MATCH', `${prefix}hit:*`, 'COUNT', 1000);
    hitCursor = next;
    for (const key of keys) hitTtls.push(await redis.pttl(key));
  } while (hitCursor !== '0');
  const DAY = 86_400_000;
  const hitSummary = `hit:<key> after the first logins: ${hitTtls.filter((ttl) => ttl <= DAY).length} with a TTL under a day (throttle window), ${
    hitTtls.filter((ttl) => ttl > DAY).length
  } over a day (longest ${(Math.max(...hitTtls) / DAY).toFixed(1)} days)`;
  const second = await inBatches(indexes, login);
  rows.push({
    operation: '`login()`: one more session of a user who has one',
    delta: deltaPer(afterFirst, await measurePrefix(redis, prefix), COUNT),
  });
  const afterLogout = await measured('`logout(accessToken)` of one of those sessions', () =>
    inBatches(second, (session) => auth.logout(session.token)),
  );
  rows.push({ operation: 'what a logged-out session keeps until its tokens expire', delta: deltaPer(afterFirst, afterLogout, COUNT) });
  await measured('`createApiKey()`: a bot’s first key', () => inBatches(bots, (bot) => auth.createApiKey(bot.id, ['bot'])));
  await measured('`createApiKey()`: one more key of a bot that has one', () => inBatches(bots, (bot) => auth.createApiKey(bot.id, ['bot'])));
  await measured('`refresh()`: a rotation of a first session (the spent token stays until it expires)', () =>
    inBatches(first, (session) => auth.refresh(session.refreshToken)),
  );

  const kinds = (delta: UsageDelta) =>
    delta.kinds
      .map((kind) => `${kind.name} ${kind.keys === 0 ? '±0' : kind.keys > 0 ? `+${kind.keys}` : kind.keys} key, ${Math.round(kind.bytes)} B`)
      .join('; ');
  console.log(`| operation (× ${COUNT}) | bytes per operation | keys | by kind of key (keys and bytes per operation) |\n|---|--:|--:|---|`);
  for (const { operation, delta } of rows) console.log(`| ${operation} | ${Math.round(delta.bytes)} | ${delta.keys} | ${kinds(delta)} |`);
  console.log(`\n${hitSummary}.`);
  console.log(`Redis ${version}; MEMORY USAGE … SAMPLES 0 summed over every key under the run's prefix (${COUNT} operations each).`);
} finally {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  const left = (await measurePrefix(redis, prefix)).keys;
  if (left !== 0) console.error(`${left} keys left under ${prefix}`);
  await store.close();
  await redis.quit();
}
