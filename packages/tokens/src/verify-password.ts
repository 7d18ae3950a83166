import { parseScryptHash, verifyScrypt } from './lib/scrypt.js';

const MAX_PASSWORD_LENGTH = 1024;

/**
 * Verifies a password against a hash made by {@link hashPassword}, in constant time
 * (`timingSafeEqual` on the derived key). Resolves `false` for a wrong password, a non-string or
 * over-long password; throws `TypeError` when `hash` is not a valid `scrypt$v=1$…` string
 * (a corrupt stored hash is a bug to surface, not a wrong password).
 *
 * @example
 * ```ts
 * import { verifyPassword } from '@scopeladder/tokens';
 *
 * if (await verifyPassword(user.passwordHash, password)) {
 *   // correct
 * }
 * ```
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const parsed = typeof hash === 'string' ? parseScryptHash(hash) : null;
  if (parsed === null) throw new TypeError('hash is not a scrypt$v=1$… password hash');
  if (typeof password !== 'string' || password.length === 0 || password.length > MAX_PASSWORD_LENGTH) return false;
  return verifyScrypt(parsed, password);
}
