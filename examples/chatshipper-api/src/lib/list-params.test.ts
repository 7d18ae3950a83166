import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMIT, MAX_LIMIT, nextLink, readListParams } from './list-params.js';

describe('readListParams', () => {
  it('defaults to the first page of 100', () => {
    expect(readListParams(undefined)).toEqual({ limit: DEFAULT_LIMIT, offset: 0, organization: undefined });
    expect(readListParams({ other: 'x' })).toEqual({ limit: 100, offset: 0, organization: undefined });
  });

  it('reads a page and an organization', () => {
    expect(readListParams({ limit: '1000', offset: '40', organization: 'ab'.repeat(12) })).toEqual({
      limit: MAX_LIMIT,
      offset: 40,
      organization: 'ab'.repeat(12),
    });
  });

  it.each([
    { limit: '0' },
    { limit: '1001' },
    { limit: '-1' },
    { limit: '+5' },
    { limit: '1.5' },
    { limit: '1e3' },
    { limit: '' },
    { limit: ' 5' },
    { limit: ['2', '3'] },
    { offset: '-1' },
    { offset: '99999999999' },
    { offset: '0x10' },
    { organization: 'nope' },
    { organization: ['ab'.repeat(12)] },
    { organization: 'AB'.repeat(12) },
  ])('refuses %j with ERR_INVALID_REQUEST', (query) => {
    expect(() => readListParams(query)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_REQUEST' }));
  });

  it('accepts exactly the integers in range, whatever else is sent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer().map(String)), (limit) => {
        const valid = /^\d{1,10}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= MAX_LIMIT;
        let read: number | undefined;
        try {
          read = readListParams({ limit }).limit;
        } catch {
          read = undefined;
        }
        expect(read).toBe(valid ? Number(limit) : undefined);
      }),
    );
  });
});

describe('nextLink', () => {
  it('points to the next page, absolute, keeping the narrowing', () => {
    const params = { limit: 2, offset: 4, organization: 'ab'.repeat(12) };
    expect(nextLink('https://api.example.com:8443', '/v2/orggroups', params)).toBe(
      `<https://api.example.com:8443/v2/orggroups?limit=2&offset=6&organization=${'ab'.repeat(12)}>; rel="next"`,
    );
  });

  it.each([undefined, 'ftp://x', 'http://evil.example/path', 'http://a b', 'http://x>; rel="prev"', 'javascript:alert(1)'])(
    'falls back to http://localhost for an origin that is not a plain http(s)://host (%j)',
    (origin) => {
      expect(nextLink(origin, '/v2/contacts', { limit: 1, offset: 0, organization: undefined })).toBe(
        '<http://localhost/v2/contacts?limit=1&offset=1>; rel="next"',
      );
    },
  );
});
