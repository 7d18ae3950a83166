import type { RefreshTokenRecord } from '../store.js';
import { assertRefreshTokenRecord } from './assert-refresh-token-record.js';
import { assertStoreText } from './assert-store-text.js';
import { assertStoreTime } from './assert-store-time.js';

/**
 * Checks the arguments of `TokenStore.rotateRefreshToken`: `oldDigest` a non-empty string,
 * `next` a well-formed {@link RefreshTokenRecord} (see {@link assertRefreshTokenRecord}) under a
 * digest other than `oldDigest`, and `now` a finite epoch-ms number.
 *
 * Throws `TypeError` naming the first bad argument (`oldDigest must be a non-empty string`,
 * `next.expiresAt must be a finite number (epoch milliseconds)`,
 * `next.digest must differ from oldDigest`, …), before any round trip to the backend.
 *
 * @param oldDigest - the digest of the token being spent
 * @param next - the record to store in its place
 * @param now - the caller's clock, epoch ms
 * @throws TypeError when an argument is malformed, or `next.digest === oldDigest`
 *
 * @example
 * ```ts
 * import { assertRotateRefreshArguments, type RefreshTokenRecord } from '@scopeladder/tokens';
 *
 * async function rotateRefreshToken(oldDigest: string, next: RefreshTokenRecord, now: number) {
 *   assertRotateRefreshArguments(oldDigest, next, now);
 *   // … spend oldDigest and store next, atomically
 * }
 * ```
 */
export function assertRotateRefreshArguments(oldDigest: string, next: RefreshTokenRecord, now: number): void {
  assertStoreText(oldDigest, 'oldDigest');
  assertRefreshTokenRecord(next, 'next');
  assertStoreTime(now, 'now');
  if (next.digest === oldDigest) throw new TypeError('next.digest must differ from oldDigest');
}
