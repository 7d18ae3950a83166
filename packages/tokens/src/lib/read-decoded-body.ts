import type { IncomingMessage } from 'node:http';
import { announcesBody, charsetOf, codingOf, collectBody, declaredLength, mediaTypeOf, tooLarge } from './body-stream.js';
import { fail } from './errors.js';
import { exceedsJsonDepth } from './json-depth.js';
import { findInvalidFieldName } from './json-field-names.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Methods whose bodies have no meaning: a body sent with them is never read (nor refused). */
const BODILESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** What {@link readDecodedBody} accepts. */
export interface ReadDecodedBodyOptions {
  /** Largest body, in bytes as sent and decoded. */
  readonly limit: number;
  /** The accepted media types (lower case, without parameters). */
  readonly mediaTypes: readonly string[];
  /** The message of the 415 for another media type. */
  readonly mediaTypeMessage: string;
}

/** A body's text and media type. */
export interface DecodedBody {
  readonly mediaType: string;
  readonly text: string;
}

/**
 * The one reading of a request body, shared by every reader (the adapters' JSON bodies and the
 * token endpoint's JSON or form bodies), so that every body case gets the same answer:
 *
 * - no body, an empty body, or a body sent with GET/HEAD → `undefined` (never refused);
 * - a media type not in `mediaTypes`, or none → 415 `ERR_UNSUPPORTED_MEDIA_TYPE`;
 * - a charset other than UTF-8 → 415; an unknown or stacked `Content-Encoding` → 415;
 * - over `limit`, as sent or decoded (gzip, deflate, br) → 413 `ERR_PAYLOAD_TOO_LARGE`;
 * - a corrupt compressed stream, invalid UTF-8, an aborted body → 400 `ERR_INVALID_REQUEST`.
 */
export async function readDecodedBody(request: IncomingMessage, options: ReadDecodedBodyOptions): Promise<DecodedBody | undefined> {
  if (BODILESS_METHODS.has(request.method ?? '')) return undefined;
  if (!announcesBody(request)) return undefined;
  const mediaType = mediaTypeOf(request);
  if (mediaType === undefined || !options.mediaTypes.includes(mediaType)) fail('ERR_UNSUPPORTED_MEDIA_TYPE', options.mediaTypeMessage);
  const charset = charsetOf(request);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') fail('ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset: send UTF-8');
  const coding = codingOf(request);
  if (coding === undefined) fail('ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Encoding');
  if ((declaredLength(request) ?? 0) > options.limit) throw tooLarge();
  const bytes = await collectBody(request, { limit: options.limit, coding: coding === 'identity' ? undefined : coding });
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return fail('ERR_INVALID_REQUEST', 'The body is not valid UTF-8');
  }
  return { mediaType, text };
}

/**
 * JSON text → value: deeper than `maxDepth` → 400 `ERR_BODY_TOO_DEEP` (a linear scan, before
 * parsing); malformed → 400 `ERR_INVALID_REQUEST`; a field name with a control character or
 * `__proto__` at any depth → 400 `ERR_FIELD_NAME_INVALID`. Messages never echo the body.
 */
export function parseJsonText(text: string, maxDepth: number): unknown {
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
