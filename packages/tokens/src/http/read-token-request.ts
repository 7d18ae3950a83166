import type { LoginInput } from '../service-types.js';
import { fail } from '../lib/errors.js';
import { isPlainObject } from '../lib/plain-object.js';
import { readRefreshToken } from './read-refresh-token.js';

/**
 * What a `POST` to the token endpoint asks for: a login, or the POST form of a refresh.
 *
 * @example
 * ```ts
 * const request: TokenRequest = readTokenRequest(body);
 * const tokens = request.kind === 'login' ? await service.login(request.input) : await service.refresh(request.refreshToken);
 * ```
 */
export type TokenRequest = { readonly kind: 'login'; readonly input: LoginInput } | { readonly kind: 'refresh'; readonly refreshToken: string };

function has(body: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(body, key) && body[key] !== undefined;
}

/**
 * Reads the body of `POST /v2/auth/token`: `{ email, password }` logs in, `{ refreshToken }`
 * refreshes. Anything else (not a plain object, both forms at once, non-string or empty values,
 * a repeated form field) is `ERR_INVALID_REQUEST`. Whether the credentials are right is the
 * auth service's decision.
 *
 * @example
 * ```ts
 * import { readTokenRequest } from '@scopeladder/tokens/http';
 *
 * readTokenRequest({ email: 'ada@example.com', password: '…' }); // { kind: 'login', input: { email, password } }
 * readTokenRequest({ refreshToken: 'rt_…' });                     // { kind: 'refresh', refreshToken: 'rt_…' }
 * readTokenRequest({ email: 'ada@example.com' });                 // throws ERR_INVALID_REQUEST
 * ```
 */
export function readTokenRequest(body: unknown): TokenRequest {
  if (!isPlainObject(body)) fail('ERR_INVALID_REQUEST', 'Expected a JSON object with email and password, or refreshToken');
  const wantsRefresh = has(body, 'refreshToken');
  const wantsLogin = has(body, 'email') || has(body, 'password');
  if (wantsRefresh && wantsLogin) fail('ERR_INVALID_REQUEST', 'Send either email and password, or refreshToken');
  if (wantsRefresh) return { kind: 'refresh', refreshToken: readRefreshToken(body.refreshToken) };
  const { email, password } = body;
  if (typeof email !== 'string' || email === '' || typeof password !== 'string' || password === '') {
    fail('ERR_INVALID_REQUEST', 'email and password must be non-empty strings');
  }
  return { kind: 'login', input: { email, password } };
}
