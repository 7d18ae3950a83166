// PostgreSQL figures for bench/RESULTS.md ("PostgreSQL" section): refresh rotations per second
// through @scopeladder/postgres (sequential and 50 concurrent), beside @scopeladder/redis on the
// same machine, and a tenant-filtered list of 100 out of 1,000,000 rows through toSqlFilter with
// its EXPLAIN plan. Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
// and Redis (REDIS_URL, default redis://127.0.0.1:6379); works in a throw-away schema / key
// prefix, dropped afterwards. Run from bench/ after `pnpm build`:
//   node --import tsx postgres/run.ts [--quick]
import { createHash, randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { chatshipperTenantPolicy, type Principal } from '@scopeladder/core';
import { createPostgresStore, migrate, toSqlFilter } from '@scopeladder/postgres';
import { createRedisStore } from '@scopeladder/redis';
import {
  createAuthService,
  createMemoryDirectory,
  createMemoryStore,
  hashPassword,
  type RefreshTokenRecord,
  type TokenStore,
} from '@scopeladder/tokens';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createRandom, hexId } from '../lib/random.js';
import { median } from '../lib/stats.js';

const quick = process.argv.includes('--quick');
const authOnly = process.argv.includes('--auth-only');
const ROTATIONS = quick ? 500 : 3000;
const ROWS = quick ? 100_000 : 1_000_000;
const ROUNDS = 5;
const CALLS = quick ? 50 : 200;
const HOUR = 3_600_000;

const schema = `sl_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const pool = new pg.Pool({ connectionString: process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test', max: 50 });
pool.on('error', () => {});
const redis = new Redis(process.env['REDIS_URL'] || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const redisPrefix = `scopeladder-bench:pg:${Date.now().toString(36)}:`;

const digest = (): string => createHash('sha256').update(randomBytes(32)).digest('hex');
const out: string[] = [];
const log = (line = ''): void => {
  out.push(line);
  console.log(line);
};

/** Rotations per second: `concurrency` workers, each rotating its own user's chain. */
async function rotations(store: TokenStore, concurrency: number): Promise<number> {
  const now = Date.now();
  const chains: RefreshTokenRecord[] = [];
  for (let i = 0; i < concurrency; i++) {
    const first = { digest: digest(), userId: hexId(Math.random), familyId: randomBytes(16).toString('hex'), expiresAt: now + HOUR };
    await store.saveRefreshToken(first);
    chains.push(first);
  }
  let remaining = ROTATIONS;
  const started = performance.now();
  await Promise.all(
    chains.map(async (first) => {
      let current = first;
      while (remaining-- > 0) {
        const next = { ...current, digest: digest(), expiresAt: now + HOUR };
        const result = await store.rotateRefreshToken(current.digest, next, now);
        if (result.status !== 'rotated') throw new Error(`expected rotated, got ${result.status}`);
        current = next;
      }
    }),
  );
  return ROTATIONS / ((performance.now() - started) / 1000);
}

function fmt(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} ms` : `${Math.round(value)} µs`;
}

