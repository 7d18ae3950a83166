import { describe, expect, it } from 'vitest';
import { defineLadder, formatScope } from './index.js';

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

describe('formatScope: the expanded cascade, with aliases', () => {
  it("writes ChatShipper's SDK form", () => {
    expect(formatScope(['admin'], { expand: true, aliases: true })).toBe('viewer guest agent bot admin');
    expect(formatScope(['guest'], { expand: true, aliases: true })).toBe('viewer guest');
    expect(formatScope(['viewer'], { expand: true, aliases: true })).toBe('viewer guest');
    expect(formatScope(['agent', 'x:read'], { expand: true })).toBe('guest agent');
    expect(formatScope(['bot', 'guest'], { aliases: true })).toBe('bot viewer guest');
    expect(formatScope(['bot'])).toBe('bot');
  });

  it('reads the ladder given', () => {
    const ladder = defineLadder(['reader', 'writer'] as const, { aliases: { viewer: 'reader', editor: 'writer' } });
    expect(formatScope(['writer'], { ladder, expand: true, aliases: true })).toBe('viewer reader editor writer');
  });

  it('refuses misuse with a TypeError', () => {
    expect(() => formatScope(['x:read'], { expand: true })).toThrow(/at least one scope must be a scope of the ladder/);
    expect(() => formatScope(['bot'], { expand: true, ladder: {} as never })).toThrow(/ladder/);
    expect(() => formatScope(['bot'], null as never)).toThrow(/options/);
  });
});
