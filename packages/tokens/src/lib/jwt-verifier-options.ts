import { chatshipperPolicy, type HttpErrorOptions } from '@scopeladder/core';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AnyPolicy } from '../register.js';
import type { JwtVerifierOptions, OrganizationOf } from '../create-jwt-verifier.js';
import { parseDuration } from './duration.js';
import { checkProviderScopes, readScopeClaim } from './provider-claims.js';

const ASYMMETRIC: ReadonlySet<string> = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);
const SYMMETRIC: ReadonlySet<string> = new Set(['HS256', 'HS384', 'HS512']);
const WHERE = 'createJwtVerifier';

/** {@link JwtVerifierOptions}, checked and with defaults. */
export interface ResolvedJwtVerifierOptions {
  readonly policy: AnyPolicy;
  readonly http: HttpErrorOptions;
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly algorithms: readonly string[];
  readonly keys: JWTVerifyGetKey;
  readonly typ: string | undefined;
  readonly clockToleranceSeconds: number;
  readonly maxTokenLength: number;
  readonly scopesOf: (claims: JWTPayload) => readonly string[];
  readonly toLadder: (scope: string) => string | undefined;
  readonly organizationOf: ((claims: JWTPayload) => OrganizationOf | undefined | PromiseLike<OrganizationOf | undefined>) | undefined;
  readonly organizationClaims: { readonly claim: string; readonly pathClaim: string | undefined } | undefined;
  readonly isRevoked: JwtVerifierOptions<AnyPolicy>['isRevoked'];
  readonly map: JwtVerifierOptions<AnyPolicy>['map'];
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function assertFunctionOrUndefined(value: unknown, name: string, shape: string): void {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`${WHERE}: ${name} must be a function ${shape}`);
}

function resolveAlgorithms(algorithms: unknown, allowSymmetric: unknown): readonly string[] {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new TypeError(`${WHERE}: algorithms is required: the provider's signing algorithms, e.g. ['RS256'] (never 'none')`);
  }
  for (const algorithm of algorithms) {
    if (SYMMETRIC.has(algorithm as string)) {
      if (allowSymmetric !== true) {
        throw new TypeError(
          `${WHERE}: ${String(algorithm)} is a shared-secret algorithm: anyone holding the secret can mint tokens; set allowSymmetric: true to accept it knowingly`,
        );
      }
    } else if (!ASYMMETRIC.has(algorithm as string)) {
      throw new TypeError(`${WHERE}: algorithms may hold only ${[...ASYMMETRIC, ...SYMMETRIC].join(', ')}`);
    }
  }
  return Object.freeze([...(algorithms as string[])]);
}

function resolveKeys(jwks: unknown, options: JwtVerifierOptions<AnyPolicy>): JWTVerifyGetKey {
  if (jwks instanceof URL) {
    if (jwks.protocol !== 'https:' && !(jwks.protocol === 'http:' && options.allowInsecureJwksUrl === true)) {
      throw new TypeError(`${WHERE}: jwks must be an https: URL (allowInsecureJwksUrl: true for a local stand-in)`);
    }
    const timeout = parseDuration(`${WHERE}: jwksTimeout`, options.jwksTimeout ?? '5s', { min: 1, max: 60 });
    const cooldown = parseDuration(`${WHERE}: jwksCooldown`, options.jwksCooldown ?? '30s', { min: 0, max: 3600 });
    const cacheMaxAge = parseDuration(`${WHERE}: jwksCacheMaxAge`, options.jwksCacheMaxAge ?? '10m', { min: 1, max: 86_400 });
    return createRemoteJWKSet(jwks, { timeoutDuration: timeout * 1000, cooldownDuration: cooldown * 1000, cacheMaxAge: cacheMaxAge * 1000 });
  }
  if (typeof jwks === 'object' && jwks !== null && Array.isArray((jwks as JSONWebKeySet).keys) && (jwks as JSONWebKeySet).keys.length > 0) {
    return createLocalJWKSet(jwks as JSONWebKeySet);
  }
  throw new TypeError(`${WHERE}: jwks is required: the provider's JWKS URL (new URL('https://…/jwks.json')) or a key set { keys: [...] }`);
}

