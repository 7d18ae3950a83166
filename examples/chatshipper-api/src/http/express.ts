import { createExpressAuth } from '@scopeladder/express';
import express, { type Request, type Response } from 'express';
import type { ApiRoute } from '../routes.js';
import { createNodeServer } from './node-server.js';
import { BODY_LIMIT_BYTES, NO_STORE, hasBody, reportServerError, routeNotFound } from './shared.js';
import type { CreateFrameworkServer } from './types.js';

/**
 * The API on Express 5: `express.json()`, the adapter's token routes, one guarded route per
 * {@link ApiRoute} (`auth.authorize(action, subject, { load })`), the adapter's error handler.
 */
export const createExpressServer: CreateFrameworkServer = async ({ auth: service, routes, logger, health }) => {
  const auth = createExpressAuth({
    service,
    onError: reportServerError(logger),
  });
  const app = express();
  app.disable('x-powered-by');

  app.use((req, res, next) => {
    const started = performance.now();
    res.on('finish', () =>
      logger.request({
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
  app.use(express.json({ limit: BODY_LIMIT_BYTES }));
  app.use(auth.tokenRoutes());

  for (const route of routes) {
    const guard = auth.authorize(route.action, route.subjectType, {
      ...(route.load ? { load: (req: Request) => route.load?.(req.params['id'] as string | undefined) ?? null } : {}),
    });
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    app[method](route.path, guard, (req: Request, res: Response, next) => {
      const authContext = req.auth;
      if (!authContext) throw new Error('guard did not authenticate');
      route
        .handle({ auth: authContext, params: req.params as Record<string, string>, body: req.body as unknown, source: req.ip })
        .then((answer) => {
          res.status(answer.status).set('cache-control', NO_STORE);
          if (hasBody(answer)) res.json(answer.body);
          else res.end();
        }, next);
    });
  }

  app.use(() => {
    throw routeNotFound();
  });
  app.use(auth.errorHandler);

  return createNodeServer(app);
};
