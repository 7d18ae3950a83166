import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { ScopeladderError } from '@scopeladder/core';
import { createAuthService } from './create-auth-service.js';
import { createMemoryDirectory } from './create-memory-directory.js';
import { IDS, ORG, PASSWORD, SECRET, expectCode, passwordHash, setup } from './test-fixtures.js';

describe('login', () => {
  it('answers the ChatShipper token response and RFC 6749 §5.1, with the current role as scope', async () => {
    const { auth } = await setup();
    const response = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    expect(Object.keys(response).sort()).toEqual(
      ['refreshToken', 'scope', 'token', 'tokenType', 'user', 'access_token', 'token_type', 'expires_in', 'refresh_token'].sort(),
    );
    expect(response).toMatchObject({ access_token: response.token, token_type: 'Bearer', expires_in: 86_400, refresh_token: response.refreshToken });
    expect(response.tokenType).toBe('Bearer');
    expect(response.user).toBe(IDS.admin);
    expect(response.scope).toBe('admin');
    expect(response.refreshToken).toMatch(new RegExp(`^${IDS.admin}\\.[0-9a-f]{80}$`));
    expect(decodeJwt(response.token)).toMatchObject({ sub: IDS.admin, scope: 'admin', org: ORG, email: 'admin@example.com' });
  });

  it('matches the email as the directory does (the memory directory: case-insensitive)', async () => {
    const { auth } = await setup();
    await expect(auth.login({ email: 'Agent@Example.com', password: PASSWORD })).resolves.toMatchObject({ user: IDS.agent });
  });

  it('answers ERR_INVALID_CREDENTIALS alike for a wrong password, an unknown email and a user without password', async () => {
    const { auth } = await setup();
    const wrong = await expectCode(auth.login({ email: 'admin@example.com', password: 'nope' }), 'ERR_INVALID_CREDENTIALS');
    const unknown = await expectCode(auth.login({ email: 'nobody@example.com', password: PASSWORD }), 'ERR_INVALID_CREDENTIALS');
    const bot = await expectCode(auth.login({ email: 'bot@example.com', password: PASSWORD }), 'ERR_INVALID_CREDENTIALS');
    expect(unknown.message).toBe(wrong.message);
    expect(bot.message).toBe(wrong.message);
  });

  it('answers ERR_INVALID_CREDENTIALS for a corrupt stored hash (without leaking that the user exists)', async () => {
    const directory = createMemoryDirectory([{ id: IDS.agent, email: 'a@example.com', role: 'agent', passwordHash: 'scrypt$v=1$N=99' }]);
    const auth = createAuthService({ directory, keys: { algorithm: 'HS256', secret: SECRET }, passwordHashOptions: { N: 1024 } });
    await expectCode(auth.login({ email: 'a@example.com', password: PASSWORD }), 'ERR_INVALID_CREDENTIALS');
  });

  it('answers ERR_INVALID_REQUEST for missing or malformed credentials', async () => {
    const { auth } = await setup();
    const inputs: unknown[] = [
      undefined,
      null,
      'admin@example.com',
      {},
      { email: 'admin@example.com' },
      { password: PASSWORD },
      { email: '', password: PASSWORD },
      { email: 'admin@example.com', password: '' },
      { email: ['admin@example.com'], password: PASSWORD },
      { email: 'admin@example.com', password: 12345678 },
      { email: 'a'.repeat(400), password: PASSWORD },
      { email: 'admin@example.com', password: 'p'.repeat(1025) },
    ];
    for (const input of inputs) await expectCode(auth.login(input as never), 'ERR_INVALID_REQUEST');
  });

  it("uses the directory's own verifier when it brings one", async () => {
    const calls: string[] = [];
    const user = { id: IDS.agent, email: 'x@example.com', role: 'agent' };
    const directory = {
      // Login reads the user again by id after storing the session (see login.ts).
      findById: async (id: string) => (id === user.id ? user : null),
      findByEmail: async (email: string) => (email === user.email ? user : null),
      verifyPassword: async (user: { id: string }, password: string) => {
        calls.push(user.id);
        return password === 'bcrypt-checked';
      },
    };
    const auth = createAuthService({ directory, keys: { algorithm: 'HS256', secret: SECRET }, passwordHashOptions: { N: 1024 } });
    await expect(auth.login({ email: 'x@example.com', password: 'bcrypt-checked' })).resolves.toMatchObject({ scope: 'agent' });
    await expectCode(auth.login({ email: 'x@example.com', password: 'other' }), 'ERR_INVALID_CREDENTIALS');
    expect(calls).toEqual([IDS.agent, IDS.agent]);
  });

  it('refuses to mint a token for a role outside the ladder (ERR_INTERNAL, no details)', async () => {
    const { auth, directory } = await setup();
    directory.update(IDS.agent, { role: 'superuser' });
    const error = await expectCode(auth.login({ email: 'agent@example.com', password: PASSWORD }), 'ERR_INTERNAL');
    expect(error.message).not.toContain('superuser');
  });
});

