// Tests for mutants of lib/scopes.ts (issue "Test strength"): the lowest rung of the ladder, where
// `< 0` and `<= 0` part ways. Each fails with its mutant applied. See docs/testing.md, "tokens".
import { chatshipperTenantPolicy } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { IDS, PASSWORD, setup } from './test-fixtures.js';

const policy = chatshipperTenantPolicy;

describe('API key scopes at the bottom of the ladder', () => {
  it('a key scope of rank 0 (guest) is granted, not dropped', async () => {
    const { auth } = await setup({ policy });
    const { apiKey } = await auth.createApiKey(IDS.bot, ['guest']);
    expect((await auth.authenticate(`Bearer ${apiKey}`)).principal.scopes).toEqual(['guest']);
  });

  it('a bot whose role fell to guest (ceiling 0) acts as guest, not with nothing', async () => {
    const { auth, directory } = await setup({ policy });
    const { apiKey } = await auth.createApiKey(IDS.bot, ['bot']);
    directory.update(IDS.bot, { role: 'guest' });
    expect((await auth.authenticate(`Bearer ${apiKey}`)).principal.scopes).toEqual(['guest']);
  });
});

describe('a session narrowed to the lowest scope', () => {
  it('login and refresh with scope guest give a guest session (rank 0 is a known cap)', async () => {
    const { auth } = await setup({ policy });
    const login = await auth.login({ email: 'admin@example.com', password: PASSWORD, scope: 'guest' });
    expect((await auth.authenticate(`Bearer ${login.token}`)).principal.scopes).toEqual(['guest']);
    const refreshed = await auth.refresh(login.refreshToken);
    expect((await auth.authenticate(`Bearer ${refreshed.token}`)).principal.scopes).toEqual(['guest']);
  });
});
