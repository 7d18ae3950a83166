// Test helper: runs an assertion that must fail and returns its PolicyAssertionError.
import { PolicyAssertionError } from '../errors.js';

/** Runs `assertion`, which must throw a PolicyAssertionError from `name`; returns it. */
export function expectViolation(name: string, assertion: () => unknown): PolicyAssertionError {
  let thrown: unknown;
  try {
    assertion();
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof PolicyAssertionError)) {
    throw new Error(`expected ${name} to throw a PolicyAssertionError, got ${thrown === undefined ? 'no error' : String(thrown)}`);
  }
  if (thrown.assertion !== name || !thrown.message.startsWith(`${name} failed: `)) {
    throw new Error(`expected a failure of ${name}, got one of ${thrown.assertion}: ${thrown.message}`);
  }
  return thrown;
}
