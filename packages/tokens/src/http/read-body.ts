import type { IncomingMessage } from 'node:http';
import { announcesBody, codingOf, collectBody, declaredLength, mediaTypeOf, tooLarge } from '../lib/body-stream.js';
import { fail } from '../lib/errors.js';
import { exceedsJsonDepth } from '../lib/json-depth.js';
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
 * refusing anything over `options.limit` bytes without buffering it; resolves `undefined` when
 * there is no body. A body over the limit is `ERR_PAYLOAD_TOO_LARGE` (413); malformed JSON, a
 * compressed body or another media type is `ERR_INVALID_REQUEST` (400); JSON nested deeper than
 * {@link DEFAULT_MAX_BODY_DEPTH} is `ERR_BODY_TOO_DEEP` (400): a 4xx, never a 500. (Every
 * other route reads its body with {@link readJsonBody}.)
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
  const limit = options.limit ?? DEFAULT_TOKEN_BODY_LIMIT;
  if (!announcesBody(request)) return undefined;
  const type = mediaTypeOf(request);
  if (type !== 'application/json' && type !== 'application/x-www-form-urlencoded') {
    fail('ERR_INVALID_REQUEST', 'Send the body as application/json or application/x-www-form-urlencoded');
  }
  if (codingOf(request) !== 'identity') fail('ERR_INVALID_REQUEST', 'Unsupported content encoding');
  if ((declaredLength(request) ?? 0) > limit) throw tooLarge();
  const bytes = await collectBody(request, { limit });
  const text = bytes.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') return parseFormBody(text);
  if (exceedsJsonDepth(text, DEFAULT_MAX_BODY_DEPTH)) fail('ERR_BODY_TOO_DEEP', `The body nests deeper than ${DEFAULT_MAX_BODY_DEPTH} levels`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fail('ERR_INVALID_REQUEST', 'Malformed JSON body');
  }
}
