import { chatshipperLadder } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_BODY_LIMIT } from './read-body.js';
import { resolveTokenRoutesOptions } from './resolve-token-routes-options.js';

describe('resolveTokenRoutesOptions', () => {
  it('fills in the defaults and keeps what is given', () => {
    expect(resolveTokenRoutesOptions()).toEqual({
      path: '/v2/auth/token',
      bodyLimit: DEFAULT_TOKEN_BODY_LIMIT,
      revocationPath: '/v2/auth/revoke',
      introspectionPath: '/v2/auth/introspect',
      introspection: { scope: undefined, client: null },
    });
    expect(DEFAULT_TOKEN_BODY_LIMIT).toBe(16 * 1024);
    expect(resolveTokenRoutesOptions({ path: '/token', bodyLimit: 1, revocationPath: false, introspectionPath: '/inspect' })).toMatchObject({
      path: '/token',
      bodyLimit: 1,
      revocationPath: null,
      introspectionPath: '/inspect',
    });
    const secret = 'x'.repeat(32);
    expect(
      resolveTokenRoutesOptions({ introspection: { scope: false, client: { id: 'billing', secret } } }, 'w', chatshipperLadder).introspection,
    ).toEqual({
      scope: null,
      client: { id: 'billing', secret },
    });
    expect(resolveTokenRoutesOptions({ introspection: { scope: 'bot' } }, 'w', chatshipperLadder).introspection.scope).toBe('bot');
  });

  it.each([
    ['a relative path', { path: 'token' }],
    ['an empty path', { path: '' }],
    ['a zero limit', { bodyLimit: 0 }],
    ['a negative limit', { bodyLimit: -1 }],
    ['a fractional limit', { bodyLimit: 1.5 }],
    ['a string limit', { bodyLimit: '16kb' }],
    ['null options', null],
    ['a relative revocation path', { revocationPath: 'revoke' }],
    ['an introspection path of true', { introspectionPath: true }],
    ['two endpoints on one path', { path: '/a', revocationPath: '/a' }],
    ['an introspection scope not of the ladder', { introspection: { scope: 'root' } }],
    ['a short client secret', { introspection: { client: { id: 'c', secret: 'short' } } }],
    ['a client id with a colon', { introspection: { client: { id: 'a:b', secret: 'x'.repeat(32) } } }],
    ['no caller at all', { introspection: { scope: false } }],
    ['introspection not an object', { introspection: 'admin' }],
  ])('%s is a TypeError naming where', (_name, options) => {
    expect(() => resolveTokenRoutesOptions(options as never, 'tokenRoutes', chatshipperLadder)).toThrow(TypeError);
    expect(() => resolveTokenRoutesOptions(options as never, 'tokenRoutes', chatshipperLadder)).toThrow(/^tokenRoutes: /);
  });
});
