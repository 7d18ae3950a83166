import { SignJWT, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { decodeBase64urlStrict, isCanonicalBase64url } from './encoding.js';
import { fail } from './errors.js';
import type { KeyRing, VerificationKey } from './keys.js';
import { isPathOf } from './organizations.js';

/** The claims of a verified access token, as the service uses them. */
export interface AccessTokenClaims {
  /** The user id. */
  readonly sub: string;
  /** The raw `scope` claim (space-delimited). */
  readonly scope: string;
  /** Epoch seconds. */
  readonly iat: number;
  /** Epoch seconds. */
  readonly exp: number;
  readonly jti: string;
  /** The refresh family (login session) the token was issued from. */
  readonly sid: string;
  /** The organization the session acts in (an id). */
  readonly org?: string | undefined;
  /**
   * The materialized path of `org` (`"r1#c1"`), for users with memberships: the principal's
   * `organizationPath`. Only with `org`, whose path it is.
   */
  readonly org_path?: string | undefined;
  readonly email?: string | undefined;
}

/**
 * The user an access token is issued to, as the service's `claims` option sees it.
 *
 * @example
 * ```ts
 * const claims = (user: AccessTokenUser) => ({ _id: user.id });
 * ```
 */
export interface AccessTokenUser {
  /** The user id (the token's `sub`). */
  readonly id: string;
  /** The user's email (`''` for users without one). */
  readonly email: string;
}

/** The claims the service writes itself: never taken from the `claims` option. */
const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'client_id',
  'scope',
  'sid',
  'org',
  'org_path',
  'email',
  'typ',
]);
const MAX_EXTRA_CLAIMS = 16;
const CLAIM_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;

/**
 * Checks what the `claims` option returned: a plain object of at most 16 string (at most 1024
 * characters), finite number or boolean values, named like no claim the service writes.
 * Misuse is the application's: a `TypeError`.
 */
export function checkExtraClaims(value: unknown): Readonly<Record<string, string | number | boolean>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) {
    throw new TypeError('claims must return a plain object');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_EXTRA_CLAIMS) throw new TypeError(`claims must return at most ${MAX_EXTRA_CLAIMS} claims`);
  for (const [name, claim] of entries) {
    if (!CLAIM_NAME.test(name) || RESERVED_CLAIMS.has(name)) {
      throw new TypeError(`claims must not return "${name.slice(0, 64)}": the service writes the registered and its own claims`);
    }
    const ok =
      (typeof claim === 'string' && claim.length <= 1024) || typeof claim === 'boolean' || (typeof claim === 'number' && Number.isFinite(claim));
    if (!ok) throw new TypeError(`claims must return string (at most 1024 characters), finite number or boolean values ("${name}")`);
  }
  return value as Record<string, string | number | boolean>;
}

/** What signing and verifying need (resolved options). */
export interface AccessTokenSettings {
  readonly keyRing: KeyRing;
  readonly issuer: string;
  readonly audience: string;
  /** The RFC 9068 `client_id` claim of every access token issued. */
  readonly clientId: string;
  readonly ttlSeconds: number;
  readonly toleranceSeconds: number;
  readonly maxTokenLength: number;
  /** The separator of organization paths (the policy's, default `'#'`). */
  readonly pathSeparator: string;
}

/** RFC 9068 media type of JWT access tokens, in the short form we write. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

// Our tokens carry exactly these header parameters. Anything else — `jwk`, `jku`, `x5u`, `x5c`,
// `crit`, `b64`, `zip`, … — is refused before any key is chosen or any signature computed.
const ALLOWED_HEADER_PARAMETERS = new Set(['alg', 'typ', 'kid']);
const REQUIRED_CLAIMS = ['sub', 'scope', 'iat', 'exp', 'jti', 'iss', 'aud', 'sid'];
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_ID_LENGTH = 256;
// RFC 7519 §4.1.3: `aud` may be an array; ours must be among at most this many.
const MAX_AUDIENCES = 16;

/** Whether a credential has the shape of a compact JWS (three base64url segments). */
export function isJwtShaped(credential: string): boolean {
  return JWT_SHAPE.test(credential);
}

