import type { HttpErrorOptions, HttpErrorResult, ListFilter } from '@scopeladder/core';
import type { AnyPolicy, AuthContext, AuthService, Authenticator, PolicyActionOf, PolicyResourceOf, RegisteredPolicy } from '@scopeladder/tokens';
import type { FastifyRequest } from 'fastify';
import type {
  DiscoveryOptions,
  ErrorAnswer,
  ErrorBodyFormatter,
  FieldsOption,
  GuardOptions,
  IntrospectionAccessOptions,
  ReadJsonBodyOptions,
  ResolvePrincipal,
} from '@scopeladder/tokens/http';

/**
 * What `request.auth` holds once a request is authenticated: the auth service's
 * {@link AuthContext} (`principal`, `ability`, `token`) and, after a guard with `load`, the
 * authorized record. `request.auth` is typed with the registered policy (ChatShipper's unless
 * the application registers its own, see `Register` in `@scopeladder/tokens`), so
 * `request.auth.ability.can('lsit', …)` does not compile.
 *
 * @example
 * ```ts
 * app.get('/v2/me', { config: { scopeladder: true } }, async (request) => ({ id: request.auth?.principal.id }));
 * ```
 */
export interface RequestAuth<P extends AnyPolicy = RegisteredPolicy> extends AuthContext<P> {
  /** The record a guard with `load` authorized against. Absent otherwise. */
  readonly resource?: unknown;
  /**
   * Which records the principal may act on, for a list (or bulk) handler: after a guard WITHOUT
   * `load` — `authorize('list', 'Conversation')` — core's `policy.filterFor(principal, action,
   * subject)` of that guard (computed on first read): under tenancy a `condition` (the
   * principal's organization subtree, as a MongoDB `query`, a Prisma `where` and a predicate
   * `matches`), without tenancy `all`. Anywhere else (authenticated only, or after a guard with
   * `load`) `none`: nothing was authorized as a list, so a list built from it is empty. A
   * type-level guard is not a list filter; this is.
   */
  readonly filter: ListFilter;
}

/**
 * The request a route guard's `load` and `fields` receive (route params as strings).
 *
 * @example
 * ```ts
 * const loadUser = (request: ScopeladderGuardRequest) => users.get(String(request.params.id));
 * ```
 */
export type ScopeladderGuardRequest = FastifyRequest<{ Params: Record<string, string> }>;

/**
 * Which fields a guard checks; see {@link ScopeladderRouteGuard.fields}.
 *
 * @example
 * ```ts
 * const fields: ScopeladderFieldsOption = (request) => Object.keys((request.body as object | undefined) ?? {});
 * ```
 */
export type ScopeladderFieldsOption = FieldsOption<ScopeladderGuardRequest>;

/**
 * A route guard, given as `config: { scopeladder: { action, subject, load?, fields? } }`.
 * Without `load` the principal must be allowed `action` on every `subject` (checked in
 * `onRequest`, before the body is read); with `load` the check runs on the loaded record
 * (in `preHandler`) and the record is set on `request.auth.resource`. For `create`/`update`
 * the body's fields are checked too.
 *
 * @example
 * ```ts
 * const guard: ScopeladderRouteGuard = { action: 'update', subject: 'User', load: loadUser };
 * app.patch('/v2/users/:id', { config: { scopeladder: guard } }, handler);
 * ```
 */
export interface ScopeladderRouteGuard<Resource = unknown, P extends AnyPolicy = RegisteredPolicy> extends GuardOptions<
  ScopeladderGuardRequest,
  Resource
> {
  /** The action, e.g. `"update"`: one of the policy's (a typo does not compile, and is a `TypeError` when the route is added). */
  readonly action: PolicyActionOf<P>;
  /** The subject type, e.g. `"User"`: one of the policy's (a typo does not compile, and is a `TypeError` when the route is added). */
  readonly subject: PolicyResourceOf<P>;
}

/**
 * The `scopeladder` route config: a guard; `true` (authenticate, no guard); or `false` (a
 * public route: never authenticated). Routes without it follow the plugin's `authenticate`.
 *
 * @example
 * ```ts
 * app.get('/health', { config: { scopeladder: false } }, handler); // public
 * app.get('/v2/me', { config: { scopeladder: true } }, handler); // authenticated, no guard
 * ```
 */
export type ScopeladderRouteConfig<P extends AnyPolicy = RegisteredPolicy> = boolean | ScopeladderRouteGuard<unknown, P>;

/**
 * What the plugin decorates the Fastify instance with, as `fastify.scopeladder`.
 *
 * @example
 * ```ts
 * const { status, body } = app.scopeladder.toHttpError(error);
 * ```
 */
