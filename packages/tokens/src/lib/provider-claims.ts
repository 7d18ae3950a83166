import type { JWTPayload } from 'jose';
import { fail } from './errors.js';

/** The most scopes read from one token: a bound on the work one request may cause. */
export const MAX_PROVIDER_SCOPES = 256;

function valueAt(claims: JWTPayload, path: string): unknown {
  let value: unknown = claims;
  for (const name of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

/**
 * The provider's scopes in a claim, by name or dotted path (`scope`, `scp`, `permissions`,
 * `realm_access.roles`): a space-delimited string (RFC 8693 / RFC 9068 `scope`) or an array of
 * strings. Absent: none. Any other shape, or more than {@link MAX_PROVIDER_SCOPES}:
 * `ERR_TOKEN_INVALID` (never a guess).
 */
export function readScopeClaim(claims: JWTPayload, path: string): readonly string[] {
  const value = valueAt(claims, path);
  if (value === undefined) return [];
  return checkProviderScopes(typeof value === 'string' ? value.split(' ').filter((scope) => scope.length > 0) : value);
}

/** `scopes` when it is an array of at most {@link MAX_PROVIDER_SCOPES} strings; else `ERR_TOKEN_INVALID`. */
export function checkProviderScopes(scopes: unknown): readonly string[] {
  if (!Array.isArray(scopes) || scopes.length > MAX_PROVIDER_SCOPES || !scopes.every((scope) => typeof scope === 'string')) {
    fail('ERR_TOKEN_INVALID', 'Invalid access token');
  }
  return scopes as readonly string[];
}

/** A string claim by name or dotted path; absent: `undefined`; another type: `ERR_TOKEN_INVALID`. */
export function readStringClaim(claims: JWTPayload, path: string): string | undefined {
  const value = valueAt(claims, path);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) fail('ERR_TOKEN_INVALID', 'Invalid access token');
  return value;
}
