// Tests for mutants of operations/authenticate.ts that survived the tokens tests (issue "Test
// strength"): each fails with its mutant applied. See docs/testing.md, "tokens".
import { chatshipperTenantPolicy } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './create-memory-store.js';
import type { ApiKeyRecord, TokenStore } from './store.js';
import { HS_HEADER, IDS, ORG, PASSWORD, T0, claims, expectCode, hmacJwt, setup, setupTenants, TENANT_IDS } from './test-fixtures.js';

const policy = chatshipperTenantPolicy;
const HOUR_S = 3_600;
/** The default clock tolerance, in seconds. */
const TOLERANCE_S = 5;

describe('the verified-token cache holds a token no longer than the full check accepts it', () => {
  // Cached until (min(exp, iat + ttl) + tolerance) seconds: from that very millisecond on, the
  // full check says "expired", so the cache must not answer any more.
  const expiry = T0 + (HOUR_S + TOLERANCE_S) * 1000;

  for (const [shape, header] of [
    ['a string', (token: string) => `Bearer ${token}`],
    ['a one-element array', (token: string) => [`Bearer ${token}`]],
  ] as const) {
    it(`refuses a cached token at the exact millisecond it expires (header as ${shape})`, async () => {
      const { auth, clock } = await setup({ policy, accessTokenTtl: '1h' });
      const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
      await auth.authenticate(header(token)); // cached
      clock.set(expiry - 1);
      expect((await auth.authenticate(header(token))).principal.id).toBe(IDS.admin);
      clock.set(expiry);
      await expectCode(auth.authenticate(header(token)), 'ERR_TOKEN_EXPIRED');
    });
  }

  it('a token whose exp lies beyond iat + ttl leaves the cache by iat + ttl (jose maxTokenAge)', async () => {
    const { auth, clock } = await setup({ policy, accessTokenTtl: '1h' });
    // Signed with the service's key, valid for a day, but the service's ttl is an hour: jose
    // refuses it once its age exceeds ttl + tolerance, a second after it left the cache.
    const header = `Bearer ${hmacJwt(HS_HEADER, claims(T0))}`;
    expect((await auth.authenticate(header)).principal.id).toBe(IDS.admin); // cached
    clock.set(expiry - 1);
    expect((await auth.authenticate(header)).principal.id).toBe(IDS.admin);
    clock.set(expiry + 1000);
    await expectCode(auth.authenticate(header), 'ERR_TOKEN_EXPIRED');
  });
});

