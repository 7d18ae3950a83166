import { fail } from './errors.js';

// RFC 9110 §11.4: credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]; auth-scheme = token.
const SCHEME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Extracts the bearer credential from an `Authorization` header value, as a framework hands it
 * over (`undefined`, a string, or an array when the header was sent several times).
 *
 * | input | error |
 * |---|---|
 * | absent, empty, or an empty array | `ERR_AUTH_REQUIRED` |
 * | a scheme other than `Bearer` (case-insensitive) | `ERR_AUTH_SCHEME` |
 * | `Bearer` with no token, extra parts, double or trailing spaces, tabs, several header values, a non-string | `ERR_AUTH_MALFORMED` |
 * | a credential longer than `maxLength` | `ERR_TOKEN_INVALID` |
 */
export function parseAuthorizationHeader(value: unknown, maxLength: number): string {
  let header = value;
  if (Array.isArray(header)) {
    if (header.length === 0) fail('ERR_AUTH_REQUIRED', 'Authentication required');
    if (header.length > 1) fail('ERR_AUTH_MALFORMED', 'Several Authorization headers');
    header = header[0];
  }
  if (header === undefined || header === null || header === '') fail('ERR_AUTH_REQUIRED', 'Authentication required');
  if (typeof header !== 'string') fail('ERR_AUTH_MALFORMED', 'Malformed Authorization header');

  const scheme = SCHEME.exec(header)?.[0];
  if (scheme === undefined) {
    // Leading whitespace or a character no scheme may hold.
    if (header.trim() === '') fail('ERR_AUTH_REQUIRED', 'Authentication required');
    fail('ERR_AUTH_MALFORMED', 'Malformed Authorization header');
  }
  if (scheme.toLowerCase() !== 'bearer') fail('ERR_AUTH_SCHEME', 'Use the Bearer authentication scheme');
  const rest = header.slice(scheme.length);
  if (rest.trim() === '') fail('ERR_AUTH_MALFORMED', 'Bearer requires a token');
  // Exactly one space, then exactly one b64token: double spaces, extra parts, trailing spaces,
  // tabs or any other character make the header malformed.
  if (rest[0] !== ' ') fail('ERR_AUTH_MALFORMED', 'Malformed Authorization header');
  const credential = rest.slice(1);
  if (!B64TOKEN.test(credential)) fail('ERR_AUTH_MALFORMED', 'Malformed Authorization header');
  if (credential.length > maxLength) fail('ERR_TOKEN_INVALID', 'Invalid access token');
  return credential;
}

const BEARER_LENGTH = 'Bearer '.length;

/**
 * The credential of a `Bearer <credential>` header value (scheme in any case, one space), with
 * NO check of the credential: only for looking it up among credentials that were fully checked
 * before (the verified-token cache). `undefined` when the value does not start that way.
 */
export function bearerCredentialUnchecked(header: string): string | undefined {
  if (
    header.length <= BEARER_LENGTH ||
    header.charCodeAt(6) !== 0x20 ||
    // `| 0x20` lowercases an ASCII letter; for each letter below only it and its capital match.
    (header.charCodeAt(0) | 0x20) !== 0x62 || // b
    (header.charCodeAt(1) | 0x20) !== 0x65 || // e
    (header.charCodeAt(2) | 0x20) !== 0x61 || // a
    (header.charCodeAt(3) | 0x20) !== 0x72 || // r
    (header.charCodeAt(4) | 0x20) !== 0x65 || // e
    (header.charCodeAt(5) | 0x20) !== 0x72 // r
  ) {
    return undefined;
  }
  return header.slice(BEARER_LENGTH);
}
