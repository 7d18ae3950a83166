import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { isScopeladderError, httpErrorFor } from '@scopeladder/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exceedsJsonDepth } from '../lib/json-depth.js';
import { expectCode } from '../test-fixtures.js';
import { readJsonBody } from './read-json-body.js';
import { DEFAULT_JSON_BODY_LIMIT, DEFAULT_MAX_BODY_DEPTH, resolveJsonBodyOptions } from './resolve-json-body-options.js';

/** A request stream with headers, as much of an IncomingMessage as readJsonBody reads. */
function requestOf(headers: Record<string, string>, chunks: readonly (string | Buffer)[] = []): IncomingMessage {
  return Object.assign(Readable.from(chunks), { headers }) as unknown as IncomingMessage;
}

const sized = (body: string | Buffer, headers: Record<string, string> = {}) =>
  requestOf({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers }, [body]);

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** The nesting depth of a parsed JSON value, computed the obvious (recursive) way. */
function referenceDepth(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(referenceDepth));
}

describe('readJsonBody: what it accepts', () => {
  it('reads JSON, with or without a utf-8 charset, any case', async () => {
    await expect(readJsonBody(sized('{"name":"Ada","tags":[1,{"a":null}]}'))).resolves.toEqual({ name: 'Ada', tags: [1, { a: null }] });
    await expect(readJsonBody(sized('[1]', { 'content-type': 'Application/JSON; charset="UTF-8"' }))).resolves.toEqual([1]);
    await expect(readJsonBody(sized('"x"', { 'content-type': 'application/json;charset=utf8' }))).resolves.toBe('x');
  });

  it('reads chunked bodies split anywhere, a multi-byte character included', async () => {
    const bytes = Buffer.from('{"name":"Zoë ✓"}');
    const request = requestOf({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, [bytes.subarray(0, 13), bytes.subarray(13)]);
    await expect(readJsonBody(request)).resolves.toEqual({ name: 'Zoë ✓' });
  });

  it.each([
    ['no headers', {}],
    ['Content-Length: 0 with a JSON type', { 'content-length': '0', 'content-type': 'application/json' }],
    ['Content-Length: 0 with another type', { 'content-length': '0', 'content-type': 'text/plain' }],
    ['a JSON type and no length', { 'content-type': 'application/json' }],
  ])('no body (%s) → undefined, whatever the type', async (_name, headers) => {
    await expect(readJsonBody(requestOf(headers))).resolves.toBeUndefined();
  });

  it('zero bytes read on a chunked body → undefined, even labelled gzip', async () => {
    await expect(readJsonBody(requestOf({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }))).resolves.toBeUndefined();
    const gzip = requestOf({ 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'content-encoding': 'gzip' });
    await expect(readJsonBody(gzip)).resolves.toBeUndefined();
  });

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
    ['GZIP', gzipSync],
  ])('decodes Content-Encoding: %s', async (coding, encode) => {
    const body = encode(Buffer.from('{"name":"Ada"}'));
    await expect(readJsonBody(sized(body, { 'content-encoding': coding }))).resolves.toEqual({ name: 'Ada' });
  });

  it('identity is read as is', async () => {
    await expect(readJsonBody(sized('{}', { 'content-encoding': 'identity' }))).resolves.toEqual({});
  });

  it(`accepts depth ${DEFAULT_MAX_BODY_DEPTH} exactly, and brackets inside strings never count`, async () => {
    await expect(readJsonBody(sized(nested(DEFAULT_MAX_BODY_DEPTH)))).resolves.toBeDefined();
    const text = JSON.stringify({ a: '[[[[[[[[[[', b: '\\"[[[[', c: '"{{{{' });
    await expect(readJsonBody(sized(text), { maxDepth: 1 })).resolves.toEqual(JSON.parse(text));
  });
});

