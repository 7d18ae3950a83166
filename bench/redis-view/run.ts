// Figures of the Redis store's local revocation view (issue #15 §2 and §4) for bench/RESULTS.md
// ("Redis store: local revocation view"), side by side in one run: `authenticate()` on a cache hit
// and with a bot API key, memory store vs Redis store (view on, the default; and view off), 16 in
// flight; the view's memory per 100,000 revocations; `authenticate()` with 1,000,000 revocations
// on record. Needs a Redis (REDIS_URL, default redis://127.0.0.1:6379); writes under a unique
// prefix and deletes it afterwards. Run from bench/ after `pnpm build`:
//   node --expose-gc --import tsx redis-view/run.ts [--quick]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createRedisStore, type RedisTokenStore } from '@scopeladder/redis';
import { createMemoryStore, type AuthService, type TokenStore } from '@scopeladder/tokens';
import { Redis } from 'ioredis';
import { PASSWORD, USERS, createBenchDirectory, createHsService, createSecret } from '../auth/fixtures.js';
import { median } from '../lib/stats.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 2 : 5;
const CALLS = quick ? 20_000 : 100_000;
const IN_FLIGHT = 16;
const VIEW_REVOCATIONS = quick ? 10_000 : 100_000;
const RECORDED_REVOCATIONS = quick ? 50_000 : 1_000_000;
const url = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const prefix = `scopeladder-bench:view:${Date.now().toString(36)}:`;
const admin = new Redis(url, { maxRetriesPerRequest: 1 });
const gc = (globalThis as { gc?: () => void }).gc;
const secret = createSecret();
const opened: RedisTokenStore[] = [];

function redisStore(options: { localView?: boolean; maxEntries?: number } = {}): RedisTokenStore {
  const store = createRedisStore({
    url,
    prefix,
    commandTimeoutMs: 10_000,
    localView: options.localView === false ? false : { maxEntries: options.maxEntries ?? 100_000 },
  });
  opened.push(store);
  return store;
}

async function untilFresh(store: RedisTokenStore): Promise<void> {
  await store.isAccessTokenRevoked('warm-up', Date.now());
  while (!store.viewStatus().fresh) await new Promise((resolve) => setTimeout(resolve, 5));
}

interface Sample {
  /** Wall time per call: total time ÷ calls, 16 in flight. */
  readonly wallUs: number;
  /** Process CPU (user + system) per call. */
  readonly cpuUs: number;
}

/** `CALLS` calls, `IN_FLIGHT` at a time. */
async function inFlight(call: () => Promise<unknown>, calls = CALLS): Promise<Sample> {
  let remaining = calls;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (remaining > 0) {
        remaining -= 1;
        await call();
      }
    }),
  );
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallUs: (wall * 1000) / calls, cpuUs: (used.user + used.system) / calls };
}

interface Case {
  readonly id: string;
  readonly call: () => Promise<unknown>;
}

interface Result {
  readonly id: string;
  readonly wallUs: number;
  readonly cpuUs: number;
  readonly rounds: readonly number[];
}

/** Rounds interleaved across cases; median over rounds. */
async function measure(cases: readonly Case[]): Promise<Result[]> {
  for (const c of cases) await inFlight(c.call, Math.min(CALLS, 5000));
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.id, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      gc?.();
      samples.get(c.id)!.push(await inFlight(c.call));
    }
  }
  return cases.map((c) => {
    const rounds = samples.get(c.id)!;
    return { id: c.id, wallUs: median(rounds.map((s) => s.wallUs)), cpuUs: median(rounds.map((s) => s.cpuUs)), rounds: rounds.map((s) => s.wallUs) };
  });
}

const fmt = (us: number): string => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2));

function table(title: string, results: readonly Result[], base: string): void {
  const reference = results.find((r) => r.id === base)!;
  console.log(
    `\n${title}\n\n| case (${IN_FLIGHT} in flight) | µs per call (wall) | µs CPU per call | ÷ ${base} (wall) | ÷ ${base} (CPU) | rounds (wall µs) |\n|---|--:|--:|--:|--:|---|`,
  );
  for (const r of results) {
    console.log(
      `| ${r.id} | ${fmt(r.wallUs)} | ${fmt(r.cpuUs)} | ${(r.wallUs / reference.wallUs).toFixed(2)} | ${(r.cpuUs / reference.cpuUs).toFixed(2)} | ${r.rounds.map(fmt).join(', ')} |`,
    );
  }
}

async function services(): Promise<{ readonly name: string; readonly service: AuthService; readonly store: TokenStore }[]> {
  const directory = await createBenchDirectory();
  const stores: { name: string; store: TokenStore }[] = [
    { name: 'memory store', store: createMemoryStore() },
    { name: 'Redis store, local view (default)', store: redisStore() },
    { name: 'Redis store, `localView: false`', store: redisStore({ localView: false }) },
  ];
  return stores.map(({ name, store }) => ({ name, store, service: createHsService(directory, secret, { store }) }));
}

