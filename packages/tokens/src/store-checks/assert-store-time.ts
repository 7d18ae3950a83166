/**
 * Checks a time argument a `TokenStore` receives — `now`, `expiresAt`, `resetAt`,
 * `createdAt`: it must be a finite number (epoch milliseconds).
 *
 * Stores decide only with the `now` they are given, so a `NaN` or `Infinity` here would silently
 * revive or end sessions: it throws `TypeError` (`<name> must be a finite number (epoch
 * milliseconds)`) instead, before any round trip to the backend.
 *
 * @param value - the argument as received
 * @param name - how the message names it (`'now'`, `'next.expiresAt'`, …)
 * @throws TypeError when `value` is not a finite number
 *
 * @example
 * ```ts
 * import { assertStoreText, assertStoreTime } from '@scopeladder/tokens';
 *
 * async function isFamilyRevoked(familyId: string, now: number) {
 *   assertStoreText(familyId, 'familyId');
 *   assertStoreTime(now, 'now'); // TypeError: now must be a finite number (epoch milliseconds)
 *   // … read the revocation
 * }
 * ```
 */
export function assertStoreTime(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a finite number (epoch milliseconds)`);
  }
}
