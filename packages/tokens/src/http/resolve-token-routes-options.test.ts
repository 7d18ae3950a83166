import { describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_BODY_LIMIT } from './read-body.js';
import { resolveTokenRoutesOptions } from './resolve-token-routes-options.js';

describe('resolveTokenRoutesOptions', () => {
  it('fills in the defaults and keeps what is given', () => {
    expect(resolveTokenRoutesOptions()).toEqual({ path: '/v2/auth/token', bodyLimit: DEFAULT_TOKEN_BODY_LIMIT });
    expect(DEFAULT_TOKEN_BODY_LIMIT).toBe(16 * 1024);
    expect(resolveTokenRoutesOptions({ path: '/token', bodyLimit: 1 })).toEqual({ path: '/token', bodyLimit: 1 });
  });

  it.each([
    ['a relative path', { path: 'token' }],
    ['an empty path', { path: '' }],
    ['a zero limit', { bodyLimit: 0 }],
    ['a negative limit', { bodyLimit: -1 }],
    ['a fractional limit', { bodyLimit: 1.5 }],
    ['a string limit', { bodyLimit: '16kb' }],
    ['null options', null],
  ])('%s is a TypeError naming where', (_name, options) => {
    expect(() => resolveTokenRoutesOptions(options as never, 'tokenRoutes')).toThrow(TypeError);
    expect(() => resolveTokenRoutesOptions(options as never, 'tokenRoutes')).toThrow(/^tokenRoutes: /);
  });
});
