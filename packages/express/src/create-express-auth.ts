import { httpErrorFor, type HttpErrorResult } from '@scopeladder/core';
import {
  assertAdapterOptions,
  assertBodyParsed,
  assertGuardSpec,
  attachListFilter,
  attachResource,
  decideGuard,
  handleDiscoveryRequest,
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
  type DiscoveryAnswer,
  type DiscoveryOptions,
  type GuardSpec,
  type TokenEndpointAnswer,
} from '@scopeladder/tokens/http';
import type { AnyPolicy, AuthContext, RegisteredPolicy } from '@scopeladder/tokens';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type {
  ExpressAuth,
  ExpressAuthOptions,
  ExpressAuthorizeOptions,
  ExpressJsonBodyOptions,
  ExpressTokenRoutesOptions,
  RequestAuth,
} from './types.js';

/**
 * Continues `pending` with `onValue`, and sends every failure to `next`: a rejection, and a
 * throw of `onValue` itself (which `.then(onValue, next)` would turn into an unhandled
 * rejection, ending the process under Node's default).
 */
function settle<T>(pending: Promise<T>, onValue: (value: T) => void, next: NextFunction): void {
  pending.then((value) => {
    try {
      onValue(value);
    } catch (error) {
      next(error);
    }
  }, next);
}

