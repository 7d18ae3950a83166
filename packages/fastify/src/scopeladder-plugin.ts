import { httpErrorFor, type HttpErrorResult } from '@scopeladder/core';
import type { AuthService, TokenResponse } from '@scopeladder/tokens';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { readAuthorization } from './lib/shared/read-authorization.js';
import { readRefreshToken, readTokenRequest } from './lib/shared/read-token-request.js';
import { assertGuardSpec, precheckGuard, runGuard } from './lib/shared/run-guard.js';
import { toScopeladderError } from './lib/shared/to-scopeladder-error.js';
import type {
  RequestAuth,
  ScopeladderFastifyOptions,
  ScopeladderGuardRequest,
  ScopeladderRouteConfig,
  ScopeladderRouteGuard,
  ScopeladderTokenRoutesOptions,
} from './types.js';

const DEFAULT_TOKEN_BODY_LIMIT = 16 * 1024;

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
    throw new TypeError('@scopeladder/fastify: options.service must be an AuthService (createAuthService from @scopeladder/tokens)');
  }
}

function isGuard(config: ScopeladderRouteConfig | undefined): config is ScopeladderRouteGuard {
  return typeof config === 'object' && config !== null;
}

function assertRouteConfig(config: unknown, where: string): void {
  if (config === undefined || typeof config === 'boolean') return;
  if (typeof config !== 'object' || config === null) {
    throw new TypeError(`${where}: config.scopeladder must be a guard { action, subject }, true or false`);
  }
  assertGuardSpec(config as ScopeladderRouteGuard, where);
}

function sendTokens(reply: FastifyReply, tokens: TokenResponse): FastifyReply {
  // RFC 6749 §5.1: token answers must not be cached.
  return reply.code(200).headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send(tokens);
}

function bearerTokenOf(authorization: string | readonly string[] | undefined): string {
  // Only called after the service accepted this exact value: one header, `Bearer <token>`.
  const value = typeof authorization === 'string' ? authorization : '';
  return value.slice(value.indexOf(' ') + 1);
}

function queryValues(request: FastifyRequest, name: string): string[] {
  const url = request.url;
  const index = url.indexOf('?');
  return index === -1 ? [] : new URLSearchParams(url.slice(index + 1)).getAll(name);
}

function registerTokenRoutes(fastify: FastifyInstance, service: AuthService, options: ScopeladderTokenRoutesOptions): void {
  const path = options.path ?? '/v2/auth/token';
  const bodyLimit = options.bodyLimit ?? DEFAULT_TOKEN_BODY_LIMIT;
  if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError('tokenRoutes: path must start with "/"');
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit <= 0) throw new TypeError('tokenRoutes: bodyLimit must be a positive integer');
  const config = { scopeladder: false } as const;

  // Encapsulated, so the form parser added here never clashes with the application's.
  void fastify.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) {
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (_request, text, done) => {
        const form: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
        for (const [key, value] of new URLSearchParams(String(text))) {
          const previous = form[key];
          form[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
        }
        done(null, form);
      });
    }
    scope.post(path, { config, bodyLimit }, async (request, reply) => {
      const tokenRequest = readTokenRequest(request.body);
      const context = { source: request.ip };
      return sendTokens(
        reply,
        tokenRequest.kind === 'login'
          ? await service.login(tokenRequest.input, context)
          : await service.refresh(tokenRequest.refreshToken, context),
      );
    });
    scope.get(path, { config }, async (request, reply) => {
      const values = queryValues(request, 'refreshToken');
      const refreshToken = readRefreshToken(values.length === 1 ? values[0] : values);
      return sendTokens(reply, await service.refresh(refreshToken, { source: request.ip }));
    });
    scope.delete(path, { config }, async (request, reply) => {
      const authorization = readAuthorization(request.raw);
      await service.authenticate(authorization);
      await service.logout(bearerTokenOf(authorization));
      return reply.code(204).header('cache-control', 'no-store').send();
    });
  });
}

const plugin: FastifyPluginAsync<ScopeladderFastifyOptions> = async (fastify, options) => {
  if (typeof options !== 'object' || options === null) throw new TypeError('@scopeladder/fastify: options are required');
  const { service } = options;
  assertService(service);
  const mode = options.authenticate ?? 'all';
  if (mode !== 'all' && mode !== 'guarded') throw new TypeError('@scopeladder/fastify: authenticate must be "all" or "guarded"');
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError('@scopeladder/fastify: onError must be a function');
  }
  const report =
    options.onError ??
    ((error: unknown, request: FastifyRequest) => {
      request.log.error({ err: error }, 'scopeladder: error answered with a 5xx');
    });
  const toHttpError = (error: unknown): HttpErrorResult => httpErrorFor(toScopeladderError(error), service.http);

  fastify.decorateRequest('auth', null);
  fastify.decorate('scopeladder', Object.freeze({ service, toHttpError }));

  // A misconfigured guard fails at startup, not on the first request.
  fastify.addHook('onRoute', (route) => {
    assertRouteConfig(route.config?.scopeladder, `route ${String(route.method)} ${route.url}`);
  });

  // What the plugin authenticated, per request. `request.auth` is output only: a guard never
  // trusts a value some other code assigned to it.
  const authenticated = new WeakMap<FastifyRequest, RequestAuth>();

  fastify.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config.scopeladder;
    if (config === false || (config === undefined && mode === 'guarded')) return;
    const auth = await service.authenticate(readAuthorization(request.raw));
    authenticated.set(request, auth);
    request.auth = auth;
    if (isGuard(config)) await precheckGuard(auth, service.policy, config);
  });

  fastify.addHook('preHandler', async (request) => {
    const config = request.routeOptions.config.scopeladder;
    const auth = authenticated.get(request);
    if (!isGuard(config)) return;
    // A guarded route always authenticates in onRequest; fail closed should that ever not hold.
    if (auth === undefined) throw new TypeError('@scopeladder/fastify: a guarded route was not authenticated');
    const guardRequest = request as ScopeladderGuardRequest;
    const resource = await runGuard(auth, service.policy, config, guardRequest, request.body);
    if (config.load !== undefined) request.auth = { ...auth, resource };
  });

  if (options.tokenRoutes !== false) {
    registerTokenRoutes(fastify, service, typeof options.tokenRoutes === 'object' ? options.tokenRoutes : {});
  }

  if (options.errorHandler !== false) {
    fastify.setErrorHandler((error, request, reply) => {
      const answer = toHttpError(error);
      if (answer.status >= 500) report(error, request);
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
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
 * import scopeladder from '@scopeladder/fastify';
 *
 * const app = Fastify();
 * await app.register(scopeladder, { service });
 * app.get('/v2/conversations', { config: { scopeladder: { action: 'list', subject: 'Conversation' } } }, () =>
 *   conversations.all(),
 * );
 * app.get(
 *   '/v2/users/:id',
 *   { config: { scopeladder: { action: 'fetch', subject: 'User', load: (request) => users.get(request.params.id) } } },
 *   (request) => request.auth?.resource,
 * );
 * app.get('/health', { config: { scopeladder: false } }, () => ({ ok: true }));
 * ```
 */
export const scopeladderPlugin = fp(plugin, { fastify: '5.x', name: '@scopeladder/fastify' });
