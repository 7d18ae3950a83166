import { decodeJwt } from 'jose';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatshipperTenantPolicy, resolveRole, subject, type Membership } from '@scopeladder/core';
import { createAuthService } from './create-auth-service.js';
import { createMemoryDirectory } from './create-memory-directory.js';
import type { UserDirectory } from './directory.js';
import {
  HS_HEADER,
  IDS,
  ORG,
  PASSWORD,
  SECRET,
  TENANT_IDS,
  TREE,
  claims,
  expectCode,
  hmacJwt,
  passwordHash,
  setupTenants,
  chatshipperMatrixPolicy,
} from './test-fixtures.js';

// Issue #12, step 2: sessions and bot API keys act in one organization, with the role the user's
// memberships give there (core's resolveRole). Memory directory and store, fake clock.

const HOUR = 3_600_000;
const pathOf = (id: string): string => TREE.find((organization) => organization.id === id)!.path;

describe('login with memberships: memberships × organizations → scope', () => {
  // eve: admin of c1, guest of r1. root: agent of r1, guest of s1. null: refused.
  const table: { email: string; organization: string | undefined; scope: string | null }[] = [
    { email: 'eve@example.com', organization: undefined, scope: 'admin' }, // first membership: c1
    { email: 'eve@example.com', organization: 'c1', scope: 'admin' },
    { email: 'eve@example.com', organization: 's1', scope: 'admin' }, // inherited from c1
    { email: 'eve@example.com', organization: 'r1', scope: 'guest' },
    { email: 'eve@example.com', organization: 'c2', scope: 'guest' }, // inherited from r1
    { email: 'eve@example.com', organization: 'c10', scope: 'guest' },
    { email: 'eve@example.com', organization: 'r2', scope: null }, // another tree
    { email: 'eve@example.com', organization: 'nowhere', scope: null }, // no such organization
    { email: 'root@example.com', organization: undefined, scope: 'agent' }, // first membership: r1
    { email: 'root@example.com', organization: 'c1', scope: 'agent' },
    { email: 'root@example.com', organization: 's1', scope: 'guest' }, // the nearer membership decides, even lower
    { email: 'root@example.com', organization: 'c2', scope: 'agent' },
    { email: 'root@example.com', organization: 'r2', scope: null },
  ];

  for (const { email, organization, scope } of table) {
    it(`${email} in ${organization ?? '(default)'} → ${scope ?? 'refused'}`, async () => {
      const { auth } = await setupTenants();
      const input = organization === undefined ? { email, password: PASSWORD } : { email, password: PASSWORD, organization };
      if (scope === null) {
        await expectCode(auth.login(input), 'ERR_INVALID_CREDENTIALS');
        return;
      }
      const response = await auth.login(input);
      expect(response.scope).toBe(scope);
      const acting = organization ?? (email === 'eve@example.com' ? 'c1' : 'r1');
      expect(decodeJwt(response.token)).toMatchObject({ scope, org: acting, org_path: pathOf(acting) });
      const { principal } = await auth.authenticate(`Bearer ${response.token}`);
      expect(principal).toMatchObject({ scopes: [scope], organization: acting, organizationPath: pathOf(acting) });
    });
  }
});

