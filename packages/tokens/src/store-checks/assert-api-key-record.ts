import type { ApiKeyRecord } from '../store.js';
import { assertStoreText } from './assert-store-text.js';
import { assertStoreTime } from './assert-store-time.js';

/**
 * Checks an {@link ApiKeyRecord} a `TokenStore` receives (`saveApiKey`'s `record`): an
 * object whose `digest`, `id` and `userId` are non-empty strings, whose `scopes` is an array of
 * strings and whose `createdAt` is a finite epoch-ms number; `organization` (a non-empty string)
 * when present.
 *
 * Throws `TypeError` naming the first bad field (`<name> must be a record`,
 * `<name>.scopes must be an array of strings`, …), before any round trip to the backend.
 *
 * @param record - the record as received
 * @param name - how the messages name it (`'record'`)
 * @throws TypeError when `record` or one of its fields is malformed
 *
 * @example
 * ```ts
 * import { assertApiKeyRecord, type ApiKeyRecord } from '@scopeladder/tokens';
 *
 * async function saveApiKey(record: ApiKeyRecord) {
 *   assertApiKeyRecord(record, 'record'); // TypeError: record.scopes must be an array of strings
 *   // … store it
 * }
 * ```
 */
export function assertApiKeyRecord(record: ApiKeyRecord, name: string): void {
  if (typeof record !== 'object' || record === null) throw new TypeError(`${name} must be a record`);
  assertStoreText(record.digest, `${name}.digest`);
  assertStoreText(record.id, `${name}.id`);
  assertStoreText(record.userId, `${name}.userId`);
  const scopes: unknown = record.scopes;
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) {
    throw new TypeError(`${name}.scopes must be an array of strings`);
  }
  assertStoreTime(record.createdAt, `${name}.createdAt`);
  if (record.organization !== undefined) assertStoreText(record.organization, `${name}.organization`);
}