/** Signs an access token with the newest key. */
export async function signAccessToken(
  settings: AccessTokenSettings,
  claims: AccessTokenClaims,
  extra: Readonly<Record<string, string | number | boolean>> = {},
): Promise<string> {
  const { keyRing } = settings;
  // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti (and scope, §2.2.3). The extra claims
  // (checked: none of these names) first, so nothing of ours could ever be overwritten.
  const payload: JWTPayload = { ...extra, client_id: settings.clientId, scope: claims.scope, sid: claims.sid };
  if (claims.org !== undefined) payload['org'] = claims.org;
  if (claims.org_path !== undefined) payload['org_path'] = claims.org_path;
  if (claims.email !== undefined) payload['email'] = claims.email;
  return new SignJWT(payload)
    .setProtectedHeader({
      alg: keyRing.algorithm,
      typ: ACCESS_TOKEN_TYP,
      ...(keyRing.signingKid === undefined ? {} : { kid: keyRing.signingKid }),
    })
    .setSubject(claims.sub)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .setJti(claims.jti)
    .sign(await keyRing.signingKey());
}

/**
 * Verifies an access token completely: shape, header allow-list, algorithm allow-list, key by
 * `kid` among configured keys only, signature, `typ`, `iss`, `aud`, required claims and their
 * types, `exp`/`nbf`/`iat` against `nowMs` with the clock tolerance.
 *
 * Rejects with `ERR_TOKEN_INVALID`, or `ERR_TOKEN_EXPIRED` (unless `allowExpired`: logout may
 * revoke the session of an expired but authentic token). Revocation is the caller's business.
 */
export async function verifyAccessToken(
  settings: AccessTokenSettings,
  token: string,
  nowMs: number,
  options: { readonly allowExpired?: boolean } = {},
): Promise<AccessTokenClaims> {
  if (token.length > settings.maxTokenLength || !isJwtShaped(token)) invalid();
  return verifyShapedAccessToken(settings, token, nowMs, options);
}

/**
 * {@link verifyAccessToken} for a token the caller has already checked to be at most
 * `settings.maxTokenLength` long and {@link isJwtShaped} (`authenticate` has, to choose between
 * an API key and a JWT): every other check.
 */
export async function verifyShapedAccessToken(
  settings: AccessTokenSettings,
  token: string,
  nowMs: number,
  { allowExpired = false }: { readonly allowExpired?: boolean } = {},
): Promise<AccessTokenClaims> {
  const firstDot = token.indexOf('.');
  const lastDot = token.lastIndexOf('.');
  const encodedHeader = token.slice(0, firstDot);
  // Strict, canonical base64url in every segment: one token string per signed content. (The
  // header's is checked when it is decoded, below or when its verdict was first kept.)
  if (lastDot === token.length - 1 || !isCanonicalBase64url(token.slice(firstDot + 1, lastDot)) || !isCanonicalBase64url(token.slice(lastDot + 1))) {
    invalid();
  }
  const { keyRing } = settings;
  const known = acceptedHeaders.get(keyRing)?.get(encodedHeader);
  const key = known ?? (await keyFor(settings, encodedHeader));

  let payload: JWTPayload;
  let expired = false;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [keyRing.algorithm],
      typ: ACCESS_TOKEN_TYP,
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: REQUIRED_CLAIMS,
      clockTolerance: settings.toleranceSeconds,
      maxTokenAge: settings.ttlSeconds,
      currentDate: new Date(nowMs),
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      // The signature was verified before any claim was checked, and `typ`/`iss`/`aud`/presence
      // checks ran before `exp`: the payload is authentic. Its types are checked below, so a
      // malformed token is reported as invalid rather than expired.
      payload = error.payload;
      expired = true;
    } else if (error instanceof joseErrors.JOSEError) {
      invalid();
    } else {
      throw error;
    }
  }
  if (known === undefined) rememberHeader(keyRing, encodedHeader, key);
  const claims = checkClaims(settings, payload, nowMs);
  if (expired && !allowExpired) fail('ERR_TOKEN_EXPIRED', 'The access token expired');
  return claims;
}

