import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHrTime } from './recorders.js';

describe('toHrTime', () => {
  it('splits epoch milliseconds into seconds and nanoseconds', () => {
    expect(toHrTime(1_796_654_130_837.25)).toEqual([1_796_654_130, 837_250_000]);
    expect(toHrTime(0)).toEqual([0, 0]);
    expect(toHrTime(1999.9999999)).toEqual([2, 0]);
  });

  it('property: nanoseconds stay in [0, 1e9) and the pair is the input to the nanosecond', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 4e12, noNaN: true }), (ms) => {
        const [seconds, nanoseconds] = toHrTime(ms);
        expect(Number.isInteger(seconds) && Number.isInteger(nanoseconds)).toBe(true);
        expect(nanoseconds).toBeGreaterThanOrEqual(0);
        expect(nanoseconds).toBeLessThan(1e9);
        // Within a microsecond: doubles near 4e12 ms carry ~0.5 µs of precision.
        expect(Math.abs(seconds * 1000 + nanoseconds / 1e6 - ms)).toBeLessThan(1e-3);
      }),
    );
  });
});
