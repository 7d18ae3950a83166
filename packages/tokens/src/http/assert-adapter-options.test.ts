import { describe, expect, it } from 'vitest';
import { setup } from '../test-fixtures.js';
import { assertAdapterOptions } from './assert-adapter-options.js';

describe('assertAdapterOptions', () => {
  it('accepts a service from createAuthService, with or without onError', async () => {
    const { auth } = await setup();
    expect(() => assertAdapterOptions({ service: auth }, 'createMyAdapter')).not.toThrow();
    expect(() => assertAdapterOptions({ service: auth, onError: () => undefined, other: 1 }, 'createMyAdapter')).not.toThrow();
  });

  it.each([undefined, null, 'options'])('options %j → TypeError', (options) => {
    expect(() => assertAdapterOptions(options, 'createMyAdapter')).toThrow(new TypeError('createMyAdapter: options are required'));
  });

  it.each([
    ['no service', undefined],
    ['a string', 'service'],
    ['an empty object', {}],
    ['a service without a policy', { authenticate() {}, login() {}, refresh() {}, logout() {}, policy: null }],
    ['a service without logout', { authenticate() {}, login() {}, refresh() {}, policy: {} }],
  ])('%s as the service → TypeError naming where', (_name, service) => {
    expect(() => assertAdapterOptions({ service }, 'createMyAdapter')).toThrow(
      new TypeError('createMyAdapter: options.service must be an AuthService (createAuthService from @scopeladder/tokens)'),
    );
  });

  it('an onError that is not a function → TypeError', async () => {
    const { auth } = await setup();
    expect(() => assertAdapterOptions({ service: auth, onError: 'log' }, 'createMyAdapter')).toThrow(
      new TypeError('createMyAdapter: onError must be a function'),
    );
  });
});