describe('readJsonBody: what it refuses', () => {
  it.each([
    ['text/plain', { 'content-type': 'text/plain' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }],
    ['merge-patch+json', { 'content-type': 'application/merge-patch+json' }],
    ['no Content-Type', { 'content-type': '' }],
    ['a utf-16 charset', { 'content-type': 'application/json; charset=utf-16' }],
    ['a latin1 charset', { 'content-type': 'application/json; charset=iso-8859-1' }],
    ['an unknown coding', { 'content-encoding': 'compress' }],
    ['two codings', { 'content-encoding': 'gzip, br' }],
  ])('%s → 415 ERR_UNSUPPORTED_MEDIA_TYPE', async (_name, headers: Record<string, string>) => {
    const request = sized('{"a":1}', headers);
    if (headers['content-type'] === '') delete request.headers['content-type'];
    const error = await expectCode(readJsonBody(request), 'ERR_UNSUPPORTED_MEDIA_TYPE');
    expect(httpErrorFor(error).status).toBe(415);
  });

  it.each([
    ['malformed JSON', sized('{"email": ')],
    ['trailing garbage', sized('{"a":1}}')],
    ['whitespace only', sized('   ')],
    ['invalid UTF-8', sized(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]))],
    ['plain JSON labelled gzip', sized('{"a":1}', { 'content-encoding': 'gzip' })],
    ['a truncated gzip body', sized(gzipSync(Buffer.from('{"a":1}')).subarray(0, 12), { 'content-encoding': 'gzip' })],
    ['corrupt brotli', sized(Buffer.from('not brotli at all'), { 'content-encoding': 'br' })],
  ])('%s → 400 ERR_INVALID_REQUEST', async (_name, request) => {
    await expectCode(readJsonBody(request), 'ERR_INVALID_REQUEST');
  });

  it('the 6,000-deep body of the issue → 400 ERR_BODY_TOO_DEEP', async () => {
    await expectCode(readJsonBody(sized(`{"a":${nested(6000)}}`)), 'ERR_BODY_TOO_DEEP');
    await expectCode(readJsonBody(sized(nested(DEFAULT_MAX_BODY_DEPTH + 1))), 'ERR_BODY_TOO_DEEP');
    await expectCode(readJsonBody(sized('{"a":{"b":{}}}'), { maxDepth: 2 }), 'ERR_BODY_TOO_DEEP');
  });

  it('depth is decided before parsing: a limit-sized run of brackets is refused fast', async () => {
    const body = '['.repeat(DEFAULT_JSON_BODY_LIMIT);
    const started = performance.now();
    await expectCode(readJsonBody(sized(body)), 'ERR_BODY_TOO_DEEP');
    expect(performance.now() - started).toBeLessThan(200);
  });

  it.each([
    ['a NUL', '{"a\\u0000b":1}'],
    ['a newline', '{"x":{"a\\nb":1}}'],
    ['DEL', '{"a\\u007f":1}'],
    ['a C1 control', '[{"\\u0085":1}]'],
    ['a line separator', '{"a\\u2028":1}'],
    ['a paragraph separator, deep', '{"a":[[{"b":{"\\u2029":1}}]]}'],
    ['__proto__', '{"__proto__":{"isAdmin":true}}'],
    ['__proto__, deep', '{"a":[{"__proto__":{"polluted":1}}]}'],
  ])('a field name with %s → 400 ERR_FIELD_NAME_INVALID', async (_name, text) => {
    await expectCode(readJsonBody(sized(text)), 'ERR_FIELD_NAME_INVALID');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('control characters in values are fine', async () => {
    await expect(readJsonBody(sized('{"a":"x\\u0000\\u2028y"}'))).resolves.toEqual({ a: 'x\u0000\u2028y' });
  });

  it('a declared length over the limit → 413 without reading a byte', async () => {
    const request = sized('{}', { 'content-length': String(DEFAULT_JSON_BODY_LIMIT + 1) });
    const error = await expectCode(readJsonBody(request), 'ERR_PAYLOAD_TOO_LARGE');
    expect(httpErrorFor(error).status).toBe(413);
    expect(request.readableFlowing).toBeNull();
  });

  it('a streamed body over the limit → 413 at once, before the body ends', async () => {
    const stream = new PassThrough();
    const request = Object.assign(stream, {
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    }) as unknown as IncomingMessage;
    const reading = readJsonBody(request, { limit: 25 });
    stream.write(Buffer.alloc(20, 0x20));
    stream.write(Buffer.alloc(20, 0x20)); // never ended
    await expectCode(reading, 'ERR_PAYLOAD_TOO_LARGE');
    stream.destroy();
  });

  it('a decompression bomb stops at the limit of decoded bytes', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)); // 50 MiB of spaces, ~50 KiB sent
    expect(bomb.length).toBeLessThan(DEFAULT_JSON_BODY_LIMIT);
    const started = performance.now();
    await expectCode(readJsonBody(sized(bomb, { 'content-encoding': 'gzip' })), 'ERR_PAYLOAD_TOO_LARGE');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('an aborted body → 400 ERR_INVALID_REQUEST', async () => {
    const stream = new PassThrough();
    const request = Object.assign(stream, { headers: { 'content-type': 'application/json', 'content-length': '100' } }) as unknown as IncomingMessage;
    const reading = readJsonBody(request);
    stream.write('{"a":');
    stream.destroy(new Error('aborted'));
    await expectCode(reading, 'ERR_INVALID_REQUEST');
  });

  it('never echoes the body in the error', async () => {
    for (const text of ['{"password": "hunter2", ', '{"hunter2\\u0000":1}', `{"hunter2":${nested(100)}}`]) {
      const error = await readJsonBody(sized(text)).catch((caught: unknown) => caught);
      expect(isScopeladderError(error)).toBe(true);
      expect(String((error as Error).message)).not.toContain('hunter2');
    }
  });
});

