/**
 * Checks a string argument a `TokenStore` receives — a digest, an id (`userId`,
 * `familyId`, an API key's `id`), a `jti` or a throttle key: it must be a non-empty string.
 *
 * The auth service never hands a store raw client input, so a wrong value here is a programming
 * error: it throws `TypeError` (`<name> must be a non-empty string`), and a store calls it before
 * any round trip to its backend.
 *
 * @param value - the argument as received
 * @param name - how the message names it (`'digest'`, `'record.userId'`, …)
 * @throws TypeError when `value` is not a non-empty string
 *
 * @example
 * ```ts
 * import { assertStoreText } from '@scopeladder/tokens';
 *
 * async function findRefreshToken(digest: string) {
 *   assertStoreText(digest, 'digest'); // TypeError: digest must be a non-empty string
 *   // … look it up
 * }
 * ```
 */
export function assertStoreText(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
}
