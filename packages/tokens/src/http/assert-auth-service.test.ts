import { describe, expect, it } from 'vitest';
import { setup } from '../test-fixtures.js';
import { assertAuthService } from './assert-auth-service.js';

describe('assertAuthService', () => {
  it('accepts a service from createAuthService', async () => {
    const { auth } = await setup();
    expect(() => assertAuthService(auth, 'createMyAdapter: options.service')).not.toThrow();
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'service'],
    ['an empty object', {}],
    ['a service without a policy', { authenticate() {}, login() {}, refresh() {}, logout() {}, policy: null }],
    ['a service without logout', { authenticate() {}, login() {}, refresh() {}, policy: {} }],
  ])('%s is a TypeError naming where', (_name, value) => {
    expect(() => assertAuthService(value, 'createMyAdapter: options.service')).toThrow(
      new TypeError('createMyAdapter: options.service must be an AuthService (createAuthService from @scopeladder/tokens)'),
    );
  });
});