describe('readJsonBody options', () => {
  it('defaults: 100 KiB, 64 levels', () => {
    expect(resolveJsonBodyOptions()).toEqual({ limit: 100 * 1024, maxDepth: 64 });
    expect(resolveJsonBodyOptions({ limit: 1, maxDepth: 1 })).toEqual({ limit: 1, maxDepth: 1 });
  });

  it.each([
    ['a zero limit', { limit: 0 }],
    ['a fractional limit', { limit: 1.5 }],
    ['a string limit', { limit: '100kb' }],
    ['a zero depth', { maxDepth: 0 }],
    ['a negative depth', { maxDepth: -1 }],
    ['an infinite depth', { maxDepth: Infinity }],
    ['null options', null],
  ])('%s is a TypeError naming where', (_name, options) => {
    expect(() => resolveJsonBodyOptions(options as never, 'jsonBody')).toThrow(TypeError);
    expect(() => resolveJsonBodyOptions(options as never, 'jsonBody')).toThrow(/^jsonBody: /);
  });
});

describe('readJsonBody properties', () => {
  it('the linear depth scan agrees with the depth of the parsed value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 1, max: 14 }), (value, maxDepth) => {
        const text = JSON.stringify(value);
        expect(exceedsJsonDepth(text, maxDepth)).toBe(referenceDepth(value) > maxDepth);
        // Pretty-printed too: whitespace never matters.
        expect(exceedsJsonDepth(JSON.stringify(value, null, 2), maxDepth)).toBe(referenceDepth(value) > maxDepth);
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes, headers and codings give a value or a 4xx ScopeladderError, never anything else', async () => {
    const type = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/json; charset=utf-16', undefined);
    const coding = fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity', 'zstd');
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((array) => Buffer.from(array)),
      fc.jsonValue({ maxDepth: 80 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
      fc.string({ unit: 'binary', maxLength: 200 }).map((text) => Buffer.from(text)),
    );
    await fc.assert(
      fc.asyncProperty(bytes, type, coding, fc.boolean(), async (body, contentType, contentEncoding, chunked) => {
        const headers: Record<string, string> = chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) };
        if (contentType !== undefined) headers['content-type'] = contentType;
        if (contentEncoding !== undefined) headers['content-encoding'] = contentEncoding;
        try {
          await readJsonBody(requestOf(headers, [body]), { limit: 256 });
        } catch (error) {
          expect(isScopeladderError(error), String(error)).toBe(true);
          const { status } = httpErrorFor(error);
          expect(status).toBeGreaterThanOrEqual(400);
          expect(status).toBeLessThan(500);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('readJsonBody over a real connection', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      readJsonBody(req, { limit: 1024 }).then(
        (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ body: body ?? null })),
        (error: unknown) => {
          const answer = httpErrorFor(error);
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Sends `parts` (chunked), leaving the request open after them unless `end`. */
  function send(parts: readonly Buffer[], end: boolean): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': 'application/json' } });
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, text });
          req.destroy();
        });
      });
      for (const part of parts) req.write(part);
      if (end) req.end();
    });
  }

  it('a body over the limit, still being sent, is answered 413 at once; the server keeps serving', async () => {
    const answer = await send([Buffer.alloc(800, 0x20), Buffer.alloc(800, 0x20)], false);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ code: 'ERR_PAYLOAD_TOO_LARGE', message: 'Request body too large' });
    const next = await send([Buffer.from('{"ok":true}')], true);
    expect(next).toEqual({ status: 200, text: '{"body":{"ok":true}}' });
  });

  it('keep-alive: after a refused body, the same connection serves the next request', async () => {
    const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body: string) =>
      new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/json' } });
        req.on('error', reject);
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, socket: req.socket }));
        });
        req.end(body);
      });
    try {
      expect((await post(nested(100))).status).toBe(400);
      expect((await post('{"a":1}')).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });
});
