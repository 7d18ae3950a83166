import { chatshipperPolicy, type ChatShipperPolicy } from '@scopeladder/core';
import type { UserDirectory } from './directory.js';
import type { HashPasswordOptions } from './hash-password.js';
import type { AnyPolicy } from './register.js';
import type { AuthService } from './service-types.js';
import type { AccessTokenUser } from './lib/access-token.js';
import type { TokenStore } from './store.js';
import { createMemoryStore } from './create-memory-store.js';
import type { ServiceContext, ThrottleSettings } from './lib/context.js';
import { checkAbsoluteUrl } from './lib/absolute-url.js';
import { parseDuration } from './lib/duration.js';
import { guard } from './lib/errors.js';
import { createKeyRing, type SigningKeysOptions } from './lib/keys.js';
import { SCRYPT_DEFAULTS, validScryptParameters } from './lib/scrypt.js';
import { defaultRandom, type RandomSource } from './lib/secrets.js';
import { DEFAULT_IPV6_PREFIX_LENGTH } from './lib/source-address.js';
import { createVerifiedTokenCache } from './lib/verified-token-cache.js';
import { authenticate } from './operations/authenticate.js';
import { confirmPassword } from './operations/confirm-password.js';
import { endSessionsOfUser } from './operations/end-sessions-of-user.js';
import { createApiKey } from './operations/create-api-key.js';
import { jwks } from './operations/jwks.js';
import { login } from './operations/login.js';
import { logout } from './operations/logout.js';
import { revoke } from './operations/revoke.js';
import { refresh } from './operations/refresh.js';
import { revokeApiKey } from './operations/revoke-api-key.js';
import { revokeApiKeysOfUser } from './operations/revoke-api-keys-of-user.js';

/**
 * A duration: whole seconds, or a string such as `'90s'`, `'15m'`, `'24h'`, `'30d'`, `'2w'`.
 *
 * @example
 * ```ts
 * const ttl: Duration = process.env.ACCESS_TOKEN_TTL ?? '24h';
 * ```
 */
export type Duration = number | string;

/**
 * Login throttling, after the OWASP Authentication Cheat Sheet: three fixed-window counters in
 * the store, keyed by digests. Every attempt is counted before the password is checked (so a
 * burst of concurrent guesses cannot slip through); a successful login gives its attempt back
 * and clears its (email, source) counter, so only failures use the budget. A refused attempt
 * answers `ERR_LOGIN_THROTTLED` (429) with `retryAfter`, does no password work and is not
 * counted by the counters before the one that refused it.
 *
 * A successful login (or `confirmPassword`) marks its (email, source) pair as known for
 * `knownSourceTtl`; an attempt from a known pair is counted on its own (email, source) counter
 * only, so neither a distributed flood on the email (the per-email backstop) nor a flood from the
 * same address (a NAT, a proxy) locks an owner out of an address they used before. Only the
 * right password makes a pair known.
 *
 * The source is `RequestContext.source` (the adapters pass the client address); an IPv6 address
 * is keyed by its first `ipv6PrefixLength` bits (one host owns a /64), an IPv4-mapped one as the
 * IPv4 address. Without a source, the per-source counter is skipped, the (email, source) counter
 * is one per email for every source-less attempt, and no pair is ever known.
 *
 * @example
 * ```ts
 * const throttle: LoginThrottleOptions = {
 *   maxFailuresPerEmailAndSource: 5,
 *   maxFailuresPerSource: 50,
 *   maxFailuresPerEmail: 50,
 *   window: '15m',
 * };
 * ```
 */
