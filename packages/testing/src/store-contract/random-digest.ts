import { createHash, randomBytes } from 'node:crypto';

/**
 * A random SHA-256 hex digest, as the auth service computes for refresh tokens and API keys: a
 * key the store has never seen.
 *
 * @example
 * ```ts
 * expect(await store.findRefreshToken(randomDigest())).toBeNull();
 * ```
 */
export function randomDigest(): string {
  return createHash('sha256').update(randomBytes(32)).digest('hex');
}
