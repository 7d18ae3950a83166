import { createExpressAuth } from '@scopeladder/express';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { createNodeServer } from './node-server.js';
import { currentRequestId } from './request-context.js';
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
 * The API on Express 5: the discovery routes (or the JWKS alone), the adapter's token routes
 * (with revocation and introspection), then per `ApiRoute`: authentication,
 * the adapter's JSON body reader (so an anonymous client never gets a body read), the guard
 * (`auth.authorize(action, subject, { load })`) and an async handler (Express 5 sends its
 * rejections, a throw of `res.json` included, to the error handler); the adapter's error
 * handler, and a last JSON answer for anything it passes on.
 */
export const createExpressServer: CreateFrameworkServer = async ({ auth: service, routes, logger, health, trustProxy, discovery, formatError }) => {
  const auth = createExpressAuth({
    service,
    onError: reportServerError(logger),
    formatError,
  });
  const app = express();
  app.disable('x-powered-by');
  // req.ip (the login throttling source): the client behind the trusted proxies, else the socket.
  if (trustProxy !== undefined) app.set('trust proxy', 'hops' in trustProxy ? trustProxy.hops : [...trustProxy.proxies]);

  app.use((req, res, next) => {
    const started = performance.now();
    const requestId = currentRequestId();
    res.on('finish', () =>
      logger.request({
        requestId,
        method: req.method,
        url: req.originalUrl,
        status: res.statusCode,
        durationMs: performance.now() - started,
        principalId: req.auth?.principal.id,
      }),
    );
    next();
  });

  app.get('/health', (_req, res, next) => {
    health().then((answer) => {
      res.status(answer.status).set('cache-control', NO_STORE).json(answer.body);
    }, next);
  });
  if (discovery === undefined) {
    app.get(JWKS_PATH, (_req, res, next) => {
      jwksAnswer(service).then((answer) => {
        res.status(answer.status).set(answer.headers).json(answer.body);
      }, next);
    });
  } else {
    app.use(auth.discoveryRoutes(discovery));
  }
  app.use(auth.tokenRoutes());
  const jsonBody = auth.jsonBody({ limit: BODY_LIMIT_BYTES, maxDepth: BODY_MAX_DEPTH });

  for (const route of routes) {
    const guard = auth.authorize(route.action, route.subjectType, {
      ...(route.load ? { load: (req: Request) => route.load?.(req.params['id'] as string | undefined) ?? null } : {}),
    });
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    app[method](route.path, auth.authenticate, jsonBody, guard, async (req: Request, res: Response) => {
      const authContext = req.auth;
      if (!authContext) throw new Error('guard did not authenticate');
      const answer = await route.handle({
        auth: authContext,
        params: req.params as Record<string, string>,
        body: req.body as unknown,
        source: req.ip,
        query: req.query as Record<string, unknown>,
        // Behind TRUST_PROXY, Express reads X-Forwarded-Proto/-Host for these.
        origin: `${req.protocol}://${req.host}`,
      });
      res.status(answer.status).set('cache-control', NO_STORE);
      if (answer.headers) res.set(answer.headers);
      if (hasBody(answer)) res.json(answer.body);
      else res.end();
    });
  }

  app.use(() => {
    throw routeNotFound();
  });
  app.use(auth.errorHandler);
  const passedOn: ErrorRequestHandler = (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const answer = passedOnAnswer();
    res.status(answer.status).set(answer.headers).json(answer.body);
  };
  app.use(passedOn);

  return createNodeServer(app);
};
