/**
 * THE table of request bodies and what every framework answers to them: read by the HTTP
 * conformance suite (test/conformance/bodies.test.ts, on Express 5 and 4, Fastify and Koa),
 * by the reference server's end-to-end tests (examples/chatshipper-api/test/hostile-bodies.test.ts),
 * and rendered into docs/request-bodies.md (a test checks the page holds exactly this table;
 * `pnpm tsx test/docs-examples/sync-docs.ts` rewrites it).
 */
import { gzipSync } from 'node:zlib';
import type { ErrorCode } from '@scopeladder/core';

/**
 * Who decides a case's answer: scopeladder's body reader (`readJsonBody`, behind `auth.jsonBody()`
 * and Fastify's `jsonBody`), the framework's router (with the adapter's help), or the application's
 * handler (the conformance apps' and the reference server's: the reader and the guard let it through).
 */
export type BodyCaseDecider = 'reader' | 'router' | 'application';

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
  /** Who decides the answer (the docs' third column). */
  readonly decidedBy: BodyCaseDecider;
}

const JSON_TYPE = ['content-type', 'application/json'] as const;

/** 6,000 levels, as in the reproduction. */
export const DEEP_BODY = `{"a":${'['.repeat(6000)}${']'.repeat(6000)}}`;

/** The cases, for a server whose JSON body limit is `limit` bytes. */
export function bodyCases(limit: number): readonly BodyCase[] {
  return [
    {
      name: 'malformed JSON (`{"name": `)',
      route: 'create',
      headers: [JSON_TYPE],
      body: '{"name": ',
      status: 400,
      code: 'ERR_INVALID_REQUEST',
      decidedBy: 'reader',
    },
    {
      name: '`text/plain`',
      route: 'create',
      headers: [['content-type', 'text/plain']],
      body: '{"name":"x"}',
      status: 415,
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
      decidedBy: 'reader',
    },
    {
      name: "a form (`application/x-www-form-urlencoded`, curl's `-d`)",
      route: 'create',
      headers: [['content-type', 'application/x-www-form-urlencoded']],
      body: 'name=x',
      status: 415,
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
      decidedBy: 'reader',
    },
    {
      name: '`multipart/form-data`',
      route: 'create',
      headers: [['content-type', 'multipart/form-data; boundary=XyZ']],
      body: '--XyZ\r\ncontent-disposition: form-data; name="name"\r\n\r\nx\r\n--XyZ--\r\n',
      status: 415,
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
      decidedBy: 'reader',
    },
    {
      name: '`application/merge-patch+json` on an update',
      route: 'update',
      headers: [['content-type', 'application/merge-patch+json']],
      body: '{"name":"x"}',
      status: 415,
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
      decidedBy: 'reader',
    },
    {
      name: 'a body without `Content-Type`',
      route: 'create',
      headers: [],
      body: '{"name":"x"}',
      status: 415,
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
      decidedBy: 'reader',
    },
    {
      name: '`Content-Encoding: gzip` on a body that is not gzip',
      route: 'create',
      headers: [JSON_TYPE, ['content-encoding', 'gzip']],
      body: '{"name":"x"}',
      status: 400,
      code: 'ERR_INVALID_REQUEST',
      decidedBy: 'reader',
    },
    {
      name: '`Content-Encoding: gzip` on a gzip body',
      route: 'create',
      headers: [JSON_TYPE, ['content-encoding', 'gzip']],
      body: gzipSync(Buffer.from('{"name":"zipped"}')),
      status: 201,
      note: 'the reader decodes it (also `x-gzip`, `deflate`, `br`); the application creates',
      decidedBy: 'application',
    },
    {
      name: 'an unsupported `Content-Encoding` (`compress`, or several)',
      route: 'create',
      headers: [JSON_TYPE, ['content-encoding', 'compress']],
      body: '{"name":"x"}',
      status: 415,
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
      decidedBy: 'reader',
    },
    {
      name: '`charset=utf-16`',
      route: 'create',
      headers: [['content-type', 'application/json; charset=utf-16']],
      body: Buffer.from('{"name":"x"}', 'utf16le'),
      status: 415,
      code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
      decidedBy: 'reader',
    },
    {
      name: 'an empty body on a create (`Content-Length: 0`)',
      route: 'create',
      headers: [JSON_TYPE, ['content-length', '0']],
      body: '',
      status: 400,
      code: 'ERR_INVALID_REQUEST',
      note: 'the reader yields `undefined` and the guard lets an absent body through; the application refuses a create without an object body',
      decidedBy: 'application',
    },
    {
      name: '`DELETE` with `Content-Type: application/json` and no body',
      route: 'delete',
      headers: [JSON_TYPE, ['content-length', '0']],
      body: '',
      status: 204,
      note: 'the reader yields `undefined`, whatever the method and `Content-Type`; the application deletes',
      decidedBy: 'application',
    },
    {
      name: 'nested deeper than 64 levels (6,000 here)',
      route: 'create',
      headers: [JSON_TYPE],
      body: DEEP_BODY,
      status: 400,
      code: 'ERR_BODY_TOO_DEEP',
      decidedBy: 'reader',
    },
    {
      name: 'a field name with a control character, or `__proto__`, at any depth',
      route: 'create',
      headers: [JSON_TYPE],
      body: '{"na\\u0000me":"x"}',
      status: 400,
      code: 'ERR_FIELD_NAME_INVALID',
      decidedBy: 'reader',
    },
    {
      name: 'larger than the limit (100 KiB by default), as sent or decoded',
      route: 'create',
      headers: [JSON_TYPE],
      body: JSON.stringify({ name: 'x'.repeat(limit) }),
      status: 413,
      code: 'ERR_PAYLOAD_TOO_LARGE',
      decidedBy: 'reader',
    },
    {
      name: 'bad percent-encoding in the path (`/v2/…/%zz`)',
      route: 'fetch',
      id: '%zz',
      headers: [],
      status: 400,
      code: 'ERR_INVALID_REQUEST',
      decidedBy: 'router',
    },
  ];
}

/** The third column of the docs' table. */
const DECIDERS: Readonly<Record<BodyCaseDecider, string>> = {
  reader: 'the body reader',
  router: 'the router',
  application: '**the application**',
};

/** The answer column of a case. */
function answerOf(row: BodyCase): string {
  const answer = row.code === undefined ? `\`${row.status}\`` : `\`${row.status} ${row.code}\``;
  return row.note === undefined ? answer : `${answer}: ${row.note}`;
}

/** The markdown table of the cases, as docs/request-bodies.md shows it. */
export function renderBodyTable(): string {
  const lines = ['| request | answer | decided by |', '|---|---|---|'];
  for (const row of bodyCases(100 * 1024)) lines.push(`| ${row.name} | ${answerOf(row)} | ${DECIDERS[row.decidedBy]} |`);
  return `${lines.join('\n')}\n`;
}