/** A real memory store whose `findApiKey` answers with the stored record changed by `change`. */
function storeChangingApiKeys(change: (record: ApiKeyRecord) => unknown): TokenStore {
  const store = createMemoryStore();
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'findApiKey') {
        return async (digest: string) => {
          const record = await target.findApiKey(digest);
          return record === null ? null : change(record);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('an API key record the store hands back is checked field by field (fail closed)', () => {
  async function authenticateWith(change: (record: ApiKeyRecord) => unknown, overrides: Parameters<typeof setup>[0] = {}) {
    const { auth } = await setup({ policy, store: storeChangingApiKeys(change), ...overrides });
    const { apiKey } = await auth.createApiKey(IDS.bot, ['bot']);
    return auth.authenticate(`Bearer ${apiKey}`);
  }

  it('the unchanged record authenticates the bot (the baseline of the cases below)', async () => {
    expect((await authenticateWith((record) => record)).principal).toMatchObject({ id: IDS.bot, kind: 'bot', scopes: ['bot'] });
  });

  it('refuses a record that is not an object, even one carrying every field (a function)', async () => {
    const disguised = (record: ApiKeyRecord) => Object.assign(() => undefined, record);
    await expectCode(authenticateWith(disguised), 'ERR_API_KEY_INVALID');
  });

  it('refuses a digest that is not a string: ERR_API_KEY_INVALID, not a crash', async () => {
    await expectCode(
      authenticateWith((record) => ({ ...record, digest: 42 })),
      'ERR_API_KEY_INVALID',
    );
    // A boxed string (`Object('…')`) would pass a comparison of its bytes.
    await expectCode(
      authenticateWith((record) => ({ ...record, digest: Object(record.digest) as unknown })),
      'ERR_API_KEY_INVALID',
    );
  });

  it('refuses a user id that is not a string, even with a directory that would coerce it', async () => {
    const directory = (await setup()).directory;
    const coercing = new Proxy(directory, {
      get(target, property, receiver) {
        if (property === 'findById') return (id: unknown) => target.findById(String(id));
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    await expectCode(
      authenticateWith((record) => ({ ...record, userId: [record.userId] }), { directory: coercing }),
      'ERR_API_KEY_INVALID',
    );
  });

  it('refuses a bound organization that is not an organization id, even one the bot record matches', async () => {
    const { auth, directory } = await setup({ policy, store: storeChangingApiKeys((record) => ({ ...record, organization: '' })) });
    directory.add({ id: 'fffffffffffffffffffffff9', email: 'odd-bot@example.com', role: 'bot', kind: 'bot', organization: '' });
    const { apiKey } = await auth.createApiKey('fffffffffffffffffffffff9', ['bot']);
    await expectCode(auth.authenticate(`Bearer ${apiKey}`), 'ERR_API_KEY_INVALID');
  });
});

describe('a principal carries exactly what its credential says: no key for what is absent', () => {
  it('an access token without org or email: no organization, organizationPath or email key', async () => {
    const { auth } = await setup({ policy });
    const { principal } = await auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(T0))}`);
    expect(Object.keys(principal).sort()).toEqual(['id', 'kind', 'scopes']);
    const withBoth = await auth.authenticate(
      `Bearer ${hmacJwt(HS_HEADER, claims(T0, { org: ORG, email: 'admin@example.com', jti: 'k'.repeat(32) }))}`,
    );
    expect(withBoth.principal).toStrictEqual({ id: IDS.admin, scopes: ['admin'], kind: 'user', organization: ORG, email: 'admin@example.com' });
  });

  it('an API key of a bot without organization or memberships: no organization or organizationPath key', async () => {
    const { auth, directory } = await setup({ policy });
    directory.add({ id: 'fffffffffffffffffffffff8', email: 'free-bot@example.com', role: 'bot', kind: 'bot' });
    const { apiKey } = await auth.createApiKey('fffffffffffffffffffffff8', ['bot']);
    const { principal } = await auth.authenticate(`Bearer ${apiKey}`);
    expect(principal).toStrictEqual({ id: 'fffffffffffffffffffffff8', scopes: ['bot'], kind: 'bot', email: 'free-bot@example.com' });
    const bound = await auth.createApiKey(IDS.bot, ['bot']);
    expect(Object.keys((await auth.authenticate(`Bearer ${bound.apiKey}`)).principal).sort()).toEqual([
      'email',
      'id',
      'kind',
      'organization',
      // A bot without memberships acts at its organization's path under a tenancy policy.
      'organizationPath',
      'scopes',
    ]);
  });
});

describe('each refusal of authenticate says what was refused', () => {
  it('names the credential in its message', async () => {
    const { auth, directory } = await setup({ policy });
    const message = async (header: string) =>
      (await expectCode(auth.authenticate(header), header.includes('.') ? 'ERR_TOKEN_INVALID' : 'ERR_API_KEY_INVALID')).message;
    expect(await message(`Bearer ${'A'.repeat(40)}.x`)).toBe('Invalid access token');
    expect(await message(`Bearer ${'a'.repeat(31)}`)).toBe('Invalid API key'); // hex, not 32 characters
    expect(await message(`Bearer ${'0'.repeat(32)}`)).toBe('Invalid API key'); // unknown key
    const { apiKey } = await auth.createApiKey(IDS.bot, ['bot']);
    directory.delete(IDS.bot);
    expect(await message(`Bearer ${apiKey}`)).toBe('Invalid API key'); // the bot was deleted
    const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    await auth.logout(token);
    expect((await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_REVOKED')).message).toBe('The access token was revoked');
  });

  it('names the API key when its bot no longer reaches the bound organization', async () => {
    const { auth, directory } = await setupTenants({ policy });
    const { apiKey, organization } = await auth.createApiKey(TENANT_IDS.bot, ['bot']);
    expect(organization).toBe('c1');
    directory.update(TENANT_IDS.bot, { memberships: [{ organization: 'r2', role: 'agent' }] });
    expect((await expectCode(auth.authenticate(`Bearer ${apiKey}`), 'ERR_API_KEY_INVALID')).message).toBe('Invalid API key');
  });
});
