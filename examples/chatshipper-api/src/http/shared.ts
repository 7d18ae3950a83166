import { ScopeladderError, isScopeladderError } from '@scopeladder/core';
import type { Logger } from '../log.js';
import type { ApiResponse } from '../routes.js';

/** `Cache-Control` of every API answer: tokens and user records are not for shared caches. */
export const NO_STORE = 'no-store';

/** Body size limit for JSON requests. */
export const BODY_LIMIT_BYTES = 100 * 1024;

/** The error unknown routes throw, so core's table answers them (404, JSON `{code, message}`). */
export function routeNotFound(): ScopeladderError {
  return new ScopeladderError('ERR_NOT_FOUND', 'No such route');
}

/** Whether an answer has a JSON body (204 has none). */
export function hasBody(response: ApiResponse): boolean {
  return response.status !== 204 && response.body !== undefined;
}

/** A one-line description of an unexpected error for the server log (a 5xx was answered). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * The adapters' `onError` (called for every error answered with a 5xx). The storage being
 * unavailable (503, Redis away) is expected during an outage: one short line without a stack
 * (the connection monitor has already said why). Anything else is a bug: its stack.
 *
 * @example
 * ```ts
 * const auth = createExpressAuth({ service, onError: reportServerError(logger) });
 * ```
 */
export function reportServerError(logger: Logger): (error: unknown) => void {
  return (error) => {
    if (isScopeladderError(error) && error.code === 'ERR_STORE_UNAVAILABLE') {
      logger.error(`storage unavailable: answered 503 (${error.message})`);
      return;
    }
    logger.error(`unexpected error: ${describeError(error)}`);
  };
}
