import { ScopeladderError, isScopeladderError, type ErrorCode } from '@scopeladder/core';
import type { ServiceContext } from './context.js';
import { noteStoreAnswered, noteStoreFailure } from './diagnostics.js';

/** Throws a {@link ScopeladderError}. Messages are fixed strings: never a token, key or password. */
export function fail(code: ErrorCode, message: string, options?: { retryAfter?: number; cause?: unknown }): never {
  throw new ScopeladderError(code, message, options);
}

/**
 * Runs a public operation so that it rejects only with a ScopeladderError: our own errors pass
 * through; anything else (a bug, a broken dependency) becomes `ERR_INTERNAL` with a fixed message.
 * The original error is kept as `cause` (never serialised into an HTTP answer).
 */
export async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw internalFailure(error);
  }
}

/** What {@link guard} rejects with for `error`: the error itself when ours, else `ERR_INTERNAL`. */
export function internalFailure(error: unknown): ScopeladderError {
  if (isScopeladderError(error)) return error;
  return new ScopeladderError('ERR_INTERNAL', 'Internal error', { cause: error });
}

/**
 * Calls the token store of `context`. A ScopeladderError it throws (e.g. its own
 * `ERR_STORE_UNAVAILABLE`) passes through; anything else means the store failed:
 * `ERR_STORE_UNAVAILABLE` (fail closed). Either way the store's health is noted (the
 * `store.unavailable` / `store.recovered` events).
 */
export async function callStore<T>(context: ServiceContext, operation: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await operation();
  } catch (error) {
    const failure = storeFailure(error);
    noteStoreFailure(context, failure);
    throw failure;
  }
  noteStoreAnswered(context);
  return result;
}

/** What {@link callStore} rejects with for `error`: the error itself when ours, else `ERR_STORE_UNAVAILABLE`. */
export function storeFailure(error: unknown): ScopeladderError {
  if (isScopeladderError(error)) return error;
  return new ScopeladderError('ERR_STORE_UNAVAILABLE', 'The token store is unavailable', { cause: error });
}

/**
 * Calls the user directory. A ScopeladderError it throws passes through; anything else becomes
 * `ERR_INTERNAL` with a fixed message.
 */
export async function callDirectory<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isScopeladderError(error)) throw error;
    throw new ScopeladderError('ERR_INTERNAL', 'The user directory failed', { cause: error });
  }
}