describe('login: an organization the user does not reach is refused like a wrong password', () => {
  it('answers the same error and message, and counts as a failed attempt', async () => {
    const { auth } = await setupTenants({ throttle: { maxFailuresPerEmailAndSource: 2 } });
    const wrong = await expectCode(auth.login({ email: 'eve@example.com', password: 'nope' }), 'ERR_INVALID_CREDENTIALS');
    const elsewhere = await expectCode(
      auth.login({ email: 'eve@example.com', password: PASSWORD, organization: 'r2' }, { source: '192.0.2.1' }),
      'ERR_INVALID_CREDENTIALS',
    );
    const missing = await expectCode(
      auth.login({ email: 'eve@example.com', password: PASSWORD, organization: 'no-such-org' }, { source: '192.0.2.1' }),
      'ERR_INVALID_CREDENTIALS',
    );
    expect(elsewhere.message).toBe(wrong.message);
    expect(missing.message).toBe(wrong.message);
    // Two failures from that source: the pair is throttled, even with the right organization.
    await expectCode(auth.login({ email: 'eve@example.com', password: PASSWORD }, { source: '192.0.2.1' }), 'ERR_LOGIN_THROTTLED');
  });

  it('answers ERR_INVALID_REQUEST for a malformed organization, before any work', async () => {
    const { auth } = await setupTenants();
    for (const organization of ['', 'x'.repeat(257), 7, null, ['c1']]) {
      await expectCode(auth.login({ email: 'eve@example.com', password: PASSWORD, organization } as never), 'ERR_INVALID_REQUEST');
    }
  });

  it('lets users without memberships name only their own organization (as before otherwise, without tenancy)', async () => {
    const { auth } = await setupTenants({ policy: chatshipperMatrixPolicy });
    const plain = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    expect(decodeJwt(plain.token)).toMatchObject({ org: ORG });
    expect(decodeJwt(plain.token)).not.toHaveProperty('org_path');
    const { principal } = await auth.authenticate(`Bearer ${plain.token}`);
    expect(principal).not.toHaveProperty('organizationPath');
    await expect(auth.login({ email: 'admin@example.com', password: PASSWORD, organization: ORG })).resolves.toMatchObject({ scope: 'admin' });
    await expectCode(auth.login({ email: 'admin@example.com', password: PASSWORD, organization: 'c1' }), 'ERR_INVALID_CREDENTIALS');
  });

  it('fails closed (ERR_INTERNAL) for a user with memberships in a directory without findOrganization', async () => {
    const hash = await passwordHash();
    const memory = createMemoryDirectory([
      { id: TENANT_IDS.eve, email: 'eve@example.com', role: 'agent', passwordHash: hash, memberships: [{ organization: 'c1', role: 'agent' }] },
    ]);
    const directory: UserDirectory = { findById: (id) => memory.findById(id), findByEmail: (email) => memory.findByEmail(email) };
    const auth = createAuthService({ directory, keys: { algorithm: 'HS256', secret: SECRET }, passwordHashOptions: { N: 1024 } });
    await expectCode(auth.login({ email: 'eve@example.com', password: PASSWORD }), 'ERR_INTERNAL');
  });

  it('fails closed (ERR_INTERNAL) on malformed memberships or organizations from the directory', async () => {
    const hash = await passwordHash();
    const eve = { id: TENANT_IDS.eve, email: 'eve@example.com', role: 'agent', passwordHash: hash };
    const broken: [unknown, unknown][] = [
      ['not an array', { id: 'c1', path: 'r1#c1' }],
      [[{ organization: '', role: 'agent' }], { id: 'c1', path: 'r1#c1' }],
      [[{ organization: 'c1' }], { id: 'c1', path: 'r1#c1' }],
      [Array.from({ length: 1001 }, () => ({ organization: 'c1', role: 'agent' })), { id: 'c1', path: 'r1#c1' }],
      [[{ organization: 'c1', role: 'agent' }], { id: 'c2', path: 'r1#c2' }], // another organization
      [[{ organization: 'c1', role: 'agent' }], { id: 'c1', path: 'r1#c2' }], // a path not ending with the id
      [[{ organization: 'c1', role: 'agent' }], { id: 'c1', path: 'r1##c1' }],
      [[{ organization: 'c1', role: 'agent' }], { id: 'c1', path: `${'r'.repeat(1024)}#c1` }],
      [[{ organization: 'c1', role: 'agent' }], 'r1#c1'],
    ];
    for (const [memberships, organization] of broken) {
      const user = { ...eve, memberships };
      const directory: UserDirectory = {
        findById: async (id) => (id === eve.id ? (user as never) : null),
        findByEmail: async (email) => (email === eve.email ? (user as never) : null),
        findOrganization: async () => organization as never,
      };
      const auth = createAuthService({ directory, keys: { algorithm: 'HS256', secret: SECRET }, passwordHashOptions: { N: 1024 } });
      await expectCode(auth.login({ email: 'eve@example.com', password: PASSWORD, organization: 'c1' }), 'ERR_INTERNAL');
    }
  });
});

