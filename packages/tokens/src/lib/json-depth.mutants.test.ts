// Tests for mutants of lib/json-depth.ts that survived the tokens tests (issue "Test strength"):
// strings whose closing quote follows an even number of backslashes, and a string that never
// closes. Each fails (or, for the unclosed string, hangs) with its mutant applied. See docs/testing.md.
import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth } from './json-depth.js';

describe('exceedsJsonDepth and backslashes before a quote', () => {
  it('a quote after two backslashes closes the string: the brackets after it count', () => {
    const text = String.raw`{"a\\":[[1]],"b":1}`;
    expect(JSON.parse(text)).toEqual({ 'a\\': [[1]], b: 1 });
    expect(exceedsJsonDepth(text, 2)).toBe(true);
    expect(exceedsJsonDepth(text, 3)).toBe(false);
  });

  it('a quote after one or three backslashes does not: the brackets inside the string do not count', () => {
    expect(exceedsJsonDepth(String.raw`{"a\"[[[":1}`, 1)).toBe(false);
    expect(exceedsJsonDepth(String.raw`{"a\\\"[[[":1}`, 1)).toBe(false);
  });

  it('a string that never closes ends the scan (no brackets after it count, and it returns)', () => {
    expect(exceedsJsonDepth('[["abc [[[[', 2)).toBe(false);
    expect(exceedsJsonDepth('"', 0)).toBe(false);
  });
});
