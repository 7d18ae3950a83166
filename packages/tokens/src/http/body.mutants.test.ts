// Tests for mutants of the shared body reading — http/read-body.ts, lib/body-stream.ts and
// lib/read-decoded-body.ts — that survived the tokens tests (issue "Test strength"): the header
// checks (Content-Type parameters, Content-Encoding), the limits as sent and decoded, the exact
// messages, the backpressure of a decoder, aborted and already-read requests, the connection
// after a refusal, and the listeners left behind. Every test runs on a real loopback node:http
// server. Each fails with its mutant applied; the equivalent ones are listed in docs/testing.md.
import { randomBytes } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { isScopeladderError } from '@scopeladder/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasUnreadBody, readBody, readJsonBody } from './index.js';

/** What the server saw of one request: the reader's value or error, and the listeners left. */
interface Outcome {
  readonly value?: unknown;
  readonly code?: string;
  readonly message?: string;
  readonly listenersBefore: Record<string, number>;
  readonly listenersAfter: Record<string, number>;
  readonly socket: Socket;
}

type Reader = (request: IncomingMessage) => Promise<unknown>;

const EVENTS = ['data', 'end', 'error', 'close'] as const;
const listeners = (request: IncomingMessage) => Object.fromEntries(EVENTS.map((event) => [event, request.listenerCount(event)]));

let server: Server;
let port: number;
let reader: Reader;
let outcomes: Outcome[];
let waiting: ((outcome: Outcome) => void)[];

beforeAll(async () => {
  server = createServer((req, res) => {
    const listenersBefore = listeners(req);
    const record = (outcome: Omit<Outcome, 'listenersBefore' | 'listenersAfter' | 'socket'>): void => {
      const full = { ...outcome, listenersBefore, listenersAfter: listeners(req), socket: req.socket };
      const waiter = waiting.shift();
      if (waiter === undefined) outcomes.push(full);
      else waiter(full);
    };
    reader(req).then(
      (value) => {
        record({ value });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: value ?? null }));
      },
      (error: unknown) => {
        const code = isScopeladderError(error) ? error.code : 'not a ScopeladderError';
        const message = (error as Error).message;
        record({ code, message });
        if (!res.destroyed) res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code, message }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(() => {
  outcomes = [];
  waiting = [];
});
outcomes = [];
waiting = [];

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The next outcome the server records (or the one already recorded). */
function nextOutcome(): Promise<Outcome> {
  const done = outcomes.shift();
  if (done !== undefined) return Promise.resolve(done);
  return new Promise((resolve) => waiting.push(resolve));
}

/** Rejects when `promise` has not settled within `ms`: a reader that hangs fails the test. */
function within<T>(promise: Promise<T>, ms = 3000): Promise<T> {
  return Promise.race([promise, delay(ms).then(() => Promise.reject(new Error(`no answer within ${ms} ms`)))]);
}

interface SendOptions {
  readonly headers?: OutgoingHttpHeaders;
  /** Body pieces, each written after `pause` ms (chunked unless a Content-Length is given). */
  readonly parts?: readonly (string | Buffer)[];
  readonly pause?: number;
  readonly agent?: Agent;
}

/** Sends a POST; resolves the status and the parsed answer. */
function send({ headers = {}, parts = [], pause = 0, agent }: SendOptions): Promise<{ status: number; answer: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers, ...(agent === undefined ? {} : { agent }) });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, answer: JSON.parse(text) as Record<string, unknown> }));
    });
    void (async () => {
      for (const part of parts) {
        if (pause > 0) await delay(pause);
        req.write(part);
      }
      req.end();
    })();
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Sends with `headers` and reads the outcome the server recorded, with `read`. */
async function outcomeOf(read: Reader, options: SendOptions): Promise<Outcome> {
  reader = read;
  const answered = send(options);
  const outcome = await within(nextOutcome());
  await within(answered);
  return outcome;
}

