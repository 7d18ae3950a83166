import { ScopeladderError, isScopeladderError } from '@scopeladder/core';
import { clientStatusOf } from '../lib/client-status.js';

type Translation = readonly ['ERR_INVALID_REQUEST' | 'ERR_PAYLOAD_TOO_LARGE', string];

const MALFORMED: Translation = ['ERR_INVALID_REQUEST', 'Malformed request body'];
const TOO_LARGE: Translation = ['ERR_PAYLOAD_TOO_LARGE', 'Request body too large'];
const LENGTH_MISMATCH: Translation = ['ERR_INVALID_REQUEST', 'Request body length mismatch'];

// Fixed messages: a framework's own message may echo request content, so it is never passed on.
// body-parser (Express 4 and 5) and raw-body (under body-parser and co-body): the error's `type`.
const BY_TYPE: Readonly<Record<string, Translation>> = {
  'entity.parse.failed': MALFORMED,
  'entity.verify.failed': MALFORMED,
  'entity.too.large': TOO_LARGE,
  'encoding.unsupported': ['ERR_INVALID_REQUEST', 'Unsupported content encoding'],
  'charset.unsupported': ['ERR_INVALID_REQUEST', 'Unsupported charset'],
  'request.aborted': ['ERR_INVALID_REQUEST', 'Request aborted'],
  'request.size.invalid': LENGTH_MISMATCH,
  'parameters.too.many': ['ERR_INVALID_REQUEST', 'Too many parameters'],
};

// Fastify 5's content-type parsing and schema validation: the error's `code`.
const BY_CODE: Readonly<Record<string, Translation>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: MALFORMED,
  FST_ERR_CTP_EMPTY_JSON_BODY: ['ERR_INVALID_REQUEST', 'Empty JSON body'],
  FST_ERR_CTP_BODY_TOO_LARGE: TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['ERR_INVALID_REQUEST', 'Unsupported media type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: LENGTH_MISMATCH,
  FST_ERR_VALIDATION: ['ERR_INVALID_REQUEST', 'Invalid request'],
};

function translationOf(error: object, status: number): Translation | undefined {
  const { type, code, body, message } = error as { type?: unknown; code?: unknown; body?: unknown; message?: unknown };
  if (typeof type === 'string' && Object.hasOwn(BY_TYPE, type)) return BY_TYPE[type];
  if (typeof code === 'string' && Object.hasOwn(BY_CODE, code)) return BY_CODE[code];
  // co-body (@koa/bodyparser): a JSON or form parse failure gets `status = 400` and the raw `body`.
  if (status === 400 && typeof body === 'string') return MALFORMED;
  // inflation (co-body's decompression): an unknown Content-Encoding.
  if (status === 415 && typeof message === 'string' && message.startsWith('Unsupported Content-Encoding')) {
    return BY_TYPE['encoding.unsupported'];
  }
  return undefined;
}

/**
 * Translates what a web framework throws about a request it could not parse into the
 * `ScopeladderError` core's table answers, with a fixed message (the framework's own may echo
 * request content):
 *
 * - a body over the parser's limit (body-parser / raw-body `type: 'entity.too.large'`, Fastify's
 *   `FST_ERR_CTP_BODY_TOO_LARGE`) → `ERR_PAYLOAD_TOO_LARGE` (413);
 * - malformed JSON or form, an unsupported charset, encoding or media type, a length mismatch
 *   (the other body-parser / raw-body `type`s, Fastify's `FST_ERR_CTP_*` codes and
 *   `FST_ERR_VALIDATION`, co-body's parse errors) → `ERR_INVALID_REQUEST` (400);
 * - any error whose `status`/`statusCode` is 404 → `ERR_NOT_FOUND` (404).
 *
 * A marker counts only on an error carrying a 4xx `status`/`statusCode`. Everything else is
 * returned unchanged: a `ScopeladderError`; an application's own error, with or without a status
 * (see {@link resolveHttpError} for what an adapter does with it). The original error is kept as
 * `cause`.
 *
 * @example
 * ```ts
 * import { httpErrorFor } from '@scopeladder/core';
 * import { toScopeladderError } from '@scopeladder/tokens/http';
 *
 * // express.json() refused a 2 MB body:
 * httpErrorFor(toScopeladderError(error));
 * // { status: 413, headers: {…}, body: { code: 'ERR_PAYLOAD_TOO_LARGE', message: 'Request body too large' } }
 * ```
 */
export function toScopeladderError(error: unknown): unknown {
  if (isScopeladderError(error)) return error;
  const status = clientStatusOf(error);
  if (status === undefined || typeof error !== 'object' || error === null) return error;
  if (status === 404) return new ScopeladderError('ERR_NOT_FOUND', 'Not found', { cause: error });
  const translation = translationOf(error, status);
  if (translation === undefined) return error;
  return new ScopeladderError(translation[0], translation[1], { cause: error });
}
