import { chatshipperPolicy, subject, type Principal } from '@scopeladder/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraries } from '../index.js';

describe('junk arbitraries: non-strings that read like real scopes, ids and actions', () => {
  it('junkScope never yields a string, and reaches values that stringify to a real scope', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbitraries.junkScope(chatshipperPolicy), (junk) => {
        expect(typeof junk).not.toBe('string');
        if (junk !== null && junk !== undefined && typeof junk !== 'symbol') seen.add(String(junk));
      }),
      { numRuns: 300 },
    );
    for (const scope of chatshipperPolicy.ladder.scopes) expect(seen.has(scope)).toBe(true);
  });

  it('junk scopes grant nothing on the ChatShipper policy', () => {
    fc.assert(
      fc.property(fc.array(arbitraries.junkScope(chatshipperPolicy), { minLength: 1, maxLength: 4 }), (scopes) => {
        const principal = { id: '64b7f0c2a1e4d3b2c1a09f8e', scopes } as unknown as Principal;
        expect(chatshipperPolicy.can(principal, 'fetch', subject('User', { id: principal.id }))).toBe(false);
        expect(chatshipperPolicy.canEvery(principal, 'list', 'Organization')).toBe(false);
      }),
    );
  });

  it('junkId never yields a usable id, and a guest with one owns no record', () => {
    fc.assert(
      fc.property(arbitraries.junkId(), fc.constantFrom<Record<string, unknown>>({}, { id: null }, { id: '' }), (id, record) => {
        expect(typeof id === 'string' && id !== '').toBe(false);
        const guest = { id, scopes: ['guest'] } as unknown as Principal;
        expect(chatshipperPolicy.can(guest, 'update', subject('User', record))).toBe(false);
        expect(chatshipperPolicy.can(guest, 'fetch', subject('User', record))).toBe(false);
      }),
    );
  });

  it('junkAction never yields a string, and is denied even to admin', () => {
    const admin: Principal = { id: '64b7f0c2a1e4d3b2c1a09f8e', scopes: ['admin'] };
    fc.assert(
      fc.property(arbitraries.junkAction(chatshipperPolicy), fc.constantFrom(...chatshipperPolicy.resources), (action, type) => {
        expect(typeof action).not.toBe('string');
        expect(chatshipperPolicy.can(admin, action as 'delete', type)).toBe(false);
        expect(chatshipperPolicy.explain(admin, action as 'delete', type).allowed).toBe(false);
      }),
    );
  });

  it('rejects a source that is not a policy, ladder or scope list', () => {
    expect(() => arbitraries.junkScope(42 as never)).toThrow(TypeError);
    expect(() => arbitraries.junkAction({ actions: [] } as never)).toThrow(TypeError);
  });
});
