// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) — printable ASCII except space,
// double quote and backslash. Scope values are case-sensitive and separated by single spaces.

/** Matches one whole scope-token. */
export const SCOPE_TOKEN: RegExp = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Matches one character that may not appear in a scope-token. */
export const SCOPE_TOKEN_ILLEGAL: RegExp = /[^\x21\x23-\x5b\x5d-\x7e]/;

/** Whether `value` is a single RFC 6749 scope-token. */
export function isScopeToken(value: unknown): value is string {
  return typeof value === 'string' && SCOPE_TOKEN.test(value);
}
