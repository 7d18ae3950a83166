/**
 * THE table of request bodies and what every framework answers to them: read by the HTTP
 * conformance suite (test/conformance/bodies.test.ts, on Express 5 and 4, Fastify and Koa),
 * by the reference server's end-to-end tests (examples/chatshipper-api/test/hostile-bodies.test.ts),
 * and rendered into docs/request-bodies.md (a test checks the page holds exactly this table;
 * `pnpm tsx test/docs-examples/sync-docs.ts` rewrites it).
 */
import { gzipSync } from 'node:zlib';
import type { ErrorCode } from '@scopeladder/core';

/** Which route of a resource a case is sent to (as an admin, who may do all of them). */
export type BodyCaseRoute = 'create' | 'update' | 'delete' | 'fetch';

/** One row of the table. */
export interface BodyCase {
  /** The row's label in the docs. */
  readonly name: string;
  /** `create`: `POST /v2/<collection>`; `update`: `PATCH …/:id`; `delete`: `DELETE …/:id`; `fetch`: `GET …/:id`. */
  readonly route: BodyCaseRoute;
  /** The record id to use instead of a real one (raw, as sent on the wire). */
  readonly id?: string;
  /** Header lines, in order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body?: string | Buffer;
  /** The status every framework answers. */
  readonly status: number;
  /** The error `code` of the JSON body; `undefined` for a success. */
  readonly code?: ErrorCode;
  /** Said after the answer in the docs. */
  readonly note?: string;
}

const JSON_TYPE = ['content-type', 'application/json'] as const;

/** 6,000 levels, as in the reproduction. */
export const DEEP_BODY = `{"a":${'['.repeat(6000)}${']'.repeat(6000)}}`;

/** The cases, for a server whose JSON body limit is `limit` bytes. */
export function bodyCases(limit: number): readonly BodyCase[] {
  return [
    { name: 'malformed JSON (`{"name": `)', route: 'create', headers: [JSON_TYPE], body: '{"name": ', status: 400, code: 'ERR_INVALID_REQUEST' },
    { name: '`text/plain`', route: 'create', headers: [['content-type', 'text/plain']], body: '{"name":"x"}', status: 415, code: 'ERR_UNSUPPORTED_MEDIA_TYPE' },
    {
      name: 'a form (`application/x-www-form-urlencoded`, curl\'s `-d`)',
      route: 'create',
      headers: [['content-type', 'application/x-www-form-urlencoded']],
      body: 'name=x',
      status: 415,
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: '`multipart/form-data`',
      route: 'create',
      headers: [['content-type', 'multipart/form-data; boundary=XyZ']],
      body: '--XyZ\r\ncontent-disposition: form-data; name="name"\r\n\r\nx\r\n--XyZ--\r\n',
      status: 415,
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: '`application/merge-patch+json` on an update',
      route: 'update',
      headers: [['content-type', 'application/merge-patch+json']],
      body: '{"name":"x"}',
      status: 415,
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
    },
    { name: 'a body without `Content-Type`', route: 'create', headers: [], body: '{"name":"x"}', status: 415, code: 'ERR_UNSUPPORTED_MEDIA_TYPE' },
    {
      name: '`Content-Encoding: gzip` on a body that is not gzip',
      route: 'create',
      headers: [JSON_TYPE, ['content-encoding', 'gzip']],
      body: '{"name":"x"}',
      status: 400,
      code: 'ERR_INVALID_REQUEST',
    },
    {
      name: '`Content-Encoding: gzip` on a gzip body',
      route: 'create',
      headers: [JSON_TYPE, ['content-encoding', 'gzip']],
      body: gzipSync(Buffer.from('{"name":"zipped"}')),
      status: 201,
      note: 'decoded (also `x-gzip`, `deflate`, `br`)',
    },
    {
      name: 'an unsupported `Content-Encoding` (`compress`, or several)',
      route: 'create',
      headers: [JSON_TYPE, ['content-encoding', 'compress']],
      body: '{"name":"x"}',
      status: 415,
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: '`charset=utf-16`',
      route: 'create',
      headers: [['content-type', 'application/json; charset=utf-16']],
      body: Buffer.from('{"name":"x"}', 'utf16le'),
      status: 415,
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'an empty body on a create (`Content-Length: 0`)',
      route: 'create',
      headers: [JSON_TYPE, ['content-length', '0']],
      body: '',
      status: 400,
      code: 'ERR_INVALID_REQUEST',
      note: 'the body reads as `undefined`; a create needs an object',
    },
    {
      name: '`DELETE` with `Content-Type: application/json` and no body',
      route: 'delete',
      headers: [JSON_TYPE, ['content-length', '0']],
      body: '',
      status: 204,
      note: 'the body reads as `undefined`, whatever the method and `Content-Type`',
    },
    { name: 'nested deeper than 64 levels (6,000 here)', route: 'create', headers: [JSON_TYPE], body: DEEP_BODY, status: 400, code: 'ERR_BODY_TOO_DEEP' },
    {
      name: 'a field name with a control character, or `__proto__`',
      route: 'create',
      headers: [JSON_TYPE],
      body: '{"na\\u0000me":"x"}',
      status: 400,
      code: 'ERR_FIELD_NAME_INVALID',
    },
    {
      name: 'larger than the limit (100 KiB by default), as sent or decoded',
      route: 'create',
      headers: [JSON_TYPE],
      body: JSON.stringify({ name: 'x'.repeat(limit) }),
      status: 413,
      code: 'ERR_PAYLOAD_TOO_LARGE',
    },
    { name: 'bad percent-encoding in the path (`/v2/…/%zz`)', route: 'fetch', id: '%zz', headers: [], status: 400, code: 'ERR_INVALID_REQUEST' },
  ];
}

/** The answer column of a case. */
function answerOf(row: BodyCase): string {
  const answer = row.code === undefined ? `\`${row.status}\`` : `\`${row.status} ${row.code}\``;
  return row.note === undefined ? answer : `${answer}: ${row.note}`;
}

/** The markdown table of the cases, as docs/request-bodies.md shows it. */
export function renderBodyTable(): string {
  const lines = ['| request | answer |', '|---|---|'];
  for (const row of bodyCases(100 * 1024)) lines.push(`| ${row.name} | ${answerOf(row)} |`);
  return `${lines.join('\n')}\n`;
}