describe('refresh keeps the organization and re-reads the role there', () => {
  it('keeps the organization across rotations and gives a changed role at once', async () => {
    const { auth, directory, store } = await setupTenants();
    const first = await auth.login({ email: 'eve@example.com', password: PASSWORD, organization: 's1' });
    const [, digestPart] = first.refreshToken.split('.');
    expect(digestPart).toBeDefined();
    directory.update(TENANT_IDS.eve, {
      memberships: [
        { organization: 'c1', role: 'agent' },
        { organization: 'r1', role: 'guest' },
      ],
    });
    const second = await auth.refresh(first.refreshToken);
    expect(second.scope).toBe('agent');
    expect(decodeJwt(second.token)).toMatchObject({ org: 's1', org_path: 'r1#c1#s1', scope: 'agent' });
    const third = await auth.refresh(second.refreshToken);
    expect(decodeJwt(third.token)).toMatchObject({ org: 's1', org_path: 'r1#c1#s1' });
    // The store keeps the organization with the family.
    const { createHash } = await import('node:crypto');
    const record = await store.findRefreshToken(createHash('sha256').update(third.refreshToken).digest('hex'));
    expect(record).toMatchObject({ userId: TENANT_IDS.eve, organization: 's1' });
  });

  it('refuses (ERR_REFRESH_INVALID) and ends the session when the user no longer reaches the organization', async () => {
    const { auth, directory } = await setupTenants();
    const session = await auth.login({ email: 'eve@example.com', password: PASSWORD, organization: 'c1' });
    directory.update(TENANT_IDS.eve, { memberships: [{ organization: 'c2', role: 'admin' }] });
    await expectCode(auth.refresh(session.refreshToken), 'ERR_REFRESH_INVALID');
    // The family is revoked: its access token stops too, and a membership given back revives nothing.
    await expectCode(auth.authenticate(`Bearer ${session.token}`), 'ERR_TOKEN_REVOKED');
    directory.update(TENANT_IDS.eve, { memberships: [{ organization: 'c1', role: 'admin' }] });
    await expectCode(auth.refresh(session.refreshToken), 'ERR_REFRESH_INVALID');
  });

  it('refuses when the organization was deleted', async () => {
    const { auth, directory } = await setupTenants();
    const session = await auth.login({ email: 'root@example.com', password: PASSWORD, organization: 'c2' });
    directory.deleteOrganization('c2');
    await expectCode(auth.refresh(session.refreshToken), 'ERR_REFRESH_INVALID');
  });

  it('keeps working as before for users without memberships, without tenancy (no organization in the family)', async () => {
    const { auth, directory } = await setupTenants({ policy: chatshipperMatrixPolicy });
    const session = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    directory.update(IDS.agent, { role: 'guest', organization: 'elsewhere' });
    const next = await auth.refresh(session.refreshToken);
    expect(next.scope).toBe('guest');
    expect(decodeJwt(next.token)).toMatchObject({ org: 'elsewhere' });
    expect(decodeJwt(next.token)).not.toHaveProperty('org_path');
  });
});

