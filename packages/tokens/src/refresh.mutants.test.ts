// Tests for mutants of operations/refresh.ts and lib/scopes.ts that survived the tokens tests
// (issue "Test strength"). Each fails with its mutant applied. See docs/testing.md, "tokens".
// The store here is the real memory store with ONE answer changed (a record as a broken or
// tampered store would hand it back): refresh must refuse it as an invalid token, before rotating.
import { definePolicy } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './create-memory-store.js';
import type { ApiKeyRecord, RefreshTokenRecord, TokenStore } from './store.js';
import { HS_HEADER, IDS, PASSWORD, T0, claims, expectCode, hmacJwt, setup } from './test-fixtures.js';

/** A memory store whose next `findRefreshToken` answer (only the next one) is `change(record)`. */
function storeAnsweringOnce(change: (record: RefreshTokenRecord | null) => unknown): TokenStore & { armed: boolean } {
  const store = createMemoryStore();
  const wrapped = {
    ...store,
    armed: false,
    async findRefreshToken(digest: string) {
      const record = await store.findRefreshToken(digest);
      if (!wrapped.armed) return record;
      wrapped.armed = false;
      return change(record) as RefreshTokenRecord | null;
    },
  };
  return wrapped;
}

describe('refresh refuses a stored record it cannot trust, without rotating it', () => {
  it.each([
    ['no record at all (undefined)', () => undefined],
    ['a digest that is not a string', (record: RefreshTokenRecord | null) => ({ ...record, digest: 5 })],
    ['a family id that is not a string', (record: RefreshTokenRecord | null) => ({ ...record, familyId: 5 })],
    ['an organization that is not an id', (record: RefreshTokenRecord | null) => ({ ...record, organization: '' })],
    ['a scope the ladder does not know', (record: RefreshTokenRecord | null) => ({ ...record, scope: 'superuser' })],
  ])('%s: ERR_REFRESH_INVALID, and the token is still current', async (_name, change) => {
    const store = storeAnsweringOnce(change);
    const { auth } = await setup({ store });
    const session = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    store.armed = true;
    const error = await expectCode(auth.refresh(session.refreshToken), 'ERR_REFRESH_INVALID');
    expect(error.message).toBe('Invalid refresh token');
    // Nothing was rotated or revoked: the genuine record still refreshes (no reuse detected).
    expect((await auth.refresh(session.refreshToken)).scope).toBe('admin');
  });

  it('a rotation answer that is not an object: ERR_REFRESH_INVALID', async () => {
    const base = createMemoryStore();
    const store: TokenStore = { ...base, rotateRefreshToken: async () => undefined as never };
    const { auth } = await setup({ store });
    const session = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    expect((await expectCode(auth.refresh(session.refreshToken), 'ERR_REFRESH_INVALID')).message).toBe('Invalid refresh token');
  });

  it('reuse says so', async () => {
    const { auth } = await setup();
    const session = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    await auth.refresh(session.refreshToken);
    const error = await expectCode(auth.refresh(session.refreshToken), 'ERR_REFRESH_REUSED');
    expect(error.message).toBe('Refresh token reuse detected; the session was revoked');
  });
});

describe('scopes asked for, and scopes held', () => {
  it('a scope asked for is read with the policy’s own ladder', async () => {
    const policy = definePolicy({ scopes: ['guest', 'member'], matrix: { Doc: { read: 'guest', edit: 'member' } } });
    const { auth, directory } = await setup({ policy: policy as never });
    directory.update(IDS.guest, { role: 'member' });
    const session = await auth.login({ email: 'guest@example.com', password: PASSWORD, scope: 'member' });
    expect(session.scope).toBe('member');
    expect((await auth.refresh(session.refreshToken, undefined, { scope: 'guest' })).scope).toBe('guest');
  });

  it('each refusal says what is wrong', async () => {
    const { auth } = await setup();
    const unknown = await expectCode(auth.login({ email: 'agent@example.com', password: PASSWORD, scope: 'superuser' }), 'ERR_SCOPE_NOT_ALLOWED');
    expect(unknown.message).toBe('The scope asked for is not one of this service');
    const session = await auth.login({ email: 'admin@example.com', password: PASSWORD, scope: 'agent' });
    const wider = await expectCode(auth.refresh(session.refreshToken, undefined, { scope: 'admin' }), 'ERR_SCOPE_NOT_ALLOWED');
    expect(wider.message).toBe('The scope asked for is wider than the session holds');
    const malformed = `Bearer ${hmacJwt(HS_HEADER, claims(T0, { scope: 'admin  agent' }))}`;
    expect((await expectCode(auth.authenticate(malformed), 'ERR_TOKEN_INVALID')).message).toBe('Invalid access token');
  });

  it('an API key scope the ladder no longer knows grants nothing (and is not listed)', async () => {
    const base = createMemoryStore();
    const store: TokenStore = {
      ...base,
      async findApiKey(digest: string) {
        const record = await base.findApiKey(digest);
        return record === null ? null : ({ ...record, scopes: ['retired', ...record.scopes] } satisfies ApiKeyRecord);
      },
    };
    const { auth } = await setup({ store });
    const { apiKey } = await auth.createApiKey(IDS.bot, ['agent']);
    expect((await auth.authenticate(`Bearer ${apiKey}`)).principal.scopes).toEqual(['agent']);
  });
});
