import type { LoginInput } from '../service-types.js';
import { fail } from '../lib/errors.js';
import { isPlainObject } from '../lib/plain-object.js';
import { readRefreshToken } from './read-refresh-token.js';

/**
 * What a `POST` to the token endpoint asks for: a login, or a refresh. `grantType` is set when
 * the request was in RFC 6749's form (`grant_type=password` or `grant_type=refresh_token`), whose
 * errors are answered after RFC 6749 §5.2; absent for ChatShipper's forms.
 *
 * @example
 * ```ts
 * const request: TokenRequest = readTokenRequest(body);
 * const tokens =
 *   request.kind === 'login'
 *     ? await service.login(request.input)
 *     : await service.refresh(request.refreshToken, {}, { scope: request.scope });
 * ```
 */
export type TokenRequest =
  | { readonly kind: 'login'; readonly input: LoginInput; readonly grantType?: 'password' }
  | { readonly kind: 'refresh'; readonly refreshToken: string; readonly scope?: string; readonly grantType?: 'refresh_token' };

function has(body: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(body, key) && body[key] !== undefined;
}

/** An optional parameter: absent, or exactly one string (`nonEmpty`: not `''`). */
function optionalText(body: Record<string, unknown>, key: string, nonEmpty: boolean): string | undefined {
  if (!has(body, key)) return undefined;
  const value = body[key];
  if (typeof value !== 'string' || (nonEmpty && value === ''))
    fail('ERR_INVALID_REQUEST', `${key} must be one ${nonEmpty ? 'non-empty ' : ''}string`);
  return value;
}

function requiredText(body: Record<string, unknown>, key: string): string {
  const value = optionalText(body, key, true);
  if (value === undefined) fail('ERR_INVALID_REQUEST', `${key} is required`);
  return value;
}

/**
 * Reads the body of `POST /v2/auth/token`, form-encoded or JSON, in any of these forms:
 *
 * - RFC 6749 §4.3.2: `grant_type=password`, `username`, `password`, optional `scope` and
 *   `organization` — a login. §6: `grant_type=refresh_token`, `refresh_token`, optional `scope`
 *   — a refresh. Other parameters (`client_id`, …) are ignored, as §3.2 asks; another
 *   `grant_type` is `ERR_UNSUPPORTED_GRANT_TYPE`.
 * - ChatShipper's: `{ email, password, organization?, scope? }` logs in, `{ refreshToken }`
 *   refreshes (in the session's own organization: naming one there is refused). ChatShipper's SDK
 *   sends `{ clientId, refreshToken }`: the same refresh (`clientId` is not checked).
 *
 * Anything else (not a plain object, both ChatShipper forms at once, a missing, non-string or
 * empty value, a repeated form field) is `ERR_INVALID_REQUEST`. Whether the credentials are right,
 * and the `scope` allowed, is the auth service's decision.
 *
 * @example
 * ```ts
 * import { readTokenRequest } from '@scopeladder/tokens/http';
 *
 * readTokenRequest({ grant_type: 'password', username: 'ada@example.com', password: '…', scope: 'agent' });
 * // { kind: 'login', input: { email: 'ada@example.com', password: '…', scope: 'agent' }, grantType: 'password' }
 * readTokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt_…' }); // { kind: 'refresh', refreshToken: 'rt_…', grantType: 'refresh_token' }
 * readTokenRequest({ email: 'ada@example.com', password: '…' }); // { kind: 'login', input: { email, password } }
 * readTokenRequest({ refreshToken: 'rt_…' });                     // { kind: 'refresh', refreshToken: 'rt_…' }
 * readTokenRequest({ email: 'ada@example.com' });                 // throws ERR_INVALID_REQUEST
 * readTokenRequest({ grant_type: 'client_credentials' });         // throws ERR_UNSUPPORTED_GRANT_TYPE
 * ```
 */
export function readTokenRequest(body: unknown): TokenRequest {
  if (!isPlainObject(body)) fail('ERR_INVALID_REQUEST', 'Expected a JSON object with email and password, or refreshToken');
  if (has(body, 'grant_type')) return readGrant(body);
  const wantsRefresh = has(body, 'refreshToken');
  const wantsLogin = has(body, 'email') || has(body, 'password');
  if (wantsRefresh && wantsLogin) fail('ERR_INVALID_REQUEST', 'Send either email and password, or refreshToken');
  const wantsOrganization = has(body, 'organization');
  if (wantsRefresh && wantsOrganization) fail('ERR_INVALID_REQUEST', 'A refresh stays in its organization: log in to act in another');
  const scope = optionalText(body, 'scope', false);
  if (wantsRefresh) {
    const refreshToken = readRefreshToken(body.refreshToken);
    return scope === undefined ? { kind: 'refresh', refreshToken } : { kind: 'refresh', refreshToken, scope };
  }
  const { email, password } = body;
  if (typeof email !== 'string' || email === '' || typeof password !== 'string' || password === '') {
    fail('ERR_INVALID_REQUEST', 'email and password must be non-empty strings');
  }
  return { kind: 'login', input: loginInput(email, password, body, scope) };
}

function loginInput(email: string, password: string, body: Record<string, unknown>, scope: string | undefined): LoginInput {
  if (!has(body, 'organization')) return scope === undefined ? { email, password } : { email, password, scope };
  const { organization } = body;
  if (typeof organization !== 'string' || organization === '') fail('ERR_INVALID_REQUEST', 'organization must be a non-empty string');
  return scope === undefined ? { email, password, organization } : { email, password, organization, scope };
}

function readGrant(body: Record<string, unknown>): TokenRequest {
  const grantType = requiredText(body, 'grant_type');
  const scope = optionalText(body, 'scope', false);
  switch (grantType) {
    case 'password': {
      const email = requiredText(body, 'username');
      const password = requiredText(body, 'password');
      return { kind: 'login', input: loginInput(email, password, body, scope), grantType };
    }
    case 'refresh_token': {
      const refreshToken = requiredText(body, 'refresh_token');
      if (has(body, 'organization')) fail('ERR_INVALID_REQUEST', 'A refresh stays in its organization: log in to act in another');
      return scope === undefined ? { kind: 'refresh', refreshToken, grantType } : { kind: 'refresh', refreshToken, scope, grantType };
    }
    default:
      return fail('ERR_UNSUPPORTED_GRANT_TYPE', 'Unsupported grant_type: use password or refresh_token');
  }
}
