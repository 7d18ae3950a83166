import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { expectCode } from '../test-fixtures.js';
import { DEFAULT_TOKEN_BODY_LIMIT, readBody } from './read-body.js';
import { gzipSync } from 'node:zlib';

/** A request stream with headers, as much of an IncomingMessage as readBody reads. */
function requestOf(headers: Record<string, string>, chunks: readonly (string | Buffer)[] = []): IncomingMessage & { pulled: number } {
  let pulled = 0;
  const stream = Readable.from(
    (function* () {
      for (const chunk of chunks) {
        pulled += 1;
        yield chunk;
      }
    })(),
  );
  return Object.assign(stream, {
    headers,
    get pulled() {
      return pulled;
    },
  }) as unknown as IncomingMessage & { pulled: number };
}

const json = (body: string) => requestOf({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }, [body]);

describe('readBody', () => {
  it('reads JSON and forms (repeated fields as arrays)', async () => {
    await expect(readBody(json('{"email":"a@b","password":"p"}'))).resolves.toEqual({ email: 'a@b', password: 'p' });
    const form = requestOf({ 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'transfer-encoding': 'chunked' }, [
      'refreshToken=a&',
      'refreshToken=b&x=1',
    ]);
    expect(await readBody(form)).toEqual({ refreshToken: ['a', 'b'], x: '1' });
  });

  it('no body → undefined', async () => {
    await expect(readBody(requestOf({}))).resolves.toBeUndefined();
    await expect(readBody(requestOf({ 'content-length': '0', 'content-type': 'application/json' }))).resolves.toBeUndefined();
  });

  it('uses what a body parser produced once it consumed the stream', async () => {
    const request = json('{"a":1}');
    request.resume();
    await new Promise((resolve) => request.on('end', resolve));
    await expect(readBody(request, { parsed: { from: 'parser' } })).resolves.toEqual({ from: 'parser' });
  });

  it('a declared length over the limit → ERR_PAYLOAD_TOO_LARGE without reading', async () => {
    const request = requestOf({ 'content-type': 'application/json', 'content-length': String(DEFAULT_TOKEN_BODY_LIMIT + 1) }, ['{}']);
    await expectCode(readBody(request), 'ERR_PAYLOAD_TOO_LARGE');
    expect(request.pulled).toBe(0);
  });

  it('a streamed body over the limit → ERR_PAYLOAD_TOO_LARGE at once, before the body ends', async () => {
    const stream = new PassThrough();
    const request = Object.assign(stream, { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    const reading = readBody(request as unknown as IncomingMessage, { limit: 25 });
    stream.write(Buffer.alloc(20, 'a'));
    stream.write(Buffer.alloc(20, 'a')); // never ended
    await expectCode(reading, 'ERR_PAYLOAD_TOO_LARGE');
    stream.destroy();
  });

  it('JSON nested deeper than 64 levels → ERR_BODY_TOO_DEEP', async () => {
    await expectCode(readBody(json(`{"a":${'['.repeat(6000)}${']'.repeat(6000)}}`)), 'ERR_BODY_TOO_DEEP');
  });

  it.each([
    ['malformed JSON', json('{"email": ')],
    ['invalid UTF-8', requestOf({ 'content-type': 'application/json', 'content-length': '4' }, [Buffer.from([0x22, 0xff, 0xfe, 0x22])])],
    ['a corrupt gzip body', requestOf({ 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': '2' }, ['{}'])],
  ])('%s → ERR_INVALID_REQUEST', async (_name, request) => {
    await expectCode(readBody(request), 'ERR_INVALID_REQUEST');
  });

  // The token endpoint answers every body case as the adapters' JSON reader does (one body table).
  it.each([
    ['another media type', requestOf({ 'content-type': 'text/plain', 'content-length': '5' }, ['hello'])],
    ['no media type', requestOf({ 'content-length': '2' }, ['{}'])],
    ['a UTF-16 charset', requestOf({ 'content-type': 'application/json; charset=utf-16', 'content-length': '2' }, ['{}'])],
    ['an unknown coding', requestOf({ 'content-type': 'application/json', 'content-encoding': 'compress', 'content-length': '2' }, ['{}'])],
  ])('%s → ERR_UNSUPPORTED_MEDIA_TYPE', async (_name, request) => {
    await expectCode(readBody(request), 'ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('decodes a gzip body, and refuses control characters and __proto__ in field names', async () => {
    const zipped = gzipSync('{"email":"a@b","password":"p"}');
    const request = requestOf({ 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(zipped.length) }, [zipped]);
    await expect(readBody(request)).resolves.toEqual({ email: 'a@b', password: 'p' });
    await expectCode(readBody(json('{"email\\u0000":"a"}')), 'ERR_FIELD_NAME_INVALID');
    await expectCode(readBody(json('{"__proto__":{"admin":true}}')), 'ERR_FIELD_NAME_INVALID');
  });

  it('never reads (nor refuses) a body sent with GET or HEAD', async () => {
    for (const method of ['GET', 'HEAD']) {
      const request = Object.assign(requestOf({ 'content-type': 'text/plain', 'content-length': '5' }, ['hello']), { method });
      await expect(readBody(request)).resolves.toBeUndefined();
      expect(request.pulled).toBe(0);
    }
  });

  it('never echoes the body in the error', async () => {
    const error = await readBody(json('{"password": "hunter2", ')).catch((caught: unknown) => caught);
    expect(String((error as Error).message)).not.toContain('hunter2');
  });
});