export interface ScopeladderFastifyDecorator<P extends AnyPolicy = RegisteredPolicy> {
  /** The auth service the plugin was registered with: `undefined` with a verifier of another issuer's tokens or `resolvePrincipal`. */
  readonly service: AuthService<P> | undefined;
  /** The policy guards decide with (the service's, or `options.policy`). */
  readonly policy: P;
  /**
   * Core's answer for `error`, as the plugin's error handler writes it: for an application's own
   * handler. For an error it throws on (the application's own 4xx), this is the generic 500.
   */
  toHttpError(error: unknown): HttpErrorResult;
  /**
   * What the plugin's error handler writes for `error`: {@link toHttpError}'s status and headers,
   * the body shaped by the plugin's `formatError` (core's without one).
   */
  toErrorAnswer(error: unknown): ErrorAnswer;
}

/**
 * Options of the token routes.
 *
 * @example
 * ```ts
 * await app.register(scopeladder, { service, tokenRoutes: { path: '/api/token' } });
 * ```
 */
export interface ScopeladderTokenRoutesOptions {
  /** The path of the token endpoint. Default `/v2/auth/token`. */
  readonly path?: string | undefined;
  /** Largest accepted body in bytes. Default 16 KiB. */
  readonly bodyLimit?: number | undefined;
  /** The path of the RFC 7009 revocation endpoint (`POST token`), or `false`. Default `/v2/auth/revoke`. */
  readonly revocationPath?: string | false | undefined;
  /** The path of the RFC 7662 introspection endpoint (`POST token`), or `false`. Default `/v2/auth/introspect`. */
  readonly introspectionPath?: string | false | undefined;
  /** Who may introspect: bearers with `scope` (default the top of the ladder, `admin`) and/or a Basic `client`. */
  readonly introspection?: IntrospectionAccessOptions | undefined;
}

/**
 * Options of the plugin's JSON body reader (`jsonBody`): the largest body (`limit`, bytes,
 * default 100 KiB, as sent and once decoded; a smaller route `bodyLimit` wins) and the deepest
 * nesting (`maxDepth`, default 64).
 *
 * @example
 * ```ts
 * await app.register(scopeladder, { service, jsonBody: { limit: 64 * 1024, maxDepth: 32 } });
 * ```
 */
export type ScopeladderJsonBodyOptions = ReadJsonBodyOptions;

/**
 * The options of the plugin whatever it authenticates with.
 *
 * @example
 * ```ts
 * const common: ScopeladderFastifyCommonOptions = { authenticate: 'guarded', errorHandler: false };
 * ```
 */
export interface ScopeladderFastifyCommonOptions {
  /**
   * Which routes authenticate: `"all"` (default: every route, except those with
   * `config.scopeladder: false` and the token routes) or `"guarded"` (only routes whose
   * `config.scopeladder` is a guard or `true`).
   */
  readonly authenticate?: 'all' | 'guarded' | undefined;
  /**
   * Registers `POST|GET|DELETE /v2/auth/token` (and the revocation and introspection endpoints).
   * `false` to leave them out. Default `true` with the auth service of `createAuthService`, `false`
   * otherwise (a verifier of another issuer's tokens, or `resolvePrincipal`: there asking for
   * them is a `TypeError`).
   */
  readonly tokenRoutes?: boolean | ScopeladderTokenRoutesOptions | undefined;
  /**
   * Registers the discovery routes (public, never authenticated): `GET /.well-known/jwks.json`
   * (the service's JWKS), `/.well-known/oauth-authorization-server` (RFC 8414) and, with
   * `protectedResource`, `/.well-known/oauth-protected-resource` (RFC 9728; give the service
   * `resourceMetadataUrl` too, so that 401 challenges carry `resource_metadata`). Default: none.
   * Needs the auth service of `createAuthService` (a `TypeError` otherwise).
   */
  readonly discovery?: DiscoveryOptions | undefined;
  /**
   * Sets an error handler that answers errors with core's answer (a body over `bodyLimit`:
   * `413 ERR_PAYLOAD_TOO_LARGE`; an unknown error: the generic `500 ERR_INTERNAL`). An error of
   * the application's own with an explicit 4xx `statusCode`/`status` (other than 404) is thrown on
   * unchanged, to the parent (or Fastify's default) error handler. Default `true`. `false` to keep
   * your own (use `fastify.scopeladder.toHttpError` in it).
   */
  readonly errorHandler?: boolean | undefined;
  /**
   * Replaces every content-type parser of the application with scopeladder's JSON body reader,
   * so bodies are answered exactly as on the Express and Koa adapters: `request.body` is the
   * parsed body, or `undefined` without one (whatever the method and `Content-Type`: a `DELETE`
   * with `Content-Type: application/json` and no body is fine). Another media type or charset,
   * an unknown or several `Content-Encoding`s: `415 ERR_UNSUPPORTED_MEDIA_TYPE`; over `limit`:
   * `413 ERR_PAYLOAD_TOO_LARGE`; malformed JSON, invalid UTF-8, a corrupt gzip/deflate/br body:
   * `400 ERR_INVALID_REQUEST`; deeper than `maxDepth`: `400 ERR_BODY_TOO_DEEP`; a field name
   * with a control character or `__proto__`: `400 ERR_FIELD_NAME_INVALID`. The token routes
   * keep their form parser. `true` for the defaults. Default `false` (Fastify's own parsers).
   */
  readonly jsonBody?: boolean | ScopeladderJsonBodyOptions | undefined;
  /** Called with every error answered with a 5xx (a bug in a handler or in `resolvePrincipal`, …). Default: `request.log.error`. */
  readonly onError?: ((error: unknown, request: FastifyRequest) => void) | undefined;
  /**
   * Shapes the JSON body of every error this plugin answers — guard denials, authentication
   * failures, token-endpoint errors, body errors, the generic 500 — from core's answer and the
   * error caught (see `ErrorBodyFormatter` in `@scopeladder/tokens/http`). Status and headers stay
   * core's (`service.http`: e.g. `expiredTokenStatus: 401` for the RFC 6750 status of an expired
   * token). A formatter that throws is reported to `onError` and core's body is answered.
   * Default: core's `{ code, message, … }`.
   */
  readonly formatError?: ErrorBodyFormatter | undefined;
}

