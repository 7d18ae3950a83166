import { createHash, timingSafeEqual } from 'node:crypto';

const BASIC = /^basic [A-Za-z0-9+/]+={0,2}$/i;
const MAX_HEADER_LENGTH = 4096;

/** An HTTP Basic `Authorization` value's client id and secret (RFC 6749 §2.3.1: each form-encoded), or `undefined`. */
export function readBasicCredentials(authorization: unknown): { id: string; secret: string } | undefined {
  if (typeof authorization !== 'string' || authorization.length > MAX_HEADER_LENGTH || !BASIC.test(authorization)) return undefined;
  const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  try {
    const unform = (part: string): string => decodeURIComponent(part.replace(/\+/g, ' '));
    return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** Whether `given` equals `expected`, in time independent of both contents and lengths (SHA-256 first). */
export function secretMatches(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether an `Authorization` value uses the Basic scheme (whatever follows). */
export function isBasicScheme(authorization: unknown): boolean {
  return typeof authorization === 'string' && /^basic(?: |$)/i.test(authorization);
}
