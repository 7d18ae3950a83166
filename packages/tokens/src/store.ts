/**
 * The storage contract of @scopeladder/tokens. Implementations: the in-memory default
 * (`createMemoryStore`) and `@scopeladder/redis`. One contract test suite runs against both.
 *
 * Rules every implementation keeps:
 * - Only digests are stored (never a refresh token or API key in clear); the service computes
 *   digests, the store treats them as opaque strings (64 lowercase hex chars, SHA-256).
 * - Every record expires by itself at its `expiresAt` (epoch milliseconds) — the in-memory store
 *   by a sweep, Redis by TTLs. API keys never expire: they live until deleted.
 * - `now` is always passed in (epoch ms): stores never read a clock for decisions, so tests can
 *   use a fake clock. (A store may use its own clock only to *purge* already-expired records.)
 * - Operations that two server instances could race on are atomic (see each method).
 * - A store that cannot reach its backend throws `ScopeladderError('ERR_STORE_UNAVAILABLE')`.
 */

/** A refresh token as stored: its digest and the family (login session) it belongs to. */
export interface RefreshTokenRecord {
  /** SHA-256 hex digest of the whole refresh token string. */
  readonly digest: string;
  /** The user the token was issued to. */
  readonly userId: string;
  /** The family: one per login; every rotation stays in the family. */
  readonly familyId: string;
  /** Epoch ms after which the token is no longer accepted. */
  readonly expiresAt: number;
  /**
   * The organization (an id) the session acts in, for users with memberships; absent otherwise.
   * Set at login and carried unchanged by every rotation (`next.organization` equals the old
   * record's); stores keep it and hand it back.
   */
  readonly organization?: string | undefined;
  /**
   * The scope the session was narrowed to (RFC 6749 `scope` at login or refresh), a scope of the
   * policy's ladder; absent when it acts with the user's full role. Like `organization`: carried
   * by every rotation (or lowered by a refresh that narrows again); stores keep it and hand it back.
   */
  readonly scope?: string | undefined;
  /**
   * Epoch ms until which the family may hold live credentials: this refresh token, and the access
   * tokens issued with it (which can outlive it when the access-token lifetime is the longer
   * one). Only read by {@link TokenStore.saveRefreshToken} and {@link TokenStore.rotateRefreshToken}
   * (for `next`), for the user's session index: the family stays in the index, and
   * {@link TokenStore.revokeFamiliesOfUser} revokes it, until the latest such time. Default:
   * `expiresAt`. Stores do not return it (records read back never carry it).
   */
  readonly familyExpiresAt?: number | undefined;
}

/**
 * Options of {@link TokenStore.revokeFamiliesOfUser}.
 *
 * @example
 * ```ts
 * const options: RevokeFamiliesOptions = { except: auth.token.familyId };
 * ```
 */
export interface RevokeFamiliesOptions {
  /** A family to leave live (the caller's own session), e.g. `AuthenticatedToken.familyId`. */
  readonly except?: string | undefined;
}

/** The outcome of {@link TokenStore.rotateRefreshToken}. */
export type RotateRefreshResult =
  /** The old token was current: it is now spent and `next` is stored. */
  | { readonly status: 'rotated'; readonly record: RefreshTokenRecord }
  /** The old token was already spent (reuse): the family is now revoked. */
  | { readonly status: 'reused'; readonly record: RefreshTokenRecord }
  /** No such token (never issued, or purged after expiry). */
  | { readonly status: 'not_found' }
  /** The token exists but expired. */
  | { readonly status: 'expired'; readonly record: RefreshTokenRecord }
  /** The token's family was revoked (logout or earlier reuse). */
  | { readonly status: 'revoked'; readonly record: RefreshTokenRecord };

/** A bot API key as stored. Never expires; deleted to revoke. */
export interface ApiKeyRecord {
  /** SHA-256 hex digest of the key: the lookup key. */
  readonly digest: string;
  /** A public identifier for the key (for listing and revoking without the secret). */
  readonly id: string;
  /** The bot user the key acts for. */
  readonly userId: string;
  /** The scopes it was created with (capped live by the bot's role at each request). */
  readonly scopes: readonly string[];
  /**
   * The organization (an id) the key is bound to, for bots with memberships; absent otherwise.
   * At each request the key acts there, capped by the bot's live role there.
   */
  readonly organization?: string | undefined;
  /** Epoch ms of creation. */
  readonly createdAt: number;
}

/** A fixed-window counter's state after a hit. */
export interface ThrottleState {
  /** Hits inside the current window, this one included. */
  readonly count: number;
  /** Epoch ms at which the window ends and the count resets. */
  readonly resetAt: number;
}

/**
 * Optional part of a {@link TokenStore} that keeps a local view of credential state current
 * across instances (`@scopeladder/redis` does): the auth service remembers there what it derived
 * for an API key (the key's record, its bot's live role and organization), and the store drops
 * it when the key is deleted or replaced, or the bot's sessions are ended (`endSessionsOfUser`,
 * which a role, membership or deletion of the bot is followed by), on every instance within the
 * store's documented bound.
 *
 * @example
 * ```ts
 * const cache: ApiKeyCache | undefined = store.apiKeyCache;
 * const ticket = cache?.ticket() ?? null; // before reading the key and the bot
 * // … read and check them, derive `result` …
 * cache?.set(ticket, digest, userId, result);
 * ```
 */
