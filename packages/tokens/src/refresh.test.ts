import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { IDS, PASSWORD, expectCode, setup } from './test-fixtures.js';

const REFRESH = /^[0-9a-f]{24}\.[0-9a-f]{80}$/;

describe('refresh', () => {
  it('rotates: a new access token and a new refresh token of the same family; the old one is spent', async () => {
    const { auth } = await setup();
    const first = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const second = await auth.refresh(first.refreshToken);
    expect(second).toMatchObject({ tokenType: 'Bearer', user: IDS.agent, scope: 'agent' });
    expect(second.refreshToken).toMatch(REFRESH);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.token).not.toBe(first.token);
    expect(decodeJwt(second.token)['sid']).toBe(decodeJwt(first.token)['sid']);
    // Both access tokens work until something revokes the family.
    await expect(auth.authenticate(`Bearer ${second.token}`)).resolves.toBeDefined();
    await expect(auth.authenticate(`Bearer ${first.token}`)).resolves.toBeDefined();
    const third = await auth.refresh(second.refreshToken);
    expect(third.refreshToken).toMatch(REFRESH);
  });

  it('detects reuse: the replay fails with ERR_REFRESH_REUSED and the whole family is revoked', async () => {
    const { auth } = await setup();
    const first = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const second = await auth.refresh(first.refreshToken);
    await auth.authenticate(`Bearer ${second.token}`); // cached: revocation must still reach it
    await expectCode(auth.refresh(first.refreshToken), 'ERR_REFRESH_REUSED');
    await expectCode(auth.refresh(second.refreshToken), 'ERR_REFRESH_INVALID');
    await expectCode(auth.authenticate(`Bearer ${second.token}`), 'ERR_TOKEN_REVOKED');
    await expectCode(auth.authenticate(`Bearer ${first.token}`), 'ERR_TOKEN_REVOKED');
    // Another session of the same user is untouched.
    const other = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    await expect(auth.authenticate(`Bearer ${other.token}`)).resolves.toBeDefined();
  });

  it('keeps the family revoked past every access token it issued', async () => {
    const fixture = await setup({ refreshTokenTtl: '1h' });
    const first = await fixture.auth.login({ email: 'agent@example.com', password: PASSWORD });
    const second = await fixture.auth.refresh(first.refreshToken);
    await expectCode(fixture.auth.refresh(first.refreshToken), 'ERR_REFRESH_REUSED');
    fixture.clock.advance(23 * 3600_000);
    await expectCode(fixture.auth.authenticate(`Bearer ${second.token}`), 'ERR_TOKEN_REVOKED');
  });

  it('lets exactly one of many concurrent refreshes of one token win; the others are reuse', async () => {
    const { auth } = await setup();
    const { refreshToken } = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const results = await Promise.allSettled(Array.from({ length: 25 }, () => auth.refresh(refreshToken)));
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(24);
    // The first replay is reuse and revokes the family; later ones find the family revoked.
    const codes = lost.map(({ reason }) => (reason as { code: string }).code);
    expect(codes).toContain('ERR_REFRESH_REUSED');
    for (const code of codes) expect(['ERR_REFRESH_REUSED', 'ERR_REFRESH_INVALID']).toContain(code);
    // Strict RFC 9700 reuse detection: the concurrent replays ended the family, winner included.
    const winner = (won[0] as PromiseFulfilledResult<{ refreshToken: string; token: string }>).value;
    await expectCode(auth.refresh(winner.refreshToken), 'ERR_REFRESH_INVALID');
    await expectCode(auth.authenticate(`Bearer ${winner.token}`), 'ERR_TOKEN_REVOKED');
  });

  it('answers ERR_REFRESH_INVALID for malformed and unknown refresh tokens', async () => {
    const { auth } = await setup();
    const { refreshToken } = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const [user, secret] = refreshToken.split('.') as [string, string];
    const malformed: unknown[] = [
      '',
      'abc',
      secret,
      `${user}.`,
      `.${secret}`,
      `${user}.${secret.slice(0, 79)}`,
      `${user}.${secret}0`,
      `${user}.${secret.toUpperCase()}`,
      `${user}.${secret} `,
      ` ${refreshToken}`,
      `${user}..${secret}`,
      `${user}\n.${secret}`,
      `${'x'.repeat(10_000)}.${secret}`,
      42,
      null,
      undefined,
      { refreshToken },
      [refreshToken],
    ];
    for (const value of malformed) await expectCode(auth.refresh(value as string), 'ERR_REFRESH_INVALID');
    // Well-formed but unknown: another user id with the same secret, or a fresh secret.
    await expectCode(auth.refresh(`${IDS.admin}.${secret}`), 'ERR_REFRESH_INVALID');
    await expectCode(auth.refresh(`${user}.${'0'.repeat(80)}`), 'ERR_REFRESH_INVALID');
    // None of that disturbed the real token.
    await expect(auth.refresh(refreshToken)).resolves.toBeDefined();
  });

  it('expires refresh tokens after refreshTokenTtl (sliding with each rotation)', async () => {
    const fixture = await setup({ refreshTokenTtl: '7d' });
    const first = await fixture.auth.login({ email: 'agent@example.com', password: PASSWORD });
    fixture.clock.advance(6 * 86_400_000);
    const second = await fixture.auth.refresh(first.refreshToken);
    fixture.clock.advance(6 * 86_400_000);
    const third = await fixture.auth.refresh(second.refreshToken);
    fixture.clock.advance(7 * 86_400_000);
    await expectCode(fixture.auth.refresh(third.refreshToken), 'ERR_REFRESH_INVALID');
  });

  it('re-reads the user: a changed role gives the new scope, a deleted user gets nothing', async () => {
    const { auth, directory } = await setup();
    const first = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    directory.update(IDS.agent, { role: 'bot' });
    const promoted = await auth.refresh(first.refreshToken);
    expect(promoted.scope).toBe('bot');
    expect(decodeJwt(promoted.token)['scope']).toBe('bot');
    expect((await auth.authenticate(`Bearer ${promoted.token}`)).ability.can('list', 'User')).toBe(true);

    directory.delete(IDS.agent);
    await expectCode(auth.refresh(promoted.refreshToken), 'ERR_REFRESH_INVALID');
    // The family is gone too: its access token no longer works.
    await expectCode(auth.authenticate(`Bearer ${promoted.token}`), 'ERR_TOKEN_REVOKED');
  });

  it('fails after logout', async () => {
    const { auth } = await setup();
    const session = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    await auth.logout(session.token);
    await expectCode(auth.refresh(session.refreshToken), 'ERR_REFRESH_INVALID');
  });
});

