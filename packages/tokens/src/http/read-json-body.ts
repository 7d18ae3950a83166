import type { IncomingMessage } from 'node:http';
import { announcesBody, charsetOf, codingOf, collectBody, declaredLength, mediaTypeOf, tooLarge } from '../lib/body-stream.js';
import { fail } from '../lib/errors.js';
import { exceedsJsonDepth } from '../lib/json-depth.js';
import { findInvalidFieldName } from '../lib/json-field-names.js';
import { resolveJsonBodyOptions, type ReadJsonBodyOptions } from './resolve-json-body-options.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return fail('ERR_INVALID_REQUEST', 'The body is not valid UTF-8');
  }
}

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
  if (!announcesBody(request)) return undefined;
  if (mediaTypeOf(request) !== 'application/json') fail('ERR_UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  const charset = charsetOf(request);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') fail('ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset: send UTF-8');
  const coding = codingOf(request);
  if (coding === undefined) fail('ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Encoding');
  if ((declaredLength(request) ?? 0) > limit) throw tooLarge();
  const bytes = await collectBody(request, { limit, coding: coding === 'identity' ? undefined : coding });
  if (bytes.length === 0) return undefined;
  const text = decodeUtf8(bytes);
  if (exceedsJsonDepth(text, maxDepth)) fail('ERR_BODY_TOO_DEEP', `The body nests deeper than ${maxDepth} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return fail('ERR_INVALID_REQUEST', 'Malformed JSON body');
  }
  if (findInvalidFieldName(value) !== undefined) fail('ERR_FIELD_NAME_INVALID', 'A field name is not allowed');
  return value;
}