function resolveScopes(options: JwtVerifierOptions<AnyPolicy>, policy: AnyPolicy): Pick<ResolvedJwtVerifierOptions, 'scopesOf' | 'toLadder'> {
  const { scopes } = options;
  if (typeof scopes !== 'object' || scopes === null) {
    throw new TypeError(
      `${WHERE}: scopes is required: { claim: 'scope' | 'scp' | 'permissions' | 'realm_access.roles' | (claims) => string[], map }`,
    );
  }
  const { claim, map } = scopes;
  let scopesOf: ResolvedJwtVerifierOptions['scopesOf'];
  if (typeof claim === 'function') scopesOf = (claims) => checkProviderScopes(claim(claims));
  else if (isNonEmptyString(claim)) scopesOf = (claims) => readScopeClaim(claims, claim);
  else
    throw new TypeError(
      `${WHERE}: scopes.claim must be a claim name or dotted path ('scope', 'scp', 'realm_access.roles') or a function (claims) => string[]`,
    );
  let toLadder: (scope: string) => string | undefined;
  if (typeof map === 'function') {
    toLadder = map;
  } else if (typeof map === 'object' && map !== null) {
    const table = new Map<string, string>();
    for (const [provider, ladderScope] of Object.entries(map)) {
      if (!policy.ladder.has(ladderScope)) {
        throw new TypeError(`${WHERE}: scopes.map['${provider}'] must be a scope of the policy's ladder (${policy.ladder.scopes.join(', ')})`);
      }
      table.set(provider, ladderScope);
    }
    toLadder = (scope) => table.get(scope);
  } else {
    throw new TypeError(
      `${WHERE}: scopes.map is required: provider scope → ladder scope, e.g. { 'chatshipper:admin': 'admin' } (unknown scopes grant nothing)`,
    );
  }
  return { scopesOf, toLadder };
}

/** Checks every option of `createJwtVerifier` (a `TypeError` naming it) and applies the defaults. */
export function resolveJwtVerifierOptions(options: JwtVerifierOptions<AnyPolicy>): ResolvedJwtVerifierOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${WHERE}: options are required`);
  const policy = (options.policy ?? chatshipperPolicy) as AnyPolicy;
  if (typeof policy !== 'object' || policy === null || typeof policy.abilityFor !== 'function') {
    throw new TypeError(`${WHERE}: policy must be a policy (definePolicy or chatshipperPolicy from @scopeladder/core)`);
  }
  if (!isNonEmptyString(options.issuer))
    throw new TypeError(`${WHERE}: issuer is required: the provider's exact iss, e.g. 'https://example.eu.auth0.com/'`);
  const { audience } = options;
  if (!isNonEmptyString(audience) && !(Array.isArray(audience) && audience.length > 0 && audience.every(isNonEmptyString))) {
    throw new TypeError(`${WHERE}: audience is required: this API's identifier at the provider (a string or strings)`);
  }
  const algorithms = resolveAlgorithms(options.algorithms, options.allowSymmetric);
  const keys = resolveKeys(options.jwks, options);
  if (options.typ !== null && !isNonEmptyString(options.typ)) {
    throw new TypeError(
      `${WHERE}: typ is required: the provider's token type header ('at+jwt' for RFC 9068 tokens, 'JWT' for most providers), or null to accept any`,
    );
  }
  const clockToleranceSeconds = parseDuration(`${WHERE}: clockTolerance`, options.clockTolerance ?? '5s', { min: 0, max: 300 });
  const maxTokenLength = options.maxTokenLength ?? 8192;
  if (!Number.isSafeInteger(maxTokenLength) || maxTokenLength < 256 || maxTokenLength > 65_536) {
    throw new TypeError(`${WHERE}: maxTokenLength must be a whole number from 256 to 65536`);
  }
  const { scopesOf, toLadder } = resolveScopes(options, policy);
  const { organization } = options;
  let organizationOf: ResolvedJwtVerifierOptions['organizationOf'];
  let organizationClaims: ResolvedJwtVerifierOptions['organizationClaims'];
  if (typeof organization === 'function') organizationOf = organization;
  else if (typeof organization === 'object' && organization !== null && isNonEmptyString(organization.claim)) {
    if (organization.pathClaim !== undefined && !isNonEmptyString(organization.pathClaim)) {
      throw new TypeError(`${WHERE}: organization.pathClaim must be a claim name`);
    }
    organizationClaims = { claim: organization.claim, pathClaim: organization.pathClaim };
  } else if (organization !== undefined) {
    throw new TypeError(
      `${WHERE}: organization must be { claim, pathClaim? } or a function (claims) => { organization, organizationPath? } | undefined`,
    );
  }
  assertFunctionOrUndefined(options.isRevoked, 'isRevoked', '(claims) => boolean | Promise<boolean>');
  assertFunctionOrUndefined(options.map, 'map', '(principal, claims) => principal');
  if (options.http !== undefined && (typeof options.http !== 'object' || options.http === null)) {
    throw new TypeError(`${WHERE}: http must be core's HttpErrorOptions ({ realm?, expiredTokenStatus?, resourceMetadata? })`);
  }
  return {
    policy,
    http: Object.freeze({ ...options.http }),
    issuer: options.issuer,
    audience: typeof audience === 'string' ? audience : Object.freeze([...(audience as readonly string[])]),
    algorithms,
    keys,
    typ: options.typ ?? undefined,
    clockToleranceSeconds,
    maxTokenLength,
    scopesOf,
    toLadder,
    organizationOf,
    organizationClaims,
    isRevoked: options.isRevoked,
    map: options.map,
  };
}
