import { performance } from 'node:perf_hooks';
import { isScopeladderError, type ChatShipperPolicy, type HttpErrorOptions, type Principal } from '@scopeladder/core';
import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { parseAuthorizationHeader } from './lib/authorization-header.js';
import { authenticateChannel, publishAuthenticated, publishAuthenticationFailure } from './lib/diagnostics.js';
import type { Duration } from './create-auth-service.js';
import { fail, guard } from './lib/errors.js';
import { resolveJwtVerifierOptions, type ResolvedJwtVerifierOptions } from './lib/jwt-verifier-options.js';
import { principalOf } from './lib/principal-of.js';
import { readStringClaim } from './lib/provider-claims.js';
import type { AnyPolicy } from './register.js';
import type { AuthContext, Authenticator } from './service-types.js';

/**
 * The verified claims of a provider's access token, as the verifier's callbacks receive them: the
 * registered claims and any others (the shape of jose's `JWTPayload`, declared here so that the
 * package's CommonJS typings do not import the ESM-only `jose`).
 *
 * @example
 * ```ts
 * const isRevoked = (claims: JwtClaims): boolean => revokedJtis.has(String(claims.jti));
 * ```
 */
export interface JwtClaims {
  readonly iss?: string | undefined;
  readonly sub?: string | undefined;
  readonly aud?: string | readonly string[] | undefined;
  readonly exp?: number | undefined;
  readonly nbf?: number | undefined;
  readonly iat?: number | undefined;
  readonly jti?: string | undefined;
  readonly [claim: string]: unknown;
}

/**
 * A static key set for {@link createJwtVerifier}'s `jwks` option: a JWKS document (`{ keys: [...] }`),
 * as an identity provider publishes it.
 *
 * @example
 * ```ts
 * const jwks: ProviderKeySet = JSON.parse(await readFile('provider-jwks.json', 'utf8'));
 * ```
 */
export interface ProviderKeySet {
  readonly keys: readonly object[];
}

/**
 * Where a token's organization comes from, for a tenancy policy: the `organization` (an id) and
 * its `organizationPath` (e.g. `'r1#c1'`).
 *
 * @example
 * ```ts
 * const org: OrganizationOf = { organization: 'c1', organizationPath: 'r1#c1' };
 * ```
 */
export interface OrganizationOf {
  readonly organization: string;
  readonly organizationPath?: string | undefined;
}

/**
 * Options of {@link createJwtVerifier}. Everything that decides who may act is explicit:
 * `issuer`, `audience`, `algorithms`, `jwks`, `typ` and how scopes map onto the ladder.
 *
 * @example
 * ```ts
 * const options: JwtVerifierOptions = {
 *   issuer: 'https://sso.example.com/realms/acme',
 *   audience: 'chatshipper-api',
 *   algorithms: ['RS256'],
 *   jwks: new URL('https://sso.example.com/realms/acme/protocol/openid-connect/certs'),
 *   typ: 'JWT',
 *   scopes: { claim: 'realm_access.roles', map: { 'chatshipper-agent': 'agent' } },
 * };
 * ```
 */
