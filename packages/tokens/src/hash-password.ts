import { randomBytes } from 'node:crypto';
import { SCRYPT_DEFAULTS, SCRYPT_LIMITS, deriveScrypt, formatScryptHash, validScryptParameters } from './lib/scrypt.js';

/**
 * Options of {@link hashPassword}: scrypt cost parameters.
 *
 * @example
 * ```ts
 * await hashPassword(password, { N: 2 ** 17 }); // OWASP's 128 MiB setting
 * ```
 */
export interface HashPasswordOptions {
  /** CPU/memory cost, a power of two in [2^10, 2^20]. Default 2^15 (32 MiB with `r = 8`). */
  readonly N?: number | undefined;
  /** Block size, 1–32. Default 8. */
  readonly r?: number | undefined;
  /** Parallelism, 1–16. Default 1. */
  readonly p?: number | undefined;
}

const SALT_BYTES = 16;
const HASH_BYTES = 32;
const MAX_PASSWORD_LENGTH = 1024;

/**
 * Hashes a password with `node:crypto` scrypt into the versioned, self-describing format
 *
 * ```
 * scrypt$v=1$N=32768,r=8,p=1$<16-byte salt, base64url>$<32-byte hash, base64url>
 * ```
 *
 * which {@link verifyPassword} (and the auth service's login) reads back, parameters included,
 * so the cost can be raised later without invalidating stored hashes. The password is
 * NFC-normalised first. Throws `TypeError` on an empty or over-long (> 1024 chars) password or
 * out-of-range parameters.
 *
 * @example
 * ```ts
 * import { hashPassword } from '@scopeladder/tokens';
 *
 * const passwordHash = await hashPassword('correct horse battery staple');
 * directory.add({ id, email, role: 'agent', passwordHash });
 * ```
 */
export async function hashPassword(password: string, options: HashPasswordOptions = {}): Promise<string> {
  if (typeof password !== 'string' || password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
    throw new TypeError(`password must be a non-empty string of at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  const parameters = {
    N: options.N ?? SCRYPT_DEFAULTS.N,
    r: options.r ?? SCRYPT_DEFAULTS.r,
    p: options.p ?? SCRYPT_DEFAULTS.p,
  };
  if (!validScryptParameters(parameters)) {
    throw new TypeError(
      `scrypt parameters out of range: N a power of two in [${SCRYPT_LIMITS.minN}, ${SCRYPT_LIMITS.maxN}], ` +
        `r in [1, ${SCRYPT_LIMITS.maxR}], p in [1, ${SCRYPT_LIMITS.maxP}]`,
    );
  }
  const salt = randomBytes(SALT_BYTES);
  const hash = await deriveScrypt(password, salt, parameters, HASH_BYTES);
  return formatScryptHash({ ...parameters, salt, hash });
}
