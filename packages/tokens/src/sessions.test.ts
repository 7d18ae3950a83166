import type { ScopeladderError } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { createAuthService } from './create-auth-service.js';
import { createMemoryStore } from './create-memory-store.js';
import { hashPassword } from './hash-password.js';
import { FAST_SCRYPT, IDS, PASSWORD, SECRET, expectCode, setup } from './test-fixtures.js';

// endSessionsOfUser and confirmPassword (issue #11, items 3 and 4), on the memory store with a
// fake clock. The same store operation runs on Redis in the store contract suite.

const HOUR = 3_600_000;

describe('endSessionsOfUser', () => {
  it('ends every session of the user at once: cached access tokens answer ERR_TOKEN_REVOKED, refresh tokens fail', async () => {
    const { auth } = await setup();
    const first = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const second = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const rotated = await auth.refresh(second.refreshToken);
    const admin = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    // Verified once: the next checks are answered from the verified-token cache.
    for (const token of [first.token, second.token, rotated.token, admin.token]) await auth.authenticate(`Bearer ${token}`);

    expect(await auth.endSessionsOfUser(IDS.agent)).toBe(2);

    for (const token of [first.token, second.token, rotated.token]) {
      await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_REVOKED');
    }
    for (const refreshToken of [first.refreshToken, rotated.refreshToken]) {
      await expectCode(auth.refresh(refreshToken), 'ERR_REFRESH_INVALID');
    }
    // Someone else's session goes on.
    await expect(auth.authenticate(`Bearer ${admin.token}`)).resolves.toMatchObject({ principal: { id: IDS.admin } });
    await expect(auth.refresh(admin.refreshToken)).resolves.toBeDefined();
  });

  it('lets a new login work at once, in the same second as the change (no iat comparison)', async () => {
    const { auth, directory } = await setup();
    const before = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    directory.update(IDS.admin, { role: 'agent' });
    await auth.endSessionsOfUser(IDS.admin);
    const after = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    expect(after.scope).toBe('agent');
    await expectCode(auth.authenticate(`Bearer ${before.token}`), 'ERR_TOKEN_REVOKED');
    const { principal } = await auth.authenticate(`Bearer ${after.token}`);
    expect(principal.scopes).toEqual(['agent']);
  });

  it("keeps the `except` session (the caller's own) and ends the others", async () => {
    const { auth } = await setup();
    const mine = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const other = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const { token } = await auth.authenticate(`Bearer ${mine.token}`);
    if (token.kind !== 'jwt') throw new Error('expected a JWT session');

    expect(await auth.endSessionsOfUser(IDS.agent, { except: token.familyId })).toBe(1);
    await expect(auth.authenticate(`Bearer ${mine.token}`)).resolves.toBeDefined();
    await expect(auth.refresh(mine.refreshToken)).resolves.toBeDefined();
    await expectCode(auth.authenticate(`Bearer ${other.token}`), 'ERR_TOKEN_REVOKED');
  });

  it('keeps an access token revoked for its whole life, even when it outlives its refresh token', async () => {
    const { auth, clock } = await setup({ accessTokenTtl: '24h', refreshTokenTtl: '1m' });
    const session = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    clock.advance(2 * 60_000); // the refresh token expired; the access token lives on
    expect(await auth.endSessionsOfUser(IDS.agent)).toBe(1);
    await expectCode(auth.authenticate(`Bearer ${session.token}`), 'ERR_TOKEN_REVOKED');
    clock.advance(23 * HOUR);
    await expectCode(auth.authenticate(`Bearer ${session.token}`), 'ERR_TOKEN_REVOKED');
    clock.advance(HOUR);
    await expectCode(auth.authenticate(`Bearer ${session.token}`), 'ERR_TOKEN_EXPIRED');
  });

  it('answers 0 when there is nothing to end, and ends nothing of other users', async () => {
    const { auth } = await setup();
    const admin = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    expect(await auth.endSessionsOfUser(IDS.guest)).toBe(0);
    expect(await auth.endSessionsOfUser('ffffffffffffffffffffffff')).toBe(0);
    await expect(auth.authenticate(`Bearer ${admin.token}`)).resolves.toBeDefined();
  });

  it('leaves API keys alone: a bot follows its directory record live', async () => {
    const { auth } = await setup();
    const key = await auth.createApiKey(IDS.bot, ['bot']);
    expect(await auth.endSessionsOfUser(IDS.bot)).toBe(0);
    await expect(auth.authenticate(`Bearer ${key.apiKey}`)).resolves.toMatchObject({ token: { kind: 'apiKey' } });
  });

  it('refuses a missing user id or a malformed `except` with ERR_INVALID_REQUEST', async () => {
    const { auth } = await setup();
    await expectCode(auth.endSessionsOfUser(''), 'ERR_INVALID_REQUEST');
    await expectCode(auth.endSessionsOfUser(42 as never), 'ERR_INVALID_REQUEST');
    await expectCode(auth.endSessionsOfUser(IDS.agent, { except: '' }), 'ERR_INVALID_REQUEST');
    await expectCode(auth.endSessionsOfUser(IDS.agent, null as never), 'ERR_INVALID_REQUEST');
  });

  it('fails closed with ERR_STORE_UNAVAILABLE when the store fails', async () => {
    const store = createMemoryStore();
    const { auth } = await setup({
      store: {
        ...store,
        revokeFamiliesOfUser: async () => {
          throw new Error('connection reset');
        },
      },
    });
    const error = await expectCode(auth.endSessionsOfUser(IDS.agent), 'ERR_STORE_UNAVAILABLE');
    expect(error.message).not.toContain('connection reset');
  });

  it('refuses at construction a store without revokeFamiliesOfUser (TypeError)', async () => {
    const { revokeFamiliesOfUser: _missing, ...incomplete } = createMemoryStore();
    expect(() =>
      createAuthService({
        directory: { findById: async () => null, findByEmail: async () => null },
        store: incomplete as never,
        keys: { algorithm: 'HS256', secret: SECRET },
      }),
    ).toThrow(/revokeFamiliesOfUser/);
  });
});

