import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

const range = { min: 1, max: 365 * 86_400 };

describe('parseDuration', () => {
  it('reads seconds and unit strings', () => {
    expect(parseDuration('ttl', 90, range)).toBe(90);
    expect(parseDuration('ttl', '90', range)).toBe(90);
    expect(parseDuration('ttl', '2s', range)).toBe(2);
    expect(parseDuration('ttl', '15m', range)).toBe(900);
    expect(parseDuration('ttl', '24h', range)).toBe(86_400);
    expect(parseDuration('ttl', '30d', range)).toBe(2_592_000);
    expect(parseDuration('ttl', '2w', range)).toBe(1_209_600);
  });

  it('throws TypeError naming the option for anything else', () => {
    for (const value of ['', '24 h', '24H', '1.5h', '-1s', '1y', 'h', '10ms', 1.5, -1, 0, Number.NaN, null, {}, '9999999999']) {
      expect(() => parseDuration('accessTokenTtl', value, range), String(value)).toThrow(/^accessTokenTtl/);
    }
    expect(() => parseDuration('x', '400d', range)).toThrow(TypeError);
  });
});
