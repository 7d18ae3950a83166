import type { RevokeFamiliesOptions } from '../store.js';
import { assertStoreText } from './assert-store-text.js';

/**
 * Checks the {@link RevokeFamiliesOptions} `revokeFamiliesOfUser` receives: an object whose
 * `except`, when present, is a non-empty string (a family id).
 *
 * Throws `TypeError` (`options must be an object`, `options.except must be a non-empty string`)
 * otherwise, before any round trip to the backend.
 *
 * @param options - the options as received (a store defaults them to `{}`)
 * @throws TypeError when `options` or `options.except` is malformed
 *
 * @example
 * ```ts
 * import { assertRevokeFamiliesOptions, assertStoreText, assertStoreTime, type RevokeFamiliesOptions } from '@scopeladder/tokens';
 *
 * async function revokeFamiliesOfUser(userId: string, now: number, options: RevokeFamiliesOptions = {}) {
 *   assertStoreText(userId, 'userId');
 *   assertStoreTime(now, 'now');
 *   assertRevokeFamiliesOptions(options);
 *   // … revoke every family of the user but options.except
 * }
 * ```
 */
export function assertRevokeFamiliesOptions(options: RevokeFamiliesOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  if (options.except !== undefined) assertStoreText(options.except, 'options.except');
}
