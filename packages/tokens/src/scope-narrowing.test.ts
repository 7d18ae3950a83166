import fc from 'fast-check';
import { chatshipperLadder, isScopeladderError } from '@scopeladder/core';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { IDS, PASSWORD, expectCode, setup } from './test-fixtures.js';

const ADMIN = { email: 'admin@example.com', password: PASSWORD };

describe('scope narrowing (RFC 6749 §3.3): a scope asked for at login or refresh narrows, never widens', () => {
  it('an admin logging in as agent gets an agent session: the answer, the token and the ability', async () => {
    const { auth } = await setup();
    const tokens = await auth.login({ ...ADMIN, scope: 'agent' });
    expect(tokens.scope).toBe('agent');
    expect(decodeJwt(tokens.token).scope).toBe('agent');
    const { principal, ability } = await auth.authenticate(`Bearer ${tokens.token}`);
    expect(principal.scopes).toEqual(['agent']);
    expect(ability.can('create', 'Organization')).toBe(false);
  });

  it('a scope string names its highest scope ("guest agent" is agent); the role itself is no narrowing', async () => {
    const { auth } = await setup();
    expect((await auth.login({ ...ADMIN, scope: 'guest agent' })).scope).toBe('agent');
    expect((await auth.login({ ...ADMIN, scope: 'admin' })).scope).toBe('admin');
  });

  it('a wider scope is ERR_SCOPE_NOT_ALLOWED once the password is right; with a wrong one, the usual ERR_INVALID_CREDENTIALS', async () => {
    const { auth } = await setup();
    await expectCode(auth.login({ email: 'agent@example.com', password: PASSWORD, scope: 'admin' }), 'ERR_SCOPE_NOT_ALLOWED');
    // No oracle: the user's role is not told to who lacks the password.
    await expectCode(auth.login({ email: 'agent@example.com', password: 'wrong password', scope: 'admin' }), 'ERR_INVALID_CREDENTIALS');
    await expectCode(auth.login({ email: 'nobody@example.com', password: PASSWORD, scope: 'admin' }), 'ERR_INVALID_CREDENTIALS');
  });

  it('an unknown or malformed scope is refused before anyone is looked up', async () => {
    const { auth } = await setup();
    await expectCode(auth.login({ ...ADMIN, scope: 'root' }), 'ERR_SCOPE_NOT_ALLOWED');
    await expectCode(auth.login({ ...ADMIN, scope: 'agent root' }), 'ERR_SCOPE_NOT_ALLOWED');
    for (const scope of ['', 'agent  guest', ' agent', 'a"b']) {
      await expectCode(auth.login({ ...ADMIN, scope }), 'ERR_SCOPE_MALFORMED');
    }
  });

  it('the refreshed session keeps the narrowing, and a refresh may narrow further but never widen back', async () => {
    const { auth } = await setup();
    const first = await auth.login({ ...ADMIN, scope: 'bot' });
    const kept = await auth.refresh(first.refreshToken);
    expect(kept.scope).toBe('bot');
    expect(decodeJwt(kept.token).scope).toBe('bot');
    const lower = await auth.refresh(kept.refreshToken, {}, { scope: 'agent' });
    expect(lower.scope).toBe('agent');
    expect((await auth.refresh(lower.refreshToken)).scope).toBe('agent');
  });

  it('a refresh asking wider than the session holds is ERR_SCOPE_NOT_ALLOWED and hands out no token', async () => {
    const { auth } = await setup();
    const first = await auth.login({ ...ADMIN, scope: 'agent' });
    await expectCode(auth.refresh(first.refreshToken, {}, { scope: 'admin' }), 'ERR_SCOPE_NOT_ALLOWED');
    // The presented token was spent by the rotation: using it again is reuse.
    await expectCode(auth.refresh(first.refreshToken), 'ERR_REFRESH_REUSED');
  });

  it('a spent refresh token asking for any scope is still reuse (revoking the family), not a scope answer', async () => {
    const { auth } = await setup();
    const first = await auth.login(ADMIN);
    const second = await auth.refresh(first.refreshToken);
    await expectCode(auth.refresh(first.refreshToken, {}, { scope: 'admin' }), 'ERR_REFRESH_REUSED');
    await expectCode(auth.refresh(second.refreshToken), 'ERR_REFRESH_INVALID');
  });

  it('a role lowered below the narrowing wins: the session acts with the lower of the two', async () => {
    const { auth, directory } = await setup();
    const first = await auth.login({ ...ADMIN, scope: 'bot' });
    directory.update(IDS.admin, { role: 'agent' });
    expect((await auth.refresh(first.refreshToken)).scope).toBe('agent');
    directory.update(IDS.admin, { role: 'admin' });
  });
});

describe('scope narrowing: properties', () => {
  const USERS = [
    { email: 'admin@example.com', role: 'admin' },
    { email: 'agent@example.com', role: 'agent' },
    { email: 'guest@example.com', role: 'guest' },
  ] as const;
  const token = fc.constantFrom('guest', 'agent', 'bot', 'admin', 'viewer-x', 'root');
  const scopeString = fc.uniqueArray(token, { minLength: 1, maxLength: 4 }).map((tokens) => tokens.join(' '));
  const rank = (scope: string): number => chatshipperLadder.rank(scope);
  const highest = (scope: string): number => Math.max(...scope.split(' ').map(rank));
  const known = (scope: string): boolean => scope.split(' ').every((part) => rank(part) >= 0);

  it('a session never holds more than the role, nor than any scope asked for on the way; refused asks are ERR_SCOPE_NOT_ALLOWED', async () => {
    const { auth } = await setup();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...USERS), scopeString, fc.option(scopeString, { nil: undefined }), async (user, atLogin, atRefresh) => {
        let tokens;
        try {
          tokens = await auth.login({ email: user.email, password: PASSWORD, scope: atLogin });
        } catch (error) {
          expect(isScopeladderError(error) && error.code).toBe('ERR_SCOPE_NOT_ALLOWED');
          expect(!known(atLogin) || highest(atLogin) > rank(user.role)).toBe(true);
          return;
        }
        expect(known(atLogin) && highest(atLogin) <= rank(user.role)).toBe(true);
        expect(rank(tokens.scope)).toBe(highest(atLogin));
        let refreshed;
        try {
          refreshed = await auth.refresh(tokens.refreshToken, {}, atRefresh === undefined ? {} : { scope: atRefresh });
        } catch (error) {
          expect(isScopeladderError(error) && error.code).toBe('ERR_SCOPE_NOT_ALLOWED');
          expect(atRefresh !== undefined && (!known(atRefresh) || highest(atRefresh) > rank(tokens.scope))).toBe(true);
          return;
        }
        expect(rank(refreshed.scope)).toBeLessThanOrEqual(rank(tokens.scope));
        expect(rank(refreshed.scope)).toBe(atRefresh === undefined ? rank(tokens.scope) : highest(atRefresh));
        const { principal } = await auth.authenticate(`Bearer ${refreshed.token}`);
        expect(principal.scopes).toEqual([refreshed.scope]);
      }),
      { numRuns: 60 },
    );
  });
});
