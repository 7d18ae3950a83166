import type { Ladder, Policy } from '@scopeladder/core';
import type { UserDirectory } from '../directory.js';
import type { TokenStore } from '../store.js';
import type { AccessTokenSettings, AccessTokenUser } from './access-token.js';
import type { RandomSource } from './secrets.js';
import type { ScryptParameters } from './scrypt.js';
import type { VerifiedTokenCache } from './verified-token-cache.js';

/** Resolved login-throttling settings; `null` when throttling is off. */
export interface ThrottleSettings {
  /** Failures per (email, source) pair per window; over it `ERR_LOGIN_THROTTLED`. */
  readonly maxFailuresPerEmailAndSource: number;
  /** Failures per source (client address) per window, whatever the emails. */
  readonly maxFailuresPerSource: number;
  /** Failures per email per window, from every source: the backstop. */
  readonly maxFailuresPerEmail: number;
  readonly windowMs: number;
  /** How long a successful (email, source) pair stays known (skips the source and email counters). */
  readonly knownSourceTtlMs: number;
  /** The prefix length an IPv6 source is keyed by. */
  readonly ipv6PrefixLength: number;
}

/** Everything the operations of one service share: the validated options, resolved. */
export interface ServiceContext {
  readonly policy: Policy;
  readonly ladder: Ladder;
  readonly directory: UserDirectory;
  readonly store: TokenStore;
  readonly tokens: AccessTokenSettings;
  readonly refreshTokenTtlMs: number;
  readonly clock: () => number;
  readonly random: RandomSource;
  readonly allowAdminApiKeys: boolean;
  readonly throttle: ThrottleSettings | null;
  readonly cache: VerifiedTokenCache | null;
  /** The scrypt cost of stored hashes: the work done for unknown emails. */
  readonly passwordWork: ScryptParameters;
  /** The `claims` option: extra access-token claims from the user. */
  readonly claims: ((user: AccessTokenUser) => Readonly<Record<string, unknown>>) | undefined;
  /** The `scopeFormat` option. */
  readonly scopeFormat: 'role' | 'expanded';
  /** Whether the last store call failed with `ERR_STORE_UNAVAILABLE` (for `store.unavailable`/`store.recovered` events). */
  readonly storeHealth: { unavailable: boolean };
}

/** The service clock, checked: a clock that returns garbage fails the request, not the check. */
export function now(context: ServiceContext): number {
  const value = context.clock();
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error('The clock returned an invalid time');
  }
  return value;
}

/**
 * How long a revoked family must stay revoked, from `nowMs`: past every refresh token it could
 * still hold and every access token issued from it.
 */
export function familyRevocationUntil(context: ServiceContext, nowMs: number): number {
  const { ttlSeconds, toleranceSeconds } = context.tokens;
  return nowMs + Math.max(context.refreshTokenTtlMs, ttlSeconds * 1000) + toleranceSeconds * 1000;
}
