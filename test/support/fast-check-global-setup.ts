/**
 * Vitest global setup: chooses the fast-check seed of the whole run and says so once. CI and a
 * plain `pnpm test` use a fixed seed (the run is repeatable: a failure replays as it is);
 * `FC_SEED=<integer>` replays another run, `FC_SEED=random` explores a new one and prints it.
 */
import { randomInt } from 'node:crypto';

/** The seed of a run without `FC_SEED`. Changing it is changing which cases CI tries. */
export const DEFAULT_FC_SEED = 20_261_207;

export default function setup(): void {
  const requested = process.env['FC_SEED'];
  let seed = DEFAULT_FC_SEED;
  if (requested === 'random') seed = randomInt(-(2 ** 31), 2 ** 31 - 1);
  else if (requested !== undefined && requested !== '') {
    seed = Number(requested);
    if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got ${JSON.stringify(requested)}`);
  }
  // Read by fast-check-seed.ts in every test worker (workers inherit this environment).
  process.env['FC_SEED'] = String(seed);
  console.log(`fast-check seed ${seed} (replay this run with FC_SEED=${seed}; FC_SEED=random explores a new one)`);
}
