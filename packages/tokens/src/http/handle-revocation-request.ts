import type { AuthService } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import { fail } from '../lib/errors.js';
import { atEndpoint } from '../lib/oauth-endpoint.js';
import { isPlainObject } from '../lib/plain-object.js';
import type { TokenEndpointAnswer, TokenEndpointRequest } from './handle-token-request.js';

const REVOKED_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store' });

/**
 * Answers the RFC 7009 revocation endpoint (default path `/v2/auth/revoke`): `POST` with `token`
 * (a refresh token or an access token) and an optional `token_type_hint`, form-encoded or JSON.
 * The session behind the token ends (`service.revoke`): the token, its refresh family, every
 * access token issued from it. The answer is `200` with no body whether or not the token was
 * known, valid or already revoked (RFC 7009 §2.2): the endpoint tells nothing about tokens.
 *
 * No client authentication: the endpoint's clients are public (RFC 7009 §2.1 asks it of
 * confidential clients only), and holding the token is what allows ending its session. The
 * `token_type_hint` (`access_token`, `refresh_token`, or any other string) is not needed: the
 * token's shape says what it is, so a wrong or unknown hint changes nothing (§2.1). A missing or non-string `token` is `400 invalid_request`; a store
 * failure `503`, so the client retries. Any other method resolves `undefined`.
 *
 * @example
 * ```ts
 * import { handleRevocationRequest, readAuthorization, readBody } from '@scopeladder/tokens/http';
 *
 * const answer = await handleRevocationRequest(service, {
 *   method: req.method,
 *   url: req.url,
 *   authorization: readAuthorization(req),
 *   readBody: () => readBody(req),
 * });
 * if (answer !== undefined) res.writeHead(answer.status, answer.headers).end();
 * ```
 */
export async function handleRevocationRequest(
  service: AuthService<AnyPolicy>,
  request: TokenEndpointRequest,
): Promise<TokenEndpointAnswer<never> | undefined> {
  if (request.method !== 'POST') return undefined;
  const body = await request.readBody();
  try {
    if (!isPlainObject(body)) fail('ERR_INVALID_REQUEST', 'Expected a form or JSON body with token');
    const { token, token_type_hint: hint } = body;
    if (typeof token !== 'string' || token === '') fail('ERR_INVALID_REQUEST', 'token must be one non-empty string');
    if (hint !== undefined && typeof hint !== 'string') fail('ERR_INVALID_REQUEST', 'token_type_hint must be one string');
    // The hint decides nothing: the token's shape says what it is (RFC 7009 §2.1 lets it be ignored).
    await service.revoke(token);
    return { status: 200, headers: REVOKED_HEADERS, body: undefined };
  } catch (error) {
    throw atEndpoint(error, 'oauth');
  }
}
