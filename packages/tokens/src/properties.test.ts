import fc from 'fast-check';
import { isScopeladderError } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { HS_HEADER, IDS, PASSWORD, claims, hmacJwt, setup } from './test-fixtures.js';

// Property tests: whatever arrives, the service answers with its own errors, and nothing random
// is ever authenticated.

const AUTH_FAILURES = new Set([
  'ERR_AUTH_REQUIRED',
  'ERR_AUTH_SCHEME',
  'ERR_AUTH_MALFORMED',
  'ERR_TOKEN_INVALID',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_REVOKED',
  'ERR_API_KEY_INVALID',
]);

/** Resolves the rejection reason, or fails the property when the promise resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('resolved, but a rejection was expected');
}

const base64url = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength: 300 });
const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 1, maxLength: 80 });
const encodeJson = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url');

const credential = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  hex,
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc.tuple(base64url, base64url, base64url).map((parts) => parts.join('.')),
  fc.tuple(fc.jsonValue(), fc.jsonValue(), base64url).map(([h, p, s]) => `${encodeJson(h)}.${encodeJson(p)}.${s}`),
  fc
    .tuple(fc.constantFrom('none', 'None', 'NONE', 'HS256', 'EdDSA', 'ES256', 'RS256'), fc.jsonValue(), base64url)
    .map(([alg, payload, s]) => `${encodeJson({ alg, typ: 'at+jwt' })}.${encodeJson(payload)}.${s}`),
);

const header = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 300 }),
  credential.map((value) => `Bearer ${value}`),
  fc
    .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Token', ''), fc.constantFrom(' ', '  ', '\t', ''), credential)
    .map(([scheme, space, value]) => `${scheme}${space}${value}`),
  fc.array(
    credential.map((value) => `Bearer ${value}`),
    { maxLength: 3 },
  ),
  fc.anything(),
);

describe('properties', () => {
  it('no random header or token is ever authenticated; every failure is an auth ScopeladderError', async () => {
    const { auth } = await setup();
    await fc.assert(
      fc.asyncProperty(header, async (value) => {
        const error = await rejection(auth.authenticate(value as string));
        expect(isScopeladderError(error)).toBe(true);
        expect(AUTH_FAILURES.has((error as { code: string }).code)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('no single-character change of a valid token is authenticated', async () => {
    const fixture = await setup();
    const { token } = await fixture.auth.login({ email: 'admin@example.com', password: PASSWORD });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), async (index, char) => {
        fc.pre(token[index] !== char);
        const mutated = `${token.slice(0, index)}${char}${token.slice(index + 1)}`;
        const error = await rejection(fixture.auth.authenticate(`Bearer ${mutated}`));
        expect(isScopeladderError(error)).toBe(true);
        expect(['ERR_TOKEN_INVALID', 'ERR_API_KEY_INVALID']).toContain((error as { code: string }).code);
      }),
      { numRuns: 1000 },
    );
    await expect(fixture.auth.authenticate(`Bearer ${token}`)).resolves.toBeDefined();
  });

  it('correctly signed tokens with arbitrary claims either pass every check or fail with a ScopeladderError', async () => {
    const { auth } = await setup();
    const claimValue = fc.oneof(fc.jsonValue(), fc.constant(undefined));
    const arbitraryClaims = fc.record(
      {
        sub: fc.oneof(fc.constant(IDS.admin), claimValue),
        scope: fc.oneof(fc.constantFrom('admin', 'guest agent', 'nope', 'bot x'), claimValue),
        iat: fc.oneof(fc.constant(claims().iat), fc.integer(), claimValue),
        exp: fc.oneof(fc.constant(claims().exp), fc.integer(), claimValue),
        jti: fc.oneof(fc.constant('jti-1'), claimValue),
        sid: fc.oneof(fc.constant('sid-1'), claimValue),
        nbf: claimValue,
        iss: fc.oneof(fc.constant('https://issuer.test'), claimValue),
        aud: fc.oneof(fc.constant('chatshipper-api'), claimValue),
        email: claimValue,
        org: claimValue,
      },
      { requiredKeys: [] },
    );
    const headers = fc.record(
      {
        alg: fc.oneof(fc.constant('HS256'), fc.jsonValue()),
        typ: fc.oneof(fc.constant('at+jwt'), fc.jsonValue()),
        kid: fc.jsonValue(),
        crit: fc.jsonValue(),
        b64: fc.boolean(),
        jwk: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(headers, arbitraryClaims, async (h, c) => {
        const token = hmacJwt({ ...HS_HEADER, ...h }, c);
        try {
          const { principal } = await auth.authenticate(`Bearer ${token}`);
          // It passed: then it really was a valid access token.
          expect(h.alg ?? 'HS256').toBe('HS256');
          expect(Object.keys(h).every((name) => ['alg', 'typ'].includes(name))).toBe(true);
          expect(principal.id).toBe(c.sub);
          expect(typeof c.scope).toBe('string');
          for (const scope of principal.scopes) expect(['guest', 'agent', 'bot', 'admin']).toContain(scope);
        } catch (error) {
          expect(isScopeladderError(error), String(error)).toBe(true);
          expect(AUTH_FAILURES.has((error as { code: string }).code)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('refresh, logout, login, session and API-key calls with arbitrary input throw only ScopeladderErrors', async () => {
    const { auth } = await setup({ throttle: false });
    const input = fc.oneof(fc.anything(), fc.string(), hex, fc.stringMatching(/^[0-9a-f]{24}\.[0-9a-f]{80}$/));
    await fc.assert(
      fc.asyncProperty(input, input, async (a, b) => {
        for (const call of [
          () => auth.refresh(a as string),
          () => auth.logout(a as string),
          () => auth.login(a as never),
          () => auth.login({ email: a, password: b } as never),
          () => auth.createApiKey(a as string, b as string[]),
          () => auth.createApiKey(IDS.bot, a as string[]),
          () => auth.revokeApiKey(a as string),
          () => auth.revokeApiKeysOfUser(a as string),
          () => auth.endSessionsOfUser(a as string),
          () => auth.endSessionsOfUser(IDS.agent, a as never),
          () => auth.endSessionsOfUser(IDS.agent, { except: a as string }),
          () => auth.confirmPassword(a as string, b as string),
          () => auth.confirmPassword(IDS.agent, a as string, b as never),
        ]) {
          try {
            await call();
          } catch (error) {
            expect(isScopeladderError(error), String(error)).toBe(true);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
