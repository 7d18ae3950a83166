import type { AuthService, TokenResponse } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import { handleIntrospectionRequest, type IntrospectionResponse } from './handle-introspection-request.js';
import { handleRevocationRequest } from './handle-revocation-request.js';
import { handleTokenRequest, type TokenEndpointAnswer, type TokenEndpointRequest } from './handle-token-request.js';
import type { ResolvedTokenRoutesOptions } from './resolve-token-routes-options.js';

/**
 * Answers a request to one of the token routes an adapter mounts, by its path: the token
 * endpoint ({@link handleTokenRequest}), the revocation endpoint ({@link handleRevocationRequest})
 * or the introspection endpoint ({@link handleIntrospectionRequest}). Resolves `undefined` for
 * another path or a method the endpoint does not answer: the application's, not ours.
 *
 * @example
 * ```ts
 * import { readAuthorization, readBody, resolveTokenRoutesOptions, routeTokenRequest } from '@scopeladder/tokens/http';
 *
 * const routes = resolveTokenRoutesOptions({}, 'tokenRoutes', service.policy.ladder);
 * const answer = await routeTokenRequest(service, routes, req.path, {
 *   method: req.method,
 *   url: req.url,
 *   authorization: readAuthorization(req),
 *   source: req.ip,
 *   readBody: () => readBody(req, { limit: routes.bodyLimit }),
 * });
 * ```
 */
export function routeTokenRequest(
  service: AuthService<AnyPolicy>,
  routes: ResolvedTokenRoutesOptions,
  path: string,
  request: TokenEndpointRequest,
): Promise<TokenEndpointAnswer<TokenResponse | IntrospectionResponse> | undefined> {
  if (path === routes.path) return handleTokenRequest(service, request);
  if (path === routes.revocationPath) return handleRevocationRequest(service, request);
  if (path === routes.introspectionPath) return handleIntrospectionRequest(service, request, routes.introspection);
  return Promise.resolve(undefined);
}
