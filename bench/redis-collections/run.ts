// Redis collection figures for bench/RESULTS.md ("Redis collections" section): a page of 100
// documents out of 100,000 within one organization, through `list({ within })` of
// @scopeladder/redis (the built package), beside `list()` in insertion order.
// Needs a Redis (REDIS_URL, default redis://127.0.0.1:6379); writes under a unique prefix and
// deletes it afterwards. Run from bench/ after `pnpm build`:
//   node --expose-gc --import tsx redis-collections/run.ts [--quick]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createRedisCollection, type RedisCollection } from '@scopeladder/redis';
import { Redis } from 'ioredis';
import { createRandom, hexId, pick } from '../lib/random.js';
import { median } from '../lib/stats.js';

const quick = process.argv.includes('--quick');
const DOCUMENTS = quick ? 10_000 : 100_000;
const USERS = quick ? 2_000 : 10_000;
const ROUNDS = quick ? 2 : 5;
const CALLS = quick ? 100 : 400;
const WARMUP = quick ? 50 : 200;

const random = createRandom(20261207);
const redis = new Redis(process.env['REDIS_URL'] || 'redis://127.0.0.1:6379', { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
const prefix = `scopeladder-bench:collections:${Date.now().toString(36)}:`;

// A three-level tree of 24-hex ids: one root, 100 customers, 10 sub-organizations each.
const root = hexId(random);
const customers = Array.from({ length: 100 }, () => `${root}#${hexId(random)}`);
const subs = customers.flatMap((customer) => Array.from({ length: 10 }, () => `${customer}#${hexId(random)}`));
const organizations = [root, ...customers, ...subs];

interface Conversation {
  readonly id: string;
  readonly organizationPath: string;
  readonly subject: string;
  readonly status: string;
}
interface Member {
  readonly id: string;
  readonly email: string;
  readonly organizationPaths: readonly string[];
}

const conversations = createRedisCollection<Conversation>({
  client: redis,
  prefix,
  name: 'conversations',
  tenancy: { paths: (conversation) => conversation.organizationPath },
  commandTimeoutMs: 10_000,
});
const members = createRedisCollection<Member>({
  client: redis,
  prefix,
  name: 'members',
  tenancy: { paths: (member) => member.organizationPaths },
  commandTimeoutMs: 10_000,
});

async function fill<T extends { readonly id: string }>(collection: RedisCollection<T>, count: number, make: (i: number) => T): Promise<void> {
  const started = performance.now();
  for (let i = 0; i < count; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count - i) }, (_, j) => collection.create(make(i + j))));
  }
  console.error(`${collection.name}: ${count} documents written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

interface Case {
  readonly id: string;
  readonly run: () => Promise<unknown[]>;
  readonly expected: number;
}

interface CaseResult {
  readonly id: string;
  readonly medianUs: number;
  readonly p99Us: number;
  readonly roundsUs: readonly number[];
}

/** Sequential calls (one in flight), interleaved across cases round by round. */
async function measure(cases: readonly Case[]): Promise<CaseResult[]> {
  for (const c of cases) {
    const page = await c.run();
    if (page.length !== c.expected) throw new Error(`${c.id}: ${page.length} documents, expected ${c.expected}`);
    for (let i = 0; i < WARMUP; i++) await c.run();
  }
  const samples = new Map<string, number[][]>(cases.map((c) => [c.id, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      const times: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const started = performance.now();
        await c.run();
        times.push((performance.now() - started) * 1000);
      }
      samples.get(c.id)!.push(times);
    }
  }
  return cases.map((c) => {
    const rounds = samples.get(c.id)!;
    const all = rounds.flat().sort((a, b) => a - b);
    return {
      id: c.id,
      medianUs: median(rounds.map(median)),
      p99Us: all[Math.floor(all.length * 0.99)] as number,
      roundsUs: rounds.map(median),
    };
  });
}

try {
  const target = customers[7] as string;
  const perTarget = Math.floor(DOCUMENTS / customers.length);
  // Every customer subtree holds the same number of conversations, spread over its organizations.
  await fill(conversations, DOCUMENTS, (i) => {
    const customer = customers[i % customers.length] as string;
    const organization =
      random() < 0.5 ? customer : pick(random, subs.slice(customers.indexOf(customer) * 10, customers.indexOf(customer) * 10 + 10));
    return { id: hexId(random), organizationPath: organization, subject: `Conversation ${i} about an order`, status: 'open' };
  });
  // Users with two memberships each, anywhere in the tree: every list within the root meets repeats.
  await fill(members, USERS, (i) => ({
    id: hexId(random),
    email: `user${i}@example.com`,
    organizationPaths: [pick(random, organizations.slice(1)), pick(random, organizations.slice(1))],
  }));
  const usersInTarget = await members.count({ within: target });

  const cases: Case[] = [
    { id: `list() — insertion order, first 100 of ${DOCUMENTS}`, run: () => conversations.list({ offset: 0, limit: 100 }), expected: 100 },
    {
      id: `list({ within: customer }) — first 100 of its ${perTarget}`,
      run: () => conversations.list({ within: target, offset: 0, limit: 100 }),
      expected: 100,
    },
    {
      id: `list({ within: customer }) — last 100 of its ${perTarget}`,
      run: () => conversations.list({ within: target, offset: perTarget - 100, limit: 100 }),
      expected: 100,
    },
    {
      id: `list({ within: root }) — 100 at offset ${DOCUMENTS / 2}`,
      run: () => conversations.list({ within: root, offset: DOCUMENTS / 2, limit: 100 }),
      expected: 100,
    },
    { id: 'count({ within: customer })', run: async () => [await conversations.count({ within: target })], expected: 1 },
    {
      id: `members (2 paths each): list({ within: customer }) — first ${Math.min(100, usersInTarget)} of its ${usersInTarget}`,
      run: () => members.list({ within: target, offset: 0, limit: 100 }),
      expected: Math.min(100, usersInTarget),
    },
    {
      id: `members (2 paths each): list({ within: root }) — 100 at offset ${USERS / 2}`,
      run: () => members.list({ within: root, offset: USERS / 2, limit: 100 }),
      expected: 100,
    },
  ];
  const results = await measure(cases);
  const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(0)} µs`);
  console.log(`| call (one in flight) | median | p99 | rounds (medians) |\n|---|--:|--:|---|`);
  for (const r of results) console.log(`| ${r.id} | ${fmt(r.medianUs)} | ${fmt(r.p99Us)} | ${r.roundsUs.map(fmt).join(', ')} |`);
  console.log(
    `\n${DOCUMENTS} conversations, ${USERS} members, ${ROUNDS} rounds × ${CALLS} calls per case; load average at end ${loadavg()[0]?.toFixed(2)}`,
  );
} finally {
  const keys = ['conversations', 'members'].flatMap((name) =>
    ['docs', 'ids', 'seq', 'org', 'orgm'].map((suffix) => `${prefix}col:{${name}}:${suffix}`),
  );
  await redis.del(...keys);
  await redis.quit();
}