export interface LoginThrottleOptions {
  /**
   * Failed logins per (email, source) pair per window, then refused: one client guessing one
   * account. Default 10.
   */
  readonly maxFailuresPerEmailAndSource?: number | undefined;
  /**
   * Failed logins per source (`RequestContext.source`) per window, whatever the emails, then
   * refused: one client spraying many accounts. Default 100.
   */
  readonly maxFailuresPerSource?: number | undefined;
  /**
   * Failed logins per email per window from every source together, then refused: the backstop
   * against guessing from many addresses. Keep it well above `maxFailuresPerEmailAndSource`, so
   * that locking an account out needs that many sources. Default 100.
   */
  readonly maxFailuresPerEmail?: number | undefined;
  /** The window of every counter. Default `'15m'`. */
  readonly window?: Duration | undefined;
  /**
   * How long an (email, source) pair stays known after its latest successful login, from 1 second
   * to 400 days. Default `'30d'`.
   */
  readonly knownSourceTtl?: Duration | undefined;
  /**
   * The prefix length (16 to 128 bits) an IPv6 source is keyed by: every address in one such
   * prefix is one source. Default 64 (one host's subnet); 56 or 48 group a whole site, at the
   * price of sharing its limits.
   */
  readonly ipv6PrefixLength?: number | undefined;
}

/**
 * Options of {@link createAuthService}. Only `directory` and `keys` are required. `P` is the
 * policy's type, inferred from `policy`.
 *
 * @example
 * ```ts
 * const options: AuthServiceOptions = {
 *   directory,
 *   keys: { algorithm: 'HS256', secret: process.env.JWT_SECRET! },
 *   issuer: 'https://api.example.com',
 *   audience: 'chatshipper-api',
 *   accessTokenTtl: '24h',
 *   expiredTokenStatus: 403,
 * };
 * ```
 */
