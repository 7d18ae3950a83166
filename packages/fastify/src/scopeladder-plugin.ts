import { httpErrorFor, type HttpErrorResult } from '@scopeladder/core';
import type { AnyPolicy, AuthService } from '@scopeladder/tokens';
import {
  assertAdapterOptions,
  assertGuardSpec,
  attachListFilter,
  attachResource,
  decideGuard,
  decidePrecheck,
  handleDiscoveryRequest,
  isPrecheckComplete,
  parseFormBody,
  readAuthorization,
  readJsonBody,
  resolveDiscoveryOptions,
  resolveErrorAnswer,
  resolveJsonBodyOptions,
  resolveAdapterAuth,
  resolveTokenRoutesOptions,
  routeTokenRequest,
  toScopeladderError,
  type DiscoveryOptions,
  type ErrorAnswer,
} from '@scopeladder/tokens/http';
import { sendErrorAnswer } from './send-error-answer.js';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest, HookHandlerDoneFunction, HTTPMethods } from 'fastify';
import fp from 'fastify-plugin';
import type {
  RequestAuth,
  ScopeladderFastifyDecorator,
  ScopeladderFastifyOptions,
  ScopeladderGuardRequest,
  ScopeladderJsonBodyOptions,
  ScopeladderRouteConfig,
  ScopeladderRouteGuard,
  ScopeladderTokenRoutesOptions,
} from './types.js';

// Inside the plugin, guards and services are of any policy: the types of the application's are
// checked where it declares them.
type AnyGuard = ScopeladderRouteGuard<unknown, AnyPolicy>;
type AnyRequestAuth = RequestAuth<AnyPolicy>;

function isGuard(config: ScopeladderRouteConfig<AnyPolicy> | undefined): config is AnyGuard {
  return typeof config === 'object' && config !== null;
}

function assertRouteConfig(config: unknown, where: string, policy: AnyPolicy): void {
  if (config === undefined || typeof config === 'boolean') return;
  if (typeof config !== 'object' || config === null) {
    throw new TypeError(`${where}: config.scopeladder must be a guard { action, subject }, true or false`);
  }
  assertGuardSpec(config as AnyGuard, where, policy);
}

function registerTokenRoutes(fastify: FastifyInstance, service: AuthService<AnyPolicy>, options: ScopeladderTokenRoutesOptions): void {
  const routes = resolveTokenRoutesOptions(options, '@scopeladder/fastify: tokenRoutes', service.policy.ladder);
  const { bodyLimit } = routes;
  const config = { scopeladder: false } as const;

  // Encapsulated, so the form parser added here never clashes with the application's.
  void fastify.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) {
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (_request, text, done) => {
        done(null, parseFormBody(String(text)));
      });
    }
    const mount = (url: string, method: HTTPMethods[]): void => {
      scope.route({
        method,
        url,
        config,
        bodyLimit,
        handler: async (request, reply) => {
          const answer = await routeTokenRequest(service, routes, url, {
            method: request.method,
            url: request.url,
            authorization: readAuthorization(request.raw),
            source: request.ip,
            readBody: async () => request.body,
          });
          // HEAD (the route Fastify adds for GET) is not the endpoint's, as on the other adapters.
          if (answer === undefined) return reply.callNotFound();
          return reply.code(answer.status).headers(answer.headers).send(answer.body);
        },
      });
    };
    mount(routes.path, ['POST', 'GET', 'DELETE']);
    if (routes.revocationPath !== null) mount(routes.revocationPath, ['POST']);
    if (routes.introspectionPath !== null) mount(routes.introspectionPath, ['POST']);
  });
}

function registerDiscoveryRoutes(fastify: FastifyInstance, service: AuthService<AnyPolicy>, options: DiscoveryOptions): void {
  const resolved = resolveDiscoveryOptions(options, service, '@scopeladder/fastify: discovery');
  for (const path of resolved.documents.keys()) {
    // GET (and the HEAD Fastify adds for it); public: never authenticated.
    fastify.get(path, { config: { scopeladder: false } }, async (_request, reply) => {
      const answer = await handleDiscoveryRequest(service, resolved, { method: 'GET', path });
      if (answer === undefined) return reply.callNotFound();
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    });
  }
}

