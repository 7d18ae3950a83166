import { isScopeladderError } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { parseFormBody } from './parse-form-body.js';
import { readRefreshToken } from './read-refresh-token.js';
import { readTokenRequest } from './read-token-request.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(isScopeladderError(error), String(error)).toBe(true);
    return (error as { code: string }).code;
  }
}

describe('readTokenRequest', () => {
  it('{email, password} is a login; {refreshToken} a refresh', () => {
    expect(readTokenRequest({ email: 'a@b', password: 'p' })).toEqual({ kind: 'login', input: { email: 'a@b', password: 'p' } });
    expect(readTokenRequest({ refreshToken: 'rt' })).toEqual({ kind: 'refresh', refreshToken: 'rt' });
    expect(readTokenRequest({ refreshToken: 'rt', email: undefined })).toEqual({ kind: 'refresh', refreshToken: 'rt' });
  });

  it('passes the organization of a login on (issue #12); a malformed one is ERR_INVALID_REQUEST', () => {
    expect(readTokenRequest({ email: 'a@b', password: 'p', organization: 'c1' })).toEqual({
      kind: 'login',
      input: { email: 'a@b', password: 'p', organization: 'c1' },
    });
    expect(readTokenRequest(parseFormBody('email=a%40b&password=p&organization=c1'))).toEqual({
      kind: 'login',
      input: { email: 'a@b', password: 'p', organization: 'c1' },
    });
    expect(readTokenRequest({ email: 'a@b', password: 'p', organization: undefined })).toEqual({
      kind: 'login',
      input: { email: 'a@b', password: 'p' },
    });
    for (const organization of ['', 7, null, ['c1'], { id: 'c1' }]) {
      expect(
        codeOf(() => readTokenRequest({ email: 'a@b', password: 'p', organization })),
        JSON.stringify(organization),
      ).toBe('ERR_INVALID_REQUEST');
    }
    expect(codeOf(() => readTokenRequest({ refreshToken: 'rt', organization: 'c1' }))).toBe('ERR_INVALID_REQUEST');
  });

  it('reads a form body, and refuses a repeated field', () => {
    expect(readTokenRequest(parseFormBody('email=a%40b&password=p'))).toEqual({ kind: 'login', input: { email: 'a@b', password: 'p' } });
    expect(codeOf(() => readTokenRequest(parseFormBody('refreshToken=a&refreshToken=b')))).toBe('ERR_INVALID_REQUEST');
    expect(codeOf(() => readTokenRequest(parseFormBody('email=a&email=b&password=p')))).toBe('ERR_INVALID_REQUEST');
  });

  it.each([
    ['no body', undefined],
    ['null', null],
    ['an array', [{ email: 'a@b', password: 'p' }]],
    ['a string', 'email=a@b'],
    [
      'a class instance',
      new (class Body {
        email = 'a@b';
        password = 'p';
      })(),
    ],
    ['an empty object', {}],
    ['both forms at once', { email: 'a@b', password: 'p', refreshToken: 'rt' }],
    ['a refresh with a password', { password: 'p', refreshToken: 'rt' }],
    ['an email only', { email: 'a@b' }],
    ['an empty password', { email: 'a@b', password: '' }],
    ['a non-string password', { email: 'a@b', password: 123 }],
    ['an empty refresh token', { refreshToken: '' }],
    ['a non-string refresh token', { refreshToken: { $ne: '' } }],
  ])('%s → ERR_INVALID_REQUEST', (_name, body) => {
    expect(codeOf(() => readTokenRequest(body))).toBe('ERR_INVALID_REQUEST');
  });

  it('reads an own email, never an inherited one', () => {
    const body = Object.create({ email: 'a@b', password: 'p' }) as object;
    expect(codeOf(() => readTokenRequest(body))).toBe('ERR_INVALID_REQUEST');
    expect(codeOf(() => readTokenRequest(JSON.parse('{"__proto__": {"refreshToken": "rt"}}')))).toBe('ERR_INVALID_REQUEST');
  });
});

