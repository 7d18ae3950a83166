import { createHash, timingSafeEqual } from 'node:crypto';

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Strict base64url decoding (RFC 7515 §2: no padding, no other alphabet, canonical). Returns
 * `null` for anything else, including non-canonical trailing bits, so that exactly one string
 * encodes a given byte sequence (a tampered last character never decodes to the same bytes).
 */
export function decodeBase64urlStrict(segment: string): Buffer | null {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) return null;
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.toString('base64url') === segment ? bytes : null;
}

// The 6-bit value of each base64url character (RFC 4648 §5), -1 for any other ASCII code.
const BASE64URL_VALUE = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((c, i) => {
  BASE64URL_VALUE[c.charCodeAt(0)] = i;
});

/**
 * Whether `segment` is canonical base64url, exactly when {@link decodeBase64urlStrict} would
 * decode it, without decoding: the alphabet, a length that is not 1 more than a multiple of 4,
 * and no bit set in the last character beyond the encoded bytes (4 spare bits when the length is
 * 2 more than a multiple of 4, 2 when it is 3 more).
 */
export function isCanonicalBase64url(segment: string): boolean {
  const { length } = segment;
  const rest = length % 4;
  if (rest === 1 || !BASE64URL.test(segment)) return false;
  if (rest === 0) return true;
  const last = BASE64URL_VALUE[segment.charCodeAt(length - 1)] as number;
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/** The SHA-256 digest of a UTF-8 string as 64 lowercase hex characters. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time equality of two strings (time depends only on the length, which is public). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}
