import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatshipperLadder, chatshipperPolicy, defineLadder, isScopeladderError, parseScope } from '@scopeladder/core';
import { hostileScope, hostileScopeString, scope, scopeList, scopeString, scopeToken, unknownScope } from './scopes.js';

const malformed = (value: unknown) => {
  try {
    parseScope(value);
    return false;
  } catch (error) {
    return isScopeladderError(error) && error.code === 'ERR_SCOPE_MALFORMED';
  }
};

describe('scope arbitraries', () => {
  it('scopeToken: always one valid RFC 6749 scope-token', () => {
    fc.assert(
      fc.property(scopeToken(), (token) => {
        expect(parseScope(token).tokens).toEqual([token]);
      }),
    );
  });

  it('scopeToken: includes the prototype and CASL traps', () => {
    const seen = new Set(fc.sample(scopeToken(), { numRuns: 2000, seed: 7 }));
    expect(seen.has('__proto__') || seen.has('constructor') || seen.has('manage')).toBe(true);
  });

  it('scope: a scope of the policy, ladder or array', () => {
    fc.assert(fc.property(scope(chatshipperPolicy), (value) => chatshipperLadder.has(value)));
    fc.assert(fc.property(scope(chatshipperLadder), (value) => chatshipperLadder.has(value)));
    fc.assert(fc.property(scope(['only']), (value) => value === 'only'));
  });

  it('unknownScope: valid, but never on the ladder', () => {
    fc.assert(
      fc.property(unknownScope(chatshipperPolicy), (value) => {
        expect(parseScope(value).unknown).toEqual([value]);
        expect(chatshipperLadder.has(value)).toBe(false);
      }),
    );
  });

  it('unknownScope: works for ladders made only of trap names', () => {
    const ladder = defineLadder(['__proto__', 'constructor', 'manage', 'all', '*']);
    fc.assert(fc.property(unknownScope(ladder), (value) => !ladder.has(value)));
  });

  it('hostileScope: never a valid scope-token, so parseScope refuses it', () => {
    fc.assert(fc.property(hostileScope(chatshipperPolicy), (value) => malformed([value])));
  });

  it('scopeList and scopeString: always parse; only ladder scopes unless unknown is asked for', () => {
    fc.assert(
      fc.property(scopeList(chatshipperPolicy), scopeString(chatshipperPolicy), (list, claim) => {
        expect(parseScope(list).unknown).toEqual([]);
        expect(parseScope(claim).unknown).toEqual([]);
      }),
    );
    fc.assert(fc.property(scopeString(chatshipperPolicy, { unknown: true, maxLength: 8 }), (claim) => parseScope(claim).tokens.length > 0));
    const withUnknown = fc.sample(scopeList(chatshipperPolicy, { unknown: true }), { numRuns: 200, seed: 3 });
    expect(withUnknown.some((list) => parseScope(list).unknown.length > 0)).toBe(true);
  });

  it('hostileScopeString: parseScope rejects every one with ERR_SCOPE_MALFORMED', () => {
    fc.assert(fc.property(hostileScopeString(chatshipperPolicy), malformed), { numRuns: 500 });
  });

  it('misuse is a TypeError', () => {
    expect(() => scope([])).toThrow(TypeError);
    expect(() => scope({} as never)).toThrow(TypeError);
    expect(() => scopeList(chatshipperPolicy, { minLength: 3, maxLength: 2 })).toThrow(TypeError);
  });
});