export interface ApiKeyCache {
  /** A stamp to take BEFORE reading the key and its user, for {@link set}; `null` when nothing may be remembered now. */
  ticket(): number | null;
  /** What was remembered for this key digest, when the store can vouch that nothing changed since; else `undefined`. */
  get(digest: string): unknown;
  /** Remembers `value` for `digest` (a key of `userId`), unless something changed since `ticket` was taken. */
  set(ticket: number | null, digest: string, userId: string, value: unknown): void;
}

/**
 * Storage for refresh families, revocations, API keys and login throttling.
 *
 * @example
 * ```ts
 * import { createAuthService, createMemoryStore, type TokenStore } from '@scopeladder/tokens';
 *
 * const store: TokenStore = createMemoryStore(); // or createRedisStore(...) from @scopeladder/redis
 * const auth = createAuthService({ directory, store, keys });
 * ```
 */
export interface TokenStore {
  /** Stores a fresh refresh token (first of a family, at login), and indexes its family under its user. */
  saveRefreshToken(record: RefreshTokenRecord): Promise<void>;

  /**
   * The record stored under `digest` (current or spent), or `null` when there is none (never
   * issued, or purged after expiry). Read-only: the service calls it to learn the token's
   * `familyId`/`userId` before {@link rotateRefreshToken}, which stays the only decision point.
   */
  findRefreshToken(digest: string): Promise<RefreshTokenRecord | null>;

  /**
   * Atomically spends the token with digest `oldDigest` and stores `next` in its place, if and
   * only if the old one is current (not spent, not expired at `now`, family not revoked).
   * Of many concurrent calls with the same `oldDigest`, exactly one returns `rotated`.
   * Checks, in this order: no record → `not_found`; `expiresAt <= now` → `expired`; family
   * revoked → `revoked`; already spent → the family is revoked until
   * `max(next.expiresAt, old.expiresAt)` and `reused` is returned; else → `rotated`.
   * In every result that carries a `record`, it is the OLD token's record.
   * A spent token is remembered until its own `expiresAt`.
   * `next.familyId`, `next.userId` and `next.organization` must equal the old record's; the store checks nothing
   * about them beyond storing. On `rotated`, in the same atomic step, the user's session index
   * keeps the family until at least `next.familyExpiresAt ?? next.expiresAt`.
   */
  rotateRefreshToken(oldDigest: string, next: RefreshTokenRecord, now: number): Promise<RotateRefreshResult>;

  /** Revokes a whole family: every refresh token in it, and (by `isFamilyRevoked`) every access token issued from it. Kept until `expiresAt`. */
  revokeFamily(familyId: string, expiresAt: number): Promise<void>;

  /** Whether a family was revoked. */
  isFamilyRevoked(familyId: string, now: number): Promise<boolean>;

  /**
   * Ends every session of a user at once: atomically revokes each family of `userId` still live
   * at `now` (its latest `familyExpiresAt`, else `expiresAt`, is after `now`), except
   * `options.except`, each until that family's own latest `familyExpiresAt`; resolves how many
   * it revoked. Families saved or rotated after it resolves are not affected (a new login works
   * at once). Atomic with {@link rotateRefreshToken}: a rotation racing it either happens before
   * (and its new token is revoked with the family) or after (and answers `revoked`), so no live
   * family is left behind. To make this possible the store keeps a per-user index of families,
   * written by {@link saveRefreshToken} and {@link rotateRefreshToken}, each family until its
   * latest `familyExpiresAt`.
   */
  revokeFamiliesOfUser(userId: string, now: number, options?: RevokeFamiliesOptions): Promise<number>;

  /** Revokes one access token by its `jti`, remembered until the token's own `expiresAt`. */
  revokeAccessToken(jti: string, expiresAt: number): Promise<void>;

  /** Whether an access token's `jti` was revoked. */
  isAccessTokenRevoked(jti: string, now: number): Promise<boolean>;

  /** Stores an API key. */
  saveApiKey(record: ApiKeyRecord): Promise<void>;

  /** Finds an API key by digest, or `null`. */
  findApiKey(digest: string): Promise<ApiKeyRecord | null>;

  /** Deletes one API key by its public id; resolves `true` if one was deleted. */
  deleteApiKey(id: string): Promise<boolean>;

  /** Deletes every API key of a user (the bot was deleted); resolves how many. */
  deleteApiKeysOfUser(userId: string): Promise<number>;

  /** Lists a user's API keys (records only: digests, never secrets). */
  listApiKeysOfUser(userId: string): Promise<readonly ApiKeyRecord[]>;

  /**
   * Counts one hit on a fixed-window counter (`key` is opaque, e.g. `login:email:<digest>`).
   * Atomic across instances. The window starts at the first hit and lasts `windowMs`.
   */
  hit(key: string, windowMs: number, now: number): Promise<ThrottleState>;

  /** Reads a counter without counting, or `null` when none is running at `now`. */
  peek(key: string, now: number): Promise<ThrottleState | null>;

  /**
   * Gives one hit back: decrements the counter by one (never below zero) if and only if the
   * window running under `key` is the one that ends at `resetAt` (the `resetAt` its
   * {@link hit} answered), keeping that window and its expiry. Atomic across instances, like
   * `hit`. Resolves the counter after the release, or `null` when that window is no longer
   * running (it ended, was cleared or replaced): nothing is changed then, so a hit from an
   * old window can never be given back to a new one. The service gives back the hits of a
   * successful login and of an attempt refused by a later counter.
   */
  releaseHit(key: string, resetAt: number): Promise<ThrottleState | null>;

  /** Clears a counter (after a successful login). */
  clearHits(key: string): Promise<void>;

  /** Optional: see {@link ApiKeyCache}. Stores without it are asked on every API-key request. */
  readonly apiKeyCache?: ApiKeyCache | undefined;
}
