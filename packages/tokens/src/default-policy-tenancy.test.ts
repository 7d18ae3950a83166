// The default policy (`chatshipperPolicy`) has tenancy: a session acts at an organization path,
// and a principal without one reaches nothing (deny by default). Users without memberships act
// at their own organization's path when the directory knows it.
import { chatshipperPolicy, subject } from '@scopeladder/core';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthService } from './create-auth-service.js';
import { createMemoryDirectory } from './create-memory-directory.js';
import type { UserDirectory } from './directory.js';
import { IDS, ORG, PASSWORD, SECRET, passwordHash, setup } from './test-fixtures.js';

describe('the default policy has tenancy', () => {
  it('is chatshipperPolicy, with tenancy on', async () => {
    const { auth } = await setup({});
    expect(auth.policy).toBe(chatshipperPolicy);
    expect(auth.policy.tenancy).not.toBeNull();
  });

  it('a user without memberships acts at its organization path, and reaches only that subtree', async () => {
    const { auth } = await setup();
    const session = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    expect(decodeJwt(session.token)).toMatchObject({ org: ORG, org_path: ORG });
    const { principal, ability } = await auth.authenticate(`Bearer ${session.token}`);
    expect(principal).toMatchObject({ organization: ORG, organizationPath: ORG });
    expect(ability.can('list', 'Conversation')).toBe(true);
    expect(ability.can('fetch', subject('Conversation', { id: 'k1', organizationPath: ORG }))).toBe(true);
    expect(ability.can('fetch', subject('Conversation', { id: 'k2', organizationPath: `${ORG}#child` }))).toBe(true);
    expect(ability.can('fetch', subject('Conversation', { id: 'k3', organizationPath: 'other' }))).toBe(false);
    expect(ability.can('fetch', subject('Conversation', { id: 'k4' }))).toBe(false);
    // The session keeps its organization across a refresh.
    const next = await auth.refresh(session.refreshToken);
    expect(decodeJwt(next.token)).toMatchObject({ org: ORG, org_path: ORG });
  });

  it('a user without an organization logs in but reaches nothing', async () => {
    const { auth } = await setup();
    const session = await auth.login({ email: 'guest@example.com', password: PASSWORD });
    expect(decodeJwt(session.token)).not.toHaveProperty('org_path');
    const { principal, ability } = await auth.authenticate(`Bearer ${session.token}`);
    expect(principal).not.toHaveProperty('organizationPath');
    expect(ability.can('fetch', 'Conversation')).toBe(false);
    expect(ability.can('fetch', subject('User', { id: IDS.guest, organizationPaths: [ORG] }))).toBe(false);
    expect(auth.policy.explain(principal, 'fetch', 'Conversation').reason).toBe('no_organization');
  });

  it('an organization the directory does not know, or a directory without findOrganization, gives no path: nothing is reached', async () => {
    const hash = await passwordHash();
    const users = [{ id: IDS.agent, email: 'agent@example.com', role: 'agent', organization: 'gone', passwordHash: hash }];
    const memory = createMemoryDirectory(users, { organizations: [{ id: ORG, path: ORG }] });
    const withoutLookup: UserDirectory = { findById: (id) => memory.findById(id), findByEmail: (email) => memory.findByEmail(email) };
    for (const directory of [memory, withoutLookup]) {
      const auth = createAuthService({ directory, keys: { algorithm: 'HS256', secret: SECRET }, passwordHashOptions: { N: 1024 } });
      const session = await auth.login({ email: 'agent@example.com', password: PASSWORD });
      expect(decodeJwt(session.token)).toMatchObject({ org: 'gone' });
      expect(decodeJwt(session.token)).not.toHaveProperty('org_path');
      const { ability } = await auth.authenticate(`Bearer ${session.token}`);
      expect(ability.can('list', 'Conversation')).toBe(false);
      expect(ability.can('fetch', subject('Conversation', { id: 'k1', organizationPath: 'gone' }))).toBe(false);
    }
  });

  it("a bot key of a bot without memberships is bound to the bot's organization and reaches only its subtree", async () => {
    const { auth, directory } = await setup();
    const key = await auth.createApiKey(IDS.bot, ['bot']);
    expect(key).toMatchObject({ organization: ORG });
    const { principal, ability } = await auth.authenticate(`Bearer ${key.apiKey}`);
    expect(principal).toMatchObject({ organization: ORG, organizationPath: ORG });
    expect(ability.can('fetch', subject('Contact', { id: 'c1', organizationPath: ORG }))).toBe(true);
    expect(ability.can('fetch', subject('Contact', { id: 'c2', organizationPath: 'other' }))).toBe(false);
    // Moved to another organization: the key no longer authenticates.
    directory.update(IDS.bot, { organization: 'elsewhere' });
    await expect(auth.authenticate(`Bearer ${key.apiKey}`)).rejects.toMatchObject({ code: 'ERR_API_KEY_INVALID' });
  });
});