describe('sessions end on a membership removal or a role change (endSessionsOfUser)', () => {
  it('ends the access tokens already issued; a new login acts with the new memberships', async () => {
    const { auth, directory, clock } = await setupTenants();
    const inC1 = await auth.login({ email: 'eve@example.com', password: PASSWORD, organization: 'c1' });
    const inR1 = await auth.login({ email: 'eve@example.com', password: PASSWORD, organization: 'r1' });
    for (const { token } of [inC1, inR1]) await auth.authenticate(`Bearer ${token}`); // cached
    // The application removes eve from c1 (r1's guest role now holds there), then ends her sessions.
    directory.update(TENANT_IDS.eve, { memberships: [{ organization: 'r1', role: 'guest' }] });
    expect(await auth.endSessionsOfUser(TENANT_IDS.eve)).toBe(2);
    clock.advance(1000);
    for (const { token } of [inC1, inR1]) await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_REVOKED');
    for (const { refreshToken } of [inC1, inR1]) await expectCode(auth.refresh(refreshToken), 'ERR_REFRESH_INVALID');
    const again = await auth.login({ email: 'eve@example.com', password: PASSWORD, organization: 'c1' });
    expect(again.scope).toBe('guest');
  });
});

describe('bot API keys are bound to an organization', () => {
  it('binds the key to the organization it was created in (default: the first membership) and acts there', async () => {
    const { auth, store } = await setupTenants();
    const inC1 = await auth.createApiKey(TENANT_IDS.bot, ['bot']);
    expect(inC1.organization).toBe('c1');
    const inS1 = await auth.createApiKey(TENANT_IDS.bot, ['bot'], { organization: 's1' });
    const inR2 = await auth.createApiKey(TENANT_IDS.bot, ['agent'], { organization: 'r2' });
    const records = await store.listApiKeysOfUser(TENANT_IDS.bot);
    expect(records.map((record) => record.organization).sort()).toEqual(['c1', 'r2', 's1']);

    for (const [key, organization, scopes] of [
      [inC1, 'c1', ['bot']],
      [inS1, 's1', ['bot']],
      [inR2, 'r2', ['agent']],
    ] as const) {
      const { principal } = await auth.authenticate(`Bearer ${key.apiKey}`);
      expect(principal).toMatchObject({ id: TENANT_IDS.bot, kind: 'bot', scopes, organization, organizationPath: pathOf(organization) });
    }
  });

  it('refuses to create a key in an organization the bot does not reach, or above its role there', async () => {
    const { auth } = await setupTenants();
    await expectCode(auth.createApiKey(TENANT_IDS.bot, ['bot'], { organization: 'c2' }), 'ERR_INVALID_REQUEST');
    await expectCode(auth.createApiKey(TENANT_IDS.bot, ['bot'], { organization: 'no-such-org' }), 'ERR_INVALID_REQUEST');
    // An agent in r2 (a bot in c1): a 'bot' key there is above its role there.
    await expectCode(auth.createApiKey(TENANT_IDS.bot, ['bot'], { organization: 'r2' }), 'ERR_SCOPE_NOT_ALLOWED');
    await expectCode(auth.createApiKey(TENANT_IDS.bot, ['bot'], { organization: '' }), 'ERR_INVALID_REQUEST');
    await expectCode(auth.createApiKey(TENANT_IDS.bot, ['bot'], null as never), 'ERR_INVALID_REQUEST');
    // Without memberships: only the bot's own organization (the key is bound to it: the default policy has tenancy).
    await expect(auth.createApiKey(IDS.bot, ['bot'], { organization: ORG })).resolves.toMatchObject({ organization: ORG });
    await expectCode(auth.createApiKey(IDS.bot, ['bot'], { organization: 'c1' }), 'ERR_INVALID_REQUEST');
  });

  it("caps the key's scopes by the bot's LIVE role in its organization, and refuses it once the bot no longer reaches it", async () => {
    const { auth, directory, clock } = await setupTenants();
    const key = await auth.createApiKey(TENANT_IDS.bot, ['bot'], { organization: 'c1' });
    const header = `Bearer ${key.apiKey}`;
    expect((await auth.authenticate(header)).principal.scopes).toEqual(['bot']);

    // Demoted to agent in c1 (still agent in r2): the key is capped at agent at once.
    directory.update(TENANT_IDS.bot, {
      memberships: [
        { organization: 'c1', role: 'agent' },
        { organization: 'r2', role: 'agent' },
      ],
    });
    const capped = await auth.authenticate(header);
    expect(capped.principal.scopes).toEqual(['agent']);
    expect(capped.ability.can('list', 'User')).toBe(false);

    // A role in a nearer organization does not lift a key bound higher up.
    directory.update(TENANT_IDS.bot, {
      memberships: [
        { organization: 'c1', role: 'guest' },
        { organization: 's1', role: 'bot' },
      ],
    });
    expect((await auth.authenticate(header)).principal.scopes).toEqual(['guest']);

    // Removed from c1 (a role in another tree does not count): refused.
    directory.update(TENANT_IDS.bot, { memberships: [{ organization: 'r2', role: 'bot' }] });
    clock.advance(HOUR);
    await expectCode(auth.authenticate(header), 'ERR_API_KEY_INVALID');
    // Its organization deleted: refused too.
    directory.update(TENANT_IDS.bot, { memberships: [{ organization: 'c1', role: 'bot' }] });
    await expect(auth.authenticate(header)).resolves.toBeDefined();
    directory.deleteOrganization('c1');
    await expectCode(auth.authenticate(header), 'ERR_API_KEY_INVALID');
  });

  it('lets a key created before organizations (no organization in the record) act in the first membership', async () => {
    const { auth, directory, store } = await setupTenants();
    const key = await auth.createApiKey(TENANT_IDS.bot, ['bot']);
    const [record] = await store.listApiKeysOfUser(TENANT_IDS.bot);
    await store.deleteApiKey(key.id);
    const { organization: _dropped, ...legacy } = record!;
    await store.saveApiKey(legacy);
    directory.update(TENANT_IDS.bot, { memberships: [{ organization: 'r2', role: 'agent' }] });
    const { principal } = await auth.authenticate(`Bearer ${key.apiKey}`);
    expect(principal).toMatchObject({ scopes: ['agent'], organization: 'r2', organizationPath: 'r2' });
  });
});

