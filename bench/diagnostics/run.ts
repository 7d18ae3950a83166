// Diagnostics figures for bench/RESULTS.md ("Diagnostics channels" section, issue #16): the
// request-path operations that publish — `authenticate()` on a verified-token cache hit, a
// type-level guard (`decideGuard` without `load`) and an instance guard (`decideGuard` with
// `load`) — with nobody subscribed and with one (no-op) subscriber on every scopeladder channel,
// optionally beside another copy of the tokens sources (e.g. main's, which publishes nothing),
// interleaved round by round in one process so that load on a shared machine hits all alike.
//
// Runs on the sources (the root tsconfig's paths), from the repository root:
//   node --expose-gc --import tsx bench/diagnostics/run.ts [--before-tokens <dir>] [--rounds N --time MS --warmup MS]
// where <dir> holds the `src/` of @scopeladder/tokens of the other version, placed inside
// packages/tokens so that its dependencies resolve (see bench/RESULTS.md for the commands).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { do_not_optimize } from 'mitata';
import { DIAGNOSTICS_CHANNELS } from '@scopeladder/tokens/diagnostics';
import { runMicro, type MicroCase } from '../lib/measure.js';

interface Version {
  readonly label: string;
  readonly tokens: typeof import('@scopeladder/tokens');
  readonly http: typeof import('@scopeladder/tokens/http');
}

const PASSWORD = 'correct horse battery staple';
const USER = { id: '64b000000000000000000002', email: 'agent@bench.invalid', role: 'agent', organization: 'o1' };
const BATCH = 256;

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function load(label: string, dir?: string): Promise<Version> {
  if (dir === undefined) return { label, tokens: await import('@scopeladder/tokens'), http: await import('@scopeladder/tokens/http') };
  const at = (file: string) => pathToFileURL(resolve(dir, file)).href;
  return { label, tokens: await import(at('index.ts')), http: await import(at('http/index.ts')) };
}

const noop = (): void => {};
const listen = (): void => {
  for (const name of DIAGNOSTICS_CHANNELS) subscribe(name, noop);
};
const stopListening = (): void => {
  for (const name of DIAGNOSTICS_CHANNELS) unsubscribe(name, noop);
};

async function main(): Promise<void> {
  const rounds = Number(option('--rounds') ?? 5);
  const timePerRoundMs = Number(option('--time') ?? 400);
  const warmupMs = Number(option('--warmup') ?? 500);
  const versions = [await load('this tree')];
  const before = option('--before-tokens');
  if (before !== undefined) versions.unshift(await load('before', before));

  const cases: MicroCase[] = [];
  for (const version of versions) {
    const { createAuthService, createMemoryDirectory, hashPassword } = version.tokens;
    const { decideGuard } = version.http;
    const directory = createMemoryDirectory([{ ...USER, passwordHash: await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 }) }], {
      organizations: [{ id: 'o1', path: 'o1' }],
    });
    const service = createAuthService({ directory, keys: { algorithm: 'HS256', secret: randomBytes(32).toString('hex') }, throttle: false });
    const header = `Bearer ${(await service.login({ email: USER.email, password: PASSWORD })).token}`;
    const auth = await service.authenticate(header);
    const record = { id: USER.id, organizationPaths: ['o1'] };
    const typeSpec = { action: 'list', subject: 'Conversation' } as const;
    const instanceSpec = { action: 'fetch', subject: 'User', load: () => record } as const;
    const request = {};
    const route = () => 'GET /v2/users/:id';

    const authenticate = async () => {
      for (let i = 0; i < BATCH; i++) await service.authenticate(header);
    };
    const typeGuard = () => {
      let allowed = 0;
      for (let i = 0; i < BATCH; i++) if (decideGuard(auth, service.policy, typeSpec, request, undefined, route) === undefined) allowed++;
      return do_not_optimize(allowed);
    };
    const instanceGuard = async () => {
      for (let i = 0; i < BATCH; i++) await decideGuard(auth, service.policy, instanceSpec, request, undefined, route);
    };
    const listeners = version.label === 'before' ? [false] : [false, true];
    for (const subscribed of listeners) {
      const label = `${version.label}, ${subscribed ? 'one subscriber' : 'no subscriber'}`;
      const hooks = subscribed ? { before: listen, after: stopListening } : {};
      cases.push({ id: `authenticate() cache hit — ${label}`, fn: authenticate, operations: BATCH, ...hooks });
      cases.push({ id: `type-level guard (decideGuard) — ${label}`, fn: typeGuard, operations: BATCH, ...hooks });
      cases.push({ id: `instance guard (decideGuard with load) — ${label}`, fn: instanceGuard, operations: BATCH, ...hooks });
    }
  }

  const [loadStart] = (await import('node:os')).loadavg();
  const results = await runMicro(cases, { rounds, timePerRoundMs, warmupMs, log: (line) => console.error(line) });
  const [loadEnd] = (await import('node:os')).loadavg();
  const fmt = (ns: number) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(1)} ns`);
  const sorted = [...results].sort((a, b) => a.id.localeCompare(b.id));
  console.log('| operation | median | rounds |\n|---|--:|---|');
  for (const r of sorted) console.log(`| ${r.id} | ${fmt(r.medianNs)} | ${r.roundsNs.map(fmt).join(', ')} |`);
  console.log(`\nload average: ${loadStart?.toFixed(2)} at start, ${loadEnd?.toFixed(2)} at end; ${rounds} rounds × ${timePerRoundMs} ms per case`);
}

await main();
