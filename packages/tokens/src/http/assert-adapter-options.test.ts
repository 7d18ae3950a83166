import { chatshipperPolicy } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { setup } from '../test-fixtures.js';
import { assertAdapterOptions } from './assert-adapter-options.js';

const EITHER = 'options.service (createAuthService or createJwtVerifier from @scopeladder/tokens) or options.resolvePrincipal with options.policy';
const resolvePrincipal = () => null;

describe('assertAdapterOptions', () => {
  it('accepts a service from createAuthService, with or without onError', async () => {
    const { auth } = await setup();
    expect(() => assertAdapterOptions({ service: auth }, 'createMyAdapter')).not.toThrow();
    expect(() => assertAdapterOptions({ service: auth, onError: () => undefined, other: 1 }, 'createMyAdapter')).not.toThrow();
  });

  it('accepts any Authenticator as the service: a policy, http options and authenticate', () => {
    const authenticator = { policy: chatshipperPolicy, http: {}, authenticate: () => Promise.reject(new Error('unused')) };
    expect(() => assertAdapterOptions({ service: authenticator }, 'createMyAdapter')).not.toThrow();
  });

  it('accepts resolvePrincipal with a policy, and http options', () => {
    expect(() => assertAdapterOptions({ policy: chatshipperPolicy, resolvePrincipal }, 'createMyAdapter')).not.toThrow();
    expect(() =>
      assertAdapterOptions({ policy: chatshipperPolicy, resolvePrincipal, http: { expiredTokenStatus: 401 } }, 'createMyAdapter'),
    ).not.toThrow();
  });

  it.each([undefined, null, 'options'])('options %j → TypeError', (options) => {
    expect(() => assertAdapterOptions(options, 'createMyAdapter')).toThrow(new TypeError('createMyAdapter: options are required'));
  });

  it('neither a service nor resolvePrincipal → TypeError naming both', () => {
    expect(() => assertAdapterOptions({}, 'createMyAdapter')).toThrow(new TypeError(`createMyAdapter: ${EITHER} is required`));
  });

  it.each([
    ['resolvePrincipal', { resolvePrincipal }],
    ['a policy', { policy: chatshipperPolicy }],
    ['http options', { http: {} }],
  ])('a service and %s → TypeError: exactly one way to authenticate', async (_name, extra) => {
    const { auth } = await setup();
    expect(() => assertAdapterOptions({ service: auth, ...extra }, 'createMyAdapter')).toThrow(
      new TypeError(`createMyAdapter: give ${EITHER}, not both (a service brings its own policy and http options)`),
    );
  });

  it.each([
    ['a string', 'service'],
    ['an empty object', {}],
    ['a service without a policy', { authenticate() {}, login() {}, refresh() {}, logout() {}, policy: null, http: {} }],
    ['a service without http options', { authenticate() {}, policy: chatshipperPolicy }],
  ])('%s as the service → TypeError naming where', (_name, service) => {
    expect(() => assertAdapterOptions({ service }, 'createMyAdapter')).toThrow(
      new TypeError(
        'createMyAdapter: options.service must be an AuthService or an Authenticator (createAuthService or createJwtVerifier from @scopeladder/tokens)',
      ),
    );
  });

  it.each([
    [
      'resolvePrincipal without a policy',
      { resolvePrincipal },
      'options.policy must be a policy (definePolicy or chatshipperPolicy from @scopeladder/core)',
    ],
    [
      'a policy without resolvePrincipal',
      { policy: chatshipperPolicy },
      'options.resolvePrincipal must be a function (request) => principal | null, given with options.policy',
    ],
    [
      'resolvePrincipal that is not a function',
      { policy: chatshipperPolicy, resolvePrincipal: 'req.user' },
      'options.resolvePrincipal must be a function (request) => principal | null, given with options.policy',
    ],
    [
      'a policy that is not one',
      { policy: {}, resolvePrincipal },
      'options.policy must be a policy (definePolicy or chatshipperPolicy from @scopeladder/core)',
    ],
    [
      'http options that are not an object',
      { policy: chatshipperPolicy, resolvePrincipal, http: 401 },
      "options.http must be core's HttpErrorOptions",
    ],
  ])('%s → TypeError', (_name, options, message) => {
    expect(() => assertAdapterOptions(options, 'createMyAdapter')).toThrow(new TypeError(`createMyAdapter: ${message}`));
  });

  it('an onError that is not a function → TypeError', async () => {
    const { auth } = await setup();
    expect(() => assertAdapterOptions({ service: auth, onError: 'log' }, 'createMyAdapter')).toThrow(
      new TypeError('createMyAdapter: onError must be a function'),
    );
  });
});
