import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ScopeladderError } from '@scopeladder/core';

// Low-level body reading shared by readBody (token endpoints) and readJsonBody (every other
// route): header checks, and collecting the bytes under a limit without ever destroying the
// request, so a refused request still gets its answer on a healthy connection.

/** The `Content-Encoding`s a body may be decoded from. */
export type BodyCoding = 'gzip' | 'deflate' | 'br';

const CODINGS: Readonly<Record<string, BodyCoding | 'identity'>> = {
  identity: 'identity',
  gzip: 'gzip',
  'x-gzip': 'gzip',
  deflate: 'deflate',
  br: 'br',
};

/** The declared `Content-Length`, or `undefined` when absent. */
export function declaredLength(request: IncomingMessage): number | undefined {
  const header = request.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/** Whether the headers announce body bytes: `Transfer-Encoding`, or a `Content-Length` above 0. */
export function announcesBody(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || (declaredLength(request) ?? 0) > 0;
}

/** The media type of `Content-Type`, lower-cased without parameters; `undefined` when absent. */
export function mediaTypeOf(request: IncomingMessage): string | undefined {
  const header = request.headers['content-type'];
  if (header === undefined) return undefined;
  return header.split(';', 1)[0]?.trim().toLowerCase();
}

/**
 * The `charset` parameter of `Content-Type`, lower-cased and unquoted; `undefined` when absent.
 * Bounded: the header is at most what Node's parser accepted, and this is one linear pass.
 */
export function charsetOf(request: IncomingMessage): string | undefined {
  const header = request.headers['content-type'];
  if (header === undefined) return undefined;
  let found: string | undefined;
  for (const parameter of header.split(';').slice(1)) {
    const equals = parameter.indexOf('=');
    if (equals === -1) continue;
    if (parameter.slice(0, equals).trim().toLowerCase() !== 'charset') continue;
    found = parameter
      .slice(equals + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return found;
}

/**
 * The coding of `Content-Encoding`: `identity` when absent; `undefined` for an unknown coding
 * or several codings (`gzip, br`), which no reader here decodes.
 */
export function codingOf(request: IncomingMessage): BodyCoding | 'identity' | undefined {
  const header = request.headers['content-encoding'];
  if (header === undefined) return 'identity';
  const value = header.trim().toLowerCase();
  if (value === '') return 'identity';
  return Object.hasOwn(CODINGS, value) ? CODINGS[value] : undefined;
}

/** `ERR_PAYLOAD_TOO_LARGE` (413), with the fixed message every reader uses. */
export function tooLarge(): ScopeladderError {
  return new ScopeladderError('ERR_PAYLOAD_TOO_LARGE', 'Request body too large');
}

function decoderFor(coding: BodyCoding): Transform {
  if (coding === 'gzip') return createGunzip();
  if (coding === 'deflate') return createInflate();
  return createBrotliDecompress();
}

/** Options of {@link collectBody}. */
export interface CollectBodyOptions {
  /** Largest accepted body in bytes, both as sent and, with `coding`, once decoded. */
  readonly limit: number;
  /** Decode the bytes from this `Content-Encoding` (node:zlib streams). */
  readonly coding?: BodyCoding | undefined;
}

/**
 * Collects a request's body bytes (decoded from `coding` when given). Rejects with
 * `ERR_PAYLOAD_TOO_LARGE` as soon as more than `limit` bytes arrived or were decoded (a
 * decompression bomb stops at the limit), `ERR_INVALID_REQUEST` for a corrupt encoding or an
 * aborted body. On a refusal the request is never destroyed (that would cut the connection
 * before the answer): reading stops, and the rest of the body is left to drain unread.
 */
export function collectBody(request: IncomingMessage, options: CollectBodyOptions): Promise<Buffer> {
  const { limit, coding } = options;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let received = 0;
    let settled = false;
    const decoder = coding === undefined ? undefined : decoderFor(coding);

    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += buffer.length;
      if (received > limit) {
        finish(tooLarge());
        return;
      }
      if (decoder === undefined) {
        take(buffer);
        return;
      }
      if (!decoder.write(buffer)) {
        request.pause();
        decoder.once('drain', () => {
          if (!settled) request.resume();
        });
      }
    };
    const onEnd = (): void => {
      // No bytes at all is no body, whatever the coding says.
      if (decoder === undefined || received === 0) finish(undefined, Buffer.concat(chunks, size));
      else decoder.end();
    };
    const onError = (): void => {
      finish(new ScopeladderError('ERR_INVALID_REQUEST', 'Request aborted'));
    };
    const onClose = (): void => {
      if (!request.readableEnded) onError();
    };

    function take(buffer: Buffer): void {
      if (settled) return;
      size += buffer.length;
      if (size > limit) {
        finish(tooLarge());
        return;
      }
      chunks.push(buffer);
    }

    function finish(error: ScopeladderError | undefined, body?: Buffer): void {
      if (settled) return;
      settled = true;
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      if (decoder !== undefined) {
        decoder.removeAllListeners('data');
        decoder.on('error', () => {}); // destroying may still emit one
        decoder.destroy();
      }
      if (error === undefined) {
        resolve(body ?? Buffer.alloc(0));
        return;
      }
      // Left to drain: Node dumps an unread request after the answer only when nothing read it.
      if (!request.readableEnded && !request.destroyed) request.resume();
      reject(error);
    }

    if (decoder !== undefined) {
      decoder.on('data', take);
      decoder.on('end', () => finish(undefined, Buffer.concat(chunks, size)));
      decoder.on('error', () => finish(new ScopeladderError('ERR_INVALID_REQUEST', 'Malformed Content-Encoding')));
    }
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
    if (request.readableEnded) onEnd();
    else request.resume();
  });
}
