import { randomBytes as nodeRandomBytes } from 'node:crypto';

/**
 * A source of cryptographically secure random bytes (injectable for deterministic tests).
 *
 * @example
 * ```ts
 * const random: RandomSource = (size) => crypto.getRandomValues(new Uint8Array(size));
 * ```
 */
export type RandomSource = (size: number) => Uint8Array;

/** The default random source: `node:crypto`'s `randomBytes`. */
export const defaultRandom: RandomSource = (size) => nodeRandomBytes(size);

/** `size` random bytes as lowercase hex, checking the source kept its promise. */
export function randomHex(random: RandomSource, size: number): string {
  const bytes = random(size);
  if (!(bytes instanceof Uint8Array) || bytes.byteLength !== size) {
    throw new Error('The random source returned the wrong number of bytes');
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const REFRESH_SECRET_BYTES = 40;
const REFRESH_SECRET = /^[0-9a-f]{80}$/;
const MAX_USER_ID_LENGTH = 256;
// The user id part: anything but a dot or whitespace/control characters (ChatShipper: 24 hex).
// eslint-disable-next-line no-control-regex
const USER_ID = /^[^.\s\x00-\x1f\x7f]+$/;

/** A new refresh token, `<user id>.<80 hex>` from 40 random bytes. */
export function createRefreshTokenValue(random: RandomSource, userId: string): string {
  return `${userId}.${randomHex(random, REFRESH_SECRET_BYTES)}`;
}

/**
 * Splits a presented refresh token into its user id; `null` when it is not
 * `<user id>.<80 lowercase hex>`. (The whole string's digest is what the store knows.)
 */
export function parseRefreshTokenValue(value: unknown): { readonly userId: string } | null {
  if (typeof value !== 'string' || value.length > MAX_USER_ID_LENGTH + 81) return null;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return null;
  const userId = value.slice(0, dot);
  if (userId.length > MAX_USER_ID_LENGTH || !USER_ID.test(userId)) return null;
  if (!REFRESH_SECRET.test(value.slice(dot + 1))) return null;
  return { userId };
}

/** Whether a user id can be embedded in a refresh token. */
export function isEmbeddableUserId(userId: string): boolean {
  return userId.length > 0 && userId.length <= MAX_USER_ID_LENGTH && USER_ID.test(userId);
}

const API_KEY_BYTES = 16;
const API_KEY = /^[0-9a-f]{32}$/;

/** A new bot API key: 32 lowercase hex characters (128 random bits). */
export function createApiKeyValue(random: RandomSource): string {
  return randomHex(random, API_KEY_BYTES);
}

/** Whether a credential has the shape of a bot API key. */
export function isApiKeyShaped(credential: string): boolean {
  return API_KEY.test(credential);
}

/** Whether a credential looks like a (malformed) API key attempt: hex only, no JWT dots. */
export function isHexOnly(credential: string): boolean {
  return /^[0-9a-fA-F]+$/.test(credential);
}