/**
 * Options of the plugin with a service: our auth service (`createAuthService`: the whole token
 * stack) or the verifier of an identity provider's access tokens (`createJwtVerifier`:
 * resource-server mode, no token routes). Fastify's route config, `request.auth` and
 * `fastify.scopeladder` are declared once for the whole application, with the registered policy
 * (ChatShipper's unless the application registers its own, see `Register` in
 * `@scopeladder/tokens`): the service must be of that policy.
 *
 * @example
 * ```ts
 * await app.register(scopeladder, { service, authenticate: 'guarded', errorHandler: false });
 * ```
 */
export interface ScopeladderFastifyServiceOptions<P extends AnyPolicy = RegisteredPolicy> extends ScopeladderFastifyCommonOptions {
  /** The auth service from `@scopeladder/tokens` (`createAuthService`), or a `createJwtVerifier`. */
  readonly service: Authenticator<P>;
  readonly policy?: never;
  readonly resolvePrincipal?: never;
  readonly http?: never;
}

/**
 * Options of the plugin over the application's own authentication (a session cookie, a
 * gateway's header): `resolvePrincipal` turns a request into the principal (or `null`:
 * anonymous, `401 ERR_AUTH_REQUIRED`), and `policy` decides. Route guards, `request.auth.filter`
 * and the error table work as with a service; there are no token or discovery routes. A
 * `ScopeladderError` thrown by `resolvePrincipal` keeps its code; any other error is the generic
 * `500 ERR_INTERNAL`, reported to `onError`.
 *
 * @example
 * ```ts
 * await app.register(scopeladder, { policy, resolvePrincipal: (request) => principalFromSessionCookie(request.headers.cookie) });
 * ```
 */
export interface ScopeladderFastifyResolvePrincipalOptions<P extends AnyPolicy = RegisteredPolicy> extends ScopeladderFastifyCommonOptions {
  /** The policy decisions are made with (`definePolicy(...)` or `chatshipperPolicy` from `@scopeladder/core`). */
  readonly policy: P;
  /** The request → its principal, or `null`/`undefined` when anonymous. Sync or async. */
  readonly resolvePrincipal: ResolvePrincipal<FastifyRequest>;
  /** Core's HTTP options for every error answer (realm, `expiredTokenStatus`, resource metadata). Default: core's defaults. */
  readonly http?: HttpErrorOptions | undefined;
  readonly service?: never;
}

/**
 * Options of the plugin: exactly one of `service` ({@link ScopeladderFastifyServiceOptions}) or
 * `resolvePrincipal` with `policy` ({@link ScopeladderFastifyResolvePrincipalOptions}).
 *
 * @example
 * ```ts
 * const options: ScopeladderFastifyOptions = { service, jsonBody: true };
 * ```
 */
export type ScopeladderFastifyOptions<P extends AnyPolicy = RegisteredPolicy> =
  ScopeladderFastifyServiceOptions<P> | ScopeladderFastifyResolvePrincipalOptions<P>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `@scopeladder/fastify` once the request is authenticated; `null` before. */
    auth: RequestAuth | null;
  }
  interface FastifyContextConfig {
    /** How `@scopeladder/fastify` treats this route. See {@link ScopeladderRouteConfig}. */
    scopeladder?: ScopeladderRouteConfig | undefined;
  }
  interface FastifyInstance {
    /** Added by `@scopeladder/fastify`. */
    scopeladder: ScopeladderFastifyDecorator;
  }
}
