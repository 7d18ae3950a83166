import { httpErrorFor, type HttpErrorResult } from '@scopeladder/core';
import type { AuthService, TokenResponse } from '@scopeladder/tokens';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { DEFAULT_TOKEN_BODY_LIMIT, bodyOf } from './lib/shared/read-body.js';
import { readAuthorization } from './lib/shared/read-authorization.js';
import { readRefreshToken, readTokenRequest } from './lib/shared/read-token-request.js';
import { assertGuardSpec, runGuard, type GuardSpec } from './lib/shared/run-guard.js';
import { toScopeladderError } from './lib/shared/to-scopeladder-error.js';
import type {
  ExpressAuth,
  ExpressAuthOptions,
  ExpressAuthorizeOptions,
  ExpressTokenRoutesOptions,
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
    throw new TypeError('createExpressAuth: options.service must be an AuthService (createAuthService from @scopeladder/tokens)');
  }
}

function queryValues(req: Request, name: string): string[] {
  const url = req.originalUrl || req.url;
  const index = url.indexOf('?');
  return index === -1 ? [] : new URLSearchParams(url.slice(index + 1)).getAll(name);
}

function sendTokens(res: Response, tokens: TokenResponse): void {
  // RFC 6749 §5.1: token answers must not be cached.
  res.set({ 'cache-control': 'no-store', pragma: 'no-cache' }).status(200).json(tokens);
}

function bearerTokenOf(authorization: string | readonly string[] | undefined): string {
  // Only called after the service accepted this exact value: one header, `Bearer <token>`.
  const value = typeof authorization === 'string' ? authorization : '';
  return value.slice(value.indexOf(' ') + 1);
}

/**
 * Creates the Express integration of an auth service: authentication middleware (`req.auth`),
 * route guards, the token endpoint and the error handler. Works with Express 5 and 4.21+.
 * Every decision is made by the service and its policy; this only translates.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createExpressAuth } from '@scopeladder/express';
 *
 * const auth = createExpressAuth({ service });
 * const app = express();
 * app.use(express.json({ limit: '64kb' }));
 * app.use(auth.tokenRoutes()); // POST/GET/DELETE /v2/auth/token
 * app.get('/v2/conversations', auth.authorize('list', 'Conversation'), (req, res) => {
 *   res.json(conversations.all());
 * });
 * app.patch(
 *   '/v2/users/:id',
 *   auth.authorize('update', 'User', { load: (req) => users.get(req.params.id) }),
 *   (req, res) => res.json(users.update(req.params.id, req.body)),
 * );
 * app.use(auth.errorHandler);
 * ```
 */
export function createExpressAuth(options: ExpressAuthOptions): ExpressAuth {
  if (typeof options !== 'object' || options === null) throw new TypeError('createExpressAuth: options are required');
  const { service } = options;
  assertService(service);
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError('createExpressAuth: onError must be a function');
  }
  const report =
    options.onError ??
    ((error: unknown) => {
      console.error('[scopeladder] unhandled error answered with a 5xx:', error);
    });

  // What this instance authenticated, per request. `req.auth` is output only: another library
  // may set a property of that name, and a guard must never trust it.
  const authenticated = new WeakMap<Request, RequestAuth>();
  async function ensureAuth(req: Request): Promise<RequestAuth> {
    const known = authenticated.get(req);
    if (known !== undefined) return known;
    const context = await service.authenticate(readAuthorization(req));
    authenticated.set(req, context);
    req.auth = context;
    return context;
  }

  const authenticate: RequestHandler = (req, _res, next) => {
    ensureAuth(req).then(() => next(), next);
  };

  function authorize<Resource = unknown>(
    action: string,
    subjectType: string,
    guardOptions: ExpressAuthorizeOptions<Resource> = {},
  ): RequestHandler {
    const spec: GuardSpec<Request, Resource> = { ...guardOptions, action, subject: subjectType };
    assertGuardSpec(spec, 'authorize');
    return (req, _res, next) => {
      const run = async (): Promise<void> => {
        const auth = await ensureAuth(req);
        const resource = await runGuard(auth, service.policy, spec, req, req.body);
        if (spec.load !== undefined) req.auth = { ...auth, resource };
      };
      run().then(() => next(), next);
    };
  }

  function tokenRoutes(routeOptions: ExpressTokenRoutesOptions = {}): RequestHandler {
    const path = routeOptions.path ?? '/v2/auth/token';
    const limit = routeOptions.bodyLimit ?? DEFAULT_TOKEN_BODY_LIMIT;
    if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError('tokenRoutes: path must start with "/"');
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new TypeError('tokenRoutes: bodyLimit must be a positive integer');

    const post = async (req: Request, res: Response): Promise<void> => {
      const request = readTokenRequest(await bodyOf(req, req.body, limit));
      const context = { source: req.ip };
      const tokens =
        request.kind === 'login'
          ? await service.login(request.input, context)
          : await service.refresh(request.refreshToken, context);
      sendTokens(res, tokens);
    };
    const get = async (req: Request, res: Response): Promise<void> => {
      const values = queryValues(req, 'refreshToken');
      const refreshToken = readRefreshToken(values.length === 1 ? values[0] : values);
      sendTokens(res, await service.refresh(refreshToken, { source: req.ip }));
    };
    const remove = async (req: Request, res: Response): Promise<void> => {
      const authorization = readAuthorization(req);
      await service.authenticate(authorization);
      await service.logout(bearerTokenOf(authorization));
      res.set('cache-control', 'no-store').status(204).end();
    };
    const handlers: Readonly<Record<string, (req: Request, res: Response) => Promise<void>>> = {
      POST: post,
      GET: get,
      DELETE: remove,
    };

    return (req, res, next) => {
      const handler = req.path === path ? handlers[req.method] : undefined;
      if (handler === undefined) {
        next();
        return;
      }
      handler(req, res).catch(next);
    };
  }

  function toHttpError(error: unknown): HttpErrorResult {
    return httpErrorFor(toScopeladderError(error), service.http);
  }

  const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const answer = toHttpError(error);
    if (answer.status >= 500) report(error, req);
    res.status(answer.status).set(answer.headers).json(answer.body);
  };

  return { authenticate, authorize, tokenRoutes, errorHandler, toHttpError };
}
