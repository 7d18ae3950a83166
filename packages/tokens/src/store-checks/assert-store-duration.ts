/**
 * Checks a duration argument a `TokenStore` receives — `hit`'s `windowMs`: it must be a
 * positive finite number of milliseconds.
 *
 * Throws `TypeError` (`<name> must be a positive number of milliseconds`) otherwise, before any
 * round trip to the backend: a zero or negative window would open a counter that is already over.
 *
 * @param value - the argument as received
 * @param name - how the message names it (`'windowMs'`)
 * @throws TypeError when `value` is not a positive finite number
 *
 * @example
 * ```ts
 * import { assertStoreDuration, assertStoreText, assertStoreTime } from '@scopeladder/tokens';
 *
 * async function hit(key: string, windowMs: number, now: number) {
 *   assertStoreText(key, 'key');
 *   assertStoreDuration(windowMs, 'windowMs'); // TypeError: windowMs must be a positive number of milliseconds
 *   assertStoreTime(now, 'now');
 *   // … count the hit
 * }
 * ```
 */
export function assertStoreDuration(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number of milliseconds`);
  }
}
