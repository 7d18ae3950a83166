import type { DecisionReason, ErrorCode } from '@scopeladder/core';

/**
 * A guard decision, published on `scopeladder:decision` (`DECISION_CHANNEL`). Never carries the
 * record, the request body or a credential: names, ids and codes only.
 *
 * @example
 * ```ts
 * const denied: DecisionMessage = {
 *   version: 1, allowed: false, principalId: 'u1', principalKind: 'user', organization: null,
 *   action: 'list', subject: 'User', level: 'type', field: null, reason: 'insufficient_scope',
 *   requiredScope: 'admin', code: 'ERR_INSUFFICIENT_SCOPE', route: 'GET /v2/users',
 * };
 * ```
 */
export interface DecisionMessage {
  /** The message shape's version (`DIAGNOSTICS_VERSION`). */
  readonly version: 1;
  /** Whether the guard let the request through. */
  readonly allowed: boolean;
  /** The principal's id (`sub` of its token, or the bot's id). */
  readonly principalId: string;
  /** `'user'` or `'bot'`; `null` for a principal of an adapter's own `resolvePrincipal` that says neither. */
  readonly principalKind: 'user' | 'bot' | null;
  /** The organization the principal acts in, or `null` (no tenancy, no membership). */
  readonly organization: string | null;
  /** The action checked, e.g. `"update"`. */
  readonly action: string;
  /** The subject type checked, e.g. `"User"` (never the record). */
  readonly subject: string;
  /**
   * `'type'`: checked on every record of the type (a guard without `load`, or with `load` when
   * no record was found); `'record'`: on the loaded record (one outside the principal's
   * organization is answered like a missing record: `not_found`, or the type-level denial).
   */
  readonly level: 'type' | 'record';
  /** On a denial of a check that named a field, that field; else `null`. */
  readonly field: string | null;
  /**
   * Why: `'granted'` when allowed; on a denial core's `DecisionReason` (`insufficient_scope`,
   * `not_self`, `field_not_permitted`, `forbidden`, …); `'not_found'` when the guard answered
   * `ERR_NOT_FOUND` (no such record, or one outside the principal's organization: the same
   * answer, as over HTTP).
   */
  readonly reason: DecisionReason | 'not_found';
  /** On a denial, the lowest scope that would allow it (`null` when none would); `null` when allowed. */
  readonly requiredScope: string | null;
  /** The error the guard answered (`ERR_INSUFFICIENT_SCOPE`, `ERR_FORBIDDEN`, `ERR_NOT_FOUND`); `null` when allowed. */
  readonly code: 'ERR_INSUFFICIENT_SCOPE' | 'ERR_FORBIDDEN' | 'ERR_NOT_FOUND' | null;
  /** The route the guard protects, as the adapter names it (`"GET /v2/users/:id"`), or `null` when it gave none. */
  readonly route: string | null;
}

/**
 * An `authenticate` result of an `AuthService` or a `createJwtVerifier` verifier, published on
 * `scopeladder:authenticate` (`AUTHENTICATE_CHANNEL`). Never carries the header, the token or
 * the key.
 *
 * @example
 * ```ts
 * const failed: AuthenticateMessage = {
 *   version: 1, ok: false, credential: 'jwt', code: 'ERR_TOKEN_EXPIRED', principalId: null,
 *   principalKind: null, organization: null, sessionId: null, keyId: null, durationMs: 0.08,
 * };
 * ```
 */
export interface AuthenticateMessage {
  /** The message shape's version (`DIAGNOSTICS_VERSION`). */
  readonly version: 1;
  /** Whether the credential was accepted. */
  readonly ok: boolean;
  /**
   * The credential's kind: `'jwt'` (the service's access token), `'apiKey'` (a bot API key) —
   * told apart by shape, failures included — `'provider'` (another issuer's token, at a
   * `createJwtVerifier` verifier), or `null` when the header carried none (missing, another
   * scheme, malformed, neither shape).
   */
  readonly credential: 'jwt' | 'apiKey' | 'provider' | null;
  /** The failure's error code (`ERR_TOKEN_EXPIRED`, `ERR_API_KEY_INVALID`, …); `null` when ok. */
  readonly code: ErrorCode | null;
  /** Who was authenticated; `null` on failure. */
  readonly principalId: string | null;
  /** `'user'` (access token) or `'bot'` (API key); a provider token's principal's `kind`, else `null`; `null` on failure. */
  readonly principalKind: 'user' | 'bot' | null;
  /** The organization the principal acts in; `null` on failure or without one. */
  readonly organization: string | null;
  /** The session (refresh family, the token's `sid`) of an accepted access token; else `null`. */
  readonly sessionId: string | null;
  /** The public id of an accepted API key (never the key); else `null`. */
  readonly keyId: string | null;
  /** How long the call took, in milliseconds (`performance.now()`). */
  readonly durationMs: number;
}

