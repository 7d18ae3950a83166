import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// Not in core's package.json on purpose: @scopeladder/testing depends on core (a cycle); vitest and tsconfig paths resolve it to sources.
import { arbitraries } from '@scopeladder/testing';
import { chatshipperLadder, defineLadder } from './index.js';

describe('defineLadder', () => {
  const ladder = defineLadder(['guest', 'agent', 'bot', 'admin'] as const);

  it('orders scopes lowest first and ranks them', () => {
    expect(ladder.scopes).toEqual(['guest', 'agent', 'bot', 'admin']);
    expect(ladder.rank('guest')).toBe(0);
    expect(ladder.rank('admin')).toBe(3);
    expect(ladder.rank('root')).toBe(-1);
    expect(ladder.rank('Admin')).toBe(-1);
  });

  it('expands a scope to itself and every lower one', () => {
    expect(ladder.expand('bot')).toEqual(['guest', 'agent', 'bot']);
    expect(ladder.expand('guest')).toEqual(['guest']);
    expect(ladder.expand('nope')).toEqual([]);
    expect(ladder.expandAll(['agent', 'nope', 'guest'])).toEqual(['guest', 'agent']);
    expect(ladder.expandAll([])).toEqual([]);
  });

  it('finds the highest scope, ignoring unknown ones', () => {
    expect(ladder.highest(['agent', 'bot', 'guest'])).toBe('bot');
    expect(ladder.highest(['x', 'agent'])).toBe('agent');
    expect(ladder.highest(['x'])).toBeNull();
    expect(ladder.highestRank(['x', 'admin'])).toBe(3);
  });

  it('compares and checks satisfaction', () => {
    expect(ladder.compare('guest', 'admin')).toBeLessThan(0);
    expect(ladder.compare('admin', 'guest')).toBeGreaterThan(0);
    expect(ladder.compare('bot', 'bot')).toBe(0);
    expect(ladder.satisfies(['bot'], 'agent')).toBe(true);
    expect(ladder.satisfies(['agent'], 'bot')).toBe(false);
    expect(ladder.satisfies(['nope'], 'guest')).toBe(false);
    expect(ladder.has('bot')).toBe(true);
    expect(ladder.has('Bot')).toBe(false);
    expect(ladder.has(42)).toBe(false);
  });

  it('never throws on junk input', () => {
    const junk = [undefined, null, 42, {}, ['bot'], Symbol('x')] as unknown as string[];
    for (const value of junk) {
      expect(ladder.rank(value)).toBe(-1);
      expect(ladder.expand(value)).toEqual([]);
      expect(ladder.has(value)).toBe(false);
    }
    expect(ladder.highest(junk)).toBeNull();
    expect(ladder.highest(null as unknown as string[])).toBeNull();
    expect(ladder.satisfies(['admin'], 'nope' as 'admin')).toBe(false);
  });

  it('is immutable', () => {
    expect(Object.isFrozen(ladder)).toBe(true);
    expect(Object.isFrozen(ladder.scopes)).toBe(true);
    expect(Object.isFrozen(ladder.expand('bot'))).toBe(true);
  });

  it('rejects bad definitions with a TypeError', () => {
    expect(() => defineLadder([])).toThrow(TypeError);
    expect(() => defineLadder(['a', 'a'])).toThrow(/appears twice/);
    expect(() => defineLadder(['a b'])).toThrow(/scopes\[0\]/);
    expect(() => defineLadder(['ok', 'quo"te'])).toThrow(/scopes\[1\]/);
    expect(() => defineLadder(['back\\slash'])).toThrow(TypeError);
    expect(() => defineLadder([''])).toThrow(TypeError);
    expect(() => defineLadder('guest' as unknown as string[])).toThrow(TypeError);
  });

  it('is what the ChatShipper ladder is', () => {
    expect(chatshipperLadder.scopes).toEqual(['guest', 'agent', 'bot', 'admin']);
  });

  it('property: expand(s) is the prefix up to s, and expandAll is the expansion of the highest', () => {
    // Ladders with awkward names (`__proto__`, `constructor`, `*`); held scopes mixed with unknown, malformed and any strings.
    const cases = arbitraries.ladder({ maxLength: 8 }).chain((scopes) =>
      fc.tuple(
        fc.constant(scopes),
        fc.array(fc.oneof(arbitraries.unknownScope(scopes), arbitraries.hostileScope(scopes), fc.string({ maxLength: 6 })), {
          maxLength: 6,
        }),
      ),
    );
    fc.assert(
      fc.property(cases, ([scopes, extra]) => {
        const l = defineLadder(scopes);
        scopes.forEach((scope, index) => {
          expect(l.expand(scope)).toEqual(scopes.slice(0, index + 1));
          expect(l.rank(scope)).toBe(index);
        });
        const held = [...extra, ...scopes.filter((_, index) => index % 2 === 0)];
        const top = l.highest(held);
        expect(l.expandAll(held)).toEqual(top === null ? [] : l.expand(top));
        for (const scope of scopes) expect(l.satisfies(held, scope)).toBe(top !== null && l.rank(top) >= l.rank(scope));
      }),
    );
  });
});

