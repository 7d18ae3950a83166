import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64urlStrict, isCanonicalBase64url } from './encoding.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('isCanonicalBase64url', () => {
  it('accepts exactly what decodeBase64urlStrict decodes (strings over the alphabet, and others)', () => {
    const base64urlString = fc.string({ unit: fc.constantFrom(...ALPHABET.split('')), maxLength: 40 });
    const nearly = fc.string({ unit: fc.constantFrom(...ALPHABET.split(''), '=', '+', '/', '.', ' ', 'é'), maxLength: 12 });
    fc.assert(
      fc.property(fc.oneof(base64urlString, nearly, fc.string()), (segment) => {
        expect(isCanonicalBase64url(segment)).toBe(decodeBase64urlStrict(segment) !== null);
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts the encoding of any bytes and refuses it with any other last character', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.constantFrom(...ALPHABET.split('')), (bytes, last) => {
        const encoded = Buffer.from(bytes).toString('base64url');
        expect(isCanonicalBase64url(encoded)).toBe(true);
        const tampered = encoded.slice(0, -1) + last;
        // Another last character is canonical only if it encodes other bytes.
        const decoded = decodeBase64urlStrict(tampered);
        expect(isCanonicalBase64url(tampered)).toBe(decoded !== null);
        if (last !== encoded.at(-1) && decoded !== null) expect(decoded.equals(Buffer.from(bytes))).toBe(false);
      }),
    );
  });

  it('refuses a signature whose spare bits are set (the same bytes, another string)', () => {
    const signature = randomBytes(32).toString('base64url'); // 43 characters: 2 spare bits
    const index = ALPHABET.indexOf(signature.at(-1) as string);
    for (const spare of [1, 2, 3]) expect(isCanonicalBase64url(signature.slice(0, -1) + ALPHABET[index | spare])).toBe(false);
    expect(isCanonicalBase64url('A')).toBe(false);
    expect(isCanonicalBase64url('')).toBe(true);
  });
});
