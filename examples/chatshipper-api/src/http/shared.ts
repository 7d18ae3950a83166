import { ScopeladderError, httpErrorFor, isScopeladderError, type HttpErrorResult } from '@scopeladder/core';
import type { AuthService } from '@scopeladder/tokens';
import { handleJwksRequest, type DiscoveryAnswer } from '@scopeladder/tokens/http';
import type { Logger } from '../log.js';
import type { ApiResponse } from '../routes.js';

/** `Cache-Control` of every API answer: tokens and user records are not for shared caches. */
export const NO_STORE = 'no-store';

/** Body size limit for JSON requests, as sent and once decoded (the adapters' reader: `limit`). */
export const BODY_LIMIT_BYTES = 100 * 1024;

/** Deepest nesting of objects and arrays in a JSON body (the adapters' reader: `maxDepth`). */
export const BODY_MAX_DEPTH = 64;

/**
 * The answer to an error the adapter's error handler passed on (an error carrying its own 4xx
 * status that is not scopeladder's): no framework's error page (HTML, plain text, its own
 * JSON shape) ever reaches a client, only `400 ERR_INVALID_REQUEST` in core's shape. The
 * server throws no such error itself; this is the last line.
 */
export function passedOnAnswer(): HttpErrorResult {
  return httpErrorFor(new ScopeladderError('ERR_INVALID_REQUEST', 'Invalid request'));
}

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

/** Where the JWKS is served (the discovery routes' default path too). */
export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * `GET /.well-known/jwks.json` when the discovery routes are not mounted (`JWT_ISSUER` is not a
 * URL): the service's public keys (an empty set with HS256), cacheable for 5 minutes like the
 * discovery routes' answer.
 *
 * @example
 * ```ts
 * app.get(JWKS_PATH, async (_req, res) => { const answer = await jwksAnswer(service); res.set(answer.headers).json(answer.body); });
 * ```
 */
export function jwksAnswer(service: AuthService): Promise<DiscoveryAnswer> {
  return handleJwksRequest(service, 'public, max-age=300');
}
