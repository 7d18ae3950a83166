import type { AuthService, TokenResponse } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import { atEndpoint, isGrantRequest } from '../lib/oauth-endpoint.js';
import { readRefreshToken } from './read-refresh-token.js';
import { readTokenRequest } from './read-token-request.js';

/**
 * A request to the token endpoint, as an adapter hands it over.
 *
 * @example
 * ```ts
 * const request: TokenEndpointRequest = {
 *   method: req.method,
 *   url: req.originalUrl,
 *   authorization: readAuthorization(req),
 *   source: req.ip,
 *   readBody: () => readBody(req, { limit, parsed: req.body }),
 * };
 * ```
 */
export interface TokenEndpointRequest {
  /** The HTTP method: `POST`, `GET` and `DELETE` are answered. */
  readonly method: string;
  /** The request target (path and query): a `GET` reads `refreshToken` from its query. */
  readonly url: string;
  /** Every `Authorization` header, as {@link readAuthorization} returns them: a `DELETE` needs one. */
  readonly authorization: string | readonly string[] | undefined;
  /** The client's address, for per-source login throttling. */
  readonly source?: string | undefined;
  /** Reads the body; called for a `POST` only. See {@link readBody}. */
  readonly readBody: () => Promise<unknown>;
}

/**
 * The answer to write for a token-endpoint request (or a revocation or introspection request):
 * status, headers (lower-case names) and, when there is one, the JSON body.
 *
 * @example
 * ```ts
 * const answer: TokenEndpointAnswer = { status: 200, headers: { 'cache-control': 'no-store', pragma: 'no-cache' }, body: tokens };
 * res.status(answer.status).set(answer.headers);
 * if (answer.body === undefined) res.end(); else res.json(answer.body);
 * ```
 */
export interface TokenEndpointAnswer<Body = TokenResponse> {
  readonly status: 200 | 204;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body: the token response (or, at the introspection endpoint, its answer); none for 204 and revocations. */
  readonly body: Body | undefined;
}

// RFC 6749 §5.1: token answers must not be cached.
const TOKEN_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store', pragma: 'no-cache' });
const LOGOUT_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store' });

function tokens(body: TokenResponse): TokenEndpointAnswer {
  return { status: 200, headers: TOKEN_HEADERS, body };
}

function queryValues(url: string, name: string): string[] {
  const index = url.indexOf('?');
  return index === -1 ? [] : new URLSearchParams(url.slice(index + 1)).getAll(name);
}

/**
 * Answers the token endpoint (`/v2/auth/token`); every decision is the auth service's:
 *
 * - `POST` logs in or refreshes (rotating), in RFC 6749's form (`grant_type=password` or
 *   `grant_type=refresh_token`, optional `scope`) or ChatShipper's (`{email, password,
 *   organization?}`, `{refreshToken}`, the SDK's `{clientId, refreshToken}`), form-encoded or
 *   JSON: 200 with the {@link TokenResponse} (ChatShipper's fields and RFC 6749 §5.1's) and
 *   `Cache-Control: no-store`. The body is read by `request.readBody()` and checked by
 *   {@link readTokenRequest}.
 * - `GET ?refreshToken=…` refreshes: exactly one non-empty parameter ({@link readRefreshToken}).
 * - `DELETE` with `Authorization: Bearer <access token>` logs out (the token and its refresh
 *   family): 204. The header is authenticated first, so a bad one gets the usual 4xx.
 * - Any other method resolves `undefined`: not the endpoint's, leave it to the application.
 *
 * Failures reject with `ScopeladderError`s for the adapter's error handling. Those about the
 * request (not a body the reader refused: size, media type, depth) are marked with the
 * endpoint (core's `ErrorEndpoint`): a request in RFC 6749's form is answered after §5.2 (a
 * refused grant `400 invalid_grant`, `unsupported_grant_type`, `invalid_scope`, …); one in
 * ChatShipper's forms keeps its usual status (`401 ERR_INVALID_CREDENTIALS`, …). Either body
 * carries `code`, `message`, `error` and `error_description`.
 *
 * @example
 * ```ts
 * import { handleTokenRequest, readAuthorization, readBody } from '@scopeladder/tokens/http';
 *
 * const answer = await handleTokenRequest(service, {
 *   method: req.method,
 *   url: req.url,
 *   authorization: readAuthorization(req),
 *   source: req.socket.remoteAddress,
 *   readBody: () => readBody(req),
 * });
 * if (answer !== undefined) res.writeHead(answer.status, answer.headers).end(answer.body && JSON.stringify(answer.body));
 * ```
 */
export async function handleTokenRequest(service: AuthService<AnyPolicy>, request: TokenEndpointRequest): Promise<TokenEndpointAnswer | undefined> {
  const context = { source: request.source };
  switch (request.method) {
    case 'POST': {
      // A body refused by the reader (size, media type, depth) is an HTTP-level refusal, answered
      // as everywhere: only what a read body asks for is answered as the token endpoint's.
      const body = await request.readBody();
      const endpoint = isGrantRequest(body) ? 'oauth' : 'token';
      try {
        const asked = readTokenRequest(body);
        if (asked.kind === 'login') return tokens(await service.login(asked.input, context));
        return tokens(await service.refresh(asked.refreshToken, context, asked.scope === undefined ? {} : { scope: asked.scope }));
      } catch (error) {
        throw atEndpoint(error, endpoint);
      }
    }
    case 'GET': {
      try {
        const values = queryValues(request.url, 'refreshToken');
        return tokens(await service.refresh(readRefreshToken(values.length === 1 ? values[0] : values), context));
      } catch (error) {
        throw atEndpoint(error, 'token');
      }
    }
    case 'DELETE': {
      const { authorization } = request;
      await service.authenticate(authorization);
      // Only reached when the service accepted this exact value: one header, `Bearer <token>`.
      const value = typeof authorization === 'string' ? authorization : '';
      await service.logout(value.slice(value.indexOf(' ') + 1));
      return { status: 204, headers: LOGOUT_HEADERS, body: undefined };
    }
    default:
      return undefined;
  }
}
