// Hostile bodies, fuzzed: a seeded, bounded fast-check run sends random requests — deep, wide and
// huge JSON, random bytes, odd content types, charsets and encodings, random field names, bad
// percent-encoding — to every route of the built reference server, as a guest, as an admin and
// anonymously, on the three frameworks, in memory and on Redis. No answer may be a 5xx or
// anything but a JSON error with a stable code; afterwards the process is alive, `/health` and a
// list of every collection still answer 200.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { ERROR_CODES } from '@scopeladder/core';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, connectTestRedis, deleteKeys, uniquePrefix } from '../../../test/support/redis.js';
import { request } from './http-client.js';
import { buildServer, startServerProcess, type Build, type ServerProcess } from './server-process.js';
import { COLLECTIONS } from './collections.js';

const FRAMEWORKS = ['express', 'fastify', 'koa'] as const;
const STORAGES = ['memory', 'redis'] as const;
const ADMIN = { email: 'fuzz-admin@example.com', password: 'fuzz-admin-password' };
const GUEST_PASSWORD = 'fuzz-guest-password';
const JWT_SECRET = randomBytes(32).toString('hex');
// The seed is the run's fast-check seed (fixed and printed; FC_SEED=random explores a new run).
const RUNS_PER_SERVER = Number(process.env['FUZZ_RUNS'] ?? 300);
/** The reference server's body limit (src/http/shared.ts). */
const BODY_LIMIT_BYTES = 100 * 1024;
const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

let build: Build;
let redis: Redis;
const prefix = uniquePrefix('fuzz');

beforeAll(async () => {
  redis = await connectTestRedis();
  build = buildServer();
});

afterAll(async () => {
  build?.remove();
  if (redis) {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
});

interface RawAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** One request with full control over path, headers and bytes (fetch would normalise them). */
function send(baseUrl: string, raw: RawRequest): Promise<RawAnswer | 'reset'> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: raw.method,
        path: raw.path,
        headers: { ...raw.headers, ...(raw.body.length > 0 ? { 'content-length': String(raw.body.length) } : {}) },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    // A server may answer (413) and close before it has read a large body: the write then fails.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') resolve('reset');
      else reject(error);
    });
    req.end(raw.body);
  });
}

// ---- the arbitraries ----

const fieldName = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    'name',
    'role',
    'rоle',
    ' role',
    'Role',
    'role\u0000',
    'r\u200Bole',
    '__proto__',
    'constructor',
    'email',
    'password',
    'organization',
    'id',
    'a\nb',
  ),
);

/** Nested arrays/objects `depth` levels deep, as text (V8 parses any depth; serialising does not). */
const deepJson = fc.record({ depth: fc.integer({ min: 1, max: 8000 }), objects: fc.boolean() }).map(({ depth, objects }) => {
  const open = objects ? '{"a":' : '[';
  const close = objects ? '}' : ']';
  return `{"name":${open.repeat(depth)}1${close.repeat(depth)}}`;
});

const wideJson = fc.integer({ min: 1, max: 5000 }).map((width) => {
  const entries: string[] = [];
  for (let i = 0; i < width; i += 1) entries.push(`"f${i}":${i}`);
  return `{${entries.join(',')}}`;
});

const hugeString = fc.integer({ min: 1, max: 200 * 1024 }).map((size) => JSON.stringify({ name: 'x'.repeat(size) }));

const randomObject = fc.dictionary(fieldName, fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 }).map((value) => JSON.stringify(value));

const bodyText = fc.oneof(
  { weight: 3, arbitrary: randomObject },
  { weight: 2, arbitrary: deepJson },
  { weight: 1, arbitrary: wideJson },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '{"a":1', 'null', '[]', '"x"', '{"a":1}{"b":2}', 'a=1&b=2', '\u0000') },
);

/** A body printed short in a counterexample: its size and first bytes, not every byte. */
function printable(bytes: Buffer): Buffer {
  const preview = JSON.stringify(bytes.subarray(0, 40).toString('latin1'));
  return Object.assign(bytes, { [fc.toStringMethod]: () => `<${bytes.length} bytes: ${preview}${bytes.length > 40 ? '…' : ''}>` });
}

const bodyBytes = fc
  .oneof(
    { weight: 5, arbitrary: bodyText.map((text) => Buffer.from(text, 'utf8')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: bodyText.map((text) => Buffer.from(text, 'utf16le')) },
  )
  .map(printable);

const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/merge-patch+json',
  'application/vnd.api+json',
  'application/octet-stream',
  ';;;',
);

const contentEncoding = fc.constantFrom(undefined, 'identity', 'gzip', 'gzip:valid', 'deflate', 'br', 'compress', 'gzip, br', 'x-bogus');

type Identity = 'guest' | 'admin' | 'anonymous' | 'garbage';

const pathSuffix = fc.constantFrom('', '/:record', '/:guest', '/:missing', '/%zz', '/%', '/%E0%A4%A', '/..%2f..%2f', '/%00');

const rawRequest = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS'),
  collection: fc.constantFrom(...COLLECTIONS, '/v2/auth/token'),
  suffix: pathSuffix,
  identity: fc.constantFrom<Identity>('guest', 'admin', 'anonymous', 'garbage'),
  contentType,
  contentEncoding,
  body: bodyBytes,
});

// ---- the servers ----

interface Target {
  readonly server: ServerProcess;
  readonly admin: string;
  readonly guest: string;
  readonly guestId: string;
  /** One record per collection (users: the guest), for `:id` routes. */
  readonly records: ReadonlyMap<string, string>;
}

