import type { HttpErrorOptions, Principal } from '@scopeladder/core';
import { isAuthenticator, isPolicy } from '../lib/adapter-options.js';
import type { Authenticator } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import type { ErrorBodyFormatter } from './resolve-error-answer.js';

/**
 * The application's own authentication, for an adapter's `resolvePrincipal` option: the request
 * → the principal it authenticated, or `null`/`undefined` for an anonymous request (answered
 * `401 ERR_AUTH_REQUIRED` wherever the adapter authenticates). Sync or async. A
 * `ScopeladderError` it throws (or rejects with) is answered through core's table with its code
 * (`ERR_TOKEN_EXPIRED`, `ERR_FORBIDDEN`, …); any other error is a failure of the application:
 * the generic `500 ERR_INTERNAL`, reported to `onError` (an error carrying the application's own
 * 4xx `status` is passed on unchanged, as from any handler).
 *
 * @example
 * ```ts
 * const resolvePrincipal: ResolvePrincipal<{ user?: { id: string; role: string } }> = (req) =>
 *   req.user === undefined ? null : { id: req.user.id, scopes: [req.user.role], kind: 'user' };
 * ```
 */
export type ResolvePrincipal<Request> = (request: Request) => Principal | null | undefined | PromiseLike<Principal | null | undefined>;

/**
 * The options every adapter takes: EITHER `service` — our auth service (`createAuthService`) or
 * the verifier of an identity provider's tokens (`createJwtVerifier`) — OR `resolvePrincipal`
 * with the `policy` (and optionally core's `http` options); plus where to report errors answered
 * with a 5xx, and how to shape error bodies.
 *
 * @example
 * ```ts
 * const options: AdapterOptions = { service, onError: (error) => logger.error({ err: error }) };
 * const ownAuthentication: AdapterOptions = { policy, resolvePrincipal: (req: Request) => principalOf(req) };
 * ```
 */
export interface AdapterOptions {
  /** The auth service (`createAuthService`) or another {@link Authenticator} (`createJwtVerifier`). */
  readonly service?: Authenticator<AnyPolicy> | undefined;
  /** The policy, with `resolvePrincipal` (a `service` brings its own). */
  readonly policy?: AnyPolicy | undefined;
  /** The application's own authentication, in place of a `service`. */
  readonly resolvePrincipal?: ResolvePrincipal<never> | undefined;
  /** Core's HTTP options (realm, expired-token status, resource metadata), with `resolvePrincipal` (a `service` brings its own). */
  readonly http?: HttpErrorOptions | undefined;
  /** Called with every error answered with a 5xx; its arguments are the adapter's. */
  readonly onError?: ((error: unknown, ...context: never[]) => void) | undefined;
  /** Shapes the body of every error answer (see {@link ErrorBodyFormatter}); status and headers stay core's. */
  readonly formatError?: ErrorBodyFormatter | undefined;
}

const EITHER = 'options.service (createAuthService or createJwtVerifier from @scopeladder/tokens) or options.resolvePrincipal with options.policy';

function assertAuthentication(options: AdapterOptions, where: string): void {
  const { service, policy, resolvePrincipal, http } = options;
  if (service !== undefined) {
    if (resolvePrincipal !== undefined || policy !== undefined || http !== undefined) {
      throw new TypeError(`${where}: give ${EITHER}, not both (a service brings its own policy and http options)`);
    }
    if (!isAuthenticator(service)) {
      throw new TypeError(
        `${where}: options.service must be an AuthService or an Authenticator (createAuthService or createJwtVerifier from @scopeladder/tokens)`,
      );
    }
    return;
  }
  if (resolvePrincipal === undefined && policy === undefined) throw new TypeError(`${where}: ${EITHER} is required`);
  if (typeof resolvePrincipal !== 'function') {
    throw new TypeError(`${where}: options.resolvePrincipal must be a function (request) => principal | null, given with options.policy`);
  }
  if (!isPolicy(policy)) throw new TypeError(`${where}: options.policy must be a policy (definePolicy or chatshipperPolicy from @scopeladder/core)`);
  if (http !== undefined && (typeof http !== 'object' || http === null))
    throw new TypeError(`${where}: options.http must be core's HttpErrorOptions`);
}

/**
 * Throws a `TypeError` naming `where` unless `options` is an object with EXACTLY ONE way to
 * authenticate — a `service` that is an {@link Authenticator} (`createAuthService`,
 * `createJwtVerifier`), or a `resolvePrincipal` function with a `policy` (and optionally `http`)
 * — and whose `onError` and `formatError`, if any, are functions. Adapters call it when they
 * are created, so a wrong option fails at startup.
 *
 * @example
 * ```ts
 * import { assertAdapterOptions } from '@scopeladder/tokens/http';
 *
 * export function createMyAdapter(options: MyAdapterOptions) {
 *   assertAdapterOptions(options, 'createMyAdapter'); // TypeError: createMyAdapter: options.service (…) or options.resolvePrincipal with options.policy is required
 *   // …
 * }
 * ```
 */
export function assertAdapterOptions(options: unknown, where: string): asserts options is AdapterOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options are required`);
  const { onError, formatError } = options as AdapterOptions;
  assertAuthentication(options as AdapterOptions, where);
  if (onError !== undefined && typeof onError !== 'function') throw new TypeError(`${where}: onError must be a function`);
  if (formatError !== undefined && typeof formatError !== 'function') {
    throw new TypeError(`${where}: formatError must be a function (answer, error) => body`);
  }
}
