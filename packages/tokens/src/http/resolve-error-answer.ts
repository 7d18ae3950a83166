import type { HttpErrorOptions, HttpErrorResult } from '@scopeladder/core';
import { resolveHttpError } from './resolve-http-error.js';

/**
 * An adapter's `formatError` option: shapes the JSON body of every error the adapter answers
 * (guard denials, authentication failures, token-endpoint errors, body errors, the generic 500).
 * It gets core's answer (`answer.body` is `{ code, message, … }`) and the error the adapter
 * caught; what it returns is the body. The status and the headers (`WWW-Authenticate`,
 * `Retry-After`, `Cache-Control`) stay core's: they are not the formatter's to change.
 *
 * Return a JSON value. `undefined`, a value `JSON.stringify` cannot write, or a throw keeps core's
 * body (a throw is reported to the adapter's `onError`): a buggy formatter never turns a 401 into
 * a 500, nor leaks what it threw.
 *
 * @example
 * ```ts
 * // ChatShipper's SDK reads `body.error.message`.
 * const formatError: ErrorBodyFormatter = ({ body }) => ({ error: { code: body.code, message: body.message } });
 * ```
 */
export type ErrorBodyFormatter = (answer: HttpErrorResult, error: unknown) => unknown;

/**
 * What an adapter writes for an error: core's status and headers, and the (possibly shaped) body,
 * a JSON value.
 *
 * @example
 * ```ts
 * const answer: ErrorAnswer = { status: 401, headers: { 'cache-control': 'no-store' }, body: { error: { message: 'jwt expired' } } };
 * res.status(answer.status).set(answer.headers).json(answer.body);
 * ```
 */
export interface ErrorAnswer {
  readonly status: number;
  /** Lower-case header names, from core's table. */
  readonly headers: Readonly<Record<string, string>>;
  /** Core's `{ code, message, … }`, or what `formatError` made of it. */
  readonly body: unknown;
}

/**
 * Options of {@link resolveErrorAnswer}.
 *
 * @example
 * ```ts
 * const options: ResolveErrorAnswerOptions = { http: service.http, formatError, onFormatError: (failure) => log.error(failure) };
 * ```
 */
export interface ResolveErrorAnswerOptions {
  /** Core's `httpErrorFor` options: the service's `service.http`. */
  readonly http?: HttpErrorOptions | undefined;
  /** The adapter's `formatError` option. */
  readonly formatError?: ErrorBodyFormatter | undefined;
  /** Called with what `formatError` threw (core's body is answered instead). */
  readonly onFormatError?: ((failure: unknown) => void) | undefined;
}

/**
 * What every adapter's error handling writes for a caught error: {@link resolveHttpError}'s
 * answer (`undefined`: the application's own 4xx, to pass on unchanged), its body shaped by the
 * adapter's `formatError` when there is one. One implementation for Express, Fastify and Koa.
 *
 * @example
 * ```ts
 * import { resolveErrorAnswer } from '@scopeladder/tokens/http';
 *
 * const answer = resolveErrorAnswer(error, { http: service.http, formatError: options.formatError, onFormatError: report });
 * if (answer === undefined) return next(error);
 * res.status(answer.status).set(answer.headers).json(answer.body);
 * ```
 */
export function resolveErrorAnswer(error: unknown, options: ResolveErrorAnswerOptions = {}): ErrorAnswer | undefined {
  const answer = resolveHttpError(error, options.http);
  if (answer === undefined || options.formatError === undefined) return answer;
  let body: unknown;
  try {
    body = options.formatError(answer, error);
    // Only a value every framework writes alike, as JSON.
    if (body === undefined || JSON.stringify(body) === undefined) return answer;
  } catch (failure) {
    options.onFormatError?.(failure);
    return answer;
  }
  return { status: answer.status, headers: answer.headers, body };
}
