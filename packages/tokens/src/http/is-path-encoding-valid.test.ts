import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPathEncodingValid } from './is-path-encoding-valid.js';

describe('isPathEncodingValid', () => {
  it.each(['/v2/contacts', '/v2/contacts/caf%C3%A9', '/a%20b', '/%25', '/'])('%s is valid', (path) => {
    expect(isPathEncodingValid(path)).toBe(true);
  });

  it.each(['/v2/organizations/%zz', '/a%', '/a%2', '/a%ff', '/a%C3', '/%E0%A4%A'])('%s is not', (path) => {
    expect(isPathEncodingValid(path)).toBe(false);
  });

  it('every path encodeURIComponent produces is valid', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(isPathEncodingValid(`/x/${encodeURIComponent(text)}`)).toBe(true);
      }),
    );
  });
});
