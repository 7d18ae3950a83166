// Suite 3: requests per second on 127.0.0.1, bare route vs the same route behind authentication
// + authorization, per framework. Each server runs in its own child process; autocannon runs here.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { PASSWORD, USERS, createBenchDirectory, createHsService, createSecret } from '../auth/fixtures.js';
import { median } from '../lib/stats.js';
import { BODY, HTTP_CASES, ROUTE, type HttpCase } from './apps.js';

export interface HttpOptions {
  readonly rounds: number;
  /** Measured seconds per case per round. */
  readonly durationSeconds: number;
  /** Unmeasured load before each measurement (seconds). */
  readonly warmupSeconds: number;
  readonly connections: number;
  /** Only these case ids (default: all). */
  readonly only?: readonly string[] | undefined;
  readonly log?: ((line: string) => void) | undefined;
}

export interface HttpCaseResult {
  readonly httpCase: HttpCase;
  /** Mean req/s of each round. */
  readonly roundsRps: readonly number[];
  readonly medianRps: number;
  /** Server CPU time (user + system) per request during the measured load, µs: each round, and the median. */
  readonly roundsCpuMicros: readonly number[];
  readonly medianCpuMicros: number;
  /** Median over rounds of the p50 / p99 latency (ms). */
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly requests: number;
}

export interface HttpSuiteResult {
  readonly options: Omit<HttpOptions, 'log'>;
  readonly results: readonly HttpCaseResult[];
}

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

interface Child {
  readonly process: ChildProcess;
  readonly port: number;
}

function startServer(id: string, secret: string): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = fork(SERVER, [id], {
      cwd: BENCH_DIR,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_JWT_SECRET: secret, NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`http: server ${id} did not start within 30 s`));
    }, 30_000);
    child.once('message', (message: { port?: number }) => {
      clearTimeout(timer);
      if (typeof message?.port === 'number') resolve({ process: child, port: message.port });
      else reject(new Error(`http: server ${id} sent ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`http: server ${id} exited with ${String(code)} before listening`));
    });
  });
}

function stopServer(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 5_000);
    child.process.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.process.send('stop');
  });
}

async function expectStatus(url: string, authorization: string | undefined, status: number, what: string): Promise<void> {
  const response = await fetch(url, { headers: authorization === undefined ? {} : { authorization } });
  const text = await response.text();
  if (response.status !== status) throw new Error(`http: ${what}: expected ${status}, got ${response.status} ${text.slice(0, 200)}`);
  if (status === 200 && text !== JSON.stringify(BODY)) throw new Error(`http: ${what}: unexpected body ${text.slice(0, 200)}`);
}

function ask<T>(child: Child, message: string, accept: (reply: unknown) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const listener = (reply: unknown) => {
      const value = accept(reply);
      if (value === undefined) return;
      child.process.off('message', listener);
      resolve(value);
    };
    child.process.on('message', listener);
    child.process.send(message);
  });
}

function load(url: string, authorization: string, connections: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: seconds, pipelining: 1, headers: { authorization } });
}

/** Runs every HTTP case for `options.rounds` rounds (cases interleaved within a round). */
export async function runHttpSuite(options: HttpOptions): Promise<HttpSuiteResult> {
  const log = options.log ?? (() => {});
  const cases = HTTP_CASES.filter((c) => options.only === undefined || options.only.includes(c.id));
  // Tokens from a real login on a service with the same secret, issuer and audience as the servers'.
  const secret = createSecret();
  const issuer = createHsService(await createBenchDirectory(), secret);
  const agent = `Bearer ${(await issuer.login({ email: USERS.agent.email, password: PASSWORD })).token}`;
  const guest = `Bearer ${(await issuer.login({ email: USERS.guest.email, password: PASSWORD })).token}`;

  const rounds = new Map<string, { result: autocannon.Result; cpuPerRequest: number }[]>(cases.map((c) => [c.id, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const httpCase of cases) {
      const child = await startServer(httpCase.id, secret);
      try {
        const url = `http://127.0.0.1:${child.port}${ROUTE}`;
        // A wrong answer is not measured: the route must serve the agent, and a guarded one must
        // refuse a missing token and an insufficient scope.
        await expectStatus(url, agent, 200, `${httpCase.id} with an agent token`);
        if (httpCase.guarded) {
          await expectStatus(url, undefined, 401, `${httpCase.id} without a token`);
          await expectStatus(url, guest, 403, `${httpCase.id} with a guest token`);
        }
        if (options.warmupSeconds > 0) await load(url, agent, options.connections, options.warmupSeconds);
        await ask(child, 'cpu-start', (reply) => ((reply as { cpu?: string }).cpu === 'started' ? true : undefined));
        const result = await load(url, agent, options.connections, options.durationSeconds);
        const cpuMicros = await ask(child, 'cpu-stop', (reply) => (reply as { cpuMicros?: number }).cpuMicros);
        if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
          throw new Error(`http: ${httpCase.id}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts under load`);
        }
        const cpuPerRequest = cpuMicros / Math.max(1, result.requests.total);
        rounds.get(httpCase.id)!.push({ result, cpuPerRequest });
        log(
          `  round ${round + 1}/${options.rounds} ${httpCase.id}: ${Math.round(result.requests.average)} req/s, server CPU ${cpuPerRequest.toFixed(1)} µs/request`,
        );
      } finally {
        await stopServer(child);
      }
    }
  }
  const { log: _log, ...rest } = options;
  return {
    options: rest,
    results: cases.map((httpCase) => {
      const measured = rounds.get(httpCase.id)!;
      const results = measured.map((m) => m.result);
      return {
        httpCase,
        roundsRps: results.map((r) => r.requests.average),
        medianRps: median(results.map((r) => r.requests.average)),
        roundsCpuMicros: measured.map((m) => m.cpuPerRequest),
        medianCpuMicros: median(measured.map((m) => m.cpuPerRequest)),
        latencyP50Ms: median(results.map((r) => r.latency.p50)),
        latencyP99Ms: median(results.map((r) => r.latency.p99)),
        requests: results.reduce((n, r) => n + r.requests.total, 0),
      };
    }),
  };
}
