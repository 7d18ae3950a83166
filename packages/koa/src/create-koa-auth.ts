import { httpErrorFor, type HttpErrorResult } from '@scopeladder/core';
import type { AuthService, TokenResponse } from '@scopeladder/tokens';
import type { Middleware, ParameterizedContext } from 'koa';
import { DEFAULT_TOKEN_BODY_LIMIT, bodyOf } from './lib/shared/read-body.js';
import { readAuthorization } from './lib/shared/read-authorization.js';
import { readRefreshToken, readTokenRequest } from './lib/shared/read-token-request.js';
import { assertGuardSpec, runGuard, type GuardSpec } from './lib/shared/run-guard.js';
import { toScopeladderError } from './lib/shared/to-scopeladder-error.js';
import type {
  KoaAuth,
  KoaAuthOptions,
  KoaAuthorizeOptions,
  KoaGuardContext,
  KoaTokenRoutesOptions,
  RequestAuth,
} from './types.js';

function assertService(service: unknown): asserts service is AuthService {
  const candidate = service as Partial<AuthService> | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.authenticate !== 'function' ||
    typeof candidate.login !== 'function' ||
    typeof candidate.refresh !== 'function' ||
    typeof candidate.policy !== 'object'
  ) {
    throw new TypeError('createKoaAuth: options.service must be an AuthService (createAuthService from @scopeladder/tokens)');
  }
}

function sendTokens(ctx: ParameterizedContext, tokens: TokenResponse): void {
  // RFC 6749 §5.1: token answers must not be cached.
  ctx.set({ 'cache-control': 'no-store', pragma: 'no-cache' });
  ctx.status = 200;
  ctx.body = tokens;
}

function bearerTokenOf(authorization: string | readonly string[] | undefined): string {
  // Only called after the service accepted this exact value: one header, `Bearer <token>`.
  const value = typeof authorization === 'string' ? authorization : '';
  return value.slice(value.indexOf(' ') + 1);
}

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
  if (typeof options !== 'object' || options === null) throw new TypeError('createKoaAuth: options are required');
  const { service } = options;
  assertService(service);
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError('createKoaAuth: onError must be a function');
  }
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
    const path = routeOptions.path ?? '/v2/auth/token';
    const limit = routeOptions.bodyLimit ?? DEFAULT_TOKEN_BODY_LIMIT;
    if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError('tokenRoutes: path must start with "/"');
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new TypeError('tokenRoutes: bodyLimit must be a positive integer');

    const handlers: Readonly<Record<string, (ctx: ParameterizedContext) => Promise<void>>> = {
      POST: async (ctx) => {
        const request = readTokenRequest(await bodyOf(ctx.req, parsedBodyOf(ctx), limit));
        const context = { source: ctx.ip };
        sendTokens(
          ctx,
          request.kind === 'login'
            ? await service.login(request.input, context)
            : await service.refresh(request.refreshToken, context),
        );
      },
      GET: async (ctx) => {
        const values = new URLSearchParams(ctx.querystring).getAll('refreshToken');
        const refreshToken = readRefreshToken(values.length === 1 ? values[0] : values);
        sendTokens(ctx, await service.refresh(refreshToken, { source: ctx.ip }));
      },
      DELETE: async (ctx) => {
        const authorization = readAuthorization(ctx.req);
        await service.authenticate(authorization);
        await service.logout(bearerTokenOf(authorization));
        ctx.set('cache-control', 'no-store');
        ctx.status = 204;
      },
    };

    return async (ctx, next) => {
      const handler = ctx.path === path ? handlers[ctx.method] : undefined;
      if (handler === undefined) return next();
      await handler(ctx);
    };
  }

  function toHttpError(error: unknown): HttpErrorResult {
    return httpErrorFor(toScopeladderError(error), service.http);
  }

  const errorHandler: Middleware = async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (ctx.headerSent || !ctx.writable) throw error;
      const answer = toHttpError(error);
      if (answer.status >= 500) report(error, ctx);
      ctx.status = answer.status;
      ctx.set(answer.headers);
      ctx.body = answer.body;
    }
  };

  return { errorHandler, authenticate, authorize, tokenRoutes, toHttpError };
}
