import { randomBytes } from 'node:crypto';

const OBJECT_ID = /^[0-9a-f]{24}$/;

/**
 * A new ChatShipper id: 24 lowercase hex characters (12 random bytes).
 *
 * @example
 * ```ts
 * newId(); // '5f0c8a1e9b3d2c4a6e8f0a1b'
 * ```
 */
export function newId(): string {
  return randomBytes(12).toString('hex');
}

/**
 * Whether `value` has the shape of a ChatShipper id.
 *
 * @example
 * ```ts
 * isId('5f0c8a1e9b3d2c4a6e8f0a1b'); // true
 * ```
 */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID.test(value);
}
