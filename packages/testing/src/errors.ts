/**
 * What a failed {@link PolicyAssertionError} carries besides its message.
 *
 * @example
 * ```ts
 * const error = new PolicyAssertionError('assertX failed: …', { assertion: 'assertX', violation: '…' });
 * ```
 */
export interface PolicyAssertionDetails {
  /** The assertion that failed, e.g. `"assertCascadeMonotonic"`. */
  readonly assertion: string;
  /** The fast-check seed of the failing run (pass it back as `{ seed }` to replay). */
  readonly seed?: number | undefined;
  /** The fast-check path of the shrunk counterexample (pass it back as `{ seed, path }`). */
  readonly path?: string | undefined;
  /** The shrunk counterexample, as generated. */
  readonly counterexample?: unknown;
  /** The violation itself, in words. */
  readonly violation: string;
}

/**
 * Thrown by every `assert*` function of `@scopeladder/testing` when the policy breaks the
 * invariant. A plain `Error` subclass, so any test runner reports it as a failure; the message
 * says what was violated, the shrunk counterexample, and the `{ seed, path }` that replays it.
 *
 * This is a test failure, not a library error: it is deliberately not a `ScopeladderError`
 * (those carry HTTP-facing codes). Misuse of the assertions themselves (bad options) throws a
 * `TypeError` instead.
 *
 * @example
 * ```ts
 * import { assertCascadeMonotonic, PolicyAssertionError } from '@scopeladder/testing';
 *
 * try {
 *   assertCascadeMonotonic(policy);
 * } catch (error) {
 *   if (error instanceof PolicyAssertionError) console.log(error.seed, error.violation);
 *   throw error;
 * }
 * ```
 */
export class PolicyAssertionError extends Error {
  /** The assertion that failed. */
  readonly assertion: string;
  /** The violation, in words (also the first lines of the message). */
  readonly violation: string;
  /** The fast-check seed, when the assertion was a property. */
  readonly seed: number | undefined;
  /** The fast-check counterexample path, when the assertion was a property. */
  readonly path: string | undefined;
  /** The shrunk counterexample, when the assertion was a property. */
  readonly counterexample: unknown;

  constructor(message: string, details: PolicyAssertionDetails) {
    super(message);
    this.name = 'PolicyAssertionError';
    this.assertion = details.assertion;
    this.violation = details.violation;
    this.seed = details.seed;
    this.path = details.path;
    this.counterexample = details.counterexample;
  }
}
