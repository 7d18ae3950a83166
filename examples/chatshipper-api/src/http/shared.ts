import { ScopeladderError } from '@scopeladder/core';
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