/**
 * Why a login failed (`login.failed`'s `cause`).
 *
 * | cause | meaning |
 * |---|---|
 * | `unknown_user` | no user has this email |
 * | `password` | wrong password (or the user has none, or its stored hash is unusable) |
 * | `organization` | right password, but the user does not reach the organization asked for |
 * | `changed` | the user was deleted or its password changed while the login ran |
 * | `throttled` | refused by login throttling before any password work |
 *
 * @example
 * ```ts
 * const cause: LoginFailureCause = 'throttled';
 * ```
 */
export type LoginFailureCause = 'unknown_user' | 'password' | 'organization' | 'changed' | 'throttled';

/**
 * One credential lifecycle event, published on `scopeladder:credential` (`CREDENTIAL_CHANNEL`);
 * `type` tells which. Never a token, key, password, hash, email or record contents: ids,
 * counts and codes only. `source` is the client address the application passed to
 * `login(…, { source })` (`null` without one).
 *
 * | type | when | fields besides `version`, `type` |
 * |---|---|---|
 * | `login.succeeded` | `login` issued a session | `userId`, `sessionId`, `organization`, `source` |
 * | `login.failed` | `login` refused the credentials or was throttled | `userId` (`null` for an unknown email), `cause`, `code`, `source` |
 * | `refresh.succeeded` | `refresh` rotated a refresh token | `userId`, `sessionId`, `organization` |
 * | `refresh.reused` | a spent refresh token came back: its session (family) and every access token of it are revoked | `userId`, `sessionId`, `familyRevoked: true` |
 * | `logout` | `logout` revoked a session | `userId`, `sessionId` |
 * | `sessions.ended` | `endSessionsOfUser` ended a user's sessions | `userId`, `count`, `kept` (the session `except` kept, or `null`) |
 * | `apikey.created` | `createApiKey` | `keyId`, `userId`, `scopes`, `organization` |
 * | `apikey.revoked` | `revokeApiKey` (`keyId`) or `revokeApiKeysOfUser` (`userId`) | `keyId`, `userId`, `count` |
 * | `throttle.engaged` | a login-throttling counter went over its limit (once per counter and window) | `counter`, `limit`, `retryAfter`, `source` |
 * | `store.unavailable` | the token store failed (`ERR_STORE_UNAVAILABLE`) after working (or at the first call) | none |
 * | `store.recovered` | the token store answered again after `store.unavailable` | none |
 *
 * @example
 * ```ts
 * function describe(event: CredentialEvent): string {
 *   switch (event.type) {
 *     case 'login.failed':
 *       return `login failed (${event.cause}) from ${event.source ?? 'unknown'}`;
 *     case 'refresh.reused':
 *       return `session ${event.sessionId} of ${event.userId} revoked: refresh token reused`;
 *     default:
 *       return event.type;
 *   }
 * }
 * ```
 */
export type CredentialEvent =
  | {
      readonly version: 1;
      readonly type: 'login.succeeded';
      readonly userId: string;
      readonly sessionId: string;
      readonly organization: string | null;
      readonly source: string | null;
    }
  | {
      readonly version: 1;
      readonly type: 'login.failed';
      readonly userId: string | null;
      readonly cause: LoginFailureCause;
      readonly code: 'ERR_INVALID_CREDENTIALS' | 'ERR_LOGIN_THROTTLED';
      readonly source: string | null;
    }
  | {
      readonly version: 1;
      readonly type: 'refresh.succeeded';
      readonly userId: string;
      readonly sessionId: string;
      readonly organization: string | null;
    }
  | {
      readonly version: 1;
      readonly type: 'refresh.reused';
      readonly userId: string;
      readonly sessionId: string;
      readonly familyRevoked: true;
    }
  | { readonly version: 1; readonly type: 'logout'; readonly userId: string; readonly sessionId: string }
  | { readonly version: 1; readonly type: 'sessions.ended'; readonly userId: string; readonly count: number; readonly kept: string | null }
  | {
      readonly version: 1;
      readonly type: 'apikey.created';
      readonly keyId: string;
      readonly userId: string;
      readonly scopes: readonly string[];
      readonly organization: string | null;
    }
  | { readonly version: 1; readonly type: 'apikey.revoked'; readonly keyId: string | null; readonly userId: string | null; readonly count: number }
  | {
      readonly version: 1;
      readonly type: 'throttle.engaged';
      readonly counter: 'source' | 'email_and_source' | 'email';
      readonly limit: number;
      readonly retryAfter: number;
      readonly source: string | null;
    }
  | { readonly version: 1; readonly type: 'store.unavailable' }
  | { readonly version: 1; readonly type: 'store.recovered' };

/**
 * The `type`s of {@link CredentialEvent}.
 *
 * @example
 * ```ts
 * const type: CredentialEventType = 'refresh.reused';
 * ```
 */
export type CredentialEventType = CredentialEvent['type'];