try {
  const { rows: version } = await pool.query<{ server_version: string }>('SHOW server_version');
  log(
    `PostgreSQL ${version[0]?.server_version}, pg ${(await import('pg/package.json', { with: { type: 'json' } })).default.version}; load average at start ${loadavg()
      .map((n) => n.toFixed(2))
      .join(', ')}`,
  );
  await migrate({ pool, schema });
  const pgStore = createPostgresStore({ pool, schema, timeoutMs: 10_000 });
  const redisStore = createRedisStore({ client: redis, prefix: redisPrefix, commandTimeoutMs: 10_000 });

  log();
  if (!authOnly) log('| refresh rotations | sequential (1 in flight) | 50 concurrent |');
  if (!authOnly) log('|---|--:|--:|');
  for (const [name, store] of authOnly
    ? []
    : ([
        ['@scopeladder/postgres', pgStore],
        ['@scopeladder/redis', redisStore],
      ] as const)) {
    await rotations(store, 1); // warm-up
    const sequential = await rotations(store, 1);
    const concurrent = await rotations(store, 50);
    log(`| ${name} | ${Math.round(sequential)} /s | ${Math.round(concurrent)} /s |`);
  }

  // authenticate() on a verified-token cache hit (the same HS256 token every call): what is left
  // per request is the store's two revocation lookups (the token's jti, its family).
  const password = 'correct horse battery staple';
  const user = { id: '65f0c0ffee0000000000a001', email: 'ada@example.com', role: 'admin' };
  const directory = createMemoryDirectory([{ ...user, passwordHash: await hashPassword(password, { N: 2 ** 10 }) }]);
  log();
  log('| `authenticate()` on a cache hit (one in flight) | median | p99 | rounds (medians) |');
  log('|---|--:|--:|---|');
  for (const [name, store] of [
    ['memory store', createMemoryStore()],
    ['@scopeladder/redis', redisStore],
    ['@scopeladder/postgres', pgStore],
  ] as const) {
    const auth = createAuthService({ directory, store, keys: { algorithm: 'HS256', secret: randomBytes(32) }, throttle: false });
    const header = `Bearer ${(await auth.login({ email: user.email, password })).token}`;
    for (let i = 0; i < 200; i++) await auth.authenticate(header);
    const all: number[] = [];
    const medians: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const times: number[] = [];
      for (let call = 0; call < 4 * CALLS; call++) {
        const started = performance.now();
        await auth.authenticate(header);
        times.push((performance.now() - started) * 1000);
      }
      all.push(...times);
      medians.push(median(times));
    }
    all.sort((a, b) => a - b);
    log(`| ${name} | ${fmt(median(medians))} | ${fmt(all[Math.floor(all.length * 0.99)] as number)} | ${medians.map(fmt).join(', ')} |`);
  }
  if (!authOnly) {
    // 1,000,000 records over a three-level tree: one root, 100 customers, 10 sub-organizations each.
    const random = createRandom(20261207);
    const root = hexId(random);
    const customers = Array.from({ length: 100 }, () => `${root}#${hexId(random)}`);
    const subs = customers.flatMap((customer) => Array.from({ length: 10 }, () => `${customer}#${hexId(random)}`));
    const paths = [root, ...customers, ...subs];
    const table = `"${schema}".records`;
    const seedStarted = performance.now();
    await pool.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, org_path text NOT NULL, subject text NOT NULL)`);
    await pool.query(
      `INSERT INTO ${table} (id, org_path, subject)
     SELECT g, ($1::text[])[1 + (g % array_length($1::text[], 1))], 'conversation ' || g FROM generate_series(1, $2::int) g`,
      [paths, ROWS],
    );
    await pool.query(`CREATE INDEX records_org_path_id ON ${table} (org_path text_pattern_ops, id)`);
    await pool.query(`ANALYZE ${table}`);
    log();
    log(`Seeded ${ROWS.toLocaleString('en')} rows over ${paths.length} organizations in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s.`);

    const cases: { name: string; principal: Principal }[] = [
      {
        name: `customer (subtree of 11 organizations, ~${Math.round((ROWS / paths.length) * 11).toLocaleString('en')} rows)`,
        principal: { id: 'u1', scopes: ['agent'], organizationPath: customers[7] as string },
      },
      {
        name: `sub-organization (~${Math.round(ROWS / paths.length).toLocaleString('en')} rows)`,
        principal: { id: 'u1', scopes: ['agent'], organizationPath: subs[42] as string },
      },
    ];
    log();
    log('| tenant-filtered list, 100 rows (`ORDER BY id LIMIT 100`) | median | p99 | rounds (medians) |');
    log('|---|--:|--:|---|');
    const plans: string[] = [];
    for (const { name, principal } of cases) {
      const where = toSqlFilter(chatshipperTenantPolicy.filterFor(principal, 'list', 'Conversation'), {
        columns: { organizationPath: 'org_path', id: 'id' },
      });
      if (typeof where === 'boolean') throw new Error('expected a condition');
      const text = `SELECT id, org_path, subject FROM ${table} WHERE ${where.text} ORDER BY id LIMIT 100`;
      const { rows: check } = await pool.query(text, where.values);
      if (check.length === 0) throw new Error('expected rows, got none');
      for (let i = 0; i < 20; i++) await pool.query(text, where.values);
      const all: number[] = [];
      const medians: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const times: number[] = [];
        for (let call = 0; call < CALLS; call++) {
          const started = performance.now();
          await pool.query(text, where.values);
          times.push((performance.now() - started) * 1000);
        }
        all.push(...times);
        medians.push(median(times));
      }
      all.sort((a, b) => a - b);
      log(`| ${name} | ${fmt(median(medians))} | ${fmt(all[Math.floor(all.length * 0.99)] as number)} | ${medians.map(fmt).join(', ')} |`);
      const { rows: plan } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ANALYZE ${text}`, where.values);
      plans.push(`-- ${name}\n${plan.map((row) => row['QUERY PLAN']).join('\n')}`);
    }
    log();
    log('```text');
    for (const plan of plans) log(plan.replaceAll(schema, '<schema>').replaceAll(root, '<root>'));
    log('```');
  }
  log(
    `load average at end ${loadavg()
      .map((n) => n.toFixed(2))
      .join(', ')}`,
  );
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
  await pool.end();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}
