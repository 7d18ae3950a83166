import { describe, expect, it } from 'vitest';
import { IDS, PASSWORD, expectCode, setup } from './test-fixtures.js';

const AGENT = { email: 'agent@example.com', password: PASSWORD };

describe('revoke (RFC 7009)', () => {
  it('a refresh token ends its session: the refresh family and the access tokens issued from it', async () => {
    const { auth } = await setup();
    const tokens = await auth.login(AGENT);
    await auth.revoke(tokens.refreshToken);
    await expectCode(auth.refresh(tokens.refreshToken), 'ERR_REFRESH_INVALID');
    await expectCode(auth.authenticate(`Bearer ${tokens.token}`), 'ERR_TOKEN_REVOKED');
  });

  it('an access token ends its session too, and another session of the user goes on', async () => {
    const { auth } = await setup();
    const ended = await auth.login(AGENT);
    const other = await auth.login(AGENT);
    await auth.revoke(ended.token);
    await expectCode(auth.authenticate(`Bearer ${ended.token}`), 'ERR_TOKEN_REVOKED');
    await expectCode(auth.refresh(ended.refreshToken), 'ERR_REFRESH_INVALID');
    await expect(auth.authenticate(`Bearer ${other.token}`)).resolves.toMatchObject({ principal: { id: IDS.agent } });
  });

  it('resolves for anything unknown, forged, malformed or already revoked, and changes nothing', async () => {
    const { auth } = await setup();
    const tokens = await auth.login(AGENT);
    const forgedRefresh = `${IDS.agent}.${'0'.repeat(80)}`;
    const [header = '', payload = ''] = tokens.token.split('.');
    for (const token of [forgedRefresh, 'garbage', '', `${header}.${payload}.AAAA`, 'x'.repeat(100_000), 'a'.repeat(32)]) {
      await expect(auth.revoke(token)).resolves.toBeUndefined();
    }
    await expect(auth.revoke(7 as never)).resolves.toBeUndefined();
    await expect(auth.authenticate(`Bearer ${tokens.token}`)).resolves.toBeDefined();
    await auth.revoke(tokens.refreshToken);
    await expect(auth.revoke(tokens.refreshToken)).resolves.toBeUndefined();
  });

  it('does not revoke an API key (that is revokeApiKey)', async () => {
    const { auth } = await setup();
    const key = await auth.createApiKey(IDS.bot, ['bot']);
    await auth.revoke(key.apiKey);
    await expect(auth.authenticate(`Bearer ${key.apiKey}`)).resolves.toMatchObject({ token: { kind: 'apiKey' } });
  });

  it('a store failure rejects ERR_STORE_UNAVAILABLE (the client retries)', async () => {
    const { auth, store } = await setup();
    const tokens = await auth.login(AGENT);
    store.findRefreshToken = async () => {
      throw new Error('down');
    };
    await expectCode(auth.revoke(tokens.refreshToken), 'ERR_STORE_UNAVAILABLE');
  });
});
