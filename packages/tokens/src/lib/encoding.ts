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
