import { fail } from '../lib/errors.js';

/**
 * Reads a refresh token from `GET /v2/auth/token?refreshToken=` (pass every value of the
 * parameter: one string, or an array when it was repeated) or from a POST body: exactly one
 * non-empty string, else `ERR_INVALID_REQUEST`. Whether the token is valid is the auth service's
 * decision.
 *
 * @example
 * ```ts
 * import { readRefreshToken } from '@scopeladder/tokens/http';
 *
 * const values = new URL(req.url, 'http://x').searchParams.getAll('refreshToken');
 * const tokens = await service.refresh(readRefreshToken(values.length === 1 ? values[0] : values));
 * ```
 */
export function readRefreshToken(value: unknown): string {
  if (typeof value !== 'string' || value === '') fail('ERR_INVALID_REQUEST', 'refreshToken must be one non-empty string');
  return value;
}
