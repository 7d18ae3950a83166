import type { HttpErrorOptions } from '@scopeladder/core';
import { isAuthService } from '../lib/adapter-options.js';
import { fail } from '../lib/errors.js';
import { principalOf } from '../lib/principal-of.js';
import type { AnyPolicy } from '../register.js';
import type { AuthContext, AuthService } from '../service-types.js';
import type { AdapterOptions, ResolvePrincipal } from './assert-adapter-options.js';
import { readAuthorization, type AuthorizationSource } from './read-authorization.js';

/**
 * How an adapter authenticates, whichever option it was given: see {@link resolveAdapterAuth}.
 *
 * @example
 * ```ts
 * const auth: AdapterAuth<Request> = resolveAdapterAuth<Request>(options, 'createMyAdapter');
 * const context = await auth.authenticate(req, req); // the request, and where its Authorization header is
 * ```
 */
export interface AdapterAuth<Request> {
  /** The policy guards decide with: the service's, or `options.policy`. */
  readonly policy: AnyPolicy;
  /** Core's HTTP options for every error answer: the service's, or `options.http` (default none). */
  readonly http: HttpErrorOptions;
  /** The full auth service (`createAuthService`) when given one; `undefined` with a verifier or `resolvePrincipal`. */
  readonly service: AuthService<AnyPolicy> | undefined;
  /**
   * Authenticates a request: with a `service`, its `authenticate(Authorization header(s))`; with
   * `resolvePrincipal`, the application's function and the policy's ability (`token.kind:
   * 'application'`; `null`/`undefined` is `ERR_AUTH_REQUIRED`). Never throws: rejects.
   */
  authenticate(request: Request, headers: AuthorizationSource): Promise<AuthContext<AnyPolicy>>;
  /**
   * The full auth service, for the token endpoint and the discovery routes; a `TypeError` naming
   * `where` when the adapter was given `resolvePrincipal` or a verifier of another issuer's tokens.
   */
  tokenService(where: string): AuthService<AnyPolicy>;
}

function authenticateWith<Request>(resolvePrincipal: ResolvePrincipal<Request>, policy: AnyPolicy, where: string) {
  return async (request: Request): Promise<AuthContext<AnyPolicy>> => {
    const resolved = await resolvePrincipal(request);
    if (resolved === null || resolved === undefined) fail('ERR_AUTH_REQUIRED', 'Authentication required');
    const principal = principalOf(resolved, where);
    return { principal, ability: policy.abilityFor(principal), token: Object.freeze({ kind: 'application' as const }) };
  };
}

/**
 * Resolves an adapter's (already asserted, see `assertAdapterOptions`) options into one way to
 * authenticate a request, so that guards, list filters, `auth` and the error table work the same
 * over our auth service, a verifier of an identity provider's tokens (`createJwtVerifier`) or
 * the application's own authentication (`resolvePrincipal` + `policy`). The token endpoint and
 * discovery routes need our full service: {@link AdapterAuth.tokenService}.
 *
 * @example
 * ```ts
 * import { assertAdapterOptions, resolveAdapterAuth } from '@scopeladder/tokens/http';
 *
 * assertAdapterOptions(options, 'createMyAdapter');
 * const auth = resolveAdapterAuth<IncomingMessage>(options, 'createMyAdapter');
 * const { principal } = await auth.authenticate(req, req);
 * ```
 */
export function resolveAdapterAuth<Request>(options: AdapterOptions, where: string): AdapterAuth<Request> {
  const { service } = options;
  if (service !== undefined) {
    const full = isAuthService(service) ? service : undefined;
    return Object.freeze({
      policy: service.policy,
      http: service.http,
      service: full,
      authenticate(_request: Request, headers: AuthorizationSource): Promise<AuthContext<AnyPolicy>> {
        try {
          return service.authenticate(readAuthorization(headers));
        } catch (error) {
          return Promise.reject(error); // a service that throws instead of rejecting
        }
      },
      tokenService(use: string): AuthService<AnyPolicy> {
        if (full === undefined) {
          throw new TypeError(
            `${use}: needs the auth service of createAuthService; a verifier of another issuer's tokens has no token endpoint or keys to publish`,
          );
        }
        return full;
      },
    });
  }
  const policy = options.policy as AnyPolicy;
  const authenticate = authenticateWith(options.resolvePrincipal as ResolvePrincipal<Request>, policy, where);
  return Object.freeze({
    policy,
    http: Object.freeze({ ...options.http }),
    service: undefined,
    authenticate: (request: Request): Promise<AuthContext<AnyPolicy>> => authenticate(request),
    tokenService(use: string): never {
      throw new TypeError(
        `${use}: unavailable with resolvePrincipal (your own authentication issues the credentials); the token endpoint and discovery routes need the auth service of createAuthService`,
      );
    },
  });
}
