// ChatShipper's `viewer`, an alias of `guest` in its ladder, wherever the service reads a scope:
// token claims, the directory's roles, API-key scopes. Never more than `guest`.
import { describe, expect, it } from 'vitest';
import { HS_HEADER, IDS, ORG, PASSWORD, T0, claims, hmacJwt, passwordHash, setup } from './test-fixtures.js';

// The default policy has tenancy: the tokens act in an organization.
const IN_ORG = { org: ORG, org_path: ORG };

describe('the viewer alias', () => {
  it('reads a scope claim "viewer" as guest, and the expanded cascade as admin', async () => {
    const { auth } = await setup();
    const viewer = await auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(T0, { sub: IDS.guest, scope: 'viewer', ...IN_ORG }))}`);
    expect(viewer.principal.scopes).toEqual(['guest']);
    expect(viewer.ability.can('list', 'Conversation')).toBe(false);
    expect(viewer.ability.can('fetch', 'Conversation')).toBe(
      (await auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(T0, { sub: IDS.guest, scope: 'guest', ...IN_ORG }))}`)).ability.can(
        'fetch',
        'Conversation',
      ),
    );
    const sdk = await auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(T0, { scope: 'viewer guest agent bot admin', ...IN_ORG }))}`);
    expect(sdk.ability.can('create', 'Organization')).toBe(true);
  });

  it('logs in a user whose stored role is viewer as guest', async () => {
    const { auth, directory } = await setup();
    directory.add({ id: 'cccccccccccccccccccccccc', email: 'vera@example.com', role: 'viewer', passwordHash: await passwordHash() });
    const session = await auth.login({ email: 'vera@example.com', password: PASSWORD });
    expect(session.scope).toBe('guest');
    expect((await auth.authenticate(`Bearer ${session.token}`)).principal.scopes).toEqual(['guest']);
  });

  it('creates an API key with scope viewer, acting as guest', async () => {
    const { auth } = await setup();
    const created = await auth.createApiKey(IDS.bot, ['viewer']);
    const context = await auth.authenticate(`Bearer ${created.apiKey}`);
    expect(context.principal.scopes).toEqual(['guest']);
  });
});