describe('Content-Type and Content-Encoding, as sent on the wire', () => {
  it.each([
    ['upper case and a space before the parameters', 'Application/JSON ; charset=utf-8'],
    ['a quoted, upper-case charset', 'application/json; charset="UTF-8"'],
    ['a parameter without "=" that starts with charset', 'application/json; charsetx'],
    ['another parameter after the charset', 'application/json; charset=utf-8; profile=x'],
    ['a parameter name in upper case, spaced', 'application/json;  CHARSET = utf-8'],
  ])('accepts %s', async (_name, type) => {
    const outcome = await outcomeOf(readJsonBody, { headers: { 'content-type': type }, parts: ['{"a":1}'] });
    expect(outcome.value).toEqual({ a: 1 });
  });

  it.each([
    ['quotes only at the end', 'application/json; charset=utf-8""'],
    ['quotes only at the start', 'application/json; charset=""utf-8'],
    ['the last charset parameter wins', 'application/json; charset=utf-8; charset=latin1'],
  ])('refuses a charset with %s, with its message', async (_name, type) => {
    const outcome = await outcomeOf(readJsonBody, { headers: { 'content-type': type }, parts: ['{"a":1}'] });
    expect([outcome.code, outcome.message]).toEqual(['ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset: send UTF-8']);
  });

  it('decodes Content-Encoding in upper case; an empty one is identity', async () => {
    const gzip = await outcomeOf(readJsonBody, { headers: { ...JSON_TYPE, 'content-encoding': 'GZIP' }, parts: [gzipSync('{"a":1}')] });
    expect(gzip.value).toEqual({ a: 1 });
    const empty = await outcomeOf(readJsonBody, { headers: { ...JSON_TYPE, 'content-encoding': '' }, parts: ['{"a":2}'] });
    expect(empty.value).toEqual({ a: 2 });
  });

  it('an unknown coding: 415 with its message', async () => {
    const outcome = await outcomeOf(readJsonBody, { headers: { ...JSON_TYPE, 'content-encoding': 'compress' }, parts: ['{}'] });
    expect([outcome.code, outcome.message]).toEqual(['ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Encoding']);
  });

  it('readBody names both accepted media types', async () => {
    const outcome = await outcomeOf(readBody, { headers: { 'content-type': 'text/plain' }, parts: ['hello'] });
    expect([outcome.code, outcome.message]).toEqual([
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      'Send the body as application/json or application/x-www-form-urlencoded',
    ]);
  });
});

describe('the 400s, with their messages', () => {
  it.each([
    ['invalid UTF-8', Buffer.from([0x22, 0xff, 0x22]), {}, 'ERR_INVALID_REQUEST', 'The body is not valid UTF-8'],
    ['malformed JSON', '{"a":', {}, 'ERR_INVALID_REQUEST', 'Malformed JSON body'],
    ['a corrupt gzip stream', 'not gzip', { 'content-encoding': 'gzip' }, 'ERR_INVALID_REQUEST', 'Malformed Content-Encoding'],
    ['a NUL in a field name', '{"a\\u0000":1}', {}, 'ERR_FIELD_NAME_INVALID', 'A field name is not allowed'],
    ['JSON too deep', `${'['.repeat(65)}${']'.repeat(65)}`, {}, 'ERR_BODY_TOO_DEEP', 'The body nests deeper than 64 levels'],
  ])('%s', async (_name, body, headers, code, message) => {
    const outcome = await outcomeOf(readBody, { headers: { ...JSON_TYPE, ...headers }, parts: [body] });
    expect([outcome.code, outcome.message]).toEqual([code, message]);
  });
});

describe('the limit, as sent and as decoded', () => {
  const limited: Reader = (request) => readBody(request, { limit: 100 });

  it('exactly at the limit is read; one byte over is 413 with its message', async () => {
    const at = `"${'a'.repeat(98)}"`;
    expect((await outcomeOf(limited, { headers: JSON_TYPE, parts: [at] })).value).toBe('a'.repeat(98));
    const over = await outcomeOf(limited, { headers: JSON_TYPE, parts: [at.slice(0, 50), `${at.slice(50)} `], pause: 20 });
    expect([over.code, over.message]).toEqual(['ERR_PAYLOAD_TOO_LARGE', 'Request body too large']);
  });

  it('a compressed body over the limit as sent is refused, though it decodes to the limit', async () => {
    // Stored (level 0) gzip: the compressed body is the text plus a header, so it is larger.
    const text = `"${'a'.repeat(98)}"`;
    const outcome = await outcomeOf(limited, { headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, parts: [gzipSync(text, { level: 0 })] });
    expect([outcome.code, outcome.message]).toEqual(['ERR_PAYLOAD_TOO_LARGE', 'Request body too large']);
    const fits = await outcomeOf((request) => readBody(request, { limit: 200 }), {
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
      parts: [gzipSync(text, { level: 0 })],
    });
    expect(fits.value).toBe('a'.repeat(98));
  });
});

