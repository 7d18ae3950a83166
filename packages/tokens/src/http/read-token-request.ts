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
 * Reads the body of `POST /v2/auth/token`: `{ email, password, organization? }` logs in (in that
 * organization, for users with memberships), `{ refreshToken }` refreshes (in the session's own
 * organization: naming one there is refused). Anything else (not a plain object, both forms at
 * once, non-string or empty values, a repeated form field) is `ERR_INVALID_REQUEST`. Whether the credentials are right is the
 * auth service's decision.
 *
 * @example
 * ```ts
 * import { readTokenRequest } from '@scopeladder/tokens/http';
 *
 * readTokenRequest({ email: 'ada@example.com', password: '…' }); // { kind: 'login', input: { email, password } }
 * readTokenRequest({ email: 'eve@example.com', password: '…', organization: 'c1' }); // … input: { email, password, organization }
 * readTokenRequest({ refreshToken: 'rt_…' });                     // { kind: 'refresh', refreshToken: 'rt_…' }
 * readTokenRequest({ email: 'ada@example.com' });                 // throws ERR_INVALID_REQUEST
 * ```
 */
export function readTokenRequest(body: unknown): TokenRequest {
  if (!isPlainObject(body)) fail('ERR_INVALID_REQUEST', 'Expected a JSON object with email and password, or refreshToken');
  const wantsRefresh = has(body, 'refreshToken');
  const wantsLogin = has(body, 'email') || has(body, 'password');
  if (wantsRefresh && wantsLogin) fail('ERR_INVALID_REQUEST', 'Send either email and password, or refreshToken');
  const wantsOrganization = has(body, 'organization');
  if (wantsRefresh && wantsOrganization) fail('ERR_INVALID_REQUEST', 'A refresh stays in its organization: log in to act in another');
  if (wantsRefresh) return { kind: 'refresh', refreshToken: readRefreshToken(body.refreshToken) };
  const { email, password, organization } = body;
  if (typeof email !== 'string' || email === '' || typeof password !== 'string' || password === '') {
    fail('ERR_INVALID_REQUEST', 'email and password must be non-empty strings');
  }
  if (!wantsOrganization) return { kind: 'login', input: { email, password } };
  if (typeof organization !== 'string' || organization === '') fail('ERR_INVALID_REQUEST', 'organization must be a non-empty string');
  return { kind: 'login', input: { email, password, organization } };
}
