// Shared by @scopeladder/express and @scopeladder/koa (kept byte-identical by a test).
import type { IncomingMessage } from 'node:http';
import { ScopeladderError } from '@scopeladder/core';

/** The default limit of a token-endpoint body: far above any login or refresh request. */
export const DEFAULT_TOKEN_BODY_LIMIT = 16 * 1024;

function invalid(message: string): ScopeladderError {
  return new ScopeladderError('ERR_INVALID_REQUEST', message);
}

function mediaTypeOf(request: IncomingMessage): string | undefined {
  const header = request.headers['content-type'];
  if (header === undefined) return undefined;
  return header.split(';', 1)[0]?.trim().toLowerCase();
}

function hasBody(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? '0') > 0;
}

/**
 * Reads a small JSON (`application/json`) or form (`application/x-www-form-urlencoded`) body,
 * refusing anything over `limit` bytes without buffering it. Resolves `undefined` when there is
 * no body. Malformed, oversized, compressed or other bodies are `ERR_INVALID_REQUEST` (a 4xx,
 * never a 500). Repeated form fields become arrays, which the token-request reader refuses.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<unknown> {
  if (!hasBody(request)) return undefined;
  const type = mediaTypeOf(request);
  if (type !== 'application/json' && type !== 'application/x-www-form-urlencoded') {
    throw invalid('Send the body as application/json or application/x-www-form-urlencoded');
  }
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') throw invalid('Unsupported content encoding');
  if (Number(request.headers['content-length'] ?? '0') > limit) throw invalid('Request body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) throw invalid('Request body too large');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (type === 'application/x-www-form-urlencoded') {
    const form: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    for (const [key, value] of new URLSearchParams(text)) {
      const previous = form[key];
      form[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
    }
    return form;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid('Malformed JSON body');
  }
}

/**
 * The body of a request: what a body parser of the application already produced when it
 * consumed the stream (`parsed`), else the stream read by {@link readBody}.
 */
export async function bodyOf(request: IncomingMessage, parsed: unknown, limit: number): Promise<unknown> {
  return request.readableEnded ? parsed : readBody(request, limit);
}