// The header checks of `keyFor` depend on nothing but the encoded header and the key ring (whose
// keys never change), and a service signs every token with one header per key. So the verdict
// on a header is kept — the key it selects — once a token carrying it had a valid signature:
// headers of forged tokens never enter, and at most HEADER_VERDICTS are kept per key ring.
const HEADER_VERDICTS = 32;
const acceptedHeaders = new WeakMap<KeyRing, Map<string, VerificationKey>>();

function rememberHeader(keyRing: KeyRing, encodedHeader: string, key: VerificationKey): void {
  let verdicts = acceptedHeaders.get(keyRing);
  if (verdicts === undefined) acceptedHeaders.set(keyRing, (verdicts = new Map()));
  if (verdicts.size < HEADER_VERDICTS) verdicts.set(encodedHeader, key);
}

async function keyFor(settings: AccessTokenSettings, encodedHeader: string): Promise<VerificationKey> {
  const headerBytes = decodeBase64urlStrict(encodedHeader);
  if (headerBytes === null) invalid();
  let header: unknown;
  try {
    header = JSON.parse(headerBytes.toString('utf8'));
  } catch {
    invalid();
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) invalid();
  for (const name of Object.keys(header)) if (!ALLOWED_HEADER_PARAMETERS.has(name)) invalid();
  const { alg, typ, kid } = header as { alg?: unknown; typ?: unknown; kid?: unknown };
  // Exact, case-sensitive: `none`, `None`, `NONE`, `HS256` on an asymmetric service… all fail here.
  if (alg !== settings.keyRing.algorithm) invalid();
  if (typeof typ !== 'string' || normalizeTyp(typ) !== ACCESS_TOKEN_TYP) invalid();
  const key = settings.keyRing.verificationKey(kid);
  if (key === undefined) invalid();
  return key;
}

function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

function checkClaims(settings: AccessTokenSettings, payload: JWTPayload, nowMs: number): AccessTokenClaims {
  const { sub, scope, iat, exp, jti, aud, nbf } = payload;
  const sid: unknown = payload['sid'];
  const org: unknown = payload['org'];
  const orgPath: unknown = payload['org_path'];
  const email: unknown = payload['email'];
  const now = Math.floor(nowMs / 1000);
  if (!isId(sub) || !isId(jti) || !isId(sid)) invalid();
  if (typeof scope !== 'string') invalid();
  if (!hasAudience(aud, settings.audience)) invalid();
  const clientId: unknown = payload['client_id'];
  if (clientId !== undefined && !isId(clientId)) invalid();
  if (!isEpochSeconds(iat) || !isEpochSeconds(exp) || exp <= iat) invalid();
  if (iat > now + settings.toleranceSeconds) invalid();
  if (nbf !== undefined && (!isEpochSeconds(nbf) || nbf > now + settings.toleranceSeconds)) invalid();
  if (org !== undefined && !isId(org)) invalid();
  // A path only with the organization it is the path of (bounded, no empty segment).
  if (orgPath !== undefined && (org === undefined || !isPathOf(orgPath, org as string, settings.pathSeparator))) invalid();
  if (email !== undefined && (typeof email !== 'string' || email.length > 320)) invalid();
  return Object.freeze({ sub, scope, iat, exp, jti, sid, org, org_path: orgPath as string | undefined, email });
}

/** RFC 7519 §4.1.3: ours, alone or among a few (an array of strings, each an id). */
function hasAudience(aud: unknown, audience: string): boolean {
  if (aud === audience) return true;
  return Array.isArray(aud) && aud.length <= MAX_AUDIENCES && aud.every(isId) && aud.includes(audience);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function isEpochSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function invalid(): never {
  fail('ERR_TOKEN_INVALID', 'Invalid access token');
}
