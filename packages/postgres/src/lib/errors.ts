import { ScopeladderError, isScopeladderError } from '@scopeladder/core';

/**
 * SQLSTATE classes and codes that mean "not now" rather than a bug: connection exceptions (08),
 * operator intervention (57: admin shutdown, crash shutdown, cannot connect now, query canceled
 * by statement_timeout), insufficient resources (53), lock timeouts (55P03) and deadlocks or
 * serialization failures (40).
 */
const TRANSIENT_SQLSTATE = /^(08|53|57|40)|^55P03$/;

/** Node socket errors: the database is not reachable. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** The one "unavailable" error: no detail of the backend leaks into the message. */
export function unavailable(cause?: unknown): ScopeladderError {
  return new ScopeladderError('ERR_STORE_UNAVAILABLE', 'The token store is unavailable', {
    retryAfter: 1,
    cause: sanitizeCause(cause),
  });
}

/**
 * Maps anything `pg` throws to a ScopeladderError: an unreachable or overloaded database is
 * `ERR_STORE_UNAVAILABLE` (fail closed, 503), any other database error (a bug, a broken schema)
 * `ERR_INTERNAL`. Caller misuse (`TypeError`) passes through.
 */
export function toStoreError(error: unknown): Error {
  if (isScopeladderError(error) || error instanceof TypeError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (TRANSIENT_SQLSTATE.test(code)) return unavailable(error);
    return new ScopeladderError('ERR_INTERNAL', 'The token store answered with an error', { cause: sanitizeCause(error) });
  }
  // No SQLSTATE: a socket error, a connection ended, a timeout of the pool — all "unreachable".
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return unavailable(error);
  return unavailable(error);
}

/**
 * Keeps only the name, message and SQLSTATE of an error: `pg` errors carry the query's
 * parameters in places (`detail`: "Key (digest)=(…) already exists"), which have no place in logs.
 */
function sanitizeCause(error: unknown): Error | undefined {
  if (error === undefined) return undefined;
  const name = (error as { name?: unknown } | null)?.name;
  const code = (error as { code?: unknown } | null)?.code;
  const message = (error as { message?: unknown } | null)?.message;
  const clean = new Error(typeof message === 'string' ? message.slice(0, 200) : 'unknown error');
  clean.name = typeof name === 'string' ? name : 'Error';
  if (typeof code === 'string') (clean as Error & { code?: string }).code = code;
  return clean;
}
