import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PolicyAssertionError } from '../errors.js';
import { checkInvariantOptions, runProperty, violation } from './run-property.js';

describe('runProperty', () => {
  it('returns quietly when the property holds', () => {
    expect(() => runProperty('assertX', 'x holds.', fc.nat(), () => undefined, { numRuns: 20 })).not.toThrow();
  });

  it('throws a PolicyAssertionError with the violation, the shrunk counterexample and the replay', () => {
    let thrown: unknown;
    try {
      runProperty('assertX', 'numbers stay small.', fc.nat(), (n) => (n >= 10 ? violation(`${n} is too big`) : undefined), { seed: 42 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PolicyAssertionError);
    expect(thrown).toBeInstanceOf(Error);
    const error = thrown as PolicyAssertionError;
    expect(error.name).toBe('PolicyAssertionError');
    expect(error.assertion).toBe('assertX');
    expect(error.violation).toBe('10 is too big');
    expect(error.counterexample).toBe(10);
    expect(error.seed).toBe(42);
    expect(error.message.split('\n')).toEqual([
      'assertX failed: numbers stay small.',
      '  10 is too big',
      expect.stringMatching(/^Counterexample \(shrunk \d+ times?\): 10$/),
      expect.stringMatching(/^Replay with \{ seed: 42, path: "[\d:]+" \} \(failed after \d+ runs?\)\.$/),
    ]);
  });

  it('reports an unexpected error as such', () => {
    let message = '';
    try {
      runProperty(
        'assertX',
        'nothing throws.',
        fc.constant(1),
        () => {
          throw new RangeError('boom');
        },
        {},
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('  unexpected RangeError: boom');
  });

  it('honours numRuns', () => {
    let runs = 0;
    runProperty('assertX', 'counts.', fc.nat(), () => void (runs += 1), { numRuns: 7 });
    expect(runs).toBe(7);
  });
});

describe('checkInvariantOptions', () => {
  it('accepts nothing and valid options', () => {
    expect(() => checkInvariantOptions('assertX', undefined)).not.toThrow();
    expect(() => checkInvariantOptions('assertX', { numRuns: 5, seed: -3, path: '1:2:3' })).not.toThrow();
  });

  it('rejects bad values with a TypeError naming the assertion', () => {
    expect(() => checkInvariantOptions('assertX', null as never)).toThrow(/^assertX: options must be an object/);
    expect(() => checkInvariantOptions('assertX', { numRuns: -1 })).toThrow(TypeError);
    expect(() => checkInvariantOptions('assertX', { numRuns: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => checkInvariantOptions('assertX', { seed: Number.NaN })).toThrow(TypeError);
    expect(() => checkInvariantOptions('assertX', { seed: 1, path: 'abc' })).toThrow(TypeError);
  });
});