function send(res: Response, answer: TokenEndpointAnswer<unknown> | DiscoveryAnswer): void {
  res.status(answer.status).set(answer.headers);
  if (answer.body === undefined) res.end();
  else res.json(answer.body);
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
 * app.use(auth.tokenRoutes()); // /v2/auth/token, /v2/auth/revoke, /v2/auth/introspect (reads its own JSON or form body)
 * app.use(auth.jsonBody({ limit: 64 * 1024 })); // every other body: JSON, at most 64 levels deep
 * app.get('/v2/conversations', auth.authorize('list', 'Conversation'), (req, res) => {
 *   res.json(conversations.all().filter(req.auth!.filter.matches)); // only the records in the principal's reach
 * });
 * app.patch(
 *   '/v2/users/:id',
 *   auth.authorize('update', 'User', { load: (req) => users.get(String(req.params.id)) }),
 *   (req, res) => res.json(users.update(String(req.params.id), req.body)),
 * );
 * app.use(auth.errorHandler);
 * // auth.authorize('list', 'Conversaton'); // does not compile, and is a TypeError at run time
 * ```
 */
export function createExpressAuth<P extends AnyPolicy = RegisteredPolicy>(options: ExpressAuthOptions<P>): ExpressAuth<P> {
  assertAdapterOptions(options, 'createExpressAuth');
  // The service's (ours, or a verifier of an identity provider's tokens), or the application's own authentication.
  const source = resolveAdapterAuth<Request>(options, 'createExpressAuth');
  const { policy, http } = source;
  const report =
    options.onError ??
    ((error: unknown) => {
      console.error('[scopeladder] unhandled error answered with a 5xx:', error);
    });

  // What this instance authenticated, per request. `req.auth` is output only: another library
  // may set a property of that name, and a guard must never trust it. A WeakMap rather than a
  // property of our own: Express gives every request object a new prototype, and adding a
  // property to such an object costs V8 a new hidden class each time (~1 µs, measured; a
  // WeakMap entry about half of that).
  const authenticated = new WeakMap<Request, RequestAuth<AnyPolicy>>();

  // Sets what a request authenticated as (and, after a guard with `load`, `req.auth` alone with
  // the record). False after `next(error)` if that failed (e.g. `req.auth` made read-only).
  function remember(req: Request, auth: RequestAuth<AnyPolicy>, next: NextFunction, output: RequestAuth<AnyPolicy> = auth): boolean {
    try {
      if (output === auth) authenticated.set(req, auth);
      // `req.auth` is declared with the registered policy's types; this service's policy is it.
      req.auth = output as RequestAuth;
      return true;
    } catch (error) {
      next(error);
      return false;
    }
  }

  // Who the request authenticated as (never throws: rejects).
  function authenticateRequest(req: Request): Promise<AuthContext<AnyPolicy>> {
    return source.authenticate(req, req);
  }

  const authenticate: RequestHandler = (req, _res, next) => {
    if (authenticated.has(req)) {
      next();
      return;
    }
    settle(
      authenticateRequest(req),
      (auth) => {
        if (remember(req, attachListFilter(auth), next)) next();
      },
      next,
    );
  };

  function authorize<Resource = unknown>(action: string, subjectType: string, guardOptions: ExpressAuthorizeOptions<Resource> = {}): RequestHandler {
    const spec: GuardSpec<Request, Resource> = { ...guardOptions, action, subject: subjectType };
    assertGuardSpec(spec, 'authorize', policy);

    // The guard, then `next()`: synchronously when the decision needs no promise (no `load`).
    function guardThenNext(req: Request, auth: RequestAuth<AnyPolicy>, next: NextFunction): void {
      let pending: Promise<unknown> | undefined;
      try {
        assertBodyParsed(spec, req, req.body, '@scopeladder/express: authorize');
        pending = decideGuard(auth, policy, spec, req, req.body, routeOf);
      } catch (error) {
        next(error);
        return;
      }
      if (pending === undefined) {
        if (remember(req, auth, next, attachListFilter(auth, policy, spec))) next();
        return;
      }
      settle(
        pending,
        (resource) => {
          const output = spec.load === undefined ? attachListFilter(auth, policy, spec) : attachResource(auth, resource);
          if (remember(req, auth, next, output)) next();
        },
        next,
      );
    }

    return (req, _res, next) => {
      const known = authenticated.get(req);
      if (known !== undefined) {
        guardThenNext(req, known, next);
        return;
      }
      settle(
        authenticateRequest(req),
        (authenticatedAs) => {
          const auth = attachListFilter(authenticatedAs);
          if (remember(req, auth, next)) guardThenNext(req, auth, next);
        },
        next,
      );
    };
  }

  function tokenRoutes(routeOptions: ExpressTokenRoutesOptions = {}): RequestHandler {
    const service = source.tokenService('@scopeladder/express: tokenRoutes');
    const routes = resolveTokenRoutesOptions(routeOptions, 'tokenRoutes', service.policy.ladder);
    const { bodyLimit: limit } = routes;
    const paths = new Set([routes.path, routes.revocationPath, routes.introspectionPath]);

    return (req, res, next) => {
      if (!paths.has(req.path)) {
        next();
        return;
      }
      let pending: Promise<TokenEndpointAnswer<unknown> | undefined>;
      try {
        pending = routeTokenRequest(service, routes, req.path, {
          method: req.method,
          url: req.originalUrl || req.url,
          authorization: readAuthorization(req),
          source: req.ip,
          readBody: () => readBody(req, { limit, parsed: req.body }),
        });
      } catch (error) {
        next(error);
        return;
      }
      settle(pending, (answer) => (answer === undefined ? next() : send(res, answer)), next);
    };
  }

  function discoveryRoutes(discoveryOptions: DiscoveryOptions): RequestHandler {
    const service = source.tokenService('@scopeladder/express: discoveryRoutes');
    const resolved = resolveDiscoveryOptions(discoveryOptions, service, '@scopeladder/express: discoveryRoutes');
    return (req, res, next) => {
      settle(
        handleDiscoveryRequest(service, resolved, { method: req.method, path: req.path }),
        (answer) => (answer === undefined ? next() : send(res, answer)),
        next,
      );
    };
  }

  function jsonBody(bodyOptions: ExpressJsonBodyOptions = {}): RequestHandler {
    const resolved = resolveJsonBodyOptions(bodyOptions, '@scopeladder/express: jsonBody');

    return (req, _res, next) => {
      // Read already (another parser ran, or this one twice): left as it is.
      if (req.body !== undefined || req.readableEnded) {
        next();
        return;
      }
      settle(
        readJsonBody(req, resolved),
        (body) => {
          req.body = body;
          next();
        },
        next,
      );
    };
  }

  const toHttpError = (error: unknown): HttpErrorResult => httpErrorFor(toScopeladderError(error), http);

  const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
    // Not ours to answer: a response already under way, or an error the application gave its
    // own 4xx status. Express's next error handler (or its default one) takes it, unchanged.
    const answer = res.headersSent
      ? undefined
      : resolveErrorAnswer(error, { http, formatError: options.formatError, onFormatError: (failure) => report(failure, req) });
    if (answer === undefined) {
      next(error);
      return;
    }
    if (answer.status >= 500) report(error, req);
    res.status(answer.status).set(answer.headers).json(answer.body);
  };

  return { authenticate, authorize, tokenRoutes, discoveryRoutes, jsonBody, errorHandler, toHttpError };
}

/**
 * A guard's route for its decision message: method and pattern (`GET /v2/users/:id`), never the
 * path. Only the route's own pattern: Express gives a mounted router's prefix as the matched
 * path (`req.baseUrl` is `/orgs/5f0c…` for `app.use('/orgs/:org', router)`), not its pattern, so
 * a route inside a router is named relative to it (`GET /conversations/:id`).
 */
function routeOf(req: Request): string | undefined {
  const pattern: unknown = (req.route as { path?: unknown } | undefined)?.path;
  return typeof pattern === 'string' ? `${req.method} ${pattern}` : undefined;
}