describe('decoding a stream that arrives in pieces', () => {
  it('a small gzip body sent in two pieces, apart in time, is read', async () => {
    const zipped = gzipSync('{"name":"Ada"}');
    const outcome = await outcomeOf(readJsonBody, {
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
      parts: [zipped.subarray(0, 10), zipped.subarray(10)],
      pause: 30,
    });
    expect(outcome.value).toEqual({ name: 'Ada' });
  });

  it('a large gzip body (the decoder pushes back) is read to the end', async () => {
    // Incompressible text, stored: chunks of the socket's size fill the decoder's buffer.
    const text = JSON.stringify(randomBytes(300_000).toString('base64'));
    const outcome = await outcomeOf((request) => readJsonBody(request, { limit: 1_000_000 }), {
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
      parts: [gzipSync(text, { level: 0 })],
    });
    expect(outcome.value).toBe(JSON.parse(text));
  });
});

describe('the connection after a refusal', () => {
  it('a decompression bomb is refused at the limit, and the next request on the same connection is answered', async () => {
    // 2 MB of zeros (a few KB compressed) then 300 KB of noise: the decoded limit is passed at once,
    // while most of the body is still to come.
    const bomb = gzipSync(Buffer.concat([Buffer.alloc(2_000_000), randomBytes(300_000)]));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      reader = (request) => readJsonBody(request, { limit: 100_000 });
      const refused = await within(send({ agent, headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, parts: [bomb] }));
      expect(refused).toEqual({ status: 400, answer: { code: 'ERR_PAYLOAD_TOO_LARGE', message: 'Request body too large' } });
      const first = await nextOutcome();
      const next = await within(send({ agent, headers: JSON_TYPE, parts: ['{"again":true}'] }));
      expect(next).toEqual({ status: 200, answer: { value: { again: true } } });
      expect((await nextOutcome()).socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });
});

describe('aborted and already-read requests', () => {
  it('a client that hangs up mid-body: ERR_INVALID_REQUEST "Request aborted"', async () => {
    reader = readJsonBody;
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { ...JSON_TYPE, 'content-length': '100' } });
    req.on('error', () => {});
    req.write('{"a":');
    await delay(30);
    req.destroy();
    const outcome = await within(nextOutcome());
    expect([outcome.code, outcome.message]).toEqual(['ERR_INVALID_REQUEST', 'Request aborted']);
  });

  it('a request destroyed by the server while it is read (no error event): "Request aborted"', async () => {
    reader = (request) => {
      const reading = readJsonBody(request);
      request.destroy();
      return reading;
    };
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { ...JSON_TYPE, 'content-length': '100' } });
    req.on('error', () => {});
    req.write('{"a":');
    const outcome = await within(nextOutcome());
    expect([outcome.code, outcome.message]).toEqual(['ERR_INVALID_REQUEST', 'Request aborted']);
    req.destroy();
  });

  it('a body already read to the end: readJsonBody resolves undefined, hasUnreadBody is false', async () => {
    const unread: boolean[] = [];
    const outcome = await outcomeOf(
      async (request) => {
        unread.push(hasUnreadBody(request));
        request.resume();
        await new Promise((resolve) => request.on('end', resolve));
        unread.push(hasUnreadBody(request));
        return readJsonBody(request);
      },
      { headers: JSON_TYPE, parts: ['{"a":1}'] },
    );
    expect(outcome.value).toBeUndefined();
    expect(unread).toEqual([true, false]);
  });

  it('hasUnreadBody: false without a body', async () => {
    const outcome = await outcomeOf(async (request) => hasUnreadBody(request), { headers: { ...JSON_TYPE, 'content-length': '0' } });
    expect(outcome.value).toBe(false);
  });
});

describe('no listener is left on the request', () => {
  it.each([
    ['read', {}, ['{"a":1}']],
    ['read, decoded', { 'content-encoding': 'gzip' }, [gzipSync('{"a":1}')]],
    ['refused', {}, ['x'.repeat(200)]],
  ])('%s', async (_name, headers, parts) => {
    const outcome = await outcomeOf((request) => readBody(request, { limit: 100 }), { headers: { ...JSON_TYPE, ...headers }, parts });
    expect(outcome.listenersAfter).toEqual(outcome.listenersBefore);
  });
});
