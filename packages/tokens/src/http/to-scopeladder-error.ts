import { ScopeladderError, isScopeladderError } from '@scopeladder/core';
import { clientStatusOf } from '../lib/client-status.js';

type Translation = readonly ['ERR_INVALID_REQUEST' | 'ERR_PAYLOAD_TOO_LARGE' | 'ERR_UNSUPPORTED_MEDIA_TYPE', string];

const MALFORMED: Translation = ['ERR_INVALID_REQUEST', 'Malformed request body'];
const TOO_LARGE: Translation = ['ERR_PAYLOAD_TOO_LARGE', 'Request body too large'];
const LENGTH_MISMATCH: Translation = ['ERR_INVALID_REQUEST', 'Request body length mismatch'];
const BAD_PATH: Translation = ['ERR_INVALID_REQUEST', 'Malformed percent-encoding in the path'];
const UNSUPPORTED_ENCODING: Translation = ['ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Encoding'];

// Fixed messages: a framework's own message may echo request content, so it is never passed on.
// body-parser (Express 4 and 5) and raw-body (under body-parser and co-body): the error's `type`.
const BY_TYPE: Readonly<Record<string, Translation>> = {
  'entity.parse.failed': MALFORMED,
  'entity.verify.failed': MALFORMED,
  'entity.too.large': TOO_LARGE,
  'encoding.unsupported': UNSUPPORTED_ENCODING,
  'charset.unsupported': ['ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset: send UTF-8'],
  'request.aborted': ['ERR_INVALID_REQUEST', 'Request aborted'],
  'request.size.invalid': LENGTH_MISMATCH,
  'parameters.too.many': ['ERR_INVALID_REQUEST', 'Too many parameters'],
};

// Fastify 5's content-type parsing and schema validation: the error's `code`.
const BY_CODE: Readonly<Record<string, Translation>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: MALFORMED,
  FST_ERR_CTP_EMPTY_JSON_BODY: ['ERR_INVALID_REQUEST', 'Empty JSON body'],
  FST_ERR_CTP_BODY_TOO_LARGE: TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: LENGTH_MISMATCH,
  FST_ERR_VALIDATION: ['ERR_INVALID_REQUEST', 'Invalid request'],
  // Fastify's router (find-my-way), through the `frameworkErrors` server option.
  FST_ERR_BAD_URL: BAD_PATH,
  FST_ERR_MAX_PARAM_LENGTH: ['ERR_INVALID_REQUEST', 'A path parameter is too long'],
};

function translationOf(error: object, status: number): Translation | undefined {
  const { type, code, body, message } = error as { type?: unknown; code?: unknown; body?: unknown; message?: unknown };
  if (typeof type === 'string' && Object.hasOwn(BY_TYPE, type)) return BY_TYPE[type];
  if (typeof code === 'string' && Object.hasOwn(BY_CODE, code)) return BY_CODE[code];
  // Express's router (4 and 5) could not decode a path parameter: a URIError given status 400.
  if (status === 400 && error instanceof URIError) return BAD_PATH;
  // co-body (@koa/bodyparser): a JSON or form parse failure gets `status = 400` and the raw `body`.
  if (status === 400 && typeof body === 'string') return MALFORMED;
  // inflation (co-body's decompression): an unknown Content-Encoding.
  if (status === 415 && typeof message === 'string' && message.startsWith('Unsupported Content-Encoding')) {
    return UNSUPPORTED_ENCODING;
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
 * - an unsupported charset, `Content-Encoding` or media type (body-parser's
 *   `charset.unsupported` / `encoding.unsupported`, Fastify's `FST_ERR_CTP_INVALID_MEDIA_TYPE`,
 *   inflation's 415) → `ERR_UNSUPPORTED_MEDIA_TYPE` (415);
 * - malformed JSON or form, a length mismatch (the other body-parser / raw-body `type`s,
 *   Fastify's other `FST_ERR_CTP_*` codes and `FST_ERR_VALIDATION`, co-body's parse errors), a
 *   path whose percent-encoding does not decode (Express's router: a `URIError` with status
 *   400; Fastify's `FST_ERR_BAD_URL`), an over-long path parameter (`FST_ERR_MAX_PARAM_LENGTH`)
 *   → `ERR_INVALID_REQUEST` (400);
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