try {
  const all = await services();
  for (const { store } of all)
    if ('viewStatus' in store && (store as RedisTokenStore).viewStatus().enabled) await untilFresh(store as RedisTokenStore);
  // One token and one API key per service (each service has its own store).
  const tokens = await Promise.all(all.map(async ({ service }) => (await service.login({ email: USERS.agent.email, password: PASSWORD })).token));
  const keys = await Promise.all(all.map(async ({ service }) => (await service.createApiKey(USERS.bot.id, ['bot'])).apiKey));
  for (const [n, { service }] of all.entries()) {
    if ((await service.authenticate(`Bearer ${tokens[n]}`)).principal.id !== USERS.agent.id) throw new Error('token refused');
    if ((await service.authenticate(`Bearer ${keys[n]}`)).principal.id !== USERS.bot.id) throw new Error('API key refused');
  }

  const tokenResults = await measure(all.map(({ name, service }, n) => ({ id: name, call: () => service.authenticate(`Bearer ${tokens[n]}`) })));
  table('`authenticate()` — access token, verified-token cache hit (same token reused)', tokenResults, 'memory store');
  const keyResults = await measure(all.map(({ name, service }, n) => ({ id: name, call: () => service.authenticate(`Bearer ${keys[n]}`) })));
  table('`authenticate()` — bot API key (key record, bot role from the directory)', keyResults, 'memory store');

  // §4: the view's memory per VIEW_REVOCATIONS revocations, each then asked once (remembered "revoked").
  {
    const store = redisStore({ maxEntries: VIEW_REVOCATIONS * 2 });
    const writer = redisStore({ localView: false });
    await untilFresh(store);
    const jtis = Array.from({ length: VIEW_REVOCATIONS }, (_, i) => `view-memory-${i.toString(36)}-${Math.random().toString(36).slice(2, 10)}`);
    const until = Date.now() + 3_600_000;
    for (let i = 0; i < jtis.length; i += 500) await Promise.all(jtis.slice(i, i + 500).map((jti) => writer.revokeAccessToken(jti, until)));
    await store.syncView();
    gc?.();
    gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < jtis.length; i += 500) {
      const answers = await Promise.all(jtis.slice(i, i + 500).map((jti) => store.isAccessTokenRevoked(jti, Date.now())));
      if (answers.some((revoked) => !revoked)) throw new Error('a revoked token was accepted');
    }
    gc?.();
    gc?.();
    const after = process.memoryUsage().heapUsed;
    const entries = store.viewStatus().entries.accessTokens;
    const streamBytes = Number(await admin.call('MEMORY', 'USAGE', `${prefix}{ev}:events`, 'SAMPLES', '0'));
    const streamLength = await admin.xlen(`${prefix}{ev}:events`);
    const markerBytes = Number(await admin.call('MEMORY', 'USAGE', `${prefix}jti:${jtis[0]}`));
    console.log(
      `\nLocal view memory: ${entries} remembered revocations → heap +${((after - before) / 1024 / 1024).toFixed(1)} MiB, ${((after - before) / entries).toFixed(0)} bytes per entry (≈ ${((((after - before) / entries) * 100_000) / 1024 / 1024).toFixed(1)} MiB per 100,000; the jti here is ${jtis[0]!.length} characters; ids of 32 hex characters are about the same)`,
    );
    console.log(
      `Redis: the event stream holds ${streamLength} events in ${(streamBytes / 1024 / 1024).toFixed(1)} MiB (${(streamBytes / streamLength).toFixed(0)} bytes per event); one revoked-token marker (jti:<id>) ${markerBytes} bytes`,
    );
    await store.close();
  }

  // §4: authenticate() (cache hit, view on and off) with RECORDED_REVOCATIONS revocations on record.
  {
    const directory = await createBenchDirectory();
    const viewStore = redisStore();
    const plainStore = redisStore({ localView: false });
    const viewService = createHsService(directory, secret, { store: viewStore });
    const plainService = createHsService(directory, secret, { store: plainStore });
    await untilFresh(viewStore);
    const token = (await viewService.login({ email: USERS.agent.email, password: PASSWORD })).token;
    const cases: Case[] = [
      { id: 'view on', call: () => viewService.authenticate(`Bearer ${token}`) },
      { id: 'view off', call: () => plainService.authenticate(`Bearer ${token}`) },
    ];
    const before = await measure(cases);
    const writer = redisStore({ localView: false });
    const until = Date.now() + 3_600_000;
    const started = performance.now();
    for (let i = 0; i < RECORDED_REVOCATIONS; i += 1000) {
      await Promise.all(
        Array.from({ length: Math.min(1000, RECORDED_REVOCATIONS - i) }, (_, j) => writer.revokeAccessToken(`recorded-${i + j}`, until)),
      );
    }
    console.error(`${RECORDED_REVOCATIONS} revocations written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await viewStore.syncView();
    const after = await measure(cases);
    console.log(
      `\n\`authenticate()\` (cache hit, ${IN_FLIGHT} in flight) with 0 and ${RECORDED_REVOCATIONS.toLocaleString('en')} revocations on record\n`,
    );
    console.log(
      `| store | µs per call, 0 revocations | µs per call, ${RECORDED_REVOCATIONS.toLocaleString('en')} | ratio | µs CPU, 0 | µs CPU, ${RECORDED_REVOCATIONS.toLocaleString('en')} |\n|---|--:|--:|--:|--:|--:|`,
    );
    for (const [n, c] of cases.entries()) {
      const b = before[n]!;
      const a = after[n]!;
      console.log(
        `| Redis, ${c.id} | ${fmt(b.wallUs)} | ${fmt(a.wallUs)} | ${(a.wallUs / b.wallUs).toFixed(2)} | ${fmt(b.cpuUs)} | ${fmt(a.cpuUs)} |`,
      );
    }
    console.log(
      `(Redis used_memory after: ${String(await admin.info('memory')).match(/used_memory_human:(\S+)/)?.[1]}; stream length ${await admin.xlen(`${prefix}{ev}:events`)})`,
    );
  }
  console.log(`\n${ROUNDS} rounds × ${CALLS} calls per case; load average at end ${loadavg()[0]?.toFixed(2)}`);
} finally {
  for (const store of opened) await store.close();
  let cursor = '0';
  do {
    const [next, found] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
    cursor = next;
    if (found.length > 0) await admin.unlink(...found);
  } while (cursor !== '0');
  await admin.quit();
}