describe('the org_path claim is checked on verify', () => {
  const tokenWith = (overrides: Record<string, unknown>): string => hmacJwt(HS_HEADER, claims(undefined, overrides));

  it('accepts a path of the named organization and gives it to the principal', async () => {
    const { auth } = await setupTenants();
    const { principal } = await auth.authenticate(`Bearer ${tokenWith({ org: 'c1', org_path: 'r1#c1' })}`);
    expect(principal).toMatchObject({ organization: 'c1', organizationPath: 'r1#c1' });
  });

  it('refuses a path without org, of another organization, malformed or too long (ERR_TOKEN_INVALID)', async () => {
    const { auth } = await setupTenants();
    const bad: Record<string, unknown>[] = [
      { org_path: 'r1#c1' },
      { org: 'c1', org_path: 'r1#c2' },
      { org: 'c1', org_path: 'r1#xc1' },
      { org: 'c1', org_path: '#c1' },
      { org: 'c1', org_path: 'r1##c1' },
      { org: 'c1', org_path: 'r1#c1#' },
      { org: 'c1', org_path: '' },
      { org: 'c1', org_path: 7 },
      { org: 'c1', org_path: ['r1', 'c1'] },
      { org: 'c1', org_path: `${'r'.repeat(1022)}#c1` },
    ];
    for (const overrides of bad) await expectCode(auth.authenticate(`Bearer ${tokenWith(overrides)}`), 'ERR_TOKEN_INVALID');
  });
});