describe('login racing a privilege change', () => {
  it('a role change written while the password is checked never yields a token with the old role', async () => {
    const { directory } = await setup();
    const auth: ReturnType<typeof createAuthService> = createAuthService({
      directory: {
        findById: (id) => directory.findById(id),
        findByEmail: (email) => directory.findByEmail(email),
        // The demotion lands (directory write, then endSessionsOfUser) during the password check.
        verifyPassword: async (user, password) => {
          directory.update(user.id, { role: 'agent' });
          await auth.endSessionsOfUser(user.id);
          return password === PASSWORD;
        },
      },
      keys: { algorithm: 'HS256', secret: SECRET },
      passwordHashOptions: FAST_SCRYPT,
    });
    const session = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    expect(session.scope).toBe('agent');
    const { principal } = await auth.authenticate(`Bearer ${session.token}`);
    expect(principal.scopes).toEqual(['agent']);
  });

  it('a password change written while the old password is checked ends that login', async () => {
    const { directory } = await setup();
    const newHash = await hashPassword('a brand new password', FAST_SCRYPT);
    const store = createMemoryStore();
    const auth: ReturnType<typeof createAuthService> = createAuthService({
      directory: {
        findById: (id) => directory.findById(id),
        findByEmail: async (email) => {
          const user = await directory.findByEmail(email);
          // The owner changes the password right after this read: the login verifies the old hash.
          if (user !== null) {
            directory.update(user.id, { passwordHash: newHash });
            await auth.endSessionsOfUser(user.id);
          }
          return user;
        },
      },
      store,
      keys: { algorithm: 'HS256', secret: SECRET },
      passwordHashOptions: FAST_SCRYPT,
    });
    await expectCode(auth.login({ email: 'agent@example.com', password: PASSWORD }), 'ERR_INVALID_CREDENTIALS');
    // The session it had stored is revoked, not left behind.
    expect(store.size().revokedFamilies).toBe(1);
  });
});

