/** Test support (not part of the package). */
import { expect } from 'vitest';

/** The message of the TypeError `run` throws; fails the test when it throws something else, or nothing. */
export function typeErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as TypeError).message;
  }
  throw new Error('expected a TypeError, nothing was thrown');
}