export interface JwtVerifierOptions<P extends AnyPolicy = ChatShipperPolicy> {
  /** The policy decisions are made with. Default `chatshipperPolicy`. */
  readonly policy?: P | undefined;
  /** The provider's exact `iss` (Auth0's ends with `/`). Required. */
  readonly issuer: string;
  /** This API's identifier at the provider: the `aud` a token must carry (one of them, if several). Required. */
  readonly audience: string | readonly string[];
  /**
   * The accepted signing algorithms, e.g. `['RS256']` or `['ES256']`: asymmetric ones only unless
   * `allowSymmetric`. `none` is never accepted; a token signed otherwise is `ERR_TOKEN_INVALID`.
   */
  readonly algorithms: readonly string[];
  /** Accept `HS256`/`HS384`/`HS512` in `algorithms` (a shared secret as an `oct` key of `jwks`). Default `false`. */
  readonly allowSymmetric?: boolean | undefined;
  /**
   * The provider's keys: its JWKS URL (fetched with jose's `createRemoteJWKSet`: cached, fetched
   * again when a token names an unknown `kid` — key rotation — at most once per `jwksCooldown`),
   * or a static key set `{ keys: [...] }`.
   */
  readonly jwks: URL | ProviderKeySet;
  /** Allow an `http:` JWKS URL (a local stand-in provider in tests). Default `false`: `https:` only. */
  readonly allowInsecureJwksUrl?: boolean | undefined;
  /** Longest wait for the JWKS endpoint. Default `'5s'`. */
  readonly jwksTimeout?: Duration | undefined;
  /** Least time between two fetches of the JWKS (an unknown `kid` does not make every request fetch). Default `'30s'`. */
  readonly jwksCooldown?: Duration | undefined;
  /** How long fetched keys are used before they are fetched again. Default `'10m'`. */
  readonly jwksCacheMaxAge?: Duration | undefined;
  /**
   * The `typ` header a token must carry: `'at+jwt'` (RFC 9068 access tokens: Okta, Entra ID v2
   * with it enabled, our own), `'JWT'` (Auth0, Keycloak and most others), or `null` to accept any
   * or none — explicitly. Required.
   */
  readonly typ: string | null;
  /** Leeway for `exp`, `nbf` and `iat`, 0 to 300 s. Default `'5s'`. */
  readonly clockTolerance?: Duration | undefined;
  /** The longest accepted bearer token, in characters, 256 to 65 536. Default 8192. */
  readonly maxTokenLength?: number | undefined;
  /**
   * Which claim holds the provider's scopes, and how they map onto the ladder. `claim`: a name
   * or dotted path (`'scope'` — a space-delimited string —, `'scp'`, `'permissions'`,
   * `'realm_access.roles'` — arrays of strings) or a function of the verified claims. `map`:
   * provider scope → ladder scope (`{ 'chatshipper:admin': 'admin' }`; every value must be a
   * scope of the ladder) or a function; a provider scope it does not map grants nothing.
   */
  readonly scopes: {
    readonly claim: string | ((claims: JwtClaims) => readonly string[]);
    readonly map: Readonly<Record<string, string>> | ((providerScope: string) => string | undefined);
  };
  /**
   * Where the principal's organization comes from (tenancy): claims (`{ claim: 'org_id',
   * pathClaim: 'org_path' }`) or a function of the verified claims (a lookup; sync or async).
   * Default: none (the principal has no organization: under tenancy it reaches no organization's records).
   */
  readonly organization?:
    | { readonly claim: string; readonly pathClaim?: string | undefined }
    | ((claims: JwtClaims) => OrganizationOf | undefined | PromiseLike<OrganizationOf | undefined>)
    | undefined;
  /**
   * The application's revocation check (the verifier is stateless: nothing is revoked unless
   * this says so), e.g. a deny-list of `jti`s or of users, or a call to the provider's RFC 7662
   * introspection endpoint. `true`: `ERR_TOKEN_REVOKED` (401). A throw or rejection:
   * `ERR_STORE_UNAVAILABLE` (503) — fail closed.
   */
  readonly isRevoked?: ((claims: JwtClaims) => boolean | PromiseLike<boolean>) | undefined;
  /** The last word on the principal (its `kind`, an `email`, …): gets the derived one and the claims; checked like `resolvePrincipal`'s. */
  readonly map?: ((principal: Principal, claims: JwtClaims) => Principal) | undefined;
  /** Core's HTTP options for every error answer (realm, `expiredTokenStatus`, resource metadata). */
  readonly http?: HttpErrorOptions | undefined;
}

