import fc from 'fast-check';
import { matching } from '../lib/memo.js';
import { base64url } from '../lib/base64url.js';

/**
 * Options of {@link jwtShaped}.
 *
 * @example
 * ```ts
 * const forged = arbitraries.jwtShaped({ payload: fc.constant({ sub: admin.id, scope: 'admin', exp: 4_000_000_000 }) });
 * ```
 */
export interface JwtShapedOptions {
  /** JOSE headers to encode. Default: `{ alg: HS256 | RS256 | ES256 | EdDSA, typ: "JWT" }`. */
  readonly header?: fc.Arbitrary<Record<string, unknown>> | undefined;
  /** Claims to encode. Default: a ChatShipper-like payload (`sub`, `scope`, `iat`, `exp`) that asks for `admin`. */
  readonly payload?: fc.Arbitrary<Record<string, unknown>> | undefined;
}

/**
 * A string with the exact shape of a JWS compact JWT (`<b64url JSON>.<b64url JSON>.<b64url>`)
 * and a signature of random bytes: a forgery. A verifier must reject every one
 * (`ERR_TOKEN_INVALID`), however plausible its claims; by default they claim `admin` and
 * expire in the future.
 *
 * @example
 * ```ts
 * await fc.assert(fc.asyncProperty(arbitraries.jwtShaped(), async (jwt) => {
 *   await expect(auth.authenticate(`Bearer ${jwt}`)).rejects.toMatchObject({ code: 'ERR_TOKEN_INVALID' });
 * }));
 * ```
 */
export function jwtShaped(options: JwtShapedOptions = {}): fc.Arbitrary<string> {
  const header = options.header ?? fc.record({ alg: fc.constantFrom('HS256', 'HS512', 'RS256', 'ES256', 'EdDSA'), typ: fc.constant('JWT') });
  const payload = options.payload ?? forgedClaims();
  const signature = fc.oneof(
    fc.uint8Array({ minLength: 32, maxLength: 32 }),
    fc.uint8Array({ minLength: 64, maxLength: 64 }),
    fc.uint8Array({ minLength: 256, maxLength: 256 }),
    fc.uint8Array({ minLength: 1, maxLength: 16 }),
  );
  return fc.tuple(header, payload, signature).map(([h, p, s]) => `${base64url(JSON.stringify(h))}.${base64url(JSON.stringify(p))}.${base64url(s)}`);
}

/**
 * A malformed or malicious JWT: `alg: "none"` (in several spellings) with an empty signature,
 * two or four segments, empty segments, standard-base64 characters (`+`, `/`, `=`), whitespace
 * inside, headers or payloads that are not JSON objects, a `kid` with path traversal, an
 * embedded `jwk`/`jku`, an unknown `crit`, `b64: false`, and oversized tokens. A verifier must
 * reject every one without throwing anything but a `ScopeladderError` (usually
 * `ERR_TOKEN_INVALID`).
 *
 * @example
 * ```ts
 * await fc.assert(fc.asyncProperty(arbitraries.hostileJwt(), async (jwt) => {
 *   await expect(auth.authenticate(`Bearer ${jwt}`)).rejects.toSatisfy(isScopeladderError);
 * }));
 * ```
 */
export function hostileJwt(): fc.Arbitrary<string> {
  const claims = forgedClaims().map((claims) => base64url(JSON.stringify(claims)));
  const sig = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => base64url(bytes));
  const encodeHeader = (value: unknown): string => base64url(JSON.stringify(value));
  const none = fc
    .tuple(fc.constantFrom('none', 'None', 'NONE', 'nOnE', ''), claims, fc.constantFrom('', '.'))
    .map(([alg, payload, tail]) => `${encodeHeader({ alg, typ: 'JWT' })}.${payload}.${tail === '.' ? '' : tail}`);
  const dangerousHeader = fc
    .tuple(
      fc.constantFrom(
        '{"alg":"HS256","kid":"../../../../dev/null"}',
        '{"alg":"HS256","kid":"\' OR \'1\'=\'1"}',
        '{"alg":"RS256","jku":"https://attacker.example/jwks.json"}',
        `{"alg":"HS256","jwk":{"kty":"oct","k":"${base64url('attacker-controlled-secret-32-bytes!!')}"}}`,
        '{"alg":"HS256","crit":["exp-critical"],"exp-critical":true}',
        '{"alg":"HS256","b64":false,"crit":["b64"]}',
        '{"alg":"PS256","typ":"at+jwt"}',
        '{"alg":["HS256"]}',
        '{"alg":null}',
        '{"__proto__":{"alg":"none"},"alg":"HS256"}',
        '{"alg":"HS256","alg":"none"}',
      ),
      claims,
      sig,
    )
    .map(([header, payload, signature]) => `${base64url(header)}.${payload}.${signature}`);
  const notObjects = fc
    .tuple(fc.constantFrom('null', '[]', '123', '"JWT"', 'true', '{', '{"alg":"HS256"', 'not json'), claims, sig, fc.boolean())
    .map(([json, payload, signature, inHeader]) =>
      inHeader ? `${base64url(json)}.${payload}.${signature}` : `${encodeHeader({ alg: 'HS256', typ: 'JWT' })}.${base64url(json)}.${signature}`,
    );
  const segments = fc.tuple(jwtShaped(), fc.constantFrom('two', 'four', 'emptyMiddle', 'trailingDot', 'leadingDot', 'dotsOnly')).map(([jwt, how]) => {
    const [h = '', p = '', s = ''] = jwt.split('.');
    switch (how) {
      case 'two':
        return `${h}.${p}`;
      case 'four':
        return `${h}.${p}.${s}.${s}`;
      case 'emptyMiddle':
        return `${h}..${s}`;
      case 'trailingDot':
        return `${jwt}.`;
      case 'leadingDot':
        return `.${jwt}`;
      default:
        return '..';
    }
  });
  const badAlphabet = fc
    .tuple(jwtShaped(), fc.constantFrom('+', '/', '=', '==', ' ', '\t', '%2E', '\u0000', 'é'), fc.nat())
    .map(([jwt, insert, at]) => {
      const position = at % (jwt.length + 1);
      return `${jwt.slice(0, position)}${insert}${jwt.slice(position)}`;
    });
  const oversized = fc
    .constantFrom(8 * 1024, 64 * 1024)
    .map(
      (size) => `${encodeHeader({ alg: 'HS256', typ: 'JWT' })}.${base64url(JSON.stringify({ sub: 'x', pad: 'a'.repeat(size) }))}.${base64url('sig')}`,
    );
  return fc.oneof(none, dangerousHeader, notObjects, segments, badAlphabet, oversized);
}

function forgedClaims(): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    sub: matching(/^[0-9a-f]{24}$/),
    scope: fc.constantFrom('admin', 'bot admin', 'guest agent bot admin'),
    iat: fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }),
    exp: fc.integer({ min: 4_000_000_000, max: 4_100_000_000 }),
  });
}
