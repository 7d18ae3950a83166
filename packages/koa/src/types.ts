import type { HttpErrorOptions, HttpErrorResult, ListFilter } from '@scopeladder/core';
import type { AnyPolicy, AuthContext, Authenticator, PolicyActionOf, PolicyResourceOf, RegisteredPolicy } from '@scopeladder/tokens';
import type { Middleware, ParameterizedContext } from 'koa';
import type {
  DiscoveryOptions,
  ErrorBodyFormatter,
  FieldsOption,
  GuardOptions,
  IntrospectionAccessOptions,
  ReadJsonBodyOptions,
  ResolvePrincipal,
} from '@scopeladder/tokens/http';

/**
 * What `ctx.state.auth` holds once a request is authenticated: the auth service's
 * {@link AuthContext} (`principal`, `ability`, `token`) and, after a guard with `load`, the
 * authorized record. `ctx.state.auth` is typed with the registered policy (ChatShipper's unless
 * the application registers its own, see `Register` in `@scopeladder/tokens`), so
 * `ctx.state.auth.ability.can('lsit', …)` does not compile.
 *
 * @example
 * ```ts
 * router.get('/v2/me', auth.authenticate, (ctx) => {
 *   ctx.body = { id: ctx.state.auth?.principal.id };
 * });
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

declare module 'koa' {
  interface DefaultState {
    /** Set by `@scopeladder/koa` once the request is authenticated; `undefined` before. */
    auth?: RequestAuth | undefined;
  }
  interface Request {
    /** The parsed body: set by `auth.jsonBody()` (the same declaration as `@koa/bodyparser`'s). */
    body?: unknown;
  }
}

/**
 * The context a guard's `load` and `fields` receive: Koa's, with `@koa/router`'s `params`.
 *
 * @example
 * ```ts
 * const loadUser = (ctx: KoaGuardContext) => users.get(String(ctx.params.id));
 * ```
 */
export type KoaGuardContext = ParameterizedContext & { readonly params: Record<string, string> };

/**
 * The options of {@link createKoaAuth} whatever it authenticates with: where 5xx errors are
 * reported, and how error bodies are shaped.
 *
 * @example
 * ```ts
 * const common: KoaCommonOptions = { onError: (error) => logger.error({ err: error }) };
 * ```
 */
export interface KoaCommonOptions {
  /**
   * Called with every error answered with a 5xx (store down, a bug in a handler or in
   * `resolvePrincipal`), for logging. Default: Koa's own `ctx.app.emit('error', error, ctx)`.
   * Errors answered with a 4xx are not reported.
   */
  readonly onError?: ((error: unknown, ctx: ParameterizedContext) => void) | undefined;
  /**
   * Shapes the JSON body of every error this middleware set answers — guard denials, authentication
   * failures, token-endpoint errors, body errors, the generic 500 — from core's answer and the
   * error caught (see `ErrorBodyFormatter` in `@scopeladder/tokens/http`). Status and headers stay
   * core's (`service.http`: e.g. `expiredTokenStatus: 401` for the RFC 6750 status of an expired
   * token). A formatter that throws is reported to `onError` and core's body is answered.
   * Default: core's `{ code, message, … }`.
   */
  readonly formatError?: ErrorBodyFormatter | undefined;
}

/**
 * Options of {@link createKoaAuth} with a service: our auth service (`createAuthService`: the
 * whole token stack) or the verifier of an identity provider's access tokens
 * (`createJwtVerifier`: resource-server mode, no token routes). `P` is the policy type of the service.
 *
 * @example
 * ```ts
 * const auth = createKoaAuth({ service, onError: (error) => logger.error({ err: error }) });
 * ```
 */
export interface KoaServiceOptions<P extends AnyPolicy = RegisteredPolicy> extends KoaCommonOptions {
  /** The auth service from `@scopeladder/tokens` (`createAuthService`), or a `createJwtVerifier`. */
  readonly service: Authenticator<P>;
  readonly policy?: never;
  readonly resolvePrincipal?: never;
  readonly http?: never;
}