export interface AuthServiceOptions<P extends AnyPolicy = ChatShipperPolicy> {
  /** Where users live (required). Re-read on every refresh and every API-key request. */
  readonly directory: UserDirectory;
  /**
   * Signing keys (required): `{ algorithm: 'HS256', secret }` (≥ 32 bytes) or
   * `{ algorithm: 'EdDSA' | 'ES256', keys: [{ kid, privateKey, publicKey }, …] }`, newest first.
   */
  readonly keys: SigningKeysOptions;
  /**
   * The policy: its ladder gives the valid roles/scopes and `abilityFor` the abilities. Default
   * `chatshipperPolicy`. Its type is carried through the service (`service.policy`, the ability
   * of `authenticate`) into the adapters' guards.
   */
  readonly policy?: P | undefined;
  /** Refresh families, revocations, API keys, login counters. Default `createMemoryStore()` (one process only). */
  readonly store?: TokenStore | undefined;
  /** The `iss` of access tokens, checked on verify. Default `'scopeladder'`. */
  readonly issuer?: string | undefined;
  /**
   * The `aud` of access tokens, checked on verify: a token whose `aud` is ours, or an array
   * holding ours (RFC 7519 §4.1.3), is accepted. Default `'scopeladder'`.
   */
  readonly audience?: string | undefined;
  /**
   * The RFC 9068 `client_id` claim of every access token: the client the tokens are issued to.
   * The token endpoint has no client registry (its clients are the application's own, with the
   * password grant), so one value names them all. Default: the `issuer`. A `client_id` sent in a
   * token request is not checked against it.
   */
  readonly clientId?: string | undefined;
  /**
   * Extra claims for every access token, from the user it is issued to (ChatShipper's SDK reads
   * the user id from `_id`). Called at each login and refresh; it must return a plain object of
   * at most 16 string, number or boolean values, none named like a claim the service writes
   * (`iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti`, `client_id`, `scope`, `sid`, `org`,
   * `org_path`, `email`, `typ`); otherwise no token is issued: `ERR_INTERNAL` (a 500) caused by
   * a `TypeError` naming the problem. The extra claims are
   * informative: the service never reads them back. Default: none.
   *
   * @example
   * ```ts
   * const claims = (user: { id: string }) => ({ _id: user.id });
   * ```
   */
  readonly claims?: ((user: AccessTokenUser) => Readonly<Record<string, string | number | boolean>>) | undefined;
  /**
   * How the `scope` of access tokens and token responses is written: `'role'` (default), the
   * session's one scope (`'admin'`); `'expanded'`, the whole cascade up to it with the ladder's
   * aliases (`'viewer guest agent bot admin'`), as ChatShipper's own tokens are. Either grants
   * exactly the same (scopes cascade; an alias is its scope).
   */
  readonly scopeFormat?: 'role' | 'expanded' | undefined;
  /** Access-token lifetime, 1 s to 7 d. Default `'24h'` (ChatShipper). */
  readonly accessTokenTtl?: Duration | undefined;
  /** Refresh-token lifetime (sliding: each rotation starts a new one), 1 min to 365 d. Default `'30d'`. */
  readonly refreshTokenTtl?: Duration | undefined;
  /** The clock, epoch milliseconds. Default `Date.now`. Inject a fake one in tests. */
  readonly clock?: (() => number) | undefined;
  /** Leeway for `exp`, `nbf` and `iat` checks, 0 to 300 s. Default `'5s'`. */
  readonly clockTolerance?: Duration | undefined;
  /** The longest accepted bearer credential, in characters, 256 to 65 536. Default 4096. */
  readonly maxTokenLength?: number | undefined;
  /** The status for `ERR_TOKEN_EXPIRED`: 403 (ChatShipper, default) or 401 (RFC 6750). Exposed as `service.http`. */
  readonly expiredTokenStatus?: 401 | 403 | undefined;
  /** The `realm` of `WWW-Authenticate` challenges. Default `'scopeladder'`. Exposed as `service.http`. */
  readonly realm?: string | undefined;
  /**
   * The URL of this API's RFC 9728 protected-resource metadata (what the adapters' discovery
   * routes serve, e.g. `'https://api.example.com/.well-known/oauth-protected-resource'`): every
   * 401 challenge then carries `resource_metadata="<url>"`, which MCP clients follow. An absolute
   * https URL (http on loopback only). Default: none. Exposed as `service.http.resourceMetadata`.
   */
  readonly resourceMetadataUrl?: string | undefined;
  /** Whether API keys may hold the top scope of the ladder (`admin`). Default `false`. */
  readonly allowAdminApiKeys?: boolean | undefined;
  /** Login throttling (see {@link LoginThrottleOptions}), or `false` to turn it off. Default: on, with its defaults. */
  readonly throttle?: LoginThrottleOptions | false | undefined;
  /** The scrypt cost of stored password hashes, spent on unknown emails too. Default: `hashPassword`'s. */
  readonly passwordHashOptions?: HashPasswordOptions | undefined;
  /**
   * Verified-token cache size (tokens), or `0` to turn caching off. Default 10 000. Tokens unused
   * the longest are evicted first (in two generations: at least the half most recently used stays).
   */
  readonly verifiedTokenCacheSize?: number | undefined;
  /** Random bytes. Default `node:crypto` `randomBytes`. Only tests should replace it. */
  readonly random?: RandomSource | undefined;
}

const DEFAULT_ISSUER = 'scopeladder';
const DEFAULT_REALM = 'scopeladder';
const MAX_NAME_LENGTH = 256;