describe('defineLadder aliases', () => {
  const ladder = defineLadder(['guest', 'agent', 'bot', 'admin'] as const, { aliases: { viewer: 'guest', operator: 'agent' } });

  it('reads an alias as its scope, and never as a scope of its own', () => {
    expect(ladder.rank('viewer')).toBe(0);
    expect(ladder.canonical('viewer')).toBe('guest');
    expect(ladder.canonical('guest')).toBe('guest');
    expect(ladder.canonical('nope')).toBeNull();
    expect(ladder.canonical(42)).toBeNull();
    expect(ladder.has('viewer')).toBe(false);
    expect(ladder.scopes).toEqual(['guest', 'agent', 'bot', 'admin']);
    expect(ladder.expand('operator')).toEqual(['guest', 'agent']);
    expect(ladder.highest(['viewer'])).toBe('guest');
    expect(ladder.satisfies(['viewer'], 'guest')).toBe(true);
    expect(ladder.satisfies(['viewer'], 'agent')).toBe(false);
    expect(ladder.aliasesOf('guest')).toEqual(['viewer']);
    expect(ladder.aliasesOf('bot')).toEqual([]);
    expect(ladder.aliasesOf('viewer')).toEqual([]);
    expect(ladder.aliases).toEqual({ viewer: 'guest', operator: 'agent' });
    expect(Object.isFrozen(ladder.aliases)).toBe(true);
    // Prototype names are neither scopes nor aliases.
    for (const name of ['__proto__', 'constructor', 'toString']) expect(ladder.rank(name)).toBe(-1);
  });

  it('ChatShipper: viewer is an alias of guest', () => {
    expect(chatshipperLadder.canonical('viewer')).toBe('guest');
    expect(chatshipperLadder.aliases).toEqual({ viewer: 'guest' });
  });

  it('refuses unusable aliases with a TypeError', () => {
    const scopes = ['guest', 'agent'] as const;
    expect(() => defineLadder(scopes, { aliases: { guest: 'agent' } as never })).toThrow(/alias "guest" is already a scope/);
    expect(() => defineLadder(scopes, { aliases: { viewer: 'nobody' } as never })).toThrow(/alias "viewer" must name a scope/);
    expect(() => defineLadder(scopes, { aliases: { reader: 'viewer', viewer: 'guest' } as never })).toThrow(/alias "reader" must name a scope/);
    expect(() => defineLadder(scopes, { aliases: { 'a b': 'guest' } as never })).toThrow(/not an RFC 6749 scope-token/);
    expect(() => defineLadder(scopes, { aliases: ['guest'] as never })).toThrow(/aliases/);
    expect(() => defineLadder(scopes, null as never)).toThrow(/options/);
  });
});
