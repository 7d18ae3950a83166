// `pnpm bench`: runs the suites and writes bench/RESULTS.md. See bench/README.md.
//   --suite decision,auth,http   which suites (default: all)
//   --quick                      short smoke run (numbers not meaningful)
//   --rounds N --time MS --warmup MS                    micro-benchmarks (suites 1, 2)
//   --http-rounds N --http-duration S --http-warmup S --connections N   HTTP suite
//   --http-case ID[,ID…]         only these HTTP cases
//   --out FILE                   where to write (default bench/RESULTS.md; "-" for stdout only)
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo, packageVersions } from './lib/machine.js';
import { renderReport } from './lib/report.js';

const SUITES = ['decision', 'auth', 'http'] as const;

const { values } = parseArgs({
  options: {
    suite: { type: 'string', default: SUITES.join(',') },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    time: { type: 'string' },
    warmup: { type: 'string' },
    'http-rounds': { type: 'string' },
    'http-duration': { type: 'string' },
    'http-warmup': { type: 'string' },
    'http-case': { type: 'string' },
    connections: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('./RESULTS.md', import.meta.url)) },
  },
  strict: true,
});

function number(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new TypeError(`--${name}: expected a non-negative number, got ${value}`);
  return n;
}

const quick = values.quick === true;
const suites = (values.suite ?? '').split(',').filter(Boolean);
for (const s of suites)
  if (!(SUITES as readonly string[]).includes(s)) throw new TypeError(`--suite: unknown suite ${s} (known: ${SUITES.join(', ')})`);

const micro = {
  rounds: number(values.rounds, quick ? 2 : 5, 'rounds'),
  timePerRoundMs: number(values.time, quick ? 60 : 400, 'time'),
  warmupMs: number(values.warmup, quick ? 30 : 500, 'warmup'),
};
const http = {
  rounds: number(values['http-rounds'], quick ? 1 : 3, 'http-rounds'),
  durationSeconds: number(values['http-duration'], quick ? 1 : 4, 'http-duration'),
  warmupSeconds: number(values['http-warmup'], quick ? 0.5 : 1, 'http-warmup'),
  connections: number(values.connections, 10, 'connections'),
  only: values['http-case']?.split(',').filter(Boolean),
};
const log = (line: string) => console.log(line);

const startedAt = new Date();
const machine = machineInfo();
log(
  `scopeladder bench — ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage.join(' ')}${quick ? ' (quick run)' : ''}`,
);
if (!machine.exposeGc) log('note: run with node --expose-gc (as `pnpm bench` does) so mitata can collect garbage between measurements');

// Each suite is imported only when it runs, so one suite's dependencies (say, an adapter being
// rebuilt) never stop another.
const decision = suites.includes('decision') ? await (await import('./decision/suite.js')).runDecisionSuite({ ...micro, log }) : undefined;
const auth = suites.includes('auth') ? await (await import('./auth/suite.js')).runAuthSuite({ ...micro, log }) : undefined;
const httpResult = suites.includes('http') ? await (await import('./http/suite.js')).runHttpSuite({ ...http, log }) : undefined;

const report = renderReport({
  command: ['pnpm bench', ...process.argv.slice(2)].join(' '),
  startedAt,
  finishedAt: new Date(),
  machine,
  loadAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
  versions: packageVersions(),
  micro,
  decision,
  auth,
  http: httpResult,
  quick,
});
if (values.out === '-') {
  process.stdout.write(report);
} else {
  writeFileSync(values.out as string, report);
  process.stdout.write(`\n${report}\nwritten to ${values.out}\n`);
}
