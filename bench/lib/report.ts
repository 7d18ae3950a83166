// RESULTS.md: the machine, the versions, the targets, then one table per suite.
import type { AuthSuiteResult } from '../auth/suite.js';
import { DECISION_KINDS, DECISION_KIND_TITLES, type DecisionSuiteResult } from '../decision/suite.js';
import type { HttpSuiteResult } from '../http/suite.js';
import type { MachineInfo, PackageVersion } from './machine.js';
import type { MicroOptions } from './measure.js';

export interface ReportInput {
  readonly command: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly machine: MachineInfo;
  readonly loadAtEnd: readonly number[];
  readonly versions: { readonly ours: readonly PackageVersion[]; readonly others: readonly PackageVersion[] };
  readonly micro: Omit<MicroOptions, 'log'>;
  readonly decision?: DecisionSuiteResult | undefined;
  readonly auth?: AuthSuiteResult | undefined;
  readonly http?: HttpSuiteResult | undefined;
  readonly quick: boolean;
}

/** `12.3 ns`, `1.23 µs`, `45.6 µs` */
export function formatNs(ns: number): string {
  if (ns < 100) return `${ns.toFixed(1)} ns`;
  if (ns < 1000) return `${ns.toFixed(0)} ns`;
  if (ns < 100_000) return `${(ns / 1000).toFixed(2)} µs`;
  return `${(ns / 1000).toFixed(0)} µs`;
}

const ratio = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const rounds = (values: readonly number[], f: (v: number) => string) => values.map(f).join(' · ');
const escape = (code: string) => code.replace(/\|/g, '\\|');

interface Target {
  readonly what: string;
  readonly measured: string;
  readonly target: string;
  readonly reference: string;
  readonly verdict: string;
}

function verdict(ok: boolean | undefined): string {
  return ok === undefined ? 'not measured' : ok ? 'met' : '**not met**';
}

function targets(input: ReportInput): Target[] {
  const out: Target[] = [];
  const d = input.decision;
  if (d !== undefined) {
    const row = (kind: 'type' | 'fresh', name: string) => d.rows[kind].find((r) => r.implementation.name === name)?.result.medianNs;
    const ours = row('type', 'scopeladder ability') as number;
    const casl = row('type', '@casl/ability') as number;
    const table = row('type', 'lookup table') as number;
    out.push({
      what: 'type-level check (`ability.can(action, type)`)',
      measured: formatNs(ours),
      target: '≤ 15 ns (earlier: CASL 60 ns, lookup table 13 ns)',
      reference: `CASL ${formatNs(casl)} (ours ÷ CASL ${ratio(ours / casl)}, target ≤ 0.25); lookup table ${formatNs(table)} (ours ÷ table ${ratio(ours / table)}, target ≤ 1.15)`,
      verdict: `absolute: ${verdict(ours <= 15)}; vs CASL: ${verdict(ours / casl <= 0.25)}; vs table: ${verdict(ours / table <= 15 / 13)}`,
    });
    const oursFresh = row('fresh', 'scopeladder ability') as number;
    const caslFresh = row('fresh', '@casl/ability') as number;
    out.push({
      what: "new principal's ability + one check (amortised)",
      measured: formatNs(oursFresh),
      target: '≤ 100 ns (earlier: CASL 1.4 µs)',
      reference: `CASL ${formatNs(caslFresh)} (ours ÷ CASL ${ratio(oursFresh / caslFresh)}, target ≤ 0.071)`,
      verdict: `absolute: ${verdict(oursFresh <= 100)}; vs CASL: ${verdict(oursFresh / caslFresh <= 100 / 1400)}`,
    });
  }
  const h = input.http;
  if (h !== undefined) {
    const rps = (id: string) => h.results.find((r) => r.httpCase.id === id)?.medianRps;
    const cpu = (id: string) => h.results.find((r) => r.httpCase.id === id)?.medianCpuMicros;
    const pair = (auth: string, bare: string) => {
      const a = rps(auth);
      const b = rps(bare);
      return a === undefined || b === undefined ? undefined : a / b;
    };
    const cpuPair = (auth: string, bare: string) => {
      const a = cpu(auth);
      const b = cpu(bare);
      return a === undefined || b === undefined ? '—' : ratio(b / a);
    };
    const fastify = pair('fastify-scopeladder', 'fastify-bare');
    const fastifyJwt = pair('fastify-jwt', 'fastify-bare');
    out.push({
      what: 'Fastify req/s with auth ÷ bare',
      measured: fastify === undefined ? '—' : ratio(fastify),
      target: '≥ 0.80 (earlier: @fastify/jwt 0.32)',
      reference: `@fastify/jwt + scope check: ${fastifyJwt === undefined ? '—' : ratio(fastifyJwt)}; by server CPU per request: ours ${cpuPair('fastify-scopeladder', 'fastify-bare')}, @fastify/jwt ${cpuPair('fastify-jwt', 'fastify-bare')}`,
      verdict: verdict(fastify === undefined ? undefined : fastify >= 0.8),
    });
    const expressRatio = pair('express-scopeladder', 'express-bare');
    const oauth2 = pair('express-oauth2-jwt-bearer', 'express-bare');
    out.push({
      what: 'Express req/s with auth ÷ bare',
      measured: expressRatio === undefined ? '—' : ratio(expressRatio),
      target: '≥ 0.90 (earlier: express-oauth2-jwt-bearer 0.54)',
      reference: `express-oauth2-jwt-bearer: ${oauth2 === undefined ? '—' : ratio(oauth2)}; by server CPU per request: ours ${cpuPair('express-scopeladder', 'express-bare')}, express-oauth2-jwt-bearer ${cpuPair('express-oauth2-jwt-bearer', 'express-bare')}`,
      verdict: verdict(expressRatio === undefined ? undefined : expressRatio >= 0.9),
    });
  }
  return out;
}