/**
 * A verifier of an identity provider's access tokens: an {@link Authenticator}, so it is an
 * adapter's `service` (resource-server mode: no token routes) or is called directly.
 *
 * @example
 * ```ts
 * const verifier: JwtVerifier = createJwtVerifier(options);
 * const auth = createExpressAuth({ service: verifier });
 * ```
 */
export type JwtVerifier<P extends AnyPolicy = ChatShipperPolicy> = Authenticator<P>;

const UNAVAILABLE = "The identity provider's keys are unavailable";

/** Verifying with the provider's keys: a key set that cannot be had is a 503 (fail closed), an unknown `kid` a bad token. */
function keysOrUnavailable(keys: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
        fail('ERR_TOKEN_INVALID', 'Invalid access token', { cause: error });
      }
      if (error instanceof joseErrors.JOSENotSupported || error instanceof joseErrors.JOSEAlgNotAllowed) {
        fail('ERR_TOKEN_INVALID', 'Invalid access token', { cause: error });
      }
      // A timeout, a refused connection, a non-200 answer, a malformed key set.
      fail('ERR_STORE_UNAVAILABLE', UNAVAILABLE, { cause: error });
    }
  };
}

async function verifyClaims(resolved: ResolvedJwtVerifierOptions, keys: JWTVerifyGetKey, token: string): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: resolved.issuer,
      audience: resolved.audience as string | string[],
      algorithms: resolved.algorithms as string[],
      clockTolerance: resolved.clockToleranceSeconds,
      requiredClaims: ['sub', 'exp'],
      ...(resolved.typ === undefined ? {} : { typ: resolved.typ }),
    });
    return payload;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) fail('ERR_TOKEN_EXPIRED', 'The access token expired', { cause: error });
    if (isScopeladderError(error)) throw error; // from the key lookup
    fail('ERR_TOKEN_INVALID', 'Invalid access token', { cause: error });
  }
}

async function organizationOf(resolved: ResolvedJwtVerifierOptions, claims: JWTPayload): Promise<OrganizationOf | undefined> {
  if (resolved.organizationClaims !== undefined) {
    const organization = readStringClaim(claims, resolved.organizationClaims.claim);
    if (organization === undefined) return undefined;
    const { pathClaim } = resolved.organizationClaims;
    const organizationPath = pathClaim === undefined ? undefined : readStringClaim(claims, pathClaim);
    return { organization, organizationPath };
  }
  return resolved.organizationOf === undefined ? undefined : await resolved.organizationOf(claims);
}

async function checkNotRevoked(resolved: ResolvedJwtVerifierOptions, claims: JWTPayload): Promise<void> {
  if (resolved.isRevoked === undefined) return;
  let revoked: boolean;
  try {
    revoked = await resolved.isRevoked(claims);
  } catch (error) {
    fail('ERR_STORE_UNAVAILABLE', 'The revocation check is unavailable', { cause: error });
  }
  if (revoked !== false) fail('ERR_TOKEN_REVOKED', 'The access token was revoked');
}

