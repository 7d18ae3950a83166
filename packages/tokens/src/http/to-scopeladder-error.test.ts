import { ScopeladderError, httpErrorFor, isScopeladderError } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { toScopeladderError } from './to-scopeladder-error.js';

const withFields = (fields: Record<string, unknown>, message = 'details: {"password":"hunter2"}') => Object.assign(new Error(message), fields);

describe('toScopeladderError', () => {
  it.each([
    // body-parser (Express 4 and 5) and raw-body
    ['body-parser entity.parse.failed', { status: 400, type: 'entity.parse.failed' }, 'ERR_INVALID_REQUEST', 'Malformed request body'],
    ['body-parser entity.verify.failed', { status: 403, type: 'entity.verify.failed' }, 'ERR_INVALID_REQUEST', 'Malformed request body'],
    ['body-parser entity.too.large', { status: 413, statusCode: 413, type: 'entity.too.large' }, 'ERR_PAYLOAD_TOO_LARGE', 'Request body too large'],
    ['body-parser encoding.unsupported', { status: 415, type: 'encoding.unsupported' }, 'ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Encoding'],
    [
      'body-parser charset.unsupported',
      { status: 415, type: 'charset.unsupported' },
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      'Unsupported charset: send UTF-8',
    ],
    ['raw-body request.aborted', { status: 400, type: 'request.aborted' }, 'ERR_INVALID_REQUEST', 'Request aborted'],
    ['raw-body request.size.invalid', { status: 400, type: 'request.size.invalid' }, 'ERR_INVALID_REQUEST', 'Request body length mismatch'],
    ['body-parser parameters.too.many', { status: 413, type: 'parameters.too.many' }, 'ERR_INVALID_REQUEST', 'Too many parameters'],
    // Fastify 5
    ['FST_ERR_CTP_INVALID_JSON_BODY', { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }, 'ERR_INVALID_REQUEST', 'Malformed request body'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', { statusCode: 400, code: 'FST_ERR_CTP_EMPTY_JSON_BODY' }, 'ERR_INVALID_REQUEST', 'Empty JSON body'],
    ['FST_ERR_CTP_BODY_TOO_LARGE', { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }, 'ERR_PAYLOAD_TOO_LARGE', 'Request body too large'],
    [
      'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' },
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      'Unsupported media type',
    ],
    [
      'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
      { statusCode: 400, code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' },
      'ERR_INVALID_REQUEST',
      'Request body length mismatch',
    ],
    ['FST_ERR_VALIDATION', { statusCode: 400, code: 'FST_ERR_VALIDATION', validation: [] }, 'ERR_INVALID_REQUEST', 'Invalid request'],
    ['FST_ERR_BAD_URL', { statusCode: 400, code: 'FST_ERR_BAD_URL' }, 'ERR_INVALID_REQUEST', 'Malformed percent-encoding in the path'],
    ['FST_ERR_MAX_PARAM_LENGTH', { statusCode: 414, code: 'FST_ERR_MAX_PARAM_LENGTH' }, 'ERR_INVALID_REQUEST', 'A path parameter is too long'],
    // co-body (@koa/bodyparser): a parse failure carries status 400 and the raw body
    ['co-body JSON parse failure', { status: 400, body: '{"password": "hunter2", ' }, 'ERR_INVALID_REQUEST', 'Malformed request body'],
    ['inflation unknown encoding', { status: 415 }, 'ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Encoding'],
    // a 404 from anywhere
    ['a 404 status', { status: 404 }, 'ERR_NOT_FOUND', 'Not found'],
    ['a 404 statusCode', { statusCode: 404, code: 'FST_ERR_NOT_FOUND' }, 'ERR_NOT_FOUND', 'Not found'],
  ])('%s → %s', (name, fields, code, message) => {
    const original = withFields(fields, name === 'inflation unknown encoding' ? 'Unsupported Content-Encoding: br' : undefined);
    const translated = toScopeladderError(original);
    expect(isScopeladderError(translated)).toBe(true);
    expect(translated).toMatchObject({ code, message });
    expect((translated as Error).cause).toBe(original);
    // The framework's message (which may echo the request) never reaches the answer.
    expect(JSON.stringify(httpErrorFor(translated).body)).not.toContain('hunter2');
  });

  it.each([
    ['Express 5 (router)', 'router/lib/layer.js'],
    ['Express 4', 'express/lib/router/layer.js'],
  ])("%s: a path parameter that does not decode → 400 ERR_INVALID_REQUEST, never the router's message", (_name) => {
    // What the router throws: decodeURIComponent's URIError, its message replaced, status 400.
    const original = Object.assign(new URIError("Failed to decode param '%zz-hunter2'"), { status: 400, statusCode: 400 });
    const translated = toScopeladderError(original);
    expect(translated).toMatchObject({ code: 'ERR_INVALID_REQUEST', message: 'Malformed percent-encoding in the path' });
    expect(httpErrorFor(translated).status).toBe(400);
    expect(JSON.stringify(httpErrorFor(translated).body)).not.toContain('hunter2');
    // A URIError without the router's 400 is not a client error: it stays as it is (a 500).
    expect(toScopeladderError(new URIError('x'))).toBeInstanceOf(URIError);
  });

  it('an oversized body answers 413 through core', () => {
    const answer = httpErrorFor(toScopeladderError(withFields({ status: 413, type: 'entity.too.large' })));
    expect(answer.status).toBe(413);
    expect(answer.headers['www-authenticate']).toBeUndefined();
    expect(answer.body).toEqual({ code: 'ERR_PAYLOAD_TOO_LARGE', message: 'Request body too large' });
  });

  it.each([
    ["an application's own 409", withFields({ status: 409 })],
    ['an http-errors style 400 from ctx.throw', withFields({ status: 400, statusCode: 400, expose: true })],
    ['a 422 with only statusCode', withFields({ statusCode: 422 })],
    ['a marker without a 4xx status', withFields({ type: 'entity.too.large' })],
    ['a marker with a 5xx status', withFields({ status: 500, type: 'stream.not.readable' })],
    ['a Fastify setup error with a 400 status', withFields({ statusCode: 400, code: 'FST_ERR_CTP_INSTANCE_ALREADY_STARTED' })],
    ['an unknown `type`', withFields({ status: 400, type: 'toString' })],
    ['an unknown `code`', withFields({ status: 400, code: 'constructor' })],
    ['a plain Error', new Error('boom')],
    ['a string', 'boom'],
    ['null', null],
    ['undefined', undefined],
  ])('returns %s unchanged', (_name, error) => {
    expect(toScopeladderError(error)).toBe(error);
  });

  it('returns a ScopeladderError unchanged, whatever it carries', () => {
    const error = Object.assign(new ScopeladderError('ERR_FORBIDDEN', 'no'), { status: 404 });
    expect(toScopeladderError(error)).toBe(error);
  });

  it('ignores a non-integer or out-of-range status', () => {
    for (const status of [404.5, '404', 399, 500, Number.NaN]) {
      const error = withFields({ status, type: 'entity.too.large' });
      expect(toScopeladderError(error)).toBe(error);
    }
  });
});
