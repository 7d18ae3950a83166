import type { HttpErrorOptions, HttpErrorResult, ListFilter } from '@scopeladder/core';
import type { AnyPolicy, AuthContext, Authenticator, PolicyActionOf, PolicyResourceOf, RegisteredPolicy } from '@scopeladder/tokens';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
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
 * What `req.auth` holds once a request is authenticated: the auth service's {@link AuthContext}
 * (`principal`, `ability`, `token`) and, after a guard with `load`, the authorized record.
 * `req.auth` is typed with the registered policy (ChatShipper's unless the application registers
 * its own, see `Register` in `@scopeladder/tokens`), so `req.auth.ability.can('lsit', …)` does
 * not compile.
 *
 * @example
 * ```ts
 * app.get('/v2/me', auth.authenticate, (req, res) => {
 *   res.json({ id: req.auth?.principal.id, scopes: req.auth?.principal.scopes });
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

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `@scopeladder/express` once the request is authenticated; `undefined` before. */
      auth?: RequestAuth | undefined;
    }
  }
}

/**
 * The options of {@link createExpressAuth} whatever it authenticates with: where 5xx errors are
 * reported, and how error bodies are shaped.
 *
 * @example
 * ```ts
 * const common: ExpressCommonOptions = { onError: (error) => logger.error({ err: error }) };
 * ```
 */
export interface ExpressCommonOptions {
  /**
   * Called with every error answered with a 5xx (store down, a bug in a handler or in
   * `resolvePrincipal`), for logging. Default: `console.error`. Errors answered with a 4xx are the
   * client's and are not reported.
   */
  readonly onError?: ((error: unknown, req: Request) => void) | undefined;
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
 * Options of {@link createExpressAuth} with a service: our auth service (`createAuthService`:
 * the whole token stack) or the verifier of an identity provider's access tokens
 * (`createJwtVerifier`: resource-server mode, no token routes). `P` is the policy type of the service.
 *
 * @example
 * ```ts
 * const auth = createExpressAuth({ service, onError: (error) => logger.error({ err: error }) });
 * ```
 */
export interface ExpressServiceOptions<P extends AnyPolicy = RegisteredPolicy> extends ExpressCommonOptions {
  /** The auth service from `@scopeladder/tokens` (`createAuthService`), or a `createJwtVerifier`. */
  readonly service: Authenticator<P>;
  readonly policy?: never;
  readonly resolvePrincipal?: never;
  readonly http?: never;
}

/**
 * Options of {@link createExpressAuth} over the application's own authentication (a session
 * cookie, passport's `req.user`, a gateway's header): `resolvePrincipal` turns a request into
 * the principal (or `null`: anonymous, `401 ERR_AUTH_REQUIRED`), and `policy` decides. Guards,
 * `req.auth.filter` and the error table work as with a service; `tokenRoutes` and
 * `discoveryRoutes` are a `TypeError`. A `ScopeladderError` thrown by `resolvePrincipal` keeps
 * its code; any other error is the generic `500 ERR_INTERNAL`, reported to `onError`.
 *
 * @example
 * ```ts
 * const auth = createExpressAuth({
 *   policy,
 *   resolvePrincipal: (req) => principalFromSessionCookie(req.headers.cookie), // { id, scopes, organization? } or null
 * });
 * ```
 */
export interface ExpressResolvePrincipalOptions<P extends AnyPolicy = RegisteredPolicy> extends ExpressCommonOptions {
  /** The policy decisions are made with (`definePolicy(...)` or `chatshipperPolicy` from `@scopeladder/core`). */
  readonly policy: P;
  /** The request → its principal, or `null`/`undefined` when anonymous. Sync or async. */
  readonly resolvePrincipal: ResolvePrincipal<Request>;
  /** Core's HTTP options for every error answer (realm, `expiredTokenStatus`, resource metadata). Default: core's defaults. */
  readonly http?: HttpErrorOptions | undefined;
  readonly service?: never;
}

/**
 * Options of {@link createExpressAuth}: exactly one of `service` ({@link ExpressServiceOptions})
 * or `resolvePrincipal` with `policy` ({@link ExpressResolvePrincipalOptions}). `P` is the policy type.
 *
 * @example
 * ```ts
 * const options: ExpressAuthOptions = { service };
 * ```
 */
export type ExpressAuthOptions<P extends AnyPolicy = RegisteredPolicy> = ExpressServiceOptions<P> | ExpressResolvePrincipalOptions<P>;

/**
 * Options of {@link ExpressAuth.tokenRoutes}.
 *
 * @example
 * ```ts
 * app.use('/v2/auth', auth.tokenRoutes({ path: '/token', bodyLimit: 8 * 1024 }));
 * ```
 */
export interface ExpressTokenRoutesOptions {
  /** The path of the token endpoint, relative to where the middleware is mounted. Default `/v2/auth/token`. */
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
 * Options of {@link ExpressAuth.jsonBody}: the largest body (`limit`, bytes, default 100 KiB,
 * as sent and once decoded) and the deepest nesting (`maxDepth`, default 64).
 *
 * @example
 * ```ts
 * app.use(auth.jsonBody({ limit: 64 * 1024, maxDepth: 32 }));
 * ```
 */
export type ExpressJsonBodyOptions = ReadJsonBodyOptions;

/**
 * Options of {@link ExpressAuth.authorize}: `load` a record to authorize against, and `fields`.
 *
 * @example
 * ```ts
 * const options: ExpressAuthorizeOptions<User> = { load: (req) => users.get(String(req.params.id)), fields: ['name'] };
 * app.patch('/v2/users/:id', auth.authorize('update', 'User', options), handler);
 * ```
 */
export type ExpressAuthorizeOptions<Resource = unknown> = GuardOptions<Request, Resource>;

/**
 * Which fields a guard checks; see the `fields` option of {@link ExpressAuth.authorize}.
 *
 * @example
 * ```ts
 * const fields: ExpressFieldsOption = (req) => Object.keys(req.body?.changes ?? {});
 * ```
 */
export type ExpressFieldsOption = FieldsOption<Request>;

/**
 * What {@link createExpressAuth} returns: middleware to mount, and one translation helper. `P`
 * is the policy type of the service: guards take only its actions and subject types.
 *
 * @example
 * ```ts
 * const auth: ExpressAuth = createExpressAuth({ service });
 * app.use(auth.tokenRoutes());
 * app.get('/v2/conversations', auth.authorize('list', 'Conversation'), handler);
 * app.use(auth.errorHandler);
 * ```
 */
export interface ExpressAuth<P extends AnyPolicy = RegisteredPolicy> {
  /**
   * Authenticates the request from its `Authorization` header(s) and sets `req.auth`. Mount it
   * with `app.use` for every route after it, or per route. Never reads a token from the query.
   */
  readonly authenticate: RequestHandler;
  /**
   * A guard: authenticates if not done yet, then asks the policy whether `req.auth.principal`
   * may do `action` on `subject`. Without `load`, on every instance of the type; with `load`, on
   * the loaded record (set on `req.auth.resource`). For `create`/`update` the body's fields
   * are checked too. A denial goes to `next(err)`. An action or subject type the policy does not
   * know is a `TypeError` here, when the route is declared (and a compile error).
   */
  authorize<Resource = unknown>(action: PolicyActionOf<P>, subject: PolicyResourceOf<P>, options?: ExpressAuthorizeOptions<Resource>): RequestHandler;
  /**
   * The token endpoint: `POST {email, password}` or RFC 6749 `grant_type=password` (login),
   * `POST {refreshToken}`, `grant_type=refresh_token` and `GET ?refreshToken=` (refresh,
   * rotating), `DELETE` with a bearer token (logout, 204); beside it the RFC 7009 revocation and
   * RFC 7662 introspection endpoints (`POST`, see the options). Reads JSON or form bodies itself
   * unless a body parser already did. Needs the auth service of `createAuthService`: a `TypeError`
   * with a verifier of another issuer's tokens or with `resolvePrincipal`.
   */
  tokenRoutes(options?: ExpressTokenRoutesOptions): RequestHandler;
  /**
   * The discovery routes (middleware; mount it before `authenticate`): `GET /.well-known/jwks.json` (the service's JWKS),
   * `/.well-known/oauth-authorization-server` (RFC 8414: issuer, token, JWKS, revocation and
   * introspection endpoints, grant types, scopes) and, with `protectedResource`,
   * `/.well-known/oauth-protected-resource` (RFC 9728; give the service `resourceMetadataUrl` too,
   * so that 401 challenges carry `resource_metadata`). Public, cacheable, never authenticated.
   * Options are checked here (`TypeError`). Needs the auth service of `createAuthService`, like `tokenRoutes`.
   */
  discoveryRoutes(options: DiscoveryOptions): RequestHandler;
  /**
   * The JSON body reader (in place of `express.json()`): sets `req.body` to the parsed body, or
   * `undefined` when the request has none (whatever its method and `Content-Type`). Every other
   * body is refused with a JSON error, never a 5xx: another media type or charset, an unknown
   * or several `Content-Encoding`s `415 ERR_UNSUPPORTED_MEDIA_TYPE`; over `limit`
   * `413 ERR_PAYLOAD_TOO_LARGE`; malformed JSON, invalid UTF-8, a corrupt gzip/deflate/br body
   * `400 ERR_INVALID_REQUEST`; deeper than `maxDepth` `400 ERR_BODY_TOO_DEEP`; a field name with
   * a control character or `__proto__` `400 ERR_FIELD_NAME_INVALID`. Options are checked here
   * (`TypeError`). Mount it after `tokenRoutes()` (which also takes form bodies) and before the
   * guards; a body another parser already read is left as it is.
   */
  jsonBody(options?: ExpressJsonBodyOptions): RequestHandler;
  /**
   * The error handler: writes core's answer for the error (status, `WWW-Authenticate`,
   * `Cache-Control`, JSON `{code, message, …}`); a body over the parser's limit is
   * `413 ERR_PAYLOAD_TOO_LARGE`, and an unknown error the generic `500 ERR_INTERNAL`. An error of
   * the application's own with an explicit 4xx `status`/`statusCode` (other than 404) is passed
   * on unchanged with `next(err)`. Mount it last; an error handler of the application mounted
   * before it sees every error first and may answer or call `next(err)`.
   */
  readonly errorHandler: ErrorRequestHandler;
  /**
   * Core's answer for `error`, as the error handler writes it: for an application's own handler.
   * For an error the handler passes on (the application's own 4xx), this is the generic 500.
   */
  toHttpError(error: unknown): HttpErrorResult;
}
