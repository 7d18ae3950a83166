import { scrypt, timingSafeEqual } from 'node:crypto';
import { decodeBase64urlStrict } from './encoding.js';

/**
 * The scrypt password-hash format, version 1:
 *
 * ```
 * scrypt$v=1$N=<cost>,r=<block size>,p=<parallelism>$<salt, base64url>$<hash, base64url>
 * ```
 *
 * `N` is a power of two; the salt is 16 random bytes and the hash 32 bytes unless chosen otherwise.
 */
export interface ScryptParameters {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export interface ParsedScryptHash extends ScryptParameters {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

export const SCRYPT_DEFAULTS: ScryptParameters = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });
export const SCRYPT_LIMITS = Object.freeze({ minN: 2 ** 10, maxN: 2 ** 20, maxR: 32, maxP: 16 });

const FORMAT = /^scrypt\$v=1\$N=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9_-]{16,128})\$([A-Za-z0-9_-]{22,172})$/;

/** Whether scrypt parameters are within the supported, safe bounds. */
export function validScryptParameters({ N, r, p }: ScryptParameters): boolean {
  return (
    Number.isSafeInteger(N) &&
    N >= SCRYPT_LIMITS.minN &&
    N <= SCRYPT_LIMITS.maxN &&
    (N & (N - 1)) === 0 &&
    Number.isSafeInteger(r) &&
    r >= 1 &&
    r <= SCRYPT_LIMITS.maxR &&
    Number.isSafeInteger(p) &&
    p >= 1 &&
    p <= SCRYPT_LIMITS.maxP
  );
}

/** Parses a hash string; `null` if it is not a valid version-1 scrypt hash. */
export function parseScryptHash(value: string): ParsedScryptHash | null {
  const match = FORMAT.exec(value);
  if (!match) return null;
  const [, n, r, p, salt, hash] = match as unknown as [string, string, string, string, string, string];
  const parameters = { N: Number(n), r: Number(r), p: Number(p) };
  if (!validScryptParameters(parameters)) return null;
  const saltBytes = decodeBase64urlStrict(salt);
  const hashBytes = decodeBase64urlStrict(hash);
  if (saltBytes === null || hashBytes === null || saltBytes.length < 16 || hashBytes.length < 16) return null;
  return { ...parameters, salt: saltBytes, hash: hashBytes };
}

/** Formats a version-1 hash string. */
export function formatScryptHash(parsed: ParsedScryptHash): string {
  return `scrypt$v=1$N=${parsed.N},r=${parsed.r},p=${parsed.p}$${parsed.salt.toString('base64url')}$${parsed.hash.toString('base64url')}`;
}

/** Derives the scrypt key (async: runs on the libuv thread pool). */
export function deriveScrypt(password: string, salt: Buffer, parameters: ScryptParameters, length: number): Promise<Buffer> {
  const { N, r, p } = parameters;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Verifies a password against a parsed hash in constant time. */
export async function verifyScrypt(parsed: ParsedScryptHash, password: string): Promise<boolean> {
  const derived = await deriveScrypt(password, parsed.salt, parsed, parsed.hash.length);
  return timingSafeEqual(derived, parsed.hash);
}
