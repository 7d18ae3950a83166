import type { RefreshTokenRecord } from '../store.js';
import { assertStoreText } from './assert-store-text.js';
import { assertStoreTime } from './assert-store-time.js';

/**
 * Checks a {@link RefreshTokenRecord} a `TokenStore` receives (`saveRefreshToken`'s
 * `record`, `rotateRefreshToken`'s `next`): an object whose `digest`, `userId` and `familyId` are
 * non-empty strings and whose `expiresAt` is a finite epoch-ms number; `familyExpiresAt` (a
 * finite number), `organization` and `scope` (non-empty strings) when present.
 *
 * Throws `TypeError` naming the first bad field (`<name> must be a record`,
 * `<name>.familyId must be a non-empty string`, …), before any round trip to the backend.
 *
 * @param record - the record as received
 * @param name - how the messages name it (`'record'`, `'next'`)
 * @throws TypeError when `record` or one of its fields is malformed
 *
 * @example
 * ```ts
 * import { assertRefreshTokenRecord, type RefreshTokenRecord } from '@scopeladder/tokens';
 *
 * async function saveRefreshToken(record: RefreshTokenRecord) {
 *   assertRefreshTokenRecord(record, 'record'); // TypeError: record.digest must be a non-empty string
 *   // … store it
 * }
 * ```
 */
export function assertRefreshTokenRecord(record: RefreshTokenRecord, name: string): void {
  if (typeof record !== 'object' || record === null) throw new TypeError(`${name} must be a record`);
  assertStoreText(record.digest, `${name}.digest`);
  assertStoreText(record.userId, `${name}.userId`);
  assertStoreText(record.familyId, `${name}.familyId`);
  assertStoreTime(record.expiresAt, `${name}.expiresAt`);
  if (record.familyExpiresAt !== undefined) assertStoreTime(record.familyExpiresAt, `${name}.familyExpiresAt`);
  if (record.organization !== undefined) assertStoreText(record.organization, `${name}.organization`);
  if (record.scope !== undefined) assertStoreText(record.scope, `${name}.scope`);
}
