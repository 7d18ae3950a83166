import { describe, expect, it } from 'vitest';
import { formatScope } from './index.js';

describe('formatScope', () => {
  it('joins distinct tokens with single spaces, in order', () => {
    expect(formatScope(['admin'])).toBe('admin');
    expect(formatScope(['agent', 'bot', 'agent'])).toBe('agent bot');
    expect(formatScope(['x:read', 'bot'])).toBe('x:read bot');
  });

  it.each([
    ['an empty array', []],
    ['an empty token', ['']],
    ['a token with a space', ['a b']],
    ['a token with a double quote', ['a"b']],
    ['a token with a backslash', ['a\\b']],
    ['a non-string', [1]],
    ['a string', 'admin'],
  ])('rejects %s with a TypeError', (_, value) => {
    expect(() => formatScope(value as string[])).toThrow(TypeError);
  });
});
