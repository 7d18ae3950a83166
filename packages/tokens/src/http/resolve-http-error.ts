import { httpErrorFor, isScopeladderError, type HttpErrorOptions, type HttpErrorResult } from '@scopeladder/core';
import { clientStatusOf } from '../lib/client-status.js';
import { toScopeladderError } from './to-scopeladder-error.js';

/**
 * What an adapter's error handler does with an error it caught: the answer to write, or
 * `undefined` when the error is not scopeladder's to answer and must go on, unchanged, to the
 * framework's own error handling (Express: `next(error)`; Koa: rethrow; Fastify: throw from the
 * error handler).
 *
 * - A `ScopeladderError`, or a framework parse error {@link toScopeladderError} translates:
 *   core's answer (`httpErrorFor`).
 * - Any other error carrying an explicit 4xx `status`/`statusCode` (an application's own
 *   `HttpError(409)`, a `ctx.throw(400, …)`): `undefined`. The application chose that status;
 *   scopeladder does not rewrite it.
 * - Anything else: core's generic `500 ERR_INTERNAL`, whose body says nothing about the cause.
 *   An adapter reports these (`answer.status >= 500`) to its `onError`.
 *
 * @example
 * ```ts
 * import { resolveHttpError } from '@scopeladder/tokens/http';
 *
 * const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
 *   const answer = res.headersSent ? undefined : resolveHttpError(error, service.http);
 *   if (answer === undefined) return next(error);
 *   if (answer.status >= 500) onError(error, req);
 *   res.status(answer.status).set(answer.headers).json(answer.body);
 * };
 * ```
 */
export function resolveHttpError(error: unknown, options?: HttpErrorOptions): HttpErrorResult | undefined {
  const translated = toScopeladderError(error);
  if (!isScopeladderError(translated) && clientStatusOf(translated) !== undefined) return undefined;
  return httpErrorFor(translated, options);
}