async function login(baseUrl: string, email: string, password: string): Promise<{ token: string; user: string }> {
  const answer = await request(baseUrl, 'POST', '/v2/auth/token', { body: { email, password } });
  expect(answer.status, answer.text).toBe(200);
  return answer.body as { token: string; user: string };
}

async function startTarget(framework: string, storage: (typeof STORAGES)[number]): Promise<Target> {
  const env: Record<string, string> = {
    PORT: '0',
    FRAMEWORK: framework,
    JWT_SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ...(storage === 'redis' ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `${prefix}${framework}:` } : {}),
  };
  const server = await startServerProcess(build.main, env);
  const admin = (await login(server.baseUrl, ADMIN.email, ADMIN.password)).token;
  const email = `fuzz-guest-${randomBytes(4).toString('hex')}@example.com`;
  const created = await request(server.baseUrl, 'POST', '/v2/users', {
    token: admin,
    body: { email, password: GUEST_PASSWORD, role: 'guest' },
  });
  expect(created.status, created.text).toBe(201);
  const guest = (await login(server.baseUrl, email, GUEST_PASSWORD)).token;
  const records = new Map<string, string>([['/v2/users', created.body.id as string]]);
  for (const collection of COLLECTIONS) {
    if (collection === '/v2/users') continue;
    const answer = await request(server.baseUrl, 'POST', collection, { token: admin, body: { name: 'fuzz target' } });
    expect(answer.status, answer.text).toBe(201);
    records.set(collection, answer.body.id as string);
  }
  return { server, admin, guest, guestId: created.body.id as string, records };
}

function toRawRequest(target: Target, input: RequestInput): RawRequest {
  const { method, collection, suffix, identity, contentType: type, contentEncoding: encoding, body: plain } = input;
  let path: string = collection;
  if (suffix === '/:record') path += `/${target.records.get(collection) ?? 'x'}`;
  else if (suffix === '/:guest') path += `/${target.guestId}`;
  else if (suffix === '/:missing') path += '/0123456789abcdef01234567';
  else path += suffix;
  const headers: Record<string, string> = {};
  if (identity === 'guest') headers['authorization'] = `Bearer ${target.guest}`;
  if (identity === 'admin') headers['authorization'] = `Bearer ${target.admin}`;
  if (identity === 'garbage') headers['authorization'] = 'Bearer \u00ff\u00fe';
  if (type !== undefined) headers['content-type'] = type;
  let body = plain;
  if (encoding === 'gzip:valid') {
    headers['content-encoding'] = 'gzip';
    body = gzipSync(plain);
  } else if (encoding !== undefined) headers['content-encoding'] = encoding;
  return { method, path, headers, body };
}

type RequestInput = typeof rawRequest extends fc.Arbitrary<infer T> ? T : never;

/** What every answer must be: under 500, and every error a JSON body with a stable code, no stack. */
function checkAnswer(raw: RawRequest, answer: RawAnswer | 'reset'): void {
  const label = `${raw.method} ${raw.path} ${JSON.stringify(raw.headers)} (${raw.body.length} bytes)`;
  if (answer === 'reset') {
    // Only a body over the limit may be cut short, after the server has answered 413.
    expect(raw.body.length, `connection reset: ${label}`).toBeGreaterThan(BODY_LIMIT_BYTES);
    return;
  }
  expect(answer.status, `${label} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.text, label).not.toMatch(/<html|<pre>|\n\s+at [^\n]+\.(?:js|ts):\d+/i);
  if (answer.status >= 400 && raw.method !== 'HEAD') {
    expect(answer.contentType, `${label} → ${answer.status} ${answer.text.slice(0, 200)}`).toMatch(/^application\/json/);
    const body = JSON.parse(answer.text) as { code?: unknown };
    expect(CODES.has(String(body.code)), `${label} → ${answer.text.slice(0, 200)}`).toBe(true);
  }
}

describe.each(FRAMEWORKS)('%s', (framework) => {
  describe.each(STORAGES)('%s storage', (storage) => {
    let target: Target;

    beforeAll(async () => {
      target = await startTarget(framework, storage);
    }, 30_000);

    afterAll(async () => {
      await target?.server.stop();
    });

    it(`answers ${RUNS_PER_SERVER} random hostile requests with a JSON 4xx or a 2xx, and keeps serving`, async () => {
      await fc.assert(
        fc.asyncProperty(rawRequest, async (input) => {
          const raw = toRawRequest(target, input);
          checkAnswer(raw, await send(target.server.baseUrl, raw));
        }),
        { numRuns: RUNS_PER_SERVER, endOnFailure: true },
      );

      expect(target.server.child.exitCode).toBeNull();
      expect(target.server.child.signalCode).toBeNull();
      expect((await request(target.server.baseUrl, 'GET', '/health')).status).toBe(200);
      // Logged in again: the fuzz may have changed the admin's own sessions.
      const admin = (await login(target.server.baseUrl, ADMIN.email, ADMIN.password)).token;
      for (const collection of COLLECTIONS) {
        const answer = await request(target.server.baseUrl, 'GET', collection, { token: admin });
        expect(answer.status, `${collection}: ${answer.text.slice(0, 300)}`).toBe(200);
      }
      expect(target.server.stderr()).not.toMatch(/unhandled|uncaught/i);
    }, 240_000);
  });
});