/**
 * Creates a verifier of access tokens issued by an identity provider — Auth0, Okta, Keycloak,
 * Entra ID, Cognito — for an API that is a resource server: signature (the provider's JWKS, or
 * static keys), `iss`, `aud`, `alg`, `typ`, `exp`/`nbf` with the clock tolerance, then the
 * provider's scopes mapped onto the policy's ladder (unknown ones grant nothing). Every option is
 * checked here (`TypeError`). It is an {@link Authenticator}: give it to an adapter as `service`.
 *
 * Answers, through core's table: no or a malformed header as our own service does
 * (`ERR_AUTH_REQUIRED`, `ERR_AUTH_SCHEME`, `ERR_AUTH_MALFORMED`); a bad signature, an unknown
 * `kid` (after one fetch of the JWKS), another issuer, audience, algorithm (`none`, `HS256` where
 * only asymmetric ones are allowed) or `typ` `ERR_TOKEN_INVALID` (401); an expired token
 * `ERR_TOKEN_EXPIRED` (403, or 401 with `http.expiredTokenStatus`); the JWKS endpoint down or
 * answering garbage `ERR_STORE_UNAVAILABLE` (503) — never a principal.
 *
 * Stateless: a token is valid until its `exp` — nothing is revoked unless `isRevoked` says so.
 * Keep the provider's access-token lifetime short (5–15 minutes), or check `isRevoked` against a
 * deny-list or the provider's introspection endpoint (RFC 7662; a call per request).
 *
 * @example
 * ```ts
 * import { createJwtVerifier } from '@scopeladder/tokens';
 * import { createExpressAuth } from '@scopeladder/express';
 *
 * const verifier = createJwtVerifier({
 *   issuer: 'https://example.eu.auth0.com/',
 *   audience: 'https://api.example.com',
 *   algorithms: ['RS256'],
 *   jwks: new URL('https://example.eu.auth0.com/.well-known/jwks.json'),
 *   typ: 'JWT',
 *   scopes: { claim: 'permissions', map: { 'chatshipper:admin': 'admin', 'chatshipper:agent': 'agent' } },
 *   organization: { claim: 'org_id' },
 * });
 * const auth = createExpressAuth({ service: verifier });
 * app.get('/v2/conversations', auth.authorize('list', 'Conversation'), handler);
 * ```
 */
export function createJwtVerifier<P extends AnyPolicy = ChatShipperPolicy>(options: JwtVerifierOptions<P>): JwtVerifier<P> {
  const resolved = resolveJwtVerifierOptions(options as JwtVerifierOptions<AnyPolicy>);
  const keys = keysOrUnavailable(resolved.keys);
  const { policy } = resolved;

  async function authenticateNow(authorization: unknown): Promise<AuthContext<AnyPolicy>> {
    const token = parseAuthorizationHeader(authorization, resolved.maxTokenLength);
    const claims = await verifyClaims(resolved, keys, token);
    await checkNotRevoked(resolved, claims);
    const scopes = new Set<string>();
    for (const providerScope of resolved.scopesOf(claims)) {
      const scope = resolved.toLadder(providerScope);
      if (scope !== undefined && policy.ladder.has(scope)) scopes.add(scope);
    }
    const organization = await organizationOf(resolved, claims);
    const derived: Principal = {
      id: claims.sub as string,
      scopes: [...scopes],
      ...(organization === undefined ? {} : { organization: organization.organization }),
      ...(organization?.organizationPath === undefined ? {} : { organizationPath: organization.organizationPath }),
    };
    const principal = principalOf(resolved.map === undefined ? derived : resolved.map(derived, claims), 'createJwtVerifier');
    return {
      principal,
      ability: policy.abilityFor(principal),
      token: Object.freeze({
        kind: 'provider' as const,
        issuer: resolved.issuer,
        expiresAt: claims.exp as number,
        ...(typeof claims.jti === 'string' ? { jti: claims.jti } : {}),
        ...(typeof claims.iat === 'number' ? { issuedAt: claims.iat } : {}),
      }),
    };
  }

  return Object.freeze({
    policy: policy as P,
    http: resolved.http,
    authenticate: (authorization: string | readonly string[] | undefined) => {
      if (!authenticateChannel.hasSubscribers) return guard(() => authenticateNow(authorization)) as Promise<AuthContext<P>>;
      const started = performance.now();
      return guard(() => authenticateNow(authorization)).then(
        (result) => {
          publishAuthenticated(result, started);
          return result as AuthContext<P>;
        },
        (error: unknown) => {
          publishAuthenticationFailure(hasCredential(authorization, resolved.maxTokenLength) ? 'provider' : null, error, started);
          throw error;
        },
      );
    },
  });
}

/** Whether the header carries a bearer credential at all (for an authentication failure's `credential`). */
function hasCredential(authorization: unknown, maxLength: number): boolean {
  try {
    parseAuthorizationHeader(authorization, maxLength);
    return true;
  } catch {
    return false;
  }
}