/**
 * Options of {@link createKoaAuth} over the application's own authentication (a session cookie,
 * a gateway's header): `resolvePrincipal` turns a context into the principal (or `null`:
 * anonymous, `401 ERR_AUTH_REQUIRED`), and `policy` decides. Guards, `ctx.state.auth.filter` and
 * the error table work as with a service; `tokenRoutes` and `discoveryRoutes` are a `TypeError`.
 * A `ScopeladderError` thrown by `resolvePrincipal` keeps its code; any other error is the
 * generic `500 ERR_INTERNAL`, reported to `onError`.
 *
 * @example
 * ```ts
 * const auth = createKoaAuth({ policy, resolvePrincipal: (ctx) => principalFromSessionCookie(ctx.get('cookie')) });
 * ```
 */
export interface KoaResolvePrincipalOptions<P extends AnyPolicy = RegisteredPolicy> extends KoaCommonOptions {
  /** The policy decisions are made with (`definePolicy(...)` or `chatshipperPolicy` from `@scopeladder/core`). */
  readonly policy: P;
  /** The context → its principal, or `null`/`undefined` when anonymous. Sync or async. */
  readonly resolvePrincipal: ResolvePrincipal<ParameterizedContext>;
  /** Core's HTTP options for every error answer (realm, `expiredTokenStatus`, resource metadata). Default: core's defaults. */
  readonly http?: HttpErrorOptions | undefined;
  readonly service?: never;
}

/**
 * Options of {@link createKoaAuth}: exactly one of `service` ({@link KoaServiceOptions}) or
 * `resolvePrincipal` with `policy` ({@link KoaResolvePrincipalOptions}). `P` is the policy type.
 *
 * @example
 * ```ts
 * const options: KoaAuthOptions = { service };
 * ```
 */
export type KoaAuthOptions<P extends AnyPolicy = RegisteredPolicy> = KoaServiceOptions<P> | KoaResolvePrincipalOptions<P>;

/**
 * Options of {@link KoaAuth.tokenRoutes}.
 *
 * @example
 * ```ts
 * app.use(auth.tokenRoutes({ path: '/api/token', bodyLimit: 8 * 1024 }));
 * ```
 */
export interface KoaTokenRoutesOptions {
  /** The path of the token endpoint (`ctx.path`). Default `/v2/auth/token`. */
  readonly path?: string | undefined;
  /** Largest accepted body in bytes, when no body parser of the app read it first. Default 16 KiB. */
  readonly bodyLimit?: number | undefined;
  /** The path of the RFC 7009 revocation endpoint (`POST token`), or `false`. Default `/v2/auth/revoke`. */
  readonly revocationPath?: string | false | undefined;
  /** The path of the RFC 7662 introspection endpoint (`POST token`), or `false`. Default `/v2/auth/introspect`. */
  readonly introspectionPath?: string | false | undefined;
  /** Who may introspect: bearers with `scope` (default the top of the ladder, `admin`) and/or a Basic `client`. */
  readonly introspection?: IntrospectionAccessOptions | undefined;
}

/**
 * Options of {@link KoaAuth.jsonBody}: the largest body (`limit`, bytes, default 100 KiB, as
 * sent and once decoded) and the deepest nesting (`maxDepth`, default 64).
 *
 * @example
 * ```ts
 * app.use(auth.jsonBody({ limit: 64 * 1024, maxDepth: 32 }));
 * ```
 */
export type KoaJsonBodyOptions = ReadJsonBodyOptions;

/**
 * Options of {@link KoaAuth.authorize}: `load` a record to authorize against, and `fields`.
 *
 * @example
 * ```ts
 * const options: KoaAuthorizeOptions<User> = { load: (ctx) => users.get(String(ctx.params.id)) };
 * router.patch('/v2/users/:id', auth.authorize('update', 'User', options), handler);
 * ```
 */
export type KoaAuthorizeOptions<Resource = unknown> = GuardOptions<KoaGuardContext, Resource>;

/**
 * Which fields a guard checks; see the `fields` option of {@link KoaAuth.authorize}.
 *
 * @example
 * ```ts
 * const fields: KoaFieldsOption = ['name', 'email'];
 * ```
 */
export type KoaFieldsOption = FieldsOption<KoaGuardContext>;

/**
 * What {@link createKoaAuth} returns: middleware to mount, and one translation helper. `P` is
 * the policy type of the service: guards take only its actions and subject types.
 *
 * @example
 * ```ts
 * const auth: KoaAuth = createKoaAuth({ service });
 * app.use(auth.errorHandler).use(auth.tokenRoutes()).use(auth.jsonBody()).use(router.routes());
 * ```
 */