describe('confirmPassword', () => {
  it("resolves for the user's current password", async () => {
    const { auth } = await setup();
    await expect(auth.confirmPassword(IDS.agent, PASSWORD)).resolves.toBeUndefined();
  });

  it('rejects ERR_CURRENT_PASSWORD_INVALID for a wrong, missing or over-long password, an unknown user and a bot', async () => {
    const { auth } = await setup();
    const cases: [string, unknown][] = [
      [IDS.agent, 'wrong password'],
      [IDS.agent, ''],
      [IDS.agent, undefined],
      [IDS.agent, 42],
      [IDS.agent, 'x'.repeat(1025)],
      ['ffffffffffffffffffffffff', PASSWORD],
      [IDS.bot, PASSWORD],
    ];
    for (const [userId, password] of cases) {
      const error = await expectCode(auth.confirmPassword(userId, password as string), 'ERR_CURRENT_PASSWORD_INVALID');
      if (typeof password === 'string' && password.length >= 8) expect(error.message).not.toContain(password);
    }
  });

  it('counts as a failed login: 10 wrong → ERR_LOGIN_THROTTLED with retryAfter, and the login of that email too', async () => {
    const { auth, clock } = await setup();
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await expectCode(auth.confirmPassword(IDS.agent, `wrong ${attempt}`), 'ERR_CURRENT_PASSWORD_INVALID');
    }
    const throttled = (await expectCode(auth.confirmPassword(IDS.agent, PASSWORD), 'ERR_LOGIN_THROTTLED')) as ScopeladderError;
    expect(throttled.retryAfter).toBe(900);
    await expectCode(auth.login({ email: 'agent@example.com', password: PASSWORD }), 'ERR_LOGIN_THROTTLED');
    // Other users are not affected; the window ends.
    await expect(auth.confirmPassword(IDS.admin, PASSWORD)).resolves.toBeUndefined();
    clock.advance(900_000);
    await expect(auth.confirmPassword(IDS.agent, PASSWORD)).resolves.toBeUndefined();
  });

  it('shares one budget with login, and a right password gives its attempt back as a login does', async () => {
    const { auth } = await setup({ throttle: { maxFailuresPerEmailAndSource: 3 } });
    await expectCode(auth.login({ email: 'agent@example.com', password: 'x' }), 'ERR_INVALID_CREDENTIALS');
    await expectCode(auth.confirmPassword(IDS.agent, 'x'), 'ERR_CURRENT_PASSWORD_INVALID');
    await auth.confirmPassword(IDS.agent, PASSWORD);
    await expectCode(auth.confirmPassword(IDS.agent, 'x'), 'ERR_CURRENT_PASSWORD_INVALID');
    await expectCode(auth.login({ email: 'agent@example.com', password: 'x' }), 'ERR_INVALID_CREDENTIALS');
    await auth.login({ email: 'agent@example.com', password: PASSWORD });
  });

  it('counts per source too', async () => {
    const { auth } = await setup({ throttle: { maxFailuresPerSource: 2, window: '1m' } });
    const source = { source: '203.0.113.5' };
    await expectCode(auth.confirmPassword(IDS.agent, 'x', source), 'ERR_CURRENT_PASSWORD_INVALID');
    await expectCode(auth.confirmPassword(IDS.admin, 'x', source), 'ERR_CURRENT_PASSWORD_INVALID');
    await expectCode(auth.confirmPassword(IDS.guest, PASSWORD, source), 'ERR_LOGIN_THROTTLED');
    await expect(auth.confirmPassword(IDS.guest, PASSWORD)).resolves.toBeUndefined();
  });

  it('refuses a missing user id with ERR_INVALID_REQUEST', async () => {
    const { auth } = await setup();
    await expectCode(auth.confirmPassword('', PASSWORD), 'ERR_INVALID_REQUEST');
  });
});
