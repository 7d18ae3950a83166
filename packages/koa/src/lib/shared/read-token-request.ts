// Shared by @scopeladder/express, @scopeladder/fastify and @scopeladder/koa (kept byte-identical by a test).
import { ScopeladderError } from '@scopeladder/core';
import type { LoginInput } from '@scopeladder/tokens';

/** What a `POST` to the token endpoint asks for: a login, or the POST form of a refresh. */
export type TokenRequest =
  | { readonly kind: 'login'; readonly input: LoginInput }
  | { readonly kind: 'refresh'; readonly refreshToken: string };

function invalid(message: string): ScopeladderError {
  return new ScopeladderError('ERR_INVALID_REQUEST', message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function has(body: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(body, key) && body[key] !== undefined;
}

/**
 * Reads the body of `POST /v2/auth/token`: `{ email, password }` logs in, `{ refreshToken }`
 * refreshes. Anything else (not an object, both forms at once, non-string or empty values)
 * is `ERR_INVALID_REQUEST`. Whether the credentials are right is the auth service's decision.
 */
export function readTokenRequest(body: unknown): TokenRequest {
  if (!isPlainObject(body)) throw invalid('Expected a JSON object with email and password, or refreshToken');
  const wantsRefresh = has(body, 'refreshToken');
  const wantsLogin = has(body, 'email') || has(body, 'password');
  if (wantsRefresh && wantsLogin) throw invalid('Send either email and password, or refreshToken');
  if (wantsRefresh) return { kind: 'refresh', refreshToken: readRefreshToken(body.refreshToken) };
  const { email, password } = body;
  if (typeof email !== 'string' || email === '' || typeof password !== 'string' || password === '') {
    throw invalid('email and password must be non-empty strings');
  }
  return { kind: 'login', input: { email, password } };
}

/**
 * Reads a refresh token from `GET /v2/auth/token?refreshToken=` or a POST body: exactly one
 * non-empty string, else `ERR_INVALID_REQUEST` (a repeated query parameter is refused).
 */
export function readRefreshToken(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalid('refreshToken must be one non-empty string');
  return value;
}