export interface KoaAuth<P extends AnyPolicy = RegisteredPolicy> {
  /**
   * Answers every error thrown below it with core's answer (status, `WWW-Authenticate`,
   * `Cache-Control`, JSON `{code, message, …}`); a body over the parser's limit is
   * `413 ERR_PAYLOAD_TOO_LARGE`, an unknown error the generic `500 ERR_INTERNAL`. An error of the
   * application's own with an explicit 4xx `status` (other than 404) is rethrown unchanged, for
   * Koa's own handling. A path whose percent-encoding does not decode (`/v2/organizations/%zz`)
   * is refused here, `400 ERR_INVALID_REQUEST`, as Express's and Fastify's routers do. Mount it first; an error middleware of the application mounted after it
   * sees errors first and may answer or rethrow.
   */
  readonly errorHandler: Middleware;
  /**
   * Authenticates the request from its `Authorization` header(s) and sets `ctx.state.auth`.
   * Mount it with `app.use` / `router.use`, or per route. Never reads a token from the query.
   */
  readonly authenticate: Middleware;
  /**
   * A guard: authenticates if not done yet, then asks the policy whether the principal may do
   * `action` on `subject`. Without `load`, on every instance of the type; with `load`, on the
   * loaded record (set on `ctx.state.auth.resource`). For `create`/`update` the body's fields
   * (`ctx.request.body`) are checked too. An action or subject type the policy does not know is a
   * `TypeError` here, when the route is declared (and a compile error).
   */
  authorize<Resource = unknown>(action: PolicyActionOf<P>, subject: PolicyResourceOf<P>, options?: KoaAuthorizeOptions<Resource>): Middleware;
  /**
   * The token endpoint: `POST {email, password}` (login), `POST {refreshToken}` and
   * `GET ?refreshToken=` (refresh, rotating), `DELETE` with a bearer token (logout, 204).
   * Reads JSON or form bodies itself unless a body parser already did. Needs the auth service of
   * `createAuthService`: a `TypeError` with a verifier of another issuer's tokens or with `resolvePrincipal`.
   */
  tokenRoutes(options?: KoaTokenRoutesOptions): Middleware;
  /**
   * The discovery routes (middleware; mount it before `authenticate`): `GET /.well-known/jwks.json` (the service's JWKS),
   * `/.well-known/oauth-authorization-server` (RFC 8414: issuer, token, JWKS, revocation and
   * introspection endpoints, grant types, scopes) and, with `protectedResource`,
   * `/.well-known/oauth-protected-resource` (RFC 9728; give the service `resourceMetadataUrl` too,
   * so that 401 challenges carry `resource_metadata`). Public, cacheable, never authenticated.
   * Options are checked here (`TypeError`). Needs the auth service of `createAuthService`, like `tokenRoutes`.
   */
  discoveryRoutes(options: DiscoveryOptions): Middleware;
  /**
   * The JSON body reader (in place of `@koa/bodyparser`): sets `ctx.request.body` to the parsed
   * body, or `undefined` when the request has none (whatever its method and `Content-Type`).
   * Every other body is refused with a JSON error, never a 5xx: another media type or charset,
   * an unknown or several `Content-Encoding`s `415 ERR_UNSUPPORTED_MEDIA_TYPE`; over `limit`
   * `413 ERR_PAYLOAD_TOO_LARGE`; malformed JSON, invalid UTF-8, a corrupt gzip/deflate/br body
   * `400 ERR_INVALID_REQUEST`; deeper than `maxDepth` `400 ERR_BODY_TOO_DEEP`; a field name with
   * a control character or `__proto__` `400 ERR_FIELD_NAME_INVALID`. Options are checked here
   * (`TypeError`). Mount it after `errorHandler` and `tokenRoutes()` (which also takes form
   * bodies), before the router; a body another parser already read is left as it is.
   */
  jsonBody(options?: KoaJsonBodyOptions): Middleware;
  /**
   * Core's answer for `error`, as the error middleware writes it: for an application's own
   * handler. For an error it rethrows (the application's own 4xx), this is the generic 500.
   */
  toHttpError(error: unknown): HttpErrorResult;
}
