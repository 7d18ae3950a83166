// Public entry point of @scopeladder/core. Types are exported explicitly with `export type`.
export { ERROR_CODES, ScopeladderError, isScopeladderError } from './errors.js';
export type { ErrorCode, DenialContext, ScopeladderErrorOptions } from './errors.js';
export { HTTP_ERROR_TABLE, formatBearerChallenge, httpErrorFor } from './http-error.js';
export type { BearerErrorValue, HttpErrorBody, HttpErrorOptions, HttpErrorResult, HttpErrorRule } from './http-error.js';
export type { Principal } from './principal.js';
