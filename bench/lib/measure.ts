// Micro-benchmark rounds on top of mitata's `measure`: an explicit warm-up per case, then several
// rounds in which every case is measured once (interleaved, so load that comes and goes on a
// shared machine hits every case alike). A case's result is the median over rounds of mitata's
// per-sample median (p50).
import { measure } from 'mitata';
import { median } from './stats.js';

/** A function to time. Each call performs `operations` operations (a loop of checks, or one request). */
export interface MicroCase {
  readonly id: string;
  readonly fn: () => unknown;
  readonly operations: number;
  /** Called before each warm-up and measurement of this case (e.g. subscribe), and `after` after it. */
  readonly before?: (() => void) | undefined;
  readonly after?: (() => void) | undefined;
}

/** How long and how often. */
export interface MicroOptions {
  readonly rounds: number;
  /** CPU time mitata spends per case per round (ms). */
  readonly timePerRoundMs: number;
  /** Time each case is run before any measurement, for the JIT (ms). */
  readonly warmupMs: number;
  /** Progress output. */
  readonly log?: ((line: string) => void) | undefined;
}

/** Nanoseconds per operation: the median over rounds and every round's value. */
export interface MicroResult {
  readonly id: string;
  readonly medianNs: number;
  readonly roundsNs: readonly number[];
}

async function warmUp(fn: () => unknown, ms: number): Promise<void> {
  const end = performance.now() + ms;
  do {
    const result = fn();
    if (result instanceof Promise) await result;
  } while (performance.now() < end);
}

/** Runs `cases` for `options.rounds` rounds and returns ns/operation per case. */
export async function runMicro(cases: readonly MicroCase[], options: MicroOptions): Promise<MicroResult[]> {
  for (const c of cases) {
    c.before?.();
    await warmUp(c.fn, options.warmupMs);
    c.after?.();
  }
  const rounds = new Map<string, number[]>(cases.map((c) => [c.id, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const c of cases) {
      c.before?.();
      const stats = await measure(c.fn, { min_cpu_time: options.timePerRoundMs * 1e6, min_samples: 12 });
      c.after?.();
      rounds.get(c.id)!.push(stats.p50 / c.operations);
    }
    options.log?.(`  round ${round + 1}/${options.rounds} done`);
  }
  return cases.map((c) => {
    const values = rounds.get(c.id)!;
    return { id: c.id, medianNs: median(values), roundsNs: values };
  });
}
