import fc from 'fast-check';
import type { ErrorCode } from '@scopeladder/core';
import { matching } from '../lib/memo.js';
import { hostileJwt, jwtShaped } from './jwt.js';

/**
 * Options of {@link authorizationHeader}.
 *
 * @example
 * ```ts
 * const headers = arbitraries.authorizationHeader({ token: fc.constantFrom(adminToken, botKey) });
 * ```
 */
export interface AuthorizationHeaderOptions {
  /** The tokens to wrap. Default: {@link apiKey}, {@link jwtShaped} and {@link bearerToken} values. */
  readonly token?: fc.Arbitrary<string> | undefined;
}

/**
 * Which rule a hostile `Authorization` value breaks.
 *
 * @example
 * ```ts
 * fc.sample(arbitraries.hostileAuthorizationHeader(), 5).map((h) => h.kind); // ['scheme', 'missing', 'token', …]
 * ```
 */
export type HostileAuthorizationKind = 'missing' | 'scheme' | 'malformed' | 'token';

/**
 * A hostile `Authorization` value and the answers an authenticator may give it.
 *
 * @example
 * ```ts
 * const sample: HostileAuthorization = { value: 'Bearer  abc', kind: 'malformed', expectedCodes: ['ERR_AUTH_MALFORMED'] };
 * ```
 */
export interface HostileAuthorization {
  /**
   * The raw value, as a framework hands it over: `undefined` (absent), a string, or an array
   * (the header was sent several times).
   */
  readonly value: string | readonly string[] | undefined;
  /** What is wrong with it. */
  readonly kind: HostileAuthorizationKind;
  /**
   * The error codes that are a correct rejection. Never empty; success is never correct. Some
   * values allow several codes because a compliant server may see them differently (an HTTP
   * stack trims a trailing space before the application sees it).
   */
  readonly expectedCodes: readonly ErrorCode[];
}

/**
 * An RFC 6750 `b64token`: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.bearerToken(), (token) => /^[\w.~+/-]+=*$/.test(token)));
 * ```
 */
export function bearerToken(): fc.Arbitrary<string> {
  return matching(/^[A-Za-z0-9\-._~+/]{1,64}={0,2}$/);
}

/**
 * A string shaped like a ChatShipper bot API token: 32 lowercase hex characters.
 *
 * @example
 * ```ts
 * fc.sample(arbitraries.apiKey(), 1); // ['94c70d470e391bdc16a8d8363b5d4891']
 * ```
 */
export function apiKey(): fc.Arbitrary<string> {
  return matching(/^[0-9a-f]{32}$/);
}

/**
 * A well-formed `Authorization: Bearer <token>` value (one space, one token). The token is
 * well-formed, not valid: pass `{ token }` to wrap tokens you issued.
 *
 * @example
 * ```ts
 * const issued = fc.constantFrom(adminToken, agentToken);
 * fc.assert(fc.asyncProperty(arbitraries.authorizationHeader({ token: issued }), async (header) => {
 *   await auth.authenticate(header); // resolves
 * }));
 * ```
 */
export function authorizationHeader(options: AuthorizationHeaderOptions = {}): fc.Arbitrary<string> {
  const token = options.token ?? fc.oneof(apiKey(), jwtShaped(), bearerToken());
  return token.map((value) => `Bearer ${value}`);
}

/**
 * A hostile `Authorization` value with the error codes that correctly reject it: absent or
 * empty, another scheme (`Basic …`, a bare token), `Bearer` with no token, two spaces, extra
 * parts, a tab, `Bearer:`, several headers, and well-formed headers around forged or garbage tokens. An
 * authenticator must reject every one with a `ScopeladderError` whose code is in
 * `expectedCodes`, and never crash.
 *
 * @example
 * ```ts
 * await fc.assert(fc.asyncProperty(arbitraries.hostileAuthorizationHeader(), async ({ value, expectedCodes }) => {
 *   const error = await auth.authenticate(value).then(() => null, (e: unknown) => e);
 *   expect(isScopeladderError(error) && expectedCodes.includes(error.code)).toBe(true);
 * }));
 * ```
 */
