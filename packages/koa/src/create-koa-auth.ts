import { ScopeladderError, httpErrorFor, type HttpErrorResult } from '@scopeladder/core';
import {
  assertAdapterOptions,
  assertBodyParsed,
  assertGuardSpec,
  attachListFilter,
  attachResource,
  decideGuard,
  handleDiscoveryRequest,
  isPathEncodingValid,
  readAuthorization,
  readBody,
  readJsonBody,
  resolveDiscoveryOptions,
  resolveErrorAnswer,
  resolveJsonBodyOptions,
  resolveAdapterAuth,
  resolveTokenRoutesOptions,
  routeTokenRequest,
  toScopeladderError,
  type DiscoveryOptions,
  type GuardSpec,
} from '@scopeladder/tokens/http';
import type { AnyPolicy, RegisteredPolicy } from '@scopeladder/tokens';
import type { Middleware, Next, ParameterizedContext } from 'koa';
import type {
  KoaAuth,
  KoaAuthOptions,
  KoaAuthorizeOptions,
  KoaGuardContext,
  KoaJsonBodyOptions,
  KoaTokenRoutesOptions,
  RequestAuth,
} from './types.js';

function parsedBodyOf(ctx: ParameterizedContext): unknown {
  return (ctx.request as { body?: unknown }).body;
}

/**
 * Creates the Koa integration of an auth service: an error middleware, authentication
 * (`ctx.state.auth`), route guards for `@koa/router` and the token endpoint. Koa 3. Every
 * decision is made by the service and its policy; this only translates.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { Router } from '@koa/router';
 * import { createKoaAuth } from '@scopeladder/koa';
 *
 * const auth = createKoaAuth({ service });
 * const router = new Router();
 * router.get('/v2/conversations', auth.authorize('list', 'Conversation'), (ctx) => {
 *   ctx.body = conversations.all().filter(ctx.state.auth!.filter.matches); // only the records in the principal's reach
 * });
 * router.patch('/v2/users/:id', auth.authorize('update', 'User', { load: (ctx) => users.get(String(ctx.params.id)) }), (ctx) => {
 *   ctx.body = users.update(String(ctx.params.id), ctx.request.body as Partial<User>);
 * });
 * const app = new Koa();
 * app.use(auth.errorHandler).use(auth.tokenRoutes()).use(auth.jsonBody()).use(router.routes());
 * ```
 */
