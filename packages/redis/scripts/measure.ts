/**
 * Rough throughput of the Redis store against REDIS_URL (default 127.0.0.1:6379):
 * `pnpm tsx packages/redis/scripts/measure.ts`. Not part of the package or the tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisStore } from '../src/index.js';
import { deleteKeys, uniquePrefix } from '../../../test/support/redis.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const digest = (): string => createHash('sha256').update(randomBytes(32)).digest('hex');

async function measure(label: string, total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await op(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label.padEnd(40)} ${Math.round(total / seconds)
      .toString()
      .padStart(7)} ops/s  (${total} ops, concurrency ${concurrency})`,
  );
}

const client = new Redis(url, { enableOfflineQueue: false, lazyConnect: true });
await client.connect();
const prefix = uniquePrefix('measure');
const store = createRedisStore({ client, prefix });
const now = Date.now();
const HOUR = 3_600_000;

for (const concurrency of [1, 50]) {
  const chains = Array.from({ length: concurrency }, () => ({ digest: digest(), userId: 'u', familyId: digest(), expiresAt: now + HOUR }));
  for (const chain of chains) await store.saveRefreshToken(chain);
  await measure(`rotateRefreshToken (chains)`, 20_000, concurrency, async (i) => {
    const chain = chains[i % concurrency]!;
    const nextDigest = digest();
    const result = await store.rotateRefreshToken(chain.digest, { ...chain, digest: nextDigest }, now);
    if (result.status !== 'rotated') throw new Error(result.status);
    chain.digest = nextDigest;
  });
}
await measure('isFamilyRevoked', 50_000, 50, () => store.isFamilyRevoked('f', now));
await measure('isAccessTokenRevoked', 50_000, 50, () => store.isAccessTokenRevoked('j', now));
const key = { digest: digest(), id: 'k', userId: 'bot', scopes: ['bot'], createdAt: now };
await store.saveApiKey(key);
await measure('findApiKey', 50_000, 50, () => store.findApiKey(key.digest));
await measure('hit', 50_000, 50, (i) => store.hit(`login:${i % 100}`, 60_000, now));

// Contended: 100 rotations of ONE token at once, repeated.
let contendedRounds = 0;
const started = performance.now();
for (let round = 0; round < 200; round += 1) {
  const old = { digest: digest(), userId: 'u', familyId: digest(), expiresAt: now + HOUR };
  await store.saveRefreshToken(old);
  const results = await Promise.all(Array.from({ length: 100 }, () => store.rotateRefreshToken(old.digest, { ...old, digest: digest() }, now)));
  if (results.filter((r) => r.status === 'rotated').length !== 1) throw new Error('not exactly one winner');
  contendedRounds += 1;
}
console.log(
  `100-way contended rotation rounds: ${contendedRounds}, each exactly one winner, ${((performance.now() - started) / contendedRounds).toFixed(2)} ms/round`,
);

await deleteKeys(client, prefix);
await client.quit();
