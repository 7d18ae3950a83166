import scopeladder, { answerFrameworkError } from '@scopeladder/fastify';
import { createServer } from 'node:http';
import Fastify from 'fastify';
import { BODY_LIMIT_BYTES, BODY_MAX_DEPTH, JWKS_PATH, NO_STORE, jwksAnswer, hasBody, reportServerError, routeNotFound } from './shared.js';
import { currentRequestId, withRequestId } from './request-context.js';
import type { CreateFrameworkServer, FrameworkServer } from './types.js';

/**
 * The API on Fastify 5: the adapter plugin (token routes with revocation and introspection,
 * the discovery routes or else the JWKS alone, error handler, guards from route
 * config, its JSON body reader in place of Fastify's parsers, its answer to the router's own
 * errors), and one route per `ApiRoute` with `config.scopeladder = { action, subject, load }`.
 * Only guarded routes authenticate, so unknown routes answer 404 as on Express and Koa.
 */
export const createFastifyServer: CreateFrameworkServer = async ({ auth: service, routes, logger, health, trustProxy, discovery, formatError }) => {
  const app = Fastify({
    // request.ip (the login throttling source): the client behind the trusted proxies, else the socket.
    // (A number of hops is Fastify's own `trustProxy: n`, written as the function it compiles to.)
    ...(trustProxy === undefined
      ? {}
      : { trustProxy: 'hops' in trustProxy ? (_address: string, hop: number) => hop < trustProxy.hops : [...trustProxy.proxies] }),
    logger: false,
    // The request id of the log lines and the audit lines (X-Request-Id), as on Express and Koa.
    serverFactory: (handler) => createServer(withRequestId(handler)),
    genReqId: () => currentRequestId() ?? 'none',
    bodyLimit: BODY_LIMIT_BYTES,
    forceCloseConnections: 'idle',
    frameworkErrors: answerFrameworkError,
  });
  await app.register(scopeladder, {
    service,
    authenticate: 'guarded',
    jsonBody: { limit: BODY_LIMIT_BYTES, maxDepth: BODY_MAX_DEPTH },
    onError: reportServerError(logger),
    formatError,
    discovery,
  });

  app.addHook('onResponse', async (request, reply) => {
    logger.request({
      requestId: request.id,
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      durationMs: reply.elapsedTime,
      principalId: request.auth?.principal.id,
    });
  });

  app.get('/health', { config: { scopeladder: false } }, async (_request, reply) => {
    const answer = await health();
    return reply.code(answer.status).header('cache-control', NO_STORE).send(answer.body);
  });

  if (discovery === undefined) {
    app.get(JWKS_PATH, { config: { scopeladder: false } }, async (_request, reply) => {
      const answer = await jwksAnswer(service);
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    });
  }

  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.path,
      config: {
        scopeladder: {
          action: route.action,
          subject: route.subjectType,
          ...(route.load ? { load: (request) => route.load?.(request.params['id']) ?? null } : {}),
        },
      },
      handler: async (request, reply) => {
        const auth = request.auth;
        if (!auth) throw new Error('guard did not authenticate');
        const answer = await route.handle({
          auth,
          params: request.params as Record<string, string>,
          body: request.body,
          source: request.ip,
          query: request.query as Record<string, unknown>,
          // With trustProxy, Fastify reads X-Forwarded-Proto/-Host for these.
          origin: `${request.protocol}://${request.host}`,
        });
        reply.code(answer.status).header('cache-control', NO_STORE);
        if (answer.headers) reply.headers(answer.headers);
        return hasBody(answer) ? reply.send(answer.body) : reply.send();
      },
    });
  }

  app.setNotFoundHandler(() => {
    throw routeNotFound();
  });

  await app.ready();
  const server: FrameworkServer = {
    async listen(port, host) {
      await app.listen({ port, host });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      return { host: address.address, port: address.port };
    },
    async close(graceMs) {
      const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
      timer.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return server;
};