export function createKoaAuth<P extends AnyPolicy = RegisteredPolicy>(options: KoaAuthOptions<P>): KoaAuth<P> {
  assertAdapterOptions(options, 'createKoaAuth');
  // The service's (ours, or a verifier of an identity provider's tokens), or the application's own authentication.
  const source = resolveAdapterAuth<ParameterizedContext>(options, 'createKoaAuth');
  const { policy, http } = source;
  const report =
    options.onError ??
    ((error: unknown, ctx: ParameterizedContext) => {
      ctx.app.emit('error', error, ctx);
    });

  // What this instance authenticated, per request, under a symbol only this instance holds.
  // `ctx.state.auth` is output only: other middleware may set it, and a guard must never trust
  // it. A property rather than a WeakMap entry: Koa's contexts share their hidden class, so the
  // store is ~20 ns (a WeakMap entry, measured: ~350 ns, and more work for the GC).
  const AUTHENTICATED: unique symbol = Symbol('@scopeladder/koa: authenticated');
  type MarkedContext = ParameterizedContext & { [AUTHENTICATED]?: RequestAuth<AnyPolicy> };

  function authenticateRequest(ctx: ParameterizedContext): Promise<RequestAuth<AnyPolicy>> {
    return source.authenticate(ctx, ctx.req).then((authenticatedAs) => {
      const auth = attachListFilter(authenticatedAs);
      (ctx as MarkedContext)[AUTHENTICATED] = auth;
      // `ctx.state.auth` is declared with the registered policy's types; this service's policy is it.
      ctx.state.auth = auth as RequestAuth;
      return auth;
    });
  }

  const authenticate: Middleware = (ctx, next) => {
    if ((ctx as MarkedContext)[AUTHENTICATED] !== undefined) return next();
    return authenticateRequest(ctx).then(() => next());
  };

  function authorize<Resource = unknown>(action: string, subjectType: string, guardOptions: KoaAuthorizeOptions<Resource> = {}): Middleware {
    const spec: GuardSpec<KoaGuardContext, Resource> = { ...guardOptions, action, subject: subjectType };
    assertGuardSpec(spec, 'authorize', policy);

    // The guard, then `next()`: without a promise of its own when the decision needs none (no
    // `load`). A denial is thrown; the callers turn it into a rejection.
    function guardThenNext(ctx: ParameterizedContext, auth: RequestAuth<AnyPolicy>, next: Next): Promise<unknown> {
      const body = parsedBodyOf(ctx);
      assertBodyParsed(spec, ctx.req, body, '@scopeladder/koa: authorize');
      const pending = decideGuard(auth, policy, spec, ctx as KoaGuardContext, body, routeOf);
      if (pending === undefined) {
        ctx.state.auth = attachListFilter(auth, policy, spec) as RequestAuth;
        return next();
      }
      return pending.then((resource) => {
        ctx.state.auth = (spec.load === undefined ? attachListFilter(auth, policy, spec) : attachResource(auth, resource)) as RequestAuth;
        return next();
      });
    }

    return (ctx, next) => {
      const known = (ctx as MarkedContext)[AUTHENTICATED];
      if (known === undefined) return authenticateRequest(ctx).then((auth) => guardThenNext(ctx, auth, next));
      try {
        return guardThenNext(ctx, known, next);
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }

  function tokenRoutes(routeOptions: KoaTokenRoutesOptions = {}): Middleware {
    const service = source.tokenService('@scopeladder/koa: tokenRoutes');
    const routes = resolveTokenRoutesOptions(routeOptions, 'tokenRoutes', service.policy.ladder);
    const { bodyLimit: limit } = routes;
    const paths = new Set([routes.path, routes.revocationPath, routes.introspectionPath]);

    return async (ctx, next) => {
      if (!paths.has(ctx.path)) return next();
      const answer = await routeTokenRequest(service, routes, ctx.path, {
        method: ctx.method,
        url: ctx.url,
        authorization: readAuthorization(ctx.req),
        source: ctx.ip,
        readBody: () => readBody(ctx.req, { limit, parsed: parsedBodyOf(ctx) }),
      });
      if (answer === undefined) return next();
      ctx.set(answer.headers);
      ctx.status = answer.status;
      // No body (a revocation's 200): an empty one, not Koa's default of the status text.
      ctx.body = answer.body ?? '';
    };
  }

  function discoveryRoutes(discoveryOptions: DiscoveryOptions): Middleware {
    const service = source.tokenService('@scopeladder/koa: discoveryRoutes');
    const resolved = resolveDiscoveryOptions(discoveryOptions, service, '@scopeladder/koa: discoveryRoutes');
    return async (ctx, next) => {
      const answer = await handleDiscoveryRequest(service, resolved, { method: ctx.method, path: ctx.path });
      if (answer === undefined) return next();
      ctx.set(answer.headers);
      ctx.status = answer.status;
      ctx.body = answer.body;
    };
  }

  function jsonBody(bodyOptions: KoaJsonBodyOptions = {}): Middleware {
    const resolved = resolveJsonBodyOptions(bodyOptions, '@scopeladder/koa: jsonBody');

    return async (ctx, next) => {
      // Read already (another parser ran, or this one twice): left as it is.
      if (parsedBodyOf(ctx) === undefined && !ctx.req.readableEnded) ctx.request.body = await readJsonBody(ctx.req, resolved);
      return next();
    };
  }

  const toHttpError = (error: unknown): HttpErrorResult => httpErrorFor(toScopeladderError(error), http);

  const errorHandler: Middleware = async (ctx, next) => {
    try {
      // @koa/router keeps a path parameter it cannot decode as it is; Express's and Fastify's
      // routers refuse it. Refused here, so every framework answers it alike.
      if (!isPathEncodingValid(ctx.path)) throw new ScopeladderError('ERR_INVALID_REQUEST', 'Malformed percent-encoding in the path');
      await next();
    } catch (error) {
      // Not ours to answer: a response already under way, or an error the application gave its
      // own 4xx status. Rethrown unchanged, for the middleware above or Koa's own ctx.onerror.
      const answer =
        ctx.headerSent || !ctx.writable
          ? undefined
          : resolveErrorAnswer(error, { http, formatError: options.formatError, onFormatError: (failure) => report(failure, ctx) });
      if (answer === undefined) throw error;
      if (answer.status >= 500) report(error, ctx);
      ctx.status = answer.status;
      ctx.set(answer.headers);
      // An object is written as JSON by Koa; any other JSON value (a shaped body) as JSON too.
      if (typeof answer.body === 'object' && answer.body !== null) ctx.body = answer.body;
      else {
        ctx.type = 'application/json';
        ctx.body = JSON.stringify(answer.body);
      }
    }
  };

  return { errorHandler, authenticate, authorize, tokenRoutes, discoveryRoutes, jsonBody, toHttpError };
}

/** A guard's route for its decision message: method and the router's matched pattern (`@koa/router`), never the path. */
function routeOf(ctx: KoaGuardContext): string | undefined {
  const pattern: unknown = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof pattern === 'string' ? `${ctx.method} ${pattern}` : undefined;
}