describe('readRefreshToken', () => {
  it('exactly one non-empty string', () => {
    expect(readRefreshToken('rt')).toBe('rt');
    for (const value of [undefined, '', ['a', 'b'], [], ['a'], 1, null]) {
      expect(codeOf(() => readRefreshToken(value))).toBe('ERR_INVALID_REQUEST');
    }
  });
});

describe('parseFormBody', () => {
  it('decodes, keeps repeated fields as arrays, and has no prototype', () => {
    const form = parseFormBody('a=1&b=x+y%21&a=2&a=3&__proto__=p');
    expect(Object.keys(form)).toEqual(['a', 'b', '__proto__']);
    expect([form.a, form.b, Object.getOwnPropertyDescriptor(form, '__proto__')?.value]).toEqual([['1', '2', '3'], 'x y!', 'p']);
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect({ ...parseFormBody('') }).toEqual({});
  });

  it('collects many repeats of a field in one array (linear, not a copy per repeat)', () => {
    const form = parseFormBody('a&'.repeat(50_000));
    expect(form.a).toHaveLength(50_000);
  });
});

describe('readTokenRequest: RFC 6749 forms and ChatShipper SDK refresh', () => {
  it('grant_type=password reads username, password, scope and organization; other parameters are ignored', () => {
    expect(readTokenRequest(parseFormBody('grant_type=password&username=a%40b&password=p&scope=agent&client_id=web'))).toEqual({
      kind: 'login',
      input: { email: 'a@b', password: 'p', scope: 'agent' },
      grantType: 'password',
    });
    expect(readTokenRequest({ grant_type: 'password', username: 'a@b', password: 'p', organization: 'c1' })).toEqual({
      kind: 'login',
      input: { email: 'a@b', password: 'p', organization: 'c1' },
      grantType: 'password',
    });
  });

  it('grant_type=refresh_token reads refresh_token and scope, form or JSON', () => {
    expect(readTokenRequest(parseFormBody('grant_type=refresh_token&refresh_token=rt'))).toEqual({
      kind: 'refresh',
      refreshToken: 'rt',
      grantType: 'refresh_token',
    });
    expect(readTokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt', scope: 'guest' })).toEqual({
      kind: 'refresh',
      refreshToken: 'rt',
      scope: 'guest',
      grantType: 'refresh_token',
    });
  });

  it("ChatShipper's SDK refresh { clientId, refreshToken } is a refresh", () => {
    expect(readTokenRequest({ clientId: 'ada@example.com', refreshToken: 'rt' })).toEqual({ kind: 'refresh', refreshToken: 'rt' });
  });

  it('another grant_type is ERR_UNSUPPORTED_GRANT_TYPE; a missing, repeated or empty parameter ERR_INVALID_REQUEST', () => {
    for (const grant of ['client_credentials', 'authorization_code', 'PASSWORD']) {
      expect(
        codeOf(() => readTokenRequest({ grant_type: grant })),
        grant,
      ).toBe('ERR_UNSUPPORTED_GRANT_TYPE');
    }
    for (const body of [
      { grant_type: '' },
      { grant_type: ['password'] },
      { grant_type: 'password', username: 'a@b' },
      { grant_type: 'password', username: '', password: 'p' },
      { grant_type: 'password', password: 'p' },
      { grant_type: 'refresh_token' },
      { grant_type: 'refresh_token', refresh_token: 7 },
      { grant_type: 'refresh_token', refresh_token: 'rt', organization: 'c1' },
      { grant_type: 'refresh_token', refresh_token: 'rt', scope: ['agent'] },
      parseFormBody('grant_type=password&username=a&password=p&password=q'),
      parseFormBody('grant_type=password&grant_type=refresh_token'),
    ]) {
      expect(
        codeOf(() => readTokenRequest(body)),
        JSON.stringify(body),
      ).toBe('ERR_INVALID_REQUEST');
    }
  });
});