/**
 * Creates the auth service: password login, 24-hour JWT access tokens, rotating refresh tokens
 * with reuse detection, live bot API keys, and `authenticate(header)` → principal + CASL ability.
 * `endSessionsOfUser` ends a user's sessions when its privileges change; `confirmPassword`
 * re-authenticates a user before sensitive changes.
 *
 * Every option is validated here: a weak HS256 secret (< 32 bytes), an unknown algorithm, a
 * missing directory or any malformed option is a `TypeError` naming the option. Every method of
 * the service rejects only with `ScopeladderError`s whose codes core's `httpErrorFor` maps to HTTP.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy, httpErrorFor } from '@scopeladder/core';
 * import { createAuthService, createMemoryDirectory, hashPassword } from '@scopeladder/tokens';
 *
 * const directory = createMemoryDirectory([
 *   { id: '5f0c8a1e9b3d2c4a6e8f0a1b', email: 'ada@example.com', role: 'admin',
 *     passwordHash: await hashPassword('correct horse battery staple') },
 * ]);
 * const auth = createAuthService({
 *   policy: chatshipperPolicy,
 *   directory,
 *   keys: { algorithm: 'HS256', secret: process.env.JWT_SECRET! },
 *   issuer: 'https://api.example.com',
 *   audience: 'chatshipper-api',
 * });
 *
 * const { token, refreshToken } = await auth.login({ email: 'ada@example.com', password: '…' });
 * const { principal, ability } = await auth.authenticate(`Bearer ${token}`);
 * ability.can('create', 'Organization'); // true for admin
 * // on error: const { status, headers, body } = httpErrorFor(error, auth.http);
 * ```
 *
 * The service is typed with its policy: `auth.policy.can(p, 'lsit', 'User')` and
 * `ability.can('lsit', 'User')` do not compile, nor do guards of the adapters built on it.
 */
export function createAuthService<P extends AnyPolicy = ChatShipperPolicy>(options: AuthServiceOptions<P>): AuthService<P> {
  if (typeof options !== 'object' || options === null) throw new TypeError('createAuthService: options are required');
  const context = resolveContext(options);
  const http = Object.freeze({
    realm: checkName('realm', options.realm ?? DEFAULT_REALM),
    expiredTokenStatus: checkExpiredStatus(options.expiredTokenStatus),
    ...(options.resourceMetadataUrl === undefined
      ? {}
      : { resourceMetadata: checkAbsoluteUrl('resourceMetadataUrl', options.resourceMetadataUrl, { noQuery: true }) }),
  });
  const service: AuthService<AnyPolicy> = {
    policy: context.policy,
    http,
    login: (input, request) => guard(() => login(context, input, request)),
    refresh: (refreshToken, _request, refreshOptions) => guard(() => refresh(context, refreshToken, refreshOptions)),
    // Rejects only with ScopeladderErrors by itself (the hot path skips one async layer).
    authenticate: (authorization) => authenticate(context, authorization),
    logout: (accessToken) => guard(() => logout(context, accessToken)),
    revoke: (token) => guard(() => revoke(context, token)),
    endSessionsOfUser: (userId, endOptions) => guard(() => endSessionsOfUser(context, userId, endOptions)),
    confirmPassword: (userId, password, request) => guard(() => confirmPassword(context, userId, password, request)),
    createApiKey: (botUserId, scopes, keyOptions) => guard(() => createApiKey(context, botUserId, scopes, keyOptions)),
    revokeApiKey: (keyId) => guard(() => revokeApiKey(context, keyId)),
    revokeApiKeysOfUser: (userId) => guard(() => revokeApiKeysOfUser(context, userId)),
    jwks: () => guard(() => jwks(context)),
  };
  // The policy is `options.policy` (a `P`) or, without one, `chatshipperPolicy` (P's default);
  // every ability the service hands out is that policy's own.
  return Object.freeze(service) as AuthService<AnyPolicy> as AuthService<P>;
}

