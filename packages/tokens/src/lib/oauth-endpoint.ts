import { ScopeladderError, isScopeladderError, type ErrorEndpoint } from '@scopeladder/core';
import { isPlainObject } from './plain-object.js';

/**
 * `error`, raised at an OAuth 2.0 endpoint: the same ScopeladderError (code, message, retry
 * time, cause) marked with `endpoint`, so core's `httpErrorFor` answers it after RFC 6749 §5.2
 * wherever it is caught (the adapters' error handlers). Anything else passes unchanged.
 */
export function atEndpoint(error: unknown, endpoint: ErrorEndpoint): unknown {
  if (!isScopeladderError(error) || error.endpoint !== undefined) return error;
  return new ScopeladderError(error.code, error.message, {
    denial: error.denial,
    retryAfter: error.retryAfter,
    cause: error.cause,
    endpoint,
  });
}

/** Whether a token request body is in RFC 6749's form (it names a `grant_type`). */
export function isGrantRequest(body: unknown): boolean {
  return isPlainObject(body) && Object.prototype.hasOwnProperty.call(body, 'grant_type') && body['grant_type'] !== undefined;
}

/** The one value of a body parameter: a string given once, else `undefined`. */
export function oneText(body: unknown, key: string): string | undefined {
  if (!isPlainObject(body) || !Object.prototype.hasOwnProperty.call(body, key)) return undefined;
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}
