import { ScopeladderError, httpErrorFor, type HttpErrorResult } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { assertAdapterOptions } from './assert-adapter-options.js';
import { resolveErrorAnswer, type ErrorBodyFormatter } from './resolve-error-answer.js';

const expired = new ScopeladderError('ERR_TOKEN_EXPIRED', 'The access token expired');
const sdkShape: ErrorBodyFormatter = ({ body }) => ({ error: { code: body.code, message: body.message } });

describe('resolveErrorAnswer', () => {
  it("is core's answer without a formatter", () => {
    expect(resolveErrorAnswer(expired, { http: { realm: 'api' } })).toEqual(httpErrorFor(expired, { realm: 'api' }));
    expect(resolveErrorAnswer(expired)).toEqual(httpErrorFor(expired));
  });

  it("shapes the body only: status and headers stay core's (the service's options included)", () => {
    const seen: [HttpErrorResult, unknown][] = [];
    const answer = resolveErrorAnswer(expired, {
      http: { realm: 'api', expiredTokenStatus: 401 },
      formatError: (core, error) => {
        seen.push([core, error]);
        return sdkShape(core, error);
      },
    });
    const core = httpErrorFor(expired, { realm: 'api', expiredTokenStatus: 401 });
    expect(answer).toEqual({
      status: 401,
      headers: core.headers,
      body: { error: { code: 'ERR_TOKEN_EXPIRED', message: 'The access token expired' } },
    });
    expect(answer?.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
    expect(seen).toEqual([[core, expired]]);
  });

  it('shapes framework parse errors and the generic 500 too, with the error as caught', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' });
    expect(resolveErrorAnswer(tooLarge, { formatError: sdkShape })).toMatchObject({
      status: 413,
      body: { error: { code: 'ERR_PAYLOAD_TOO_LARGE' } },
    });
    const bug = new Error('secret detail');
    const answer = resolveErrorAnswer(bug, { formatError: (core, error) => ({ ...(sdkShape(core, error) as object), same: error === bug }) });
    expect(answer).toEqual({
      status: 500,
      headers: { 'cache-control': 'no-store' },
      body: { error: { code: 'ERR_INTERNAL', message: 'Internal error' }, same: true },
    });
  });

  it("leaves the application's own 4xx alone (undefined), never calling the formatter", () => {
    let calls = 0;
    const own = Object.assign(new Error('conflict'), { status: 409 });
    expect(resolveErrorAnswer(own, { formatError: () => (calls += 1) })).toBeUndefined();
    expect(calls).toBe(0);
  });

  it("keeps core's body when the formatter throws (reported), returns undefined or something JSON cannot write", () => {
    const failures: unknown[] = [];
    const boom = new Error('formatter bug');
    const core = httpErrorFor(expired);
    expect(
      resolveErrorAnswer(expired, {
        formatError: () => {
          throw boom;
        },
        onFormatError: (failure) => failures.push(failure),
      }),
    ).toEqual(core);
    expect(failures).toEqual([boom]);
    expect(
      resolveErrorAnswer(expired, {
        formatError: () => {
          throw boom;
        },
      }),
    ).toEqual(core);
    for (const value of [undefined, () => 1, Symbol('x'), 10n]) {
      expect(resolveErrorAnswer(expired, { formatError: () => value })).toEqual(core);
    }
    // Any JSON value is written as it is, `null` and strings included.
    expect(resolveErrorAnswer(expired, { formatError: () => null })?.body).toBeNull();
    expect(resolveErrorAnswer(expired, { formatError: () => 'jwt expired' })?.body).toBe('jwt expired');
  });

  it('is a TypeError at adapter construction when formatError is not a function', () => {
    const service = { authenticate() {}, login() {}, refresh() {}, logout() {}, policy: {}, http: {} };
    expect(() => assertAdapterOptions({ service, formatError: 'json' }, 'createX')).toThrow(/createX: formatError must be a function/);
    expect(() => assertAdapterOptions({ service, formatError: sdkShape }, 'createX')).not.toThrow();
  });
});