function decisionSection(d: DecisionSuiteResult): string[] {
  const lines: string[] = ['## 1. Decision', ''];
  lines.push(
    `Every implementation first answered the whole matrix — ${d.verifications[0]?.checks ?? 0} checks each: 4 scopes × 5 actions × 9 resources as type-level checks, as instance checks on the principal's own record and on another's, and again with a never-seen principal, plus one full pass over each timed query set — and agreed with \`chatshipperPolicy.decisionTable()\` on all of them (the run aborts otherwise).`,
    '',
    `Timed inputs (seeded, the same for everyone): ${d.querySizes.type} type-level queries over 64 principals (scopes balanced), uniform over actions × resources; ${d.querySizes.instance} instance queries (half on a User record, half of those on the caller's own); ${d.querySizes.fresh} queries each with a principal never seen before. Each timed call runs a loop of checks over the next queries and counts the allowed answers (the count goes to mitata's \`do_not_optimize\`); times are per check and include the loop (see the harness row).`,
    '',
  );
  for (const kind of DECISION_KINDS) {
    const rows = d.rows[kind];
    const ours = rows.find((r) => r.implementation.name === 'scopeladder ability')?.result.medianNs ?? NaN;
    lines.push(`### ${DECISION_KIND_TITLES[kind]}`, '');
    lines.push('| implementation | call | median / check | rounds | ÷ scopeladder ability |', '|---|---|--:|---|--:|');
    for (const row of rows) {
      const call = row.implementation.calls[kind];
      const semantics = kind === 'type' && !row.baseline ? ` (${row.implementation.typeSemantics === 'some' ? 'some record' : 'every record'})` : '';
      lines.push(
        `| ${row.baseline ? `_${row.implementation.name}_` : row.implementation.name} | \`${escape(call)}\`${semantics} | ${formatNs(row.result.medianNs)} | ${rounds(row.result.roundsNs, formatNs)} | ${row.baseline ? '—' : ratio(row.result.medianNs / ours)} |`,
      );
    }
    lines.push('');
  }
  lines.push(
    'Type-level semantics: CASL answers `can(action, type)` with *some record* (true for a guest fetching `User`, because of their own record); casbin, accesscontrol and the table were asked the route-guard question, *every record* (`policy.canEvery` is ours). Both were verified against the matching column of the decision table.',
    '',
  );
  return lines;
}

function authSection(a: AuthSuiteResult): string[] {
  const lines: string[] = ['## 2. Authentication', ''];
  lines.push(
    "Per call of `service.authenticate('Bearer …')` (memory store, default options but `issuer`/`audience`), which returns the principal *and* its CASL ability and checks revocation in the store; beside `jose.jwtVerify` alone. Each credential was checked to be accepted with the right principal, and a forged JWT and an unknown API key to be refused, before timing.",
    '',
    '| case | what | median | rounds | ÷ jose |',
    '|---|---|--:|---|--:|',
  );
  for (const c of a.cases) {
    const r = a.results.get(c.id)!;
    const jose = c.compareWith === undefined ? undefined : a.results.get(c.compareWith);
    lines.push(
      `| ${c.title} | ${c.detail} | ${formatNs(r.medianNs)} | ${rounds(r.roundsNs, formatNs)} | ${jose === undefined ? '—' : ratio(r.medianNs / jose.medianNs)} |`,
    );
  }
  lines.push('');
  return lines;
}

