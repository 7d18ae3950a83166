import { ScopeladderError, isScopeladderError } from '@scopeladder/core';
import type { AuthContext, AuthService } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import { isBasicScheme, readBasicCredentials, secretMatches } from '../lib/client-credentials.js';
import { fail } from '../lib/errors.js';
import { atEndpoint } from '../lib/oauth-endpoint.js';
import { isPlainObject } from '../lib/plain-object.js';
import type { TokenEndpointAnswer, TokenEndpointRequest } from './handle-token-request.js';
import type { ResolvedIntrospectionAccess } from './resolve-token-routes-options.js';

/**
 * The RFC 7662 §2.2 answer: `{ active: false }` for anything that would not authenticate now,
 * else what the token allows right now.
 *
 * @example
 * ```ts
 * const answer: IntrospectionResponse = { active: true, token_type: 'Bearer', sub: '5f0c…a1b', scope: 'agent', exp: 1767225600 };
 * ```
 */
export type IntrospectionResponse =
  | { readonly active: false }
  | {
      readonly active: true;
      readonly token_type: 'Bearer';
      /** The user (or bot) the token acts for. */
      readonly sub: string;
      /** The scopes it holds NOW, space-delimited: for an API key, capped by the bot's live role. */
      readonly scope: string;
      /** Access tokens: expiry and issue time (epoch seconds), `jti` and the session (`sid`). */
      readonly exp?: number;
      readonly iat?: number;
      readonly jti?: string;
      readonly sid?: string;
      /** API keys: the key's public id. */
      readonly key_id?: string;
      /** The organization it acts in, when it has one. */
      readonly org?: string;
      /** The user's email, when the token carries one. */
      readonly username?: string;
    };

const HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store', pragma: 'no-cache' });
const INACTIVE: IntrospectionResponse = Object.freeze({ active: false });
// What `authenticate` answers about the token itself: all are `active: false`. Anything else
// (the store unavailable, an internal error) is an error of the endpoint, not of the token.
const INACTIVE_CODES: ReadonlySet<string> = new Set([
  'ERR_AUTH_REQUIRED',
  'ERR_AUTH_SCHEME',
  'ERR_AUTH_MALFORMED',
  'ERR_TOKEN_INVALID',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_REVOKED',
  'ERR_API_KEY_INVALID',
]);

/**
 * Answers the RFC 7662 introspection endpoint (default path `/v2/auth/introspect`): `POST` with
 * `token` (an access token or a bot API key; `token_type_hint` is ignored), form-encoded or JSON.
 *
 * Not an oracle: the CALLER is authorized first, before the body is read, and a caller refused
 * gets the usual `401`/`403` error and nothing about the token. Allowed callers (`access`):
 *
 * - a bearer (access token or API key) holding `access.scope` — by default the top of the
 *   policy's ladder (`admin`); `null` turns bearer callers off;
 * - a client with `Authorization: Basic` and `access.client`'s id and secret (compared in
 *   constant time, after SHA-256: neither the contents nor the lengths leak); a wrong pair is
 *   `401 ERR_CLIENT_INVALID`.
 *
 * The answer is `200` with {@link IntrospectionResponse}: `active: false` for anything unknown,
 * malformed, expired, revoked, or a refresh token (refresh tokens are not introspected); else the
 * token's subject and its scopes as `authenticate` sees them now (for an API key the live scopes,
 * capped by the bot's current role). A missing `token` is `400 invalid_request`; a store failure
 * `503`. Any other method resolves `undefined`.
 *
 * @example
 * ```ts
 * import { handleIntrospectionRequest, readAuthorization, readBody, resolveTokenRoutesOptions } from '@scopeladder/tokens/http';
 *
 * const { introspection } = resolveTokenRoutesOptions({ introspection: { client: { id: 'billing', secret: process.env.INTROSPECTION_SECRET! } } });
 * const answer = await handleIntrospectionRequest(service, {
 *   method: req.method,
 *   url: req.url,
 *   authorization: readAuthorization(req),
 *   readBody: () => readBody(req),
 * }, introspection);
 * if (answer !== undefined) res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
 * ```
 */
export async function handleIntrospectionRequest(
  service: AuthService<AnyPolicy>,
  request: TokenEndpointRequest,
  access: ResolvedIntrospectionAccess,
): Promise<TokenEndpointAnswer<IntrospectionResponse> | undefined> {
  if (request.method !== 'POST') return undefined;
  await authorizeCaller(service, request.authorization, access);
  let token: string;
  const body = await request.readBody();
  try {
    if (!isPlainObject(body)) fail('ERR_INVALID_REQUEST', 'Expected a form or JSON body with token');
    const value = body['token'];
    if (typeof value !== 'string' || value === '') fail('ERR_INVALID_REQUEST', 'token must be one non-empty string');
    token = value;
  } catch (error) {
    throw atEndpoint(error, 'oauth');
  }
  return { status: 200, headers: HEADERS, body: await introspect(service, token) };
}

async function authorizeCaller(
  service: AuthService<AnyPolicy>,
  authorization: string | readonly string[] | undefined,
  access: ResolvedIntrospectionAccess,
): Promise<void> {
  if (isBasicScheme(authorization)) {
    const { client } = access;
    const given = readBasicCredentials(authorization);
    // Both comparisons always run: which part was wrong is not told by the time taken.
    const idMatches = client !== null && given !== undefined && secretMatches(given.id, client.id);
    const secretOk = client !== null && given !== undefined && secretMatches(given.secret, client.secret);
    if (!idMatches || !secretOk) fail('ERR_CLIENT_INVALID', 'Client authentication failed');
    return;
  }
  if (access.scope === null) fail('ERR_AUTH_REQUIRED', 'Introspection takes client credentials (HTTP Basic)');
  const caller = await service.authenticate(authorization);
  const required = access.scope ?? service.policy.ladder.scopes[service.policy.ladder.scopes.length - 1];
  if (required === undefined || !service.policy.ladder.satisfies(caller.principal.scopes, required)) {
    throw new ScopeladderError('ERR_INSUFFICIENT_SCOPE', `Introspection needs the ${required ?? 'top'} scope`);
  }
}

async function introspect(service: AuthService<AnyPolicy>, token: string): Promise<IntrospectionResponse> {
  let context: AuthContext<AnyPolicy>;
  try {
    context = await service.authenticate(`Bearer ${token}`);
  } catch (error) {
    if (isScopeladderError(error) && INACTIVE_CODES.has(error.code)) return INACTIVE;
    throw error;
  }
  const { principal, token: proof } = context;
  return Object.freeze({
    active: true as const,
    token_type: 'Bearer' as const,
    sub: principal.id,
    scope: principal.scopes.join(' '),
    // The service authenticates only its own access tokens and API keys.
    ...(proof.kind === 'jwt' ? { exp: proof.expiresAt, iat: proof.issuedAt, jti: proof.jti, sid: proof.familyId } : {}),
    ...(proof.kind === 'apiKey' ? { key_id: proof.keyId } : {}),
    ...(principal.organization === undefined ? {} : { org: principal.organization }),
    ...(typeof principal['email'] === 'string' ? { username: principal['email'] } : {}),
  });
}
