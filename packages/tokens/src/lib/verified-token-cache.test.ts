import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createVerifiedTokenCache, type CachedToken } from './verified-token-cache.js';

const FAR = Number.MAX_SAFE_INTEGER;
const entry = (value: unknown, expiresAtMs = FAR): CachedToken => ({ expiresAtMs, value });

describe('createVerifiedTokenCache', () => {
  it('refuses a capacity that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createVerifiedTokenCache(bad)).toThrow(TypeError);
    }
  });

  it('returns the same entry that was set, expired or not (the caller checks expiry), until deleted', () => {
    const cache = createVerifiedTokenCache(10);
    const stored = entry('session', 1_000);
    cache.set('a', stored);
    expect(cache.get('a')).toBe(stored);
    expect(cache.get('a')).toBe(stored);
    expect(cache.get('b')).toBeUndefined();
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('replaces the entry of a token set again, in either generation, without growing', () => {
    const cache = createVerifiedTokenCache(4);
    cache.set('a', entry(1));
    cache.set('a', entry(2));
    expect(cache.size).toBe(1);
    expect(cache.get('a')?.value).toBe(2);
    cache.set('b', entry(3)); // a, b retire to the old generation
    cache.set('a', entry(4));
    expect(cache.size).toBe(2);
    expect(cache.get('a')?.value).toBe(4);
  });

  it('deletes from either generation', () => {
    const cache = createVerifiedTokenCache(4);
    cache.set('a', entry(1));
    cache.set('b', entry(2)); // old: a, b
    cache.set('c', entry(3)); // young: c
    cache.delete('a');
    cache.delete('c');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toBeUndefined();
    expect(cache.get('b')?.value).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('keeps a token used in every generation and evicts one unused for two', () => {
    const cache = createVerifiedTokenCache(10); // generations of 5
    cache.set('hot', entry('hot'));
    cache.set('cold', entry('cold'));
    for (let i = 0; i < 100; i++) {
      cache.set(`filler-${i}`, entry(i));
      if (i % 3 === 0) expect(cache.get('hot')?.value).toBe('hot');
    }
    expect(cache.get('hot')?.value).toBe('hot');
    expect(cache.get('cold')).toBeUndefined();
  });

  it('matches the exact token only, even among tokens that end alike', () => {
    const cache = createVerifiedTokenCache(10);
    const end = '.the-same-signature-end-xxxxxxxxxxxx';
    cache.set(`a${end}`, entry(1));
    expect(cache.get(`a${end}`)?.value).toBe(1);
    expect(cache.get(`b${end}`)).toBeUndefined();
    expect(cache.get(end)).toBeUndefined();
    cache.delete(`b${end}`); // another token: a stays
    expect(cache.get(`a${end}`)?.value).toBe(1);
    cache.set(`b${end}`, entry(2)); // replaces a: one of them is kept
    expect(cache.get(`b${end}`)?.value).toBe(2);
    expect(cache.get(`a${end}`)).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('keeps the most recent inserts: at least the last half of the capacity', () => {
    const cache = createVerifiedTokenCache(100);
    for (let i = 0; i < 1_000; i++) cache.set(`t${i}`, entry(i));
    for (let i = 950; i < 1_000; i++) expect(cache.get(`t${i}`)?.value).toBe(i);
    expect(cache.get('t0')).toBeUndefined();
  });

  it('never holds more than its capacity, and answers like an unbounded map for what it holds (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 30 }), value: fc.integer() }),
      fc.record({ kind: fc.constant('get' as const), key: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 30 }) }),
    );
    fc.assert(
      // Short tokens, and long ones that end alike (so they compete for one slot).
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(op, { maxLength: 200 }), fc.boolean(), (capacity, ops, alike) => {
        const cache = createVerifiedTokenCache(capacity);
        const model = new Map<string, CachedToken>();
        for (const step of ops) {
          const key = alike ? `k${step.key % 4}.${'s'.repeat(step.key)}-common-signature-end` : `k${step.key}`;
          if (step.kind === 'set') {
            const stored = entry(step.value);
            cache.set(key, stored);
            model.set(key, stored);
            expect(cache.get(key)).toBe(stored); // just set: always there
          } else if (step.kind === 'delete') {
            cache.delete(key);
            model.delete(key);
            expect(cache.get(key)).toBeUndefined();
          } else {
            // A hit is exactly the latest entry set for the key (a miss: evicted or never set).
            const got = cache.get(key);
            if (got !== undefined) expect(got).toBe(model.get(key));
          }
          expect(cache.size).toBeLessThanOrEqual(capacity);
        }
      }),
    );
  });
});
