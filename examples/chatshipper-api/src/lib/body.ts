import { ScopeladderError } from '@scopeladder/core';

/** A JSON object body. */
export type JsonObject = Readonly<Record<string, unknown>>;

/**
 * The request body as a JSON object, or `ERR_INVALID_REQUEST` (400): `null`, arrays, strings
 * and numbers are not resource bodies.
 */
export function requireObjectBody(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ScopeladderError('ERR_INVALID_REQUEST', 'The request body must be a JSON object');
  }
  return body as JsonObject;
}

/** Rejects a body that tries to set fields only the server sets (`ERR_INVALID_REQUEST`, 400). */
export function rejectFields(body: JsonObject, fields: readonly string[]): void {
  const found = fields.filter((field) => Object.hasOwn(body, field));
  if (found.length > 0) {
    throw new ScopeladderError('ERR_INVALID_REQUEST', `These fields are set by the server: ${found.join(', ')}`);
  }
}

/** A copy of `body` without `fields`. */
export function omitFields(body: JsonObject, fields: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!fields.includes(key)) copy[key] = value;
  return copy;
}
