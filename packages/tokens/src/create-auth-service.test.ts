import { defineLadder, definePolicy, chatshipperPolicy } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { createAuthService, type AuthServiceOptions } from './create-auth-service.js';
import { createMemoryDirectory } from './create-memory-directory.js';
import { PASSWORD, SECRET, expectCode, passwordHash, setup } from './test-fixtures.js';

const directory = createMemoryDirectory();
const base: AuthServiceOptions = { directory, keys: { algorithm: 'HS256', secret: SECRET } };
const make = (overrides: Record<string, unknown>) => () => createAuthService({ ...base, ...overrides } as AuthServiceOptions);

describe('createAuthService options', () => {
  it('builds with only a directory and keys, defaulting to chatshipperPolicy', () => {
    const auth = createAuthService(base);
    expect(auth.policy).toBe(chatshipperPolicy);
    expect(auth.http).toEqual({ realm: 'scopeladder', expiredTokenStatus: 403 });
    expect(Object.isFrozen(auth)).toBe(true);
  });

  it('throws TypeError naming the option for every malformed option', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ directory: undefined }, /directory/],
      [{ directory: { findById: async () => null } }, /directory/],
      [{ directory: { findById: async () => null, findByEmail: async () => null, verifyPassword: 'yes' } }, /directory\.verifyPassword/],
      [{ keys: undefined }, /keys/],
      [{ policy: {} }, /policy/],
      [{ policy: { abilityFor: () => null } }, /policy/],
      [{ store: {} }, /store/],
      [{ store: { hit: () => null } }, /store/],
      [{ clock: 5 }, /clock/],
      [{ random: 'xyz' }, /random/],
      [{ accessTokenTtl: '24x' }, /accessTokenTtl/],
      [{ accessTokenTtl: 0 }, /accessTokenTtl/],
      [{ accessTokenTtl: -5 }, /accessTokenTtl/],
      [{ accessTokenTtl: 1.5 }, /accessTokenTtl/],
      [{ accessTokenTtl: '30d' }, /accessTokenTtl/],
      [{ accessTokenTtl: ' 24h' }, /accessTokenTtl/],
      [{ refreshTokenTtl: '10s' }, /refreshTokenTtl/],
      [{ refreshTokenTtl: {} }, /refreshTokenTtl/],
      [{ clockTolerance: '10m' }, /clockTolerance/],
      [{ clockTolerance: -1 }, /clockTolerance/],
      [{ maxTokenLength: 10 }, /maxTokenLength/],
      [{ maxTokenLength: '4096' }, /maxTokenLength/],
      [{ expiredTokenStatus: 500 }, /expiredTokenStatus/],
      [{ expiredTokenStatus: '401' }, /expiredTokenStatus/],
      [{ realm: '' }, /realm/],
      [{ realm: 'a\nb' }, /realm/],
      [{ issuer: 7 }, /issuer/],
      [{ audience: '' }, /audience/],
      [{ allowAdminApiKeys: 'yes' }, /allowAdminApiKeys/],
      [{ throttle: true }, /throttle/],
      [{ throttle: { maxFailuresPerEmailAndSource: 0 } }, /throttle\.maxFailuresPerEmailAndSource/],
      [{ throttle: { maxFailuresPerSource: 2.5 } }, /throttle\.maxFailuresPerSource/],
      [{ throttle: { maxFailuresPerEmail: '100' } }, /throttle\.maxFailuresPerEmail/],
      // The names before the per-(email, source) policy: refused, not silently ignored.
      [{ throttle: { maxAttemptsPerEmail: 3 } }, /throttle has unknown option\(s\) maxAttemptsPerEmail/],
      [{ throttle: { window: 'forever' } }, /throttle\.window/],
      [{ throttle: { knownSourceTtl: '500d' } }, /throttle\.knownSourceTtl/],
      [{ throttle: { knownSourceTtl: 0 } }, /throttle\.knownSourceTtl/],
      [{ throttle: { ipv6PrefixLength: 8 } }, /throttle\.ipv6PrefixLength/],
      [{ throttle: { ipv6PrefixLength: 129 } }, /throttle\.ipv6PrefixLength/],
      [{ throttle: { ipv6PrefixLength: 64.5 } }, /throttle\.ipv6PrefixLength/],
      [{ throttle: { ipv6PrefixLength: '64' } }, /throttle\.ipv6PrefixLength/],
      [{ passwordHashOptions: { N: 1000 } }, /passwordHashOptions/],
      [{ verifiedTokenCacheSize: -1 }, /verifiedTokenCacheSize/],
    ];
    for (const [overrides, message] of cases) {
      expect(make(overrides), JSON.stringify(overrides)).toThrow(TypeError);
      expect(make(overrides), JSON.stringify(overrides)).toThrow(message);
    }
    expect(() => createAuthService(undefined as never)).toThrow(TypeError);
  });

  it('accepts durations as seconds or strings', () => {
    for (const accessTokenTtl of [90, '90', '90s', '15m', '24h', '7d', '1w']) {
      expect(make({ accessTokenTtl })).not.toThrow();
    }
  });

  it('works with any policy built by definePolicy: roles and scopes come from its ladder', async () => {
    const policy = definePolicy({
      scopes: defineLadder(['reader', 'writer', 'owner'] as const),
      matrix: { Note: { read: 'reader', write: 'writer', delete: 'owner' } },
    });
    const hash = await passwordHash();
    const notes = createMemoryDirectory([
      { id: 'w1', email: 'w@example.com', role: 'writer', passwordHash: hash },
      { id: 'b1', email: 'b@example.com', role: 'owner', kind: 'bot' },
    ]);
    const auth = createAuthService({ policy, directory: notes, keys: base.keys, passwordHashOptions: { N: 1024 } });
    const session = await auth.login({ email: 'w@example.com', password: PASSWORD });
    expect(session.scope).toBe('writer');
    const { ability } = await auth.authenticate(`Bearer ${session.token}`);
    expect(ability.can('write', 'Note')).toBe(true);
    expect(ability.can('delete', 'Note')).toBe(false);
    // The top of this ladder ('owner') is the one API keys may not hold by default.
    await expectCode(auth.createApiKey('b1', ['owner']), 'ERR_SCOPE_NOT_ALLOWED');
    const { apiKey } = await auth.createApiKey('b1', ['writer']);
    expect((await auth.authenticate(`Bearer ${apiKey}`)).principal.scopes).toEqual(['writer']);
  });

  it('uses the injected random source for every secret', async () => {
    let counter = 0;
    const random = (size: number) => new Uint8Array(size).fill(++counter);
    const { auth } = await setup({ random });
    const session = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    expect(session.refreshToken.split('.')[1]).toMatch(/^([0-9a-f]{2})\1{39}$/);
    await expectCode(
      (await setup({ random: (size: number) => new Uint8Array(size - 1) })).auth.login({ email: 'admin@example.com', password: PASSWORD }),
      'ERR_INTERNAL',
    );
  });
});
