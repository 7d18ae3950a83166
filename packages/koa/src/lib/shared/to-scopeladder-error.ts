// Shared by @scopeladder/express, @scopeladder/fastify and @scopeladder/koa (kept byte-identical by a test).
import { ScopeladderError, isScopeladderError } from '@scopeladder/core';

// Fixed messages: a framework's own message may echo request content, so it is never passed on.
const MESSAGES_BY_MARKER: Readonly<Record<string, string>> = {
  // body-parser (Express 4 and 5), co-body / raw-body (@koa/bodyparser)
  'entity.parse.failed': 'Malformed request body',
  'entity.too.large': 'Request body too large',
  'entity.verify.failed': 'Malformed request body',
  'encoding.unsupported': 'Unsupported content encoding',
  'charset.unsupported': 'Unsupported charset',
  'request.aborted': 'Request aborted',
  'request.size.invalid': 'Request body length mismatch',
  'parameters.too.many': 'Too many parameters',
  // Fastify
  FST_ERR_CTP_INVALID_JSON_BODY: 'Malformed request body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Empty JSON body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported media type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Request body length mismatch',
  FST_ERR_VALIDATION: 'Invalid request',
};

const MESSAGES_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'Malformed request',
  411: 'Length required',
  413: 'Request body too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  431: 'Request headers too large',
};

function clientStatusOf(error: object): number | undefined {
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value < 500 ? value : undefined;
}

/**
 * Translates what a framework throws for a bad request (malformed JSON, a body over the limit,
 * an unsupported media type: any error carrying a 4xx `status`/`statusCode`) into a
 * `ScopeladderError`, so core's table answers it with a 4xx instead of a 500. A 404 stays a
 * 404 (`ERR_NOT_FOUND`); every other client error becomes `ERR_INVALID_REQUEST`. A
 * `ScopeladderError` and any other error are returned unchanged (core answers the latter 500).
 */
export function toScopeladderError(error: unknown): unknown {
  if (isScopeladderError(error) || typeof error !== 'object' || error === null) return error;
  const status = clientStatusOf(error);
  if (status === undefined) return error;
  if (status === 404) return new ScopeladderError('ERR_NOT_FOUND', 'Not found', { cause: error });
  const { type, code } = error as { type?: unknown; code?: unknown };
  const message =
    (typeof type === 'string' ? MESSAGES_BY_MARKER[type] : undefined) ??
    (typeof code === 'string' ? MESSAGES_BY_MARKER[code] : undefined) ??
    MESSAGES_BY_STATUS[status] ??
    'Invalid request';
  return new ScopeladderError('ERR_INVALID_REQUEST', message, { cause: error });
}
