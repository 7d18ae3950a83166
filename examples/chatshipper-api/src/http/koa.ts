import { Router } from '@koa/router';
import { createKoaAuth } from '@scopeladder/koa';
import Koa from 'koa';
import { createNodeServer } from './node-server.js';
import { currentRequestId } from './request-context.js';
import { createForwardedClientResolver, createTrustedProxyCheck, firstForwarded } from './trust-proxy.js';
import {
  BODY_LIMIT_BYTES,
  BODY_MAX_DEPTH,
  JWKS_PATH,
  NO_STORE,
  jwksAnswer,
  hasBody,
  passedOnAnswer,
  reportServerError,
  routeNotFound,
} from './shared.js';
import type { CreateFrameworkServer } from './types.js';

/**
 * The API on Koa 3 with @koa/router: a last JSON answer for what the adapter's error middleware
 * passes on, that middleware, the discovery routes (or the JWKS alone), the token routes (with
 * revocation and introspection), then per `ApiRoute`: authentication, the
 * adapter's JSON body reader (so an anonymous client never gets a body read) and the guard
 * (`auth.authorize(action, subject, { load })`).
 */
export const createKoaServer: CreateFrameworkServer = async ({ auth: service, routes, logger, health, trustProxy, discovery, formatError }) => {
  const auth = createKoaAuth({
    service,
    onError: reportServerError(logger),
    formatError,
  });
  const app = new Koa();
  /** With a TRUST_PROXY address list: the protocol and host a trusted proxy forwarded. */
  const forwardedOrigins = new WeakMap<Koa.Context, { protocol: string; host: string }>();
  // Errors are answered by the adapter and reported through onError; keep Koa's default
  // listener from printing them a second time.
  app.silent = true;
  // ctx.ip (the login throttling source): the client behind the trusted proxies, else the socket.
  // Koa trusts a number of hops itself (proxy + maxIpsCount); an address list is walked here.
  if (trustProxy !== undefined && 'hops' in trustProxy) {
    app.proxy = true;
    app.proxyIpHeader = 'x-forwarded-for';
    app.maxIpsCount = trustProxy.hops;
  } else if (trustProxy !== undefined) {
    const clientOf = createForwardedClientResolver(trustProxy.proxies);
    const isTrusted = createTrustedProxyCheck(trustProxy.proxies);
    app.use(async (ctx, next) => {
      const remote = ctx.req.socket.remoteAddress ?? '';
      ctx.request.ip = clientOf(remote, ctx.get('x-forwarded-for'));
      // What Koa's own ctx.protocol/ctx.host read with app.proxy, for a trusted proxy only.
      if (isTrusted(remote)) {
        forwardedOrigins.set(ctx, {
          protocol: firstForwarded(ctx.get('x-forwarded-proto')) ?? ctx.protocol,
          host: firstForwarded(ctx.get('x-forwarded-host')) ?? ctx.host,
        });
      }
      await next();
    });
  }
  const originOf = (ctx: Koa.Context): string => {
    const forwarded = forwardedOrigins.get(ctx);
    return forwarded === undefined ? `${ctx.protocol}://${ctx.host}` : `${forwarded.protocol}://${forwarded.host}`;
  };

  app.use(async (ctx, next) => {
    const started = performance.now();
    const requestId = currentRequestId();
    try {
      await next();
    } finally {
      logger.request({
        requestId,
        method: ctx.method,
        url: ctx.originalUrl,
        status: ctx.status,
        durationMs: performance.now() - started,
        principalId: ctx.state.auth?.principal.id,
      });
    }
  });
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (ctx.headerSent || !ctx.writable) throw error;
      const answer = passedOnAnswer();
      ctx.status = answer.status;
      ctx.set(answer.headers);
      ctx.body = answer.body;
    }
  });
  app.use(auth.errorHandler);
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== '/health') return next();
    const answer = await health();
    ctx.set('cache-control', NO_STORE);
    ctx.status = answer.status;
    ctx.body = answer.body;
  });
  if (discovery === undefined) {
    app.use(async (ctx, next) => {
      if (ctx.method !== 'GET' || ctx.path !== JWKS_PATH) return next();
      const answer = await jwksAnswer(service);
      ctx.set(answer.headers);
      ctx.status = answer.status;
      ctx.body = answer.body;
    });
  } else {
    app.use(auth.discoveryRoutes(discovery));
  }
  app.use(auth.tokenRoutes());
  const jsonBody = auth.jsonBody({ limit: BODY_LIMIT_BYTES, maxDepth: BODY_MAX_DEPTH });

  const router = new Router();
  for (const route of routes) {
    const guard = auth.authorize(route.action, route.subjectType, {
      ...(route.load ? { load: (ctx) => route.load?.(ctx.params['id']) ?? null } : {}),
    });
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    router[method](route.path, auth.authenticate, jsonBody, guard, async (ctx) => {
      const authContext = ctx.state.auth;
      if (!authContext) throw new Error('guard did not authenticate');
      const answer = await route.handle({
        auth: authContext,
        params: ctx.params,
        body: ctx.request.body,
        source: ctx.ip,
        query: ctx.query,
        // Behind TRUST_PROXY, as the proxy forwarded them (X-Forwarded-Proto/-Host).
        origin: originOf(ctx),
      });
      ctx.set('cache-control', NO_STORE);
      if (answer.headers) ctx.set(answer.headers);
      ctx.status = answer.status;
      if (hasBody(answer)) ctx.body = answer.body;
    });
  }
  app.use(router.routes());
  app.use(() => {
    throw routeNotFound();
  });

  return createNodeServer(app.callback());
};
