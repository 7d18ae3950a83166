import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// Not in core's package.json on purpose: @scopeladder/testing depends on core (a cycle); vitest and tsconfig paths resolve it to sources.
import { arbitraries } from '@scopeladder/testing';
import { DEFAULT_MAX_SCOPE_LENGTH, chatshipperLadder, defineLadder, formatScope, isScopeladderError, parseScope } from './index.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isScopeladderError(error) ? error.code : `not a ScopeladderError: ${String(error)}`;
  }
}

// RFC 6749 §3.3 scope tokens: the ladder's own, near misses of them, and any token of the grammar.
const token = fc.oneof(arbitraries.scope(chatshipperLadder), arbitraries.unknownScope(chatshipperLadder), arbitraries.scopeToken());

describe('parseScope', () => {
  it('parses a space-delimited claim against the ChatShipper ladder by default', () => {
    expect(parseScope('admin')).toEqual({ tokens: ['admin'], scopes: ['admin'], unknown: [], highest: 'admin' });
    expect(parseScope('agent bot agent x:read')).toEqual({
      tokens: ['agent', 'bot', 'x:read'],
      scopes: ['agent', 'bot'],
      unknown: ['x:read'],
      highest: 'bot',
    });
  });

  it('accepts an array of tokens (API keys) and collapses duplicates', () => {
    expect(parseScope(['bot', 'bot', 'guest'])).toEqual({
      tokens: ['bot', 'guest'],
      scopes: ['bot', 'guest'],
      unknown: [],
      highest: 'bot',
    });
  });

  it('is case-sensitive: unknown tokens are reported and grant nothing', () => {
    const result = parseScope('Admin ADMIN root');
    expect(result.scopes).toEqual([]);
    expect(result.unknown).toEqual(['Admin', 'ADMIN', 'root']);
    expect(result.highest).toBeNull();
  });

  it('uses the given ladder', () => {
    const ladder = defineLadder(['read', 'write'] as const);
    expect(parseScope('write admin', { ladder })).toEqual({
      tokens: ['write', 'admin'],
      scopes: ['write'],
      unknown: ['admin'],
      highest: 'write',
    });
  });

  it('accepts every character of the grammar', () => {
    const all = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i))
      .filter((c) => c !== '"' && c !== '\\')
      .join('');
    expect(parseScope(all).tokens).toEqual([all]);
  });

  it.each([
    ['an empty string', ''],
    ['a leading space', ' admin'],
    ['a trailing space', 'admin '],
    ['a double space', 'agent  bot'],
    ['a tab', 'agent\tbot'],
    ['a newline', 'agent\nbot'],
    ['a double quote', 'agent "bot"'],
    ['a backslash', 'agent\\bot'],
    ['a non-ASCII character', 'agént'],
    ['a control character', 'agent\u0000'],
    ['DEL', 'agent\u007f'],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { scope: 'admin' }],
    ['an empty array', []],
    ['an array with a non-string', ['bot', 1]],
    ['an array with an empty token', ['bot', '']],
    ['an array with a space inside a token', ['agent bot']],
    ['an over-long claim', 'a'.repeat(DEFAULT_MAX_SCOPE_LENGTH + 1)],
    ['an over-long array', Array.from({ length: DEFAULT_MAX_SCOPE_LENGTH + 1 }, () => 'a')],
    ['an array whose joined form is over-long', ['a'.repeat(600), 'b'.repeat(600)]],
  ])('rejects %s with ERR_SCOPE_MALFORMED', (_, claim) => {
    expect(codeOf(() => parseScope(claim))).toBe('ERR_SCOPE_MALFORMED');
  });

  it('honours maxLength and never echoes the claim in its message', () => {
    expect(parseScope('agent bot', { maxLength: 9 }).tokens).toEqual(['agent', 'bot']);
    expect(codeOf(() => parseScope('agent bot', { maxLength: 8 }))).toBe('ERR_SCOPE_MALFORMED');
    let caught: unknown;
    try {
      parseScope('secret-looking\u0000value');
    } catch (error) {
      caught = error;
    }
    expect(isScopeladderError(caught)).toBe(true);
    expect((caught as Error).message).not.toContain('secret-looking');
  });

  function messageOf(run: () => unknown): string {
    try {
      run();
    } catch (error) {
      if (isScopeladderError(error)) return error.message;
      throw error;
    }
    throw new Error('expected ERR_SCOPE_MALFORMED, but it parsed');
  }

  it.each([
    ['', 'the claim is empty'],
    ['agent  bot', 'token 1 is empty (leading, trailing or double space)'],
    ['agent bo"t', 'token 1 has a character outside the RFC 6749 grammar at offset 2'],
    ['a'.repeat(1025), 'longer than 1024 characters'],
    [[], 'the scope array is empty'],
    [['bot', 7], 'element 1 is not a string'],
    [['bot', ''], 'token 1 is empty (leading, trailing or double space)'],
    [Array.from({ length: 1025 }, () => ''), 'longer than 1024 characters'],
    [['a'.repeat(600), 'b'.repeat(600)], 'longer than 1024 characters'],
    [42, 'expected a space-delimited string or an array of strings'],
  ])('names what is wrong with %j, and only that', (claim, message) => {
    expect(messageOf(() => parseScope(claim))).toBe(`Malformed scope: ${message}`);
  });

  it('bounds an array by its space-joined length, exactly', () => {
    // "agent bot" is 9 characters: the array form counts the same as the string form.
    expect(parseScope(['agent', 'bot'], { maxLength: 9 }).tokens).toEqual(['agent', 'bot']);
    expect(codeOf(() => parseScope(['agent', 'bot'], { maxLength: 8 }))).toBe('ERR_SCOPE_MALFORMED');
    expect(parseScope(['a'], { maxLength: 1 }).tokens).toEqual(['a']);
    expect(parseScope('a', { maxLength: 1 }).tokens).toEqual(['a']);
    expect(codeOf(() => parseScope(['a', 'b'], { maxLength: 2 }))).toBe('ERR_SCOPE_MALFORMED');
  });

  it('the highest scope is the highest held, not the last one read', () => {
    expect(parseScope('admin guest').highest).toBe('admin');
    expect(parseScope(['admin', 'agent', 'x']).highest).toBe('admin');
  });

  it('rejects bad options with a TypeError', () => {
    expect(() => parseScope('bot', { maxLength: 0 })).toThrow(TypeError);
    expect(() => parseScope('bot', { maxLength: 1.5 })).toThrow(TypeError);
    expect(() => parseScope('bot', { ladder: {} as never })).toThrow(TypeError);
    for (const ladder of [0, 'guest agent', { has: true }, Object.assign(() => {}, chatshipperLadder)]) {
      expect(() => parseScope('bot', { ladder: ladder as never })).toThrow('parseScope: `ladder` must be a Ladder from defineLadder()');
    }
    for (const maxLength of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => parseScope('bot', { maxLength })).toThrow('parseScope: `maxLength` must be a positive integer');
    }
  });

  it('property: round-trips canonical claims (formatScope ∘ parseScope is the identity)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(token, { minLength: 1, maxLength: 10 }), (tokens) => {
        const claim = tokens.join(' ');
        const parsed = parseScope(claim);
        expect(parsed.tokens).toEqual(tokens);
        expect(formatScope(parsed.tokens)).toBe(claim);
        expect(parseScope(tokens).tokens).toEqual(tokens);
        expect([...parsed.scopes, ...parsed.unknown].sort()).toEqual([...tokens].sort());
        expect(parsed.scopes.every((scope) => chatshipperLadder.has(scope))).toBe(true);
        expect(parsed.unknown.some((scope) => chatshipperLadder.has(scope))).toBe(false);
      }),
    );
  });

  it('property: every claim of the ladder parses, and its highest scope is the highest held', () => {
    fc.assert(
      fc.property(arbitraries.scopeString(chatshipperLadder, { unknown: true }), (claim) => {
        const parsed = parseScope(claim);
        expect(formatScope(parsed.tokens)).toBe([...new Set(claim.split(' '))].join(' '));
        expect(parsed.highest).toBe(chatshipperLadder.highest(parsed.scopes));
      }),
    );
  });

  it('property: every hostile claim fails with ERR_SCOPE_MALFORMED, and its message never echoes it', () => {
    fc.assert(
      fc.property(arbitraries.hostileScopeString(chatshipperLadder), (claim) => {
        let caught: unknown;
        try {
          parseScope(claim);
        } catch (error) {
          caught = error;
        }
        expect(isScopeladderError(caught) && caught.code).toBe('ERR_SCOPE_MALFORMED');
        if (claim.length >= 8) expect((caught as Error).message).not.toContain(claim);
      }),
    );
  });

  it('property: any string either parses into grammar tokens or fails with ERR_SCOPE_MALFORMED', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (claim) => {
        let result;
        try {
          result = parseScope(claim);
        } catch (error) {
          expect(isScopeladderError(error) && error.code).toBe('ERR_SCOPE_MALFORMED');
          return;
        }
        expect(claim.split(' ').filter((part, i, all) => all.indexOf(part) === i)).toEqual(result.tokens);
        for (const t of result.tokens) expect(t).toMatch(/^[\x21\x23-\x5b\x5d-\x7e]+$/);
      }),
    );
  });
});

describe('parseScope with aliases', () => {
  it("reads ChatShipper's viewer as guest, and its expanded cascade as admin", () => {
    expect(parseScope('viewer')).toEqual({ tokens: ['viewer'], scopes: ['guest'], unknown: [], highest: 'guest' });
    expect(parseScope('viewer guest agent bot admin')).toEqual({
      tokens: ['viewer', 'guest', 'agent', 'bot', 'admin'],
      scopes: ['guest', 'agent', 'bot', 'admin'],
      unknown: [],
      highest: 'admin',
    });
    expect(parseScope(['viewer', 'Viewer']).unknown).toEqual(['Viewer']);
  });
});