function httpSection(h: HttpSuiteResult): string[] {
  const o = h.options;
  const lines: string[] = ['## 3. HTTP', ''];
  lines.push(
    `\`GET /v2/conversations\` on 127.0.0.1, same JSON answer everywhere, the server in its own process, autocannon in the runner: ${o.connections} connections, no pipelining, ${o.warmupSeconds} s warm-up then ${o.durationSeconds} s measured, ${o.rounds} round(s) with the cases interleaved; a new server process per case and round. Before load, every server answered 200 with the expected body to an \`agent\` token and, when guarded, 401 without a token and 403 to a \`guest\` token; under load, any non-2xx answer aborts the run. The token is an HS256 JWT from \`service.login()\`, reused for every request (as a client does).`,
    '',
    '| framework | case | req/s (median) | rounds | ÷ bare | server CPU / request | bare CPU ÷ this CPU | p99 latency |',
    '|---|---|--:|---|--:|--:|--:|--:|',
  );
  const find = (id: string | undefined) => h.results.find((r) => r.httpCase.id === id);
  for (const r of h.results) {
    const bare = find(r.httpCase.bare);
    lines.push(
      `| ${r.httpCase.framework} | ${r.httpCase.title} | ${Math.round(r.medianRps)} | ${rounds(r.roundsRps, (v) => String(Math.round(v)))} | ${bare === undefined ? '—' : ratio(r.medianRps / bare.medianRps)} | ${r.medianCpuMicros.toFixed(1)} µs | ${bare === undefined ? '—' : ratio(bare.medianCpuMicros / r.medianCpuMicros)} | ${r.latencyP99Ms} ms |`,
    );
  }
  lines.push(
    '',
    '"÷ bare" is the req/s ratio the targets are about. "Server CPU / request" is the server process\'s user + system CPU time during the measured load divided by the requests it answered; "bare CPU ÷ this CPU" is the req/s ratio the server would reach if it alone were the bottleneck. On a machine with few cores autocannon competes with the server for CPU, so the req/s of a fast server partly measures the client, which pulls the ratios towards 1; the CPU ratio does not depend on that.',
    '',
  );
  return lines;
}

/** The whole RESULTS.md. */
export function renderReport(input: ReportInput): string {
  const m = input.machine;
  const lines: string[] = [
    '# Benchmark results',
    '',
    `Generated by \`${input.command}\` (bench/run.ts) on ${input.startedAt.toISOString()}, in ${Math.round((input.finishedAt.getTime() - input.startedAt.getTime()) / 1000)} s. Medians over rounds; see bench/README.md for how to read this file.`,
    '',
  ];
  if (input.quick) {
    lines.push('> **Quick run** (`--quick`): short measurements for a smoke test. Do not quote these numbers.', '');
  }
  lines.push(
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${m.cpuModel} |`,
    `| cores | ${m.cores} |`,
    `| memory | ${m.memoryGiB} GiB (${m.freeMemoryGiB} GiB free at start) |`,
    `| OS | ${m.os} |`,
    `| Node | ${m.node} (V8 ${m.v8})${m.exposeGc ? ', `--expose-gc`' : ''} |`,
    `| load average (1, 5, 15 min) | at start ${m.loadAverage.join(', ')}; at end ${input.loadAtEnd.join(', ')} |`,
    '',
  );
  if ((m.loadAverage[0] ?? 0) > m.cores * 0.5) {
    lines.push(
      `> The machine was busy at start (1-minute load ${m.loadAverage[0]} on ${m.cores} cores): absolute numbers are inflated and noisy; ratios measured in the same run hold up better.`,
      '',
    );
  }
  lines.push('## Versions', '', '| package | version | loaded from |', '|---|---|---|');
  for (const p of input.versions.ours) lines.push(`| ${p.name} | ${p.version} | \`${p.loadedFrom ?? '?'}\` |`);
  for (const p of input.versions.others) lines.push(`| ${p.name} | ${p.version} | |`);
  lines.push(
    '',
    `Micro-benchmarks (suites 1 and 2): mitata \`measure\`, ${input.micro.warmupMs} ms warm-up per case, then ${input.micro.rounds} rounds × ~${input.micro.timePerRoundMs} ms per case, cases interleaved within each round. A round's value is mitata's median sample; the table shows the median over rounds and every round.`,
    '',
  );
  const t = targets(input);
  if (t.length > 0) {
    lines.push('## Targets', '', '| what | measured | target | alternatives, this run | verdict |', '|---|--:|---|---|---|');
    for (const row of t) lines.push(`| ${row.what} | ${row.measured} | ${row.target} | ${row.reference} | ${row.verdict} |`);
    lines.push('', 'The benchmark is not a test: nothing fails on a number.', '');
  }
  if (input.decision !== undefined) lines.push(...decisionSection(input.decision));
  if (input.auth !== undefined) lines.push(...authSection(input.auth));
  if (input.http !== undefined) lines.push(...httpSection(input.http));
  return `${lines.join('\n').trimEnd()}\n`;
}
