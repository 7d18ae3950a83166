import { httpErrorFor, type HttpErrorResult } from '@scopeladder/core';
import {
  assertAdapterOptions,
  assertGuardSpec,
  handleTokenRequest,
  readAuthorization,
  readBody,
  resolveHttpError,
  resolveTokenRoutesOptions,
  runGuard,
  toScopeladderError,
  type GuardSpec,
} from '@scopeladder/tokens/http';
import type { Middleware, ParameterizedContext } from 'koa';
import type {
  KoaAuth,
  KoaAuthOptions,
  KoaAuthorizeOptions,
  KoaGuardContext,
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
 * import { bodyParser } from '@koa/bodyparser';
 * import { createKoaAuth } from '@scopeladder/koa';
 *
 * const auth = createKoaAuth({ service });
 * const router = new Router();
 * router.get('/v2/conversations', auth.authorize('list', 'Conversation'), (ctx) => {
 *   ctx.body = conversations.all();
 * });
 * router.patch('/v2/users/:id', auth.authorize('update', 'User', { load: (ctx) => users.get(ctx.params.id) }), (ctx) => {
 *   ctx.body = users.update(ctx.params.id, ctx.request.body);
 * });
 * const app = new Koa();
 * app.use(auth.errorHandler).use(auth.tokenRoutes()).use(bodyParser()).use(router.routes());
 * ```
 */
export function createKoaAuth(options: KoaAuthOptions): KoaAuth {
  assertAdapterOptions(options, 'createKoaAuth');
  const { service } = options;
  const report =
    options.onError ??
    ((error: unknown, ctx: ParameterizedContext) => {
      ctx.app.emit('error', error, ctx);
    });

  // What this instance authenticated, per request. `ctx.state.auth` is output only: other
  // middleware may set it, and a guard must never trust it.
  const authenticated = new WeakMap<object, RequestAuth>();
  async function ensureAuth(ctx: ParameterizedContext): Promise<RequestAuth> {
    const known = authenticated.get(ctx);
    if (known !== undefined) return known;
    const context = await service.authenticate(readAuthorization(ctx.req));
    authenticated.set(ctx, context);
    ctx.state.auth = context;
    return context;
  }

  const authenticate: Middleware = async (ctx, next) => {
    await ensureAuth(ctx);
    await next();
  };

  function authorize<Resource = unknown>(
    action: string,
    subjectType: string,
    guardOptions: KoaAuthorizeOptions<Resource> = {},
  ): Middleware {
    const spec: GuardSpec<KoaGuardContext, Resource> = { ...guardOptions, action, subject: subjectType };
    assertGuardSpec(spec, 'authorize');
    return async (ctx, next) => {
      const auth = await ensureAuth(ctx);
      const resource = await runGuard(auth, service.policy, spec, ctx as KoaGuardContext, parsedBodyOf(ctx));
      if (spec.load !== undefined) ctx.state.auth = { ...auth, resource };
      await next();
    };
  }

  function tokenRoutes(routeOptions: KoaTokenRoutesOptions = {}): Middleware {
    const { path, bodyLimit: limit } = resolveTokenRoutesOptions(routeOptions, 'tokenRoutes');

    return async (ctx, next) => {
      if (ctx.path !== path) return next();
      const answer = await handleTokenRequest(service, {
        method: ctx.method,
        url: ctx.url,
        authorization: readAuthorization(ctx.req),
        source: ctx.ip,
        readBody: () => readBody(ctx.req, { limit, parsed: parsedBodyOf(ctx) }),
      });
      if (answer === undefined) return next();
      ctx.set(answer.headers);
      ctx.status = answer.status;
      if (answer.body !== undefined) ctx.body = answer.body;
    };
  }

  const toHttpError = (error: unknown): HttpErrorResult => httpErrorFor(toScopeladderError(error), service.http);

  const errorHandler: Middleware = async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      // Not ours to answer: a response already under way, or an error the application gave its
      // own 4xx status. Rethrown unchanged, for the middleware above or Koa's own ctx.onerror.
      const answer = ctx.headerSent || !ctx.writable ? undefined : resolveHttpError(error, service.http);
      if (answer === undefined) throw error;
      if (answer.status >= 500) report(error, ctx);
      ctx.status = answer.status;
      ctx.set(answer.headers);
      ctx.body = answer.body;
    }
  };

  return { errorHandler, authenticate, authorize, tokenRoutes, toHttpError };
}
