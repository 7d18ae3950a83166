import type { IncomingMessage } from 'node:http';
import { announcesBody } from '../lib/body-stream.js';
import { parseJsonText, readDecodedBody } from '../lib/read-decoded-body.js';
import { parseFormBody } from './parse-form-body.js';
import { DEFAULT_MAX_BODY_DEPTH } from './resolve-json-body-options.js';

/**
 * The default largest token-endpoint body, in bytes (16 KiB): far above any login or refresh
 * request, far below anything that could hurt.
 *
 * @example
 * ```ts
 * const limit = options.bodyLimit ?? DEFAULT_TOKEN_BODY_LIMIT;
 * ```
 */
export const DEFAULT_TOKEN_BODY_LIMIT = 16 * 1024;

/**
 * Options of {@link readBody}.
 *
 * @example
 * ```ts
 * const options: ReadBodyOptions = { limit: 8 * 1024, parsed: req.body };
 * ```
 */
export interface ReadBodyOptions {
  /** Largest accepted body in bytes. Default {@link DEFAULT_TOKEN_BODY_LIMIT}. */
  readonly limit?: number | undefined;
  /**
   * What a body parser of the application produced, if one ran (Express's `req.body`, Koa's
   * `ctx.request.body`). Used when the parser already consumed the stream.
   */
  readonly parsed?: unknown;
}

/**
 * Whether the request has a body (`Content-Length` > 0 or `Transfer-Encoding`) that nothing has
 * read yet: a body parser, if the application has one, has not run (or skipped this body).
 *
 * @example
 * ```ts
 * if (req.body === undefined && hasUnreadBody(req)) throw new TypeError('mount a body parser first');
 * ```
 */
export function hasUnreadBody(request: IncomingMessage): boolean {
  return !request.readableEnded && announcesBody(request);
}

/**
 * The body of a small request, for a token endpoint. When a body parser of the application
 * already consumed the stream, resolves what it produced (`options.parsed`). Otherwise reads a
 * JSON (`application/json`) or form (`application/x-www-form-urlencoded`) body itself,
 * with exactly the checks of {@link readJsonBody} (the same body table answers both): no body, or
 * a GET/HEAD body → `undefined`; another media type, another charset than UTF-8, an unknown
 * `Content-Encoding` → `ERR_UNSUPPORTED_MEDIA_TYPE` (415); over `options.limit` bytes, as sent or
 * decoded (gzip, deflate, br) → `ERR_PAYLOAD_TOO_LARGE` (413); malformed JSON, invalid UTF-8, a
 * corrupt compressed stream → `ERR_INVALID_REQUEST` (400); JSON nested deeper than
 * {@link DEFAULT_MAX_BODY_DEPTH} → `ERR_BODY_TOO_DEEP`, a control character or `__proto__` in a
 * field name → `ERR_FIELD_NAME_INVALID` (400): a 4xx, never a 500. (Every other route reads its
 * body with {@link readJsonBody}.)
 * Form bodies are read by {@link parseFormBody}: repeated fields become arrays.
 *
 * @example
 * ```ts
 * import { readBody, readTokenRequest } from '@scopeladder/tokens/http';
 *
 * const request = readTokenRequest(await readBody(req, { limit: 16 * 1024, parsed: req.body }));
 * ```
 */
export async function readBody(request: IncomingMessage, options: ReadBodyOptions = {}): Promise<unknown> {
  if (request.readableEnded) return options.parsed;
  const body = await readDecodedBody(request, {
    limit: options.limit ?? DEFAULT_TOKEN_BODY_LIMIT,
    mediaTypes: TOKEN_MEDIA_TYPES,
    mediaTypeMessage: 'Send the body as application/json or application/x-www-form-urlencoded',
  });
  if (body === undefined) return undefined;
  return body.mediaType === 'application/x-www-form-urlencoded' ? parseFormBody(body.text) : parseJsonText(body.text, DEFAULT_MAX_BODY_DEPTH);
}

const TOKEN_MEDIA_TYPES: readonly string[] = ['application/json', 'application/x-www-form-urlencoded'];