describe('logout', () => {
  it('revokes the access token and every token of its family, idempotently, and accepts a Bearer header', async () => {
    const { auth } = await setup();
    const session = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const rotated = await auth.refresh(session.refreshToken);
    await auth.logout(`Bearer ${rotated.token}`);
    await auth.logout(rotated.token);
    await expectCode(auth.authenticate(`Bearer ${rotated.token}`), 'ERR_TOKEN_REVOKED');
    await expectCode(auth.authenticate(`Bearer ${session.token}`), 'ERR_TOKEN_REVOKED');
    await expectCode(auth.refresh(rotated.refreshToken), 'ERR_REFRESH_INVALID');
  });

  it('accepts an expired (but authentic) access token, so the session can still be ended', async () => {
    const fixture = await setup();
    const session = await fixture.auth.login({ email: 'admin@example.com', password: PASSWORD });
    fixture.clock.advance(25 * 3600_000);
    await expectCode(fixture.auth.authenticate(`Bearer ${session.token}`), 'ERR_TOKEN_EXPIRED');
    await fixture.auth.logout(session.token);
    await expectCode(fixture.auth.refresh(session.refreshToken), 'ERR_REFRESH_INVALID');
  });

  it('refuses anything but an authentic access token', async () => {
    const { auth } = await setup();
    const session = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const { apiKey } = await auth.createApiKey(IDS.bot, ['bot']);
    for (const value of ['', apiKey, session.refreshToken, `${session.token}x`, 'Bearer', 7, null]) {
      await expectCode(auth.logout(value as string), 'ERR_TOKEN_INVALID');
    }
    await expect(auth.authenticate(`Bearer ${session.token}`)).resolves.toBeDefined();
  });
});
