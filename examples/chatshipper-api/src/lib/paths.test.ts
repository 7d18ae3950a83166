import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { childPath, isWithin, levelOf } from './paths.js';

describe('isWithin', () => {
  it.each([
    ['r1', 'r1', true],
    ['r1#c1', 'r1', true],
    ['r1#c1#s1', 'r1#c1', true],
    ['r1', 'r1#c1', false],
    ['r1#c2', 'r1#c1', false],
    ['r1#c10', 'r1#c1', false],
    ['r2#c1', 'r1#c1', false],
    ['r1#c1', '', false],
    ['r1#c1', undefined, false],
    [undefined, 'r1', false],
    [['r1'], 'r1', false],
  ] as const)('%j within %j: %s', (path, base, expected) => {
    expect(isWithin(path, base)).toBe(expected);
  });

  it('agrees with "base is a whole-segment prefix of path"', () => {
    const segment = fc.constantFrom('a', 'ab', 'b', 'a1');
    const path = fc.array(segment, { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(path, path, (p, b) => {
        const prefix = b.length <= p.length && b.every((id, i) => p[i] === id);
        expect(isWithin(p.join('#'), b.join('#'))).toBe(prefix);
      }),
    );
  });
});

describe('childPath and levelOf', () => {
  it('build the path of a child and count its level', () => {
    expect(childPath('r1#c1', 's1')).toBe('r1#c1#s1');
    expect([levelOf('r1'), levelOf('r1#c1'), levelOf('r1#c1#s1')]).toEqual([1, 2, 3]);
  });
});