export function hostileAuthorizationHeader(): fc.Arbitrary<HostileAuthorization> {
  const token = fc.oneof(apiKey(), jwtShaped(), bearerToken());
  const make =
    (kind: HostileAuthorizationKind, expectedCodes: readonly ErrorCode[]) =>
    (value: string | readonly string[] | undefined): HostileAuthorization => ({ value, kind, expectedCodes });

  const missing = fc.oneof(
    fc.constant(make('missing', ['ERR_AUTH_REQUIRED'])(undefined)),
    fc.constant(make('missing', ['ERR_AUTH_REQUIRED', 'ERR_AUTH_MALFORMED', 'ERR_AUTH_SCHEME'])('')),
    fc.constant(make('missing', ['ERR_AUTH_REQUIRED', 'ERR_AUTH_MALFORMED'])([])),
  );
  const scheme = fc.oneof(
    fc
      .tuple(fc.constantFrom('Basic', 'Digest', 'Token', 'Baerer', 'Bearer-Token', 'OAuth', 'MAC', 'DPoP'), token)
      .map(([name, value]) => make('scheme', ['ERR_AUTH_SCHEME'])(`${name} ${value}`)),
    fc.constant(make('scheme', ['ERR_AUTH_SCHEME'])('Basic dXNlcjpwYXNzd29yZA==')),
    token.map(make('scheme', ['ERR_AUTH_SCHEME', 'ERR_AUTH_MALFORMED'])),
  );
  const malformed = fc.oneof(
    fc.constantFrom('Bearer', 'Bearer ', 'Bearer  ').map(make('malformed', ['ERR_AUTH_MALFORMED'])),
    token.map((value) => make('malformed', ['ERR_AUTH_MALFORMED'])(`Bearer  ${value}`)),
    fc.tuple(token, token).map(([a, b]) => make('malformed', ['ERR_AUTH_MALFORMED'])(`Bearer ${a} ${b}`)),
    fc.tuple(token, token).map(([a, b]) => make('malformed', ['ERR_AUTH_MALFORMED'])(`Bearer ${a}, Bearer ${b}`)),
    fc.tuple(token, token).map(([a, b]) => make('malformed', ['ERR_AUTH_MALFORMED'])([`Bearer ${a}`, `Bearer ${b}`])),
    token.map((value) => make('malformed', ['ERR_AUTH_MALFORMED', 'ERR_AUTH_SCHEME'])(`Bearer\t${value}`)),
    // ':' is no tchar (RFC 9110 §5.6.2), so "Bearer:" is no auth-scheme: malformed credentials (400
    // invalid_request). A server that reads the scheme up to the first space sees an unknown scheme.
    token.map((value) => make('malformed', ['ERR_AUTH_MALFORMED', 'ERR_AUTH_SCHEME'])(`Bearer: ${value}`)),
    token.map((value) => make('malformed', ['ERR_AUTH_MALFORMED', 'ERR_TOKEN_INVALID', 'ERR_API_KEY_INVALID'])(`Bearer ${value} `)),
    token.map((value) =>
      make('malformed', ['ERR_AUTH_MALFORMED', 'ERR_AUTH_SCHEME', 'ERR_TOKEN_INVALID', 'ERR_API_KEY_INVALID'])(` Bearer ${value}`),
    ),
  );
  const wellFormedGarbage = fc.oneof(apiKey(), jwtShaped(), bearerToken());
  const badToken = fc.oneof(
    wellFormedGarbage.map((value) => make('token', ['ERR_TOKEN_INVALID', 'ERR_API_KEY_INVALID'])(`Bearer ${value}`)),
    hostileJwt().map((value) => make('token', ['ERR_TOKEN_INVALID', 'ERR_API_KEY_INVALID', 'ERR_AUTH_MALFORMED'])(`Bearer ${value}`)),
    fc
      .tuple(token, fc.constantFrom('\u0000', '\u007f', 'é', '"', ',', ';', '\\', '\u200b'))
      .map(([value, char]) => make('token', ['ERR_AUTH_MALFORMED', 'ERR_TOKEN_INVALID', 'ERR_API_KEY_INVALID'])(`Bearer ${value}${char}`)),
    fc
      .constantFrom(8 * 1024, 100 * 1024)
      .map((size) => make('token', ['ERR_AUTH_MALFORMED', 'ERR_TOKEN_INVALID', 'ERR_API_KEY_INVALID'])(`Bearer ${'a'.repeat(size)}`)),
  );
  return fc.oneof(missing, scheme, malformed, badToken);
}