// The whole policy is in login-throttling.test.ts; these are login's own throttling answers.
describe('login throttling', () => {
  it('without a source, throttles an email after 10 failures in 15 minutes, with a retry-after hint, even for the right password', async () => {
    const fixture = await setup();
    for (let attempt = 0; attempt < 10; attempt++) {
      await expectCode(fixture.auth.login({ email: 'agent@example.com', password: 'wrong' }), 'ERR_INVALID_CREDENTIALS');
    }
    const error = (await expectCode(
      fixture.auth.login({ email: 'agent@example.com', password: PASSWORD }),
      'ERR_LOGIN_THROTTLED',
    )) as ScopeladderError;
    expect(error.retryAfter).toBe(900);
    fixture.clock.advance(600_000);
    const later = (await expectCode(
      fixture.auth.login({ email: 'AGENT@example.com', password: PASSWORD }),
      'ERR_LOGIN_THROTTLED',
    )) as ScopeladderError;
    expect(later.retryAfter).toBe(300);
    // Other emails are not affected.
    await expect(fixture.auth.login({ email: 'admin@example.com', password: PASSWORD })).resolves.toBeDefined();
    fixture.clock.advance(300_000);
    await expect(fixture.auth.login({ email: 'agent@example.com', password: PASSWORD })).resolves.toBeDefined();
  });

  it('resets the (email, source) count after a successful login', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerEmailAndSource: 3 } });
    const attempt = (password: string) => fixture.auth.login({ email: 'agent@example.com', password }, { source: '203.0.113.1' });
    await expectCode(attempt('x'), 'ERR_INVALID_CREDENTIALS');
    await expectCode(attempt('x'), 'ERR_INVALID_CREDENTIALS');
    await attempt(PASSWORD);
    await expectCode(attempt('x'), 'ERR_INVALID_CREDENTIALS');
    await expectCode(attempt('x'), 'ERR_INVALID_CREDENTIALS');
    await attempt(PASSWORD);
  });

  it('counts concurrent attempts before any password work: a burst cannot exceed the limit', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerEmailAndSource: 3 } });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => fixture.auth.login({ email: 'agent@example.com', password: 'guess' })));
    const codes = results.map((result) => (result.status === 'rejected' ? (result.reason as { code: string }).code : 'ok'));
    expect(codes.filter((code) => code === 'ERR_INVALID_CREDENTIALS')).toHaveLength(3);
    expect(codes.filter((code) => code === 'ERR_LOGIN_THROTTLED')).toHaveLength(17);
  });

  it('can be turned off', async () => {
    const fixture = await setup({ throttle: false });
    for (let attempt = 0; attempt < 15; attempt++) {
      await expectCode(fixture.auth.login({ email: 'agent@example.com', password: 'wrong' }), 'ERR_INVALID_CREDENTIALS');
    }
    expect(fixture.store.size().counters).toBe(0);
  });

  it('keeps no email or address in clear in the store keys', async () => {
    const fixture = await setup();
    const seen: string[] = [];
    const original = fixture.store.hit.bind(fixture.store);
    fixture.store.hit = async (key, windowMs, now) => {
      seen.push(key);
      return original(key, windowMs, now);
    };
    await expectCode(fixture.auth.login({ email: 'agent@example.com', password: 'x' }, { source: '203.0.113.9' }), 'ERR_INVALID_CREDENTIALS');
    expect(seen).toHaveLength(3);
    for (const key of seen) {
      expect(key).toMatch(/^login:(email|source|email-source):[0-9a-f]{64}$/);
    }
  });
});

describe('failures of the store and the directory', () => {
  it('turns a throwing store into ERR_STORE_UNAVAILABLE and a throwing directory into ERR_INTERNAL, without details', async () => {
    const fixture = await setup();
    const session = await fixture.auth.login({ email: 'admin@example.com', password: PASSWORD });
    const broken = new Error(`connection to redis://:${SECRET}@db failed`);
    fixture.store.isFamilyRevoked = async () => {
      throw broken;
    };
    const storeError = await expectCode(fixture.auth.authenticate(`Bearer ${session.token}`), 'ERR_STORE_UNAVAILABLE');
    expect(storeError.message).not.toContain(SECRET);
    expect(JSON.stringify(storeError)).not.toContain(SECRET);

    fixture.store.hit = () => {
      throw new TypeError('synchronous throw');
    };
    await expectCode(fixture.auth.login({ email: 'admin@example.com', password: PASSWORD }), 'ERR_STORE_UNAVAILABLE');

    fixture.directory.findById = async () => {
      throw broken;
    };
    const directoryError = await expectCode(fixture.auth.createApiKey(IDS.bot, ['bot']), 'ERR_INTERNAL');
    expect(directoryError.message).not.toContain(SECRET);
  });

  it("passes a store's own ScopeladderError through", async () => {
    const fixture = await setup();
    fixture.store.findApiKey = async () => {
      throw new ScopeladderError('ERR_STORE_UNAVAILABLE', 'Redis is down', { retryAfter: 5 });
    };
    const error = (await expectCode(
      fixture.auth.authenticate('Bearer 94c70d470e391bdc16a8d8363b5d4891'),
      'ERR_STORE_UNAVAILABLE',
    )) as ScopeladderError;
    expect(error.retryAfter).toBe(5);
  });

  it('refuses a directory record that is not a user record (ERR_INTERNAL)', async () => {
    const fixture = await setup();
    const { apiKey } = await fixture.auth.createApiKey(IDS.bot, ['bot']);
    fixture.directory.findById = async () => ({ id: IDS.bot }) as never;
    await expectCode(fixture.auth.authenticate(`Bearer ${apiKey}`), 'ERR_INTERNAL');
    fixture.directory.findById = async () => ({ id: IDS.admin, email: 'a', role: 'bot', kind: 'bot' });
    await expectCode(fixture.auth.authenticate(`Bearer ${apiKey}`), 'ERR_INTERNAL');
  });

  it('turns a broken clock into ERR_INTERNAL', async () => {
    const fixture = await setup({ clock: () => Number.NaN });
    await expectCode(fixture.auth.authenticate(`Bearer ${'a'.repeat(10)}.${'b'.repeat(10)}.${'c'.repeat(10)}`), 'ERR_INTERNAL');
  });
});

describe('password hash of the fixtures', () => {
  it('is a scrypt v1 hash', async () => {
    expect(await passwordHash()).toMatch(/^scrypt\$v=1\$N=1024,r=8,p=1\$/);
  });
});
