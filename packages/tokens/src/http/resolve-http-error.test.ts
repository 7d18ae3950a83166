import { ScopeladderError } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { resolveHttpError } from './resolve-http-error.js';

describe('resolveHttpError', () => {
  it("answers a ScopeladderError with core's table and the service's options", () => {
    const answer = resolveHttpError(new ScopeladderError('ERR_TOKEN_EXPIRED', 'expired'), { realm: 'api', expiredTokenStatus: 401 });
    expect(answer?.status).toBe(401);
    expect(answer?.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
    expect(answer?.body).toEqual({ code: 'ERR_TOKEN_EXPIRED', message: 'expired' });
  });

  it('answers the framework parse errors it translates', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' });
    expect(resolveHttpError(tooLarge)).toMatchObject({ status: 413, body: { code: 'ERR_PAYLOAD_TOO_LARGE' } });
    const malformed = Object.assign(new Error('Unexpected token'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    expect(resolveHttpError(malformed)).toMatchObject({ status: 400, body: { code: 'ERR_INVALID_REQUEST' } });
    expect(resolveHttpError(Object.assign(new Error('Not Found'), { status: 404 }))).toMatchObject({
      status: 404,
      body: { code: 'ERR_NOT_FOUND', message: 'Not found' },
    });
  });

  it("passes on any other error with an explicit 4xx status: the application's own", () => {
    class HttpError extends Error {
      constructor(
        readonly status: number,
        message: string,
      ) {
        super(message);
      }
    }
    expect(resolveHttpError(new HttpError(409, 'Conversation already closed'))).toBeUndefined();
    expect(resolveHttpError(Object.assign(new Error('x'), { statusCode: 400, expose: true }))).toBeUndefined();
    expect(resolveHttpError(Object.assign(new Error('x'), { status: 429 }))).toBeUndefined();
  });

  it('answers anything else with the generic 500 ERR_INTERNAL, saying nothing about the cause', () => {
    for (const error of [
      new Error('db password is hunter2'),
      Object.assign(new Error('hunter2'), { status: 503 }),
      Object.assign(new Error('hunter2'), { status: '409' }),
      'hunter2',
      null,
      undefined,
    ]) {
      const answer = resolveHttpError(error);
      expect(answer?.status).toBe(500);
      expect(answer?.body).toEqual({ code: 'ERR_INTERNAL', message: 'Internal error' });
      expect(JSON.stringify(answer)).not.toContain('hunter2');
    }
  });
});
