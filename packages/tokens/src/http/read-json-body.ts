import type { IncomingMessage } from 'node:http';
import { parseJsonText, readDecodedBody } from '../lib/read-decoded-body.js';
import { resolveJsonBodyOptions, type ReadJsonBodyOptions } from './resolve-json-body-options.js';

/**
 * Reads a request's JSON body, the one way every adapter reads bodies, so that every framework
 * answers every body alike (a 4xx with a stable code, never a 5xx):
 *
 * | body | result |
 * |---|---|
 * | none (no or zero `Content-Length`, no `Transfer-Encoding`, or zero bytes), whatever the method and `Content-Type` | `undefined` |
 * | `Content-Type` other than `application/json`, or none | `415 ERR_UNSUPPORTED_MEDIA_TYPE` |
 * | a `charset` other than `utf-8` | `415 ERR_UNSUPPORTED_MEDIA_TYPE` |
 * | a `Content-Encoding` other than `identity`, `gzip`, `x-gzip`, `deflate`, `br`, or several | `415 ERR_UNSUPPORTED_MEDIA_TYPE` |
 * | a corrupt `gzip`/`deflate`/`br` body | `400 ERR_INVALID_REQUEST` |
 * | more than `limit` bytes, as sent or decoded (refused at once, or by `Content-Length` unread) | `413 ERR_PAYLOAD_TOO_LARGE` |
 * | an aborted body, invalid UTF-8, malformed JSON | `400 ERR_INVALID_REQUEST` |
 * | objects and arrays nested deeper than `maxDepth` (decided before parsing) | `400 ERR_BODY_TOO_DEEP` |
 * | a field name, at any depth, with a control character, or `__proto__` | `400 ERR_FIELD_NAME_INVALID` |
 *
 * Messages are fixed: the body is never echoed. A refused request is never destroyed, so its
 * answer reaches the client; the unread rest of the body drains. Resolves the parsed value.
 *
 * @example
 * ```ts
 * import { readJsonBody } from '@scopeladder/tokens/http';
 *
 * // In an adapter's body middleware:
 * readJsonBody(req, { limit: 64 * 1024, maxDepth: 32 }).then((body) => {
 *   req.body = body;
 *   next();
 * }, next);
 * ```
 */
export async function readJsonBody(request: IncomingMessage, options: ReadJsonBodyOptions = {}): Promise<unknown> {
  const { limit, maxDepth } = resolveJsonBodyOptions(options, 'readJsonBody');
  const body = await readDecodedBody(request, { limit, mediaTypes: JSON_ONLY, mediaTypeMessage: 'Send the body as application/json' });
  return body === undefined ? undefined : parseJsonText(body.text, maxDepth);
}

const JSON_ONLY: readonly string[] = ['application/json'];
