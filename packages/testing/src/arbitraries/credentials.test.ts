import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '@scopeladder/core';
import { apiKey, authorizationHeader, bearerToken, hostileAuthorizationHeader } from './headers.js';
import { hostileJwt, jwtShaped } from './jwt.js';

// A reference authenticator written from the answer table of ARCHITECTURE.md, knowing no token.
function referenceAuthenticate(value: string | readonly string[] | undefined): ErrorCode {
  if (value === undefined) return 'ERR_AUTH_REQUIRED';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'ERR_AUTH_REQUIRED';
    if (value.length > 1) return 'ERR_AUTH_MALFORMED';
    return referenceAuthenticate(value[0] as string);
  }
  const header = value as string;
  if (header === '') return 'ERR_AUTH_REQUIRED';
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme !== 'Bearer') return 'ERR_AUTH_SCHEME';
  const token = space === -1 ? '' : header.slice(space + 1);
  if (token === '' || token.includes(' ') || !/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) return 'ERR_AUTH_MALFORMED';
  return /^[0-9a-f]{32}$/.test(token) ? 'ERR_API_KEY_INVALID' : 'ERR_TOKEN_INVALID';
}

const secret = randomBytes(32);
const decode = (segment: string): unknown => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));

// A strict HS256 verifier: three base64url segments, a JSON header saying HS256, a valid HMAC.
function strictVerify(jwt: string): boolean {
  const parts = jwt.split('.');
  if (parts.length !== 3 || !parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) return false;
  const [header, payload, signature] = parts as [string, string, string];
  try {
    const parsed = decode(header) as { alg?: unknown };
    if (typeof parsed !== 'object' || parsed === null || parsed.alg !== 'HS256') return false;
  } catch {
    return false;
  }
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// The classic mistake: trusting the header's algorithm, "none" included.
function naiveVerify(jwt: string): boolean {
  const [header = ''] = jwt.split('.');
  try {
    const alg = (decode(header) as { alg?: unknown }).alg;
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') return true;
  } catch {
    return false;
  }
  return strictVerify(jwt);
}

describe('credential arbitraries', () => {
  it('bearerToken and apiKey: the RFC 6750 b64token and ChatShipper key shapes', () => {
    fc.assert(fc.property(bearerToken(), (token) => /^[A-Za-z0-9\-._~+/]+=*$/.test(token)));
    fc.assert(fc.property(apiKey(), (key) => /^[0-9a-f]{32}$/.test(key)));
  });

  it('authorizationHeader: well-formed Bearer headers (only the token can be wrong)', () => {
    fc.assert(
      fc.property(authorizationHeader(), (header) => {
        expect(['ERR_TOKEN_INVALID', 'ERR_API_KEY_INVALID']).toContain(referenceAuthenticate(header));
      }),
    );
    fc.assert(fc.property(authorizationHeader({ token: fc.constant('abc') }), (header) => header === 'Bearer abc'));
  });

  it('hostileAuthorizationHeader: the reference authenticator answers one of the expected codes', () => {
    fc.assert(
      fc.property(hostileAuthorizationHeader(), ({ value, expectedCodes }) => {
        expect(expectedCodes.length).toBeGreaterThan(0);
        expect(expectedCodes).toContain(referenceAuthenticate(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('hostileAuthorizationHeader: catches an authenticator that accepts a second header', () => {
    const lenient = (value: string | readonly string[] | undefined) =>
      referenceAuthenticate(Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined));
    const details = fc.check(
      fc.property(hostileAuthorizationHeader(), ({ value, expectedCodes }) => expectedCodes.includes(lenient(value))),
      { numRuns: 1000 },
    );
    expect(details.failed).toBe(true);
  });

  it('jwtShaped: three base64url JSON segments that no verifier accepts', () => {
    fc.assert(
      fc.property(jwtShaped(), (jwt) => {
        const [header, payload, signature] = jwt.split('.') as [string, string, string];
        expect(jwt.split('.')).toHaveLength(3);
        expect(typeof decode(header)).toBe('object');
        expect(typeof decode(payload)).toBe('object');
        expect(signature.length).toBeGreaterThan(0);
        expect(strictVerify(jwt)).toBe(false);
      }),
    );
  });

  it('hostileJwt: a strict verifier rejects all, and a verifier trusting alg "none" is caught', () => {
    fc.assert(
      fc.property(hostileJwt(), (jwt) => !strictVerify(jwt)),
      { numRuns: 500 },
    );
    const details = fc.check(
      fc.property(hostileJwt(), (jwt) => !naiveVerify(jwt)),
      { numRuns: 500 },
    );
    expect(details.failed).toBe(true);
  });
});