describe('chatshipperTenantPolicy with principals from authenticate', () => {
  const conversations = [
    { id: 'k1', organization: 'r1', organizationPath: 'r1' },
    { id: 'k2', organization: 'c1', organizationPath: 'r1#c1' },
    { id: 'k3', organization: 's1', organizationPath: 'r1#c1#s1' },
    { id: 'k4', organization: 'c2', organizationPath: 'r1#c2' },
    { id: 'k5', organization: 'c1', organizationPath: 'r2#c1' },
  ];

  it('reaches records of its own organization and below, nothing else — by every check and the list filter', async () => {
    const { auth } = await setupTenants({ policy: chatshipperTenantPolicy });
    const { token } = await auth.login({ email: 'eve@example.com', password: PASSWORD, organization: 'c1' });
    const { principal, ability } = await auth.authenticate(`Bearer ${token}`);
    const reached = (can: (record: object) => boolean) => conversations.filter((c) => can(subject('Conversation', { ...c }))).map((c) => c.id);
    expect(reached((record) => auth.policy.can(principal, 'update', record as never))).toEqual(['k2', 'k3']);
    expect(reached((record) => ability.can('delete', record as never))).toEqual(['k2', 'k3']);
    const filter = auth.policy.filterFor(principal, 'list', 'Conversation');
    expect(conversations.filter(filter.matches).map((c) => c.id)).toEqual(['k2', 'k3']);
  });

  it('a bot key bound to s1 reaches s1 only; a user without memberships reaches nothing under tenancy', async () => {
    const { auth } = await setupTenants({ policy: chatshipperTenantPolicy });
    const key = await auth.createApiKey(TENANT_IDS.bot, ['bot'], { organization: 's1' });
    const bot = await auth.authenticate(`Bearer ${key.apiKey}`);
    expect(conversations.filter((c) => bot.ability.can('fetch', subject('Conversation', { ...c }))).map((c) => c.id)).toEqual(['k3']);

    const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const plain = await auth.authenticate(`Bearer ${token}`);
    expect(conversations.some((c) => plain.ability.can('fetch', subject('Conversation', { ...c })))).toBe(false);
  });
});

describe('property: login, refresh and authenticate stay within the memberships', () => {
  const ids: string[] = TREE.map((organization) => organization.id);
  const roles = ['guest', 'agent', 'bot', 'admin'] as const;
  const membership = fc.record({ organization: fc.constantFrom(...ids), role: fc.constantFrom(...roles) });
  const memberships = fc.array(membership, { minLength: 0, maxLength: 4 });

  it('never yields a principal outside the reach of its memberships, and its scope is resolveRole there', async () => {
    const { auth, directory } = await setupTenants({ throttle: false });
    await fc.assert(
      fc.asyncProperty(
        memberships,
        memberships,
        fc.option(fc.constantFrom(...ids, 'no-such-org'), { nil: undefined }),
        async (before, after, requested) => {
          directory.update(TENANT_IDS.eve, { memberships: before });
          const input =
            requested === undefined
              ? { email: 'eve@example.com', password: PASSWORD }
              : { email: 'eve@example.com', password: PASSWORD, organization: requested };
          const acting = requested ?? before[0]?.organization;
          const expected = acting === undefined || !ids.includes(acting) ? null : resolveRole(before as Membership[], pathOf(acting));

          let session;
          try {
            session = await auth.login(input);
          } catch (error) {
            expect(expected).toBeNull();
            expect((error as { code?: string }).code).toBe('ERR_INVALID_CREDENTIALS');
            return;
          }
          expect(expected).not.toBeNull();
          const { principal } = await auth.authenticate(`Bearer ${session.token}`);
          expect(principal.organizationPath).toBe(pathOf(acting!));
          expect(principal.scopes).toEqual([resolveRole(before as Membership[], principal.organizationPath!)]);

          directory.update(TENANT_IDS.eve, { memberships: after });
          const now = resolveRole(after as Membership[], pathOf(acting!));
          try {
            const next = await auth.refresh(session.refreshToken);
            const refreshed = await auth.authenticate(`Bearer ${next.token}`);
            expect(now).not.toBeNull();
            expect(refreshed.principal.organizationPath).toBe(pathOf(acting!));
            expect(refreshed.principal.scopes).toEqual([now]);
          } catch (error) {
            expect(now).toBeNull();
            expect((error as { code?: string }).code).toBe('ERR_REFRESH_INVALID');
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
