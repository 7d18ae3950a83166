// Tenancy figures for bench/RESULTS.md ("Tenancy" section): the tenant-aware instance check beside
// today's self check, type-level checks with and without tenancy, and policy.filterFor.
// Run from bench/ after `pnpm build`: node --expose-gc --import tsx tenancy/run.ts [--quick]
import { do_not_optimize } from 'mitata';
import { chatshipperPolicy, subject, type ChatShipperAction, type ChatShipperResource, type Principal } from '@scopeladder/core';
import { runMicro, type MicroCase } from '../lib/measure.js';
import { createRandom } from '../lib/random.js';
import { chatshipperMatrixPolicy } from '../lib/matrix-policy.js';

const quick = process.argv.includes('--quick');
const random = createRandom(20261207);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const hex = (n: number) => n.toString(16).padStart(24, '0');

const actions = chatshipperMatrixPolicy.actions as readonly ChatShipperAction[];
const resources = chatshipperMatrixPolicy.resources as readonly ChatShipperResource[];
const paths = [hex(1), `${hex(1)}#${hex(2)}`, `${hex(1)}#${hex(2)}#${hex(3)}`, `${hex(1)}#${hex(4)}`, `${hex(9)}#${hex(2)}`];
const principals: Principal[] = Array.from({ length: 64 }, (_, i) => ({
  id: hex(1000 + i),
  scopes: [(['guest', 'agent', 'bot', 'admin'] as const)[i % 4] as string],
  organizationPath: paths[i % 3] as string,
}));
const N = 4096;
const queries = Array.from({ length: N }, () => {
  const principal = pick(principals);
  const type = random() < 0.5 ? 'User' : pick(resources);
  const own = random() < 0.5;
  const path = pick(paths);
  const record = { id: own ? principal.id : hex(5000), organizationPath: path, path, organizationPaths: [path] };
  return { principal, action: pick(actions), type, instance: subject(type, record) };
});
const plainAbilities = new Map(principals.map((p) => [p, chatshipperMatrixPolicy.abilityFor(p)]));
const tenantAbilities = new Map(principals.map((p) => [p, chatshipperPolicy.abilityFor(p)]));

const BATCH = 512;
let cursor = 0;
function loop(check: (q: (typeof queries)[number]) => unknown): () => unknown {
  return () => {
    let allowed = 0;
    for (let i = 0; i < BATCH; i++) {
      const q = queries[cursor]!;
      cursor = (cursor + 1) & (N - 1);
      if (check(q)) allowed++;
    }
    return do_not_optimize(allowed);
  };
}

const cases: MicroCase[] = [
  {
    id: 'policy.can(p, action, instance) — no tenancy (today)',
    fn: loop((q) => chatshipperMatrixPolicy.can(q.principal, q.action, q.instance)),
    operations: BATCH,
  },
  {
    id: 'policy.can(p, action, instance) — tenancy',
    fn: loop((q) => chatshipperPolicy.can(q.principal, q.action, q.instance)),
    operations: BATCH,
  },
  {
    id: 'ability.can(action, instance) — no tenancy (today)',
    fn: loop((q) => plainAbilities.get(q.principal)!.can(q.action, q.instance)),
    operations: BATCH,
  },
  { id: 'ability.can(action, instance) — tenancy', fn: loop((q) => tenantAbilities.get(q.principal)!.can(q.action, q.instance)), operations: BATCH },
  {
    id: 'ability.can(action, type) — no tenancy (today)',
    fn: loop((q) => plainAbilities.get(q.principal)!.can(q.action, q.type)),
    operations: BATCH,
  },
  { id: 'ability.can(action, type) — tenancy', fn: loop((q) => tenantAbilities.get(q.principal)!.can(q.action, q.type)), operations: BATCH },
  {
    id: 'policy.filterFor(p, action, type) — tenancy',
    fn: loop((q) => chatshipperPolicy.filterFor(q.principal, q.action, q.type).kind !== 'none'),
    operations: BATCH,
  },
  {
    id: 'policy.filterFor(p, action, type).query — tenancy',
    fn: loop((q) => {
      const filter = chatshipperPolicy.filterFor(q.principal, q.action, q.type);
      return filter.kind === 'condition' ? filter.query : null;
    }),
    operations: BATCH,
  },
];

const results = await runMicro(cases, {
  rounds: quick ? 2 : 5,
  timePerRoundMs: quick ? 60 : 400,
  warmupMs: quick ? 30 : 500,
  log: (line) => console.error(line),
});
const fmt = (ns: number) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(1)} ns`);
const [load1] = (await import('node:os')).loadavg();
console.log(`| check | median | rounds |\n|---|--:|---|`);
for (const r of results) console.log(`| ${r.id} | ${fmt(r.medianNs)} | ${r.roundsNs.map(fmt).join(', ')} |`);
const ratio = (a: number, b: number) => (a / b).toFixed(2);
console.log(
  `\ntenant ÷ today: policy.can ${ratio(results[1]!.medianNs, results[0]!.medianNs)}, ability.can (instance) ${ratio(results[3]!.medianNs, results[2]!.medianNs)}, ability.can (type) ${ratio(results[5]!.medianNs, results[4]!.medianNs)}; load average at end ${load1?.toFixed(2)}`,
);
