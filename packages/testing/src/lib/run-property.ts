import fc from 'fast-check';
import { PolicyAssertionError } from '../errors.js';

/**
 * Options shared by every property-based assertion. Unset values fall back to fast-check's
 * global configuration (`fc.configureGlobal`), then to its defaults (100 runs, a random seed).
 *
 * @example
 * ```ts
 * assertSelfIsolation(policy, { seed: -1900775989, path: '48:0:0:1' }); // replay a printed failure
 * ```
 */
export interface InvariantOptions {
  /** How many random cases to try. Default: fast-check's (100). */
  readonly numRuns?: number | undefined;
  /** The seed, to replay a failure (the failure message prints it). */
  readonly seed?: number | undefined;
  /** The counterexample path printed by a failure, to replay it directly (with its `seed`). */
  readonly path?: string | undefined;
}

/** Thrown by a predicate to report a violation in words (internal). */
export class Violation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Violation';
  }
}

/** Reports a violation from inside a property (internal). */
export function violation(message: string): never {
  throw new Violation(message);
}

/** Checks the shape of {@link InvariantOptions}; misuse is a `TypeError` (internal). */
export function checkInvariantOptions(assertion: string, options: InvariantOptions | undefined): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${assertion}: options must be an object, got ${typeof options}`);
  }
  const { numRuns, seed, path } = options;
  if (numRuns !== undefined && (!Number.isSafeInteger(numRuns) || numRuns < 1)) {
    throw new TypeError(`${assertion}: options.numRuns must be a positive integer, got ${String(numRuns)}`);
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new TypeError(`${assertion}: options.seed must be an integer, got ${String(seed)}`);
  }
  if (path !== undefined && (typeof path !== 'string' || !/^\d+(:\d+)*$/.test(path))) {
    throw new TypeError(`${assertion}: options.path must look like "12:0:3", got ${String(path)}`);
  }
  if (path !== undefined && seed === undefined) {
    throw new TypeError(`${assertion}: options.path only replays together with the seed it was printed with`);
  }
}

/**
 * Runs `predicate` on values of `arbitrary` with fast-check and, on failure, throws a
 * {@link PolicyAssertionError} whose message says what was violated, the shrunk counterexample
 * and how to replay it (internal).
 */
export function runProperty<T>(
  assertion: string,
  rule: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => void,
  options: InvariantOptions | undefined,
): void {
  const parameters: fc.Parameters<[T]> = {
    ...(options?.numRuns === undefined ? {} : { numRuns: options.numRuns }),
    ...(options?.seed === undefined ? {} : { seed: options.seed }),
    ...(options?.path === undefined ? {} : { path: options.path }),
  };
  const details = fc.check(
    fc.property(arbitrary, (value) => {
      predicate(value);
    }),
    parameters,
  );
  if (!details.failed) return;
  const error = details.errorInstance;
  const said =
    error instanceof Violation ? error.message : `unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  const lines = [`${assertion} failed: ${rule}`, indent(said)];
  if (details.counterexample !== null) {
    lines.push(
      `Counterexample (shrunk ${details.numShrinks} time${details.numShrinks === 1 ? '' : 's'}): ${fc.stringify(details.counterexample[0])}`,
    );
  }
  if (details.interrupted) lines.push('The run was interrupted before it could finish.');
  lines.push(
    `Replay with { seed: ${details.seed}${details.counterexamplePath === null ? '' : `, path: ${JSON.stringify(details.counterexamplePath)}`} } (failed after ${details.numRuns} run${details.numRuns === 1 ? '' : 's'}).`,
  );
  throw new PolicyAssertionError(lines.join('\n'), {
    assertion,
    violation: said,
    seed: details.seed,
    path: details.counterexamplePath ?? undefined,
    counterexample: details.counterexample === null ? undefined : details.counterexample[0],
  });
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