function resolveContext(options: AuthServiceOptions<AnyPolicy>): ServiceContext {
  const directory = options.directory;
  if (
    typeof directory !== 'object' ||
    directory === null ||
    typeof directory.findById !== 'function' ||
    typeof directory.findByEmail !== 'function'
  ) {
    throw new TypeError('directory is required: an object with findById(id) and findByEmail(email)');
  }
  if (directory.verifyPassword !== undefined && typeof directory.verifyPassword !== 'function') {
    throw new TypeError('directory.verifyPassword must be a function when given');
  }
  if (directory.findOrganization !== undefined && typeof directory.findOrganization !== 'function') {
    throw new TypeError('directory.findOrganization must be a function when given');
  }

  const policy = options.policy ?? chatshipperPolicy;
  if (
    typeof policy !== 'object' ||
    policy === null ||
    typeof policy.abilityFor !== 'function' ||
    typeof policy.ladder !== 'object' ||
    policy.ladder === null ||
    !Array.isArray(policy.ladder.scopes) ||
    policy.ladder.scopes.length === 0
  ) {
    throw new TypeError('policy must be a policy from @scopeladder/core (chatshipperPolicy or definePolicy(...))');
  }

  const store = options.store ?? createMemoryStore();
  const storeMethods = [
    'saveRefreshToken',
    'findRefreshToken',
    'rotateRefreshToken',
    'revokeFamily',
    'isFamilyRevoked',
    'revokeFamiliesOfUser',
    'revokeAccessToken',
    'isAccessTokenRevoked',
    'saveApiKey',
    'findApiKey',
    'deleteApiKey',
    'deleteApiKeysOfUser',
    'listApiKeysOfUser',
    'hit',
    'peek',
    'releaseHit',
    'clearHits',
  ] as const;
  if (typeof store !== 'object' || store === null || storeMethods.some((name) => typeof store[name] !== 'function')) {
    throw new TypeError(`store must implement TokenStore (${storeMethods.join(', ')})`);
  }

  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function') throw new TypeError('clock must be a function returning epoch milliseconds');
  const random = options.random ?? defaultRandom;
  if (typeof random !== 'function') throw new TypeError('random must be a function (size) => Uint8Array');

  const ttlSeconds = parseDuration('accessTokenTtl', options.accessTokenTtl ?? '24h', { min: 1, max: 7 * 86_400 });
  const refreshTtlSeconds = parseDuration('refreshTokenTtl', options.refreshTokenTtl ?? '30d', { min: 60, max: 365 * 86_400 });
  const toleranceSeconds = parseDuration('clockTolerance', options.clockTolerance ?? '5s', { min: 0, max: 300 });
  const maxTokenLength = options.maxTokenLength ?? 4096;
  if (!Number.isSafeInteger(maxTokenLength) || maxTokenLength < 256 || maxTokenLength > 65_536) {
    throw new TypeError('maxTokenLength must be an integer between 256 and 65536');
  }
  const allowAdminApiKeys = options.allowAdminApiKeys ?? false;
  if (typeof allowAdminApiKeys !== 'boolean') throw new TypeError('allowAdminApiKeys must be a boolean');

  const cacheSize = options.verifiedTokenCacheSize ?? 10_000;
  if (!Number.isSafeInteger(cacheSize) || cacheSize < 0 || cacheSize > 10_000_000) {
    throw new TypeError('verifiedTokenCacheSize must be an integer between 0 and 10000000');
  }

  const passwordWork = {
    N: options.passwordHashOptions?.N ?? SCRYPT_DEFAULTS.N,
    r: options.passwordHashOptions?.r ?? SCRYPT_DEFAULTS.r,
    p: options.passwordHashOptions?.p ?? SCRYPT_DEFAULTS.p,
  };
  if (!validScryptParameters(passwordWork)) {
    throw new TypeError('passwordHashOptions must hold scrypt parameters hashPassword accepts (N a power of two in [2^10, 2^20], r 1–32, p 1–16)');
  }

  return {
    policy,
    ladder: policy.ladder,
    directory,
    store,
    tokens: {
      keyRing: createKeyRing(options.keys),
      issuer: checkName('issuer', options.issuer ?? DEFAULT_ISSUER),
      audience: checkName('audience', options.audience ?? DEFAULT_ISSUER),
      clientId: checkName('clientId', options.clientId ?? options.issuer ?? DEFAULT_ISSUER),
      ttlSeconds,
      toleranceSeconds,
      maxTokenLength,
      pathSeparator: policy.tenancy?.separator ?? '#',
    },
    claims: checkClaimsOption(options.claims),
    scopeFormat: checkScopeFormat(options.scopeFormat),
    refreshTokenTtlMs: refreshTtlSeconds * 1000,
    clock,
    random,
    allowAdminApiKeys,
    throttle: resolveThrottle(options.throttle),
    cache: cacheSize === 0 ? null : createVerifiedTokenCache(cacheSize),
    passwordWork,
    storeHealth: { unavailable: false },
  };
}