// The application's content-type parsers replaced by one that runs the shared reader on every
// body, whatever its type (a missing one included), so that Fastify answers every body as the
// other adapters do. The route's own `bodyLimit` (Fastify's server option by default) still caps.
function useJsonBody(fastify: FastifyInstance, option: true | ScopeladderJsonBodyOptions): void {
  const { limit, maxDepth } = resolveJsonBodyOptions(option === true ? {} : option, '@scopeladder/fastify: jsonBody');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    const routeLimit = request.routeOptions.bodyLimit;
    const options = { limit: typeof routeLimit === 'number' && routeLimit < limit ? routeLimit : limit, maxDepth };
    readJsonBody(request.raw, options).then(
      (body) => done(null, body),
      (error: unknown) => done(error as Error),
    );
  });
}

const plugin: FastifyPluginAsync<ScopeladderFastifyOptions> = async (fastify, options) => {
  assertAdapterOptions(options, '@scopeladder/fastify');
  // The service's (ours, or a verifier of an identity provider's tokens), or the application's own authentication.
  const source = resolveAdapterAuth<FastifyRequest>(options, '@scopeladder/fastify');
  const { policy, http } = source;
  const tokenRoutes = options.tokenRoutes ?? (source.service === undefined ? false : true);
  const mode = options.authenticate ?? 'all';
  if (mode !== 'all' && mode !== 'guarded') throw new TypeError('@scopeladder/fastify: authenticate must be "all" or "guarded"');
  const report =
    options.onError ??
    ((error: unknown, request: FastifyRequest) => {
      request.log.error({ err: error }, 'scopeladder: error answered with a 5xx');
    });
  const toHttpError = (error: unknown): HttpErrorResult => httpErrorFor(toScopeladderError(error), http);

  const jsonBody = options.jsonBody ?? false;
  if (jsonBody !== false && jsonBody !== true && (typeof jsonBody !== 'object' || jsonBody === null)) {
    throw new TypeError('@scopeladder/fastify: jsonBody must be true, false or { limit?, maxDepth? }');
  }
  if (jsonBody !== false) useJsonBody(fastify, jsonBody);

  fastify.decorateRequest('auth', null);
  const toErrorAnswer = (error: unknown): ErrorAnswer => resolveErrorAnswer(error, { http, formatError: options.formatError }) ?? toHttpError(error);
  // Declared with the registered policy's types; the service's (or options') policy is it.
  const decorator = Object.freeze({ service: source.service, policy, toHttpError, toErrorAnswer }) as unknown as ScopeladderFastifyDecorator;
  fastify.decorate('scopeladder', decorator);

  // A misconfigured guard fails at startup, not on the first request.
  // Whether a guard's precheck is its whole decision, decided once per route.
  const precheckComplete = new WeakMap<AnyGuard, boolean>();
  fastify.addHook('onRoute', (route) => {
    const config: unknown = route.config?.scopeladder;
    assertRouteConfig(config, `route ${String(route.method)} ${route.url}`, policy);
    if (isGuard(config as ScopeladderRouteConfig<AnyPolicy> | undefined)) {
      precheckComplete.set(config as AnyGuard, isPrecheckComplete(config as AnyGuard));
    }
  });
  const isComplete = (config: AnyGuard): boolean => precheckComplete.get(config) ?? isPrecheckComplete(config);

  // Per request, under symbols only this registration holds (declared as request decorators, so
  // every request object has the same shape; cheaper than a WeakMap entry): what the plugin
  // authenticated — `request.auth` is output only, a guard never trusts a value some other code
  // assigned to it — and whether onRequest decided everything (no guard, or a guard its precheck
  // decides completely), so that preHandler has nothing to do.
  const AUTHENTICATED = Symbol('@scopeladder/fastify: authenticated');
  const DECIDED = Symbol('@scopeladder/fastify: decided');
  type MarkedRequest = FastifyRequest & { [AUTHENTICATED]: AnyRequestAuth | null; [DECIDED]: boolean };
  fastify.decorateRequest(AUTHENTICATED, null);
  fastify.decorateRequest(DECIDED, false);

  // Hooks with `done` rather than async functions: the common case (a type-level guard, which
  // the precheck decides completely) needs one promise only, the service's.
  fastify.addHook('onRequest', (request: FastifyRequest, _reply, done: HookHandlerDoneFunction) => {
    const marked = request as MarkedRequest;
    const config = request.routeOptions.config.scopeladder;
    if (config === false || (config === undefined && mode === 'guarded')) {
      marked[DECIDED] = true;
      done();
      return;
    }
    source.authenticate(request, request.raw).then((authenticatedAs) => {
      let pending: Promise<undefined> | undefined;
      try {
        const auth = attachListFilter(authenticatedAs);
        marked[AUTHENTICATED] = auth;
        // `request.auth` is declared with the registered policy's types; this service's policy is it.
        // A type-level guard's list filter, computed only if the handler reads it (and the guard allows).
        request.auth = (isGuard(config) ? attachListFilter(auth, policy, config) : auth) as RequestAuth;
        if (isGuard(config)) {
          // Refused before the body is read; the rest of the guard (record, fields) in preHandler.
          pending = decidePrecheck(auth, policy, config, request, routeOf);
          if (isComplete(config)) marked[DECIDED] = true;
        } else {
          marked[DECIDED] = true;
        }
      } catch (error) {
        done(error as Error);
        return;
      }
      if (pending === undefined) done();
      else pending.then(() => done(), done);
    }, done);
  });

  fastify.addHook('preHandler', (request: FastifyRequest, _reply, done: HookHandlerDoneFunction) => {
    const marked = request as MarkedRequest;
    if (marked[DECIDED]) {
      done();
      return;
    }
    // The route's guard, read again: the request may have been sent on to the 404 handler since.
    const config = request.routeOptions.config.scopeladder;
    if (!isGuard(config)) {
      done();
      return;
    }
    const auth = marked[AUTHENTICATED];
    // A guarded route always authenticates in onRequest; fail closed should that ever not hold.
    if (auth === null) {
      done(new TypeError('@scopeladder/fastify: a guarded route was not authenticated'));
      return;
    }
    let pending: Promise<unknown> | undefined;
    try {
      pending = decideGuard(auth, policy, config, request as ScopeladderGuardRequest, request.body, routeOf);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (pending === undefined) {
      done();
      return;
    }
    pending.then((resource) => {
      try {
        if (config.load !== undefined) request.auth = attachResource(auth, resource) as RequestAuth;
      } catch (error) {
        done(error as Error);
        return;
      }
      done();
    }, done);
  });

  if (tokenRoutes !== false) {
    const service = source.tokenService('@scopeladder/fastify: tokenRoutes');
    registerTokenRoutes(fastify, service, typeof tokenRoutes === 'object' ? tokenRoutes : {});
  }

  if (options.discovery !== undefined) registerDiscoveryRoutes(fastify, source.tokenService('@scopeladder/fastify: discovery'), options.discovery);

  if (options.errorHandler !== false) {
    fastify.setErrorHandler((error, request, reply) => {
      // An error the application gave its own 4xx status is not ours to answer: thrown on,
      // unchanged, to the parent error handler (Fastify's default answers with its statusCode).
      const answer = resolveErrorAnswer(error, {
        http,
        formatError: options.formatError,
        onFormatError: (failure) => report(failure, request),
      });
      if (answer === undefined) throw error;
      if (answer.status >= 500) report(error, request);
      return sendErrorAnswer(reply, answer);
    });
  }
};

/**
 * The Fastify 5 plugin of scopeladder (wrapped with `fastify-plugin`, so its decorators, hooks
 * and error handler apply to the whole application). It decorates `request.auth`, authenticates
 * in an `onRequest` hook, enforces route-config guards, registers the token endpoint and
 * answers errors through core's table. Every decision is the service's and its policy's.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import scopeladder, { answerFrameworkError } from '@scopeladder/fastify';
 *
 * const app = Fastify({ frameworkErrors: answerFrameworkError });
 * await app.register(scopeladder, { service, jsonBody: true });
 * app.get('/v2/conversations', { config: { scopeladder: { action: 'list', subject: 'Conversation' } } }, (request) =>
 *   conversations.all().filter(request.auth!.filter.matches), // only the records in the principal's reach
 * );
 * app.get(
 *   '/v2/users/:id',
 *   { config: { scopeladder: { action: 'fetch', subject: 'User', load: (request) => users.get(String(request.params.id)) } } },
 *   (request) => request.auth?.resource,
 * );
 * app.get('/health', { config: { scopeladder: false } }, () => ({ ok: true }));
 * ```
 */
export const scopeladderPlugin = fp(plugin, { fastify: '5.x', name: '@scopeladder/fastify' });

/** A guard's route for its decision message: method and the route's URL pattern, never the path. */
function routeOf(request: FastifyRequest): string | undefined {
  const url: unknown = request.routeOptions.url;
  return typeof url === 'string' ? `${request.method} ${url}` : undefined;
}
