import { ScopeladderError, chatshipperPolicy, type Principal } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { PASSWORD, setup } from '../test-fixtures.js';
import { resolveAdapterAuth } from './resolve-adapter-auth.js';

interface FakeRequest {
  readonly user?: unknown;
}

const noHeaders = { headers: {} };

function over(resolvePrincipal: (request: FakeRequest) => unknown) {
  return resolveAdapterAuth<FakeRequest>({ policy: chatshipperPolicy, resolvePrincipal: resolvePrincipal as never }, 'createX');
}

describe('resolveAdapterAuth', () => {
  it("with resolvePrincipal: the function's principal (sync or async), the policy's ability, token kind application", async () => {
    const agent: Principal = { id: 'u1', scopes: ['agent'], organization: 'c1', organizationPath: 'r1#c1', email: 'a@example.com' };
    for (const auth of [over((request) => request.user), over(async (request) => request.user)]) {
      const context = await auth.authenticate({ user: agent }, noHeaders);
      expect(context.principal).toEqual(agent);
      expect(Object.isFrozen(context.principal)).toBe(true);
      expect(context.token).toEqual({ kind: 'application' });
      expect(context.ability.can('list', 'Conversation')).toBe(true);
      expect(context.ability.can('delete', 'User')).toBe(false);
      expect(auth.policy).toBe(chatshipperPolicy);
      expect(auth.service).toBeUndefined();
    }
  });

  it('a principal changed by the application afterwards changes nothing: the adapter keeps a copy', async () => {
    const scopes = ['guest'];
    const context = await over(() => ({ id: 'u1', scopes })).authenticate({}, noHeaders);
    scopes.push('admin');
    expect(context.principal.scopes).toEqual(['guest']);
  });

  it.each([null, undefined])('%s (anonymous) → ERR_AUTH_REQUIRED', async (anonymous) => {
    await expect(over(() => anonymous).authenticate({}, noHeaders)).rejects.toMatchObject({ code: 'ERR_AUTH_REQUIRED' });
    await expect(over(async () => anonymous).authenticate({}, noHeaders)).rejects.toMatchObject({ code: 'ERR_AUTH_REQUIRED' });
  });

  it('a ScopeladderError thrown or rejected keeps its code; any other error is passed on as it is (the adapter answers 500)', async () => {
    const expired = new ScopeladderError('ERR_TOKEN_EXPIRED', 'The session expired');
    await expect(
      over(() => {
        throw expired;
      }).authenticate({}, noHeaders),
    ).rejects.toBe(expired);
    await expect(over(() => Promise.reject(expired)).authenticate({}, noHeaders)).rejects.toBe(expired);
    const bug = new Error('session store down');
    await expect(
      over(() => {
        throw bug;
      }).authenticate({}, noHeaders),
    ).rejects.toBe(bug);
  });

  it.each([
    ['a string', 'u1', 'resolvePrincipal must return a principal, null or undefined'],
    ['no id', { scopes: ['admin'] }, "the principal's id must be a non-empty string"],
    ['an empty id', { id: '', scopes: ['admin'] }, "the principal's id must be a non-empty string"],
    ['scopes as a string', { id: 'u1', scopes: 'admin' }, "the principal's scopes must be an array of strings"],
    ['a non-string scope', { id: 'u1', scopes: [1] }, "the principal's scopes must be an array of strings"],
    ['an unknown kind', { id: 'u1', scopes: [], kind: 'service' }, 'the principal\'s kind must be "user", "bot" or undefined'],
    [
      'an organization that is not a string',
      { id: 'u1', scopes: [], organization: 7 },
      "the principal's organization and organizationPath must be strings or undefined",
    ],
  ])('a principal with %s → TypeError (the application’s bug: a 500), naming no value', async (_name, returned, message) => {
    await expect(over(() => returned).authenticate({}, noHeaders)).rejects.toThrow(new TypeError(`createX: ${message}`));
  });

  it('with resolvePrincipal, the token endpoint and discovery routes are a TypeError', () => {
    expect(() => over(() => null).tokenService('createX: tokenRoutes')).toThrow(/^createX: tokenRoutes: unavailable with resolvePrincipal/);
  });

  it("with a service: its policy, http options and authenticate of the request's Authorization header", async () => {
    const { auth: service } = await setup();
    const auth = resolveAdapterAuth<FakeRequest>({ service }, 'createX');
    expect(auth.policy).toBe(service.policy);
    expect(auth.http).toBe(service.http);
    expect(auth.tokenService('createX: tokenRoutes')).toBe(service);
    const { token } = await service.login({ email: 'admin@example.com', password: PASSWORD });
    const context = await auth.authenticate({}, { rawHeaders: ['Authorization', `Bearer ${token}`] });
    expect(context.principal.scopes).toEqual(['admin']);
    await expect(auth.authenticate({}, noHeaders)).rejects.toMatchObject({ code: 'ERR_AUTH_REQUIRED' });
  });

  it('with an Authenticator that is not the full service, the token endpoint is a TypeError', () => {
    const verifier = { policy: chatshipperPolicy, http: {}, authenticate: () => Promise.reject(new Error('unused')) };
    const auth = resolveAdapterAuth({ service: verifier }, 'createX');
    expect(auth.service).toBeUndefined();
    expect(() => auth.tokenService('createX: tokenRoutes')).toThrow(/^createX: tokenRoutes: needs the auth service of createAuthService/);
  });

  it('a service that throws instead of rejecting: a rejection', async () => {
    const bug = new Error('bug');
    const thrower = {
      policy: chatshipperPolicy,
      http: {},
      authenticate: () => {
        throw bug;
      },
    };
    await expect(resolveAdapterAuth({ service: thrower }, 'createX').authenticate({}, noHeaders)).rejects.toBe(bug);
  });
});