function checkClaimsOption(claims: AuthServiceOptions<AnyPolicy>['claims']): ServiceContext['claims'] {
  if (claims === undefined) return undefined;
  if (typeof claims !== 'function') throw new TypeError('claims must be a function (user) => { [claim]: string | number | boolean }');
  return claims;
}

function checkScopeFormat(format: AuthServiceOptions<AnyPolicy>['scopeFormat']): ServiceContext['scopeFormat'] {
  if (format === undefined) return 'role';
  if (format !== 'role' && format !== 'expanded') throw new TypeError("scopeFormat must be 'role' or 'expanded'");
  return format;
}

const THROTTLE_LIMITS = ['maxFailuresPerEmailAndSource', 'maxFailuresPerSource', 'maxFailuresPerEmail'] as const;
const THROTTLE_DEFAULTS = { maxFailuresPerEmailAndSource: 10, maxFailuresPerSource: 100, maxFailuresPerEmail: 100 } as const;
const THROTTLE_OPTIONS: ReadonlySet<string> = new Set([...THROTTLE_LIMITS, 'window', 'knownSourceTtl', 'ipv6PrefixLength']);
const MAX_KNOWN_SOURCE_TTL_SECONDS = 400 * 86_400;

function resolveThrottle(throttle: AuthServiceOptions<AnyPolicy>['throttle']): ThrottleSettings | null {
  if (throttle === false) return null;
  if (throttle !== undefined && (typeof throttle !== 'object' || throttle === null)) {
    throw new TypeError(`throttle must be false or { ${[...THROTTLE_OPTIONS].join(', ')} }`);
  }
  // A misspelt (or renamed) limit must not silently fall back to its default.
  const unknown = Object.keys(throttle ?? {}).filter((name) => !THROTTLE_OPTIONS.has(name));
  if (unknown.length > 0) {
    throw new TypeError(`throttle has unknown option(s) ${unknown.join(', ')}; known: ${[...THROTTLE_OPTIONS].join(', ')}`);
  }
  const limits = { ...THROTTLE_DEFAULTS } as Record<(typeof THROTTLE_LIMITS)[number], number>;
  for (const name of THROTTLE_LIMITS) {
    const value: unknown = throttle?.[name] ?? THROTTLE_DEFAULTS[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new TypeError(`throttle.${name} must be a positive integer`);
    }
    limits[name] = value;
  }
  const windowSeconds = parseDuration('throttle.window', throttle?.window ?? '15m', { min: 1, max: 86_400 });
  const knownSeconds = parseDuration('throttle.knownSourceTtl', throttle?.knownSourceTtl ?? '30d', { min: 1, max: MAX_KNOWN_SOURCE_TTL_SECONDS });
  const ipv6PrefixLength: unknown = throttle?.ipv6PrefixLength ?? DEFAULT_IPV6_PREFIX_LENGTH;
  if (typeof ipv6PrefixLength !== 'number' || !Number.isInteger(ipv6PrefixLength) || ipv6PrefixLength < 16 || ipv6PrefixLength > 128) {
    throw new TypeError('throttle.ipv6PrefixLength must be an integer from 16 to 128');
  }
  return { ...limits, windowMs: windowSeconds * 1000, knownSourceTtlMs: knownSeconds * 1000, ipv6PrefixLength };
}

function checkName(name: string, value: unknown): string {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value === '' || value.length > MAX_NAME_LENGTH || /[\x00-\x1f\x7f]/.test(value)) {
    throw new TypeError(`${name} must be a non-empty string of at most ${MAX_NAME_LENGTH} characters, without control characters`);
  }
  return value;
}

function checkExpiredStatus(value: unknown): 401 | 403 {
  if (value === undefined) return 403;
  if (value !== 401 && value !== 403) throw new TypeError('expiredTokenStatus must be 401 or 403');
  return value;
}
