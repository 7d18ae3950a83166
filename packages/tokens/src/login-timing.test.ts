import { describe, expect, it, vi } from 'vitest';

// Count the scrypt derivations login performs: an unknown email must cost the same as a wrong
// password (one derivation at the configured cost); a throttled attempt costs none.
const derivations: { N: number; r: number; p: number }[] = [];
vi.mock('./lib/scrypt.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./lib/scrypt.js')>();
  return {
    ...original,
    verifyScrypt: async (parsed: Parameters<typeof original.verifyScrypt>[0], password: string) => {
      derivations.push({ N: parsed.N, r: parsed.r, p: parsed.p });
      return original.verifyScrypt(parsed, password);
    },
  };
});

const { PASSWORD, expectCode, setup } = await import('./test-fixtures.js');

describe('login does the same password work whether or not the email exists', () => {
  it('derives once, at the configured cost, for a wrong password, an unknown email and a passwordless user', async () => {
    const { auth } = await setup({ passwordHashOptions: { N: 1024, r: 8, p: 1 } });
    for (const email of ['agent@example.com', 'nobody@example.com', 'bot@example.com']) {
      derivations.length = 0;
      await expectCode(auth.login({ email, password: 'wrong password' }), 'ERR_INVALID_CREDENTIALS');
      expect(derivations, email).toEqual([{ N: 1024, r: 8, p: 1 }]);
    }
    derivations.length = 0;
    await auth.login({ email: 'agent@example.com', password: PASSWORD });
    expect(derivations).toEqual([{ N: 1024, r: 8, p: 1 }]);
  });

  it('derives once for an organization the user does not reach, as for a wrong password (no oracle)', async () => {
    const { setupTenants } = await import('./test-fixtures.js');
    const { auth } = await setupTenants({ passwordHashOptions: { N: 1024, r: 8, p: 1 } });
    const attempts = [
      { email: 'eve@example.com', password: 'wrong password', organization: 'c1' },
      { email: 'eve@example.com', password: PASSWORD, organization: 'r2' },
      { email: 'eve@example.com', password: PASSWORD, organization: 'no-such-org' },
      { email: 'nobody@example.com', password: PASSWORD, organization: 'c1' },
    ];
    for (const input of attempts) {
      derivations.length = 0;
      await expectCode(auth.login(input), 'ERR_INVALID_CREDENTIALS');
      expect(derivations, JSON.stringify(input)).toEqual([{ N: 1024, r: 8, p: 1 }]);
    }
  });

  it('does no password work for a throttled attempt', async () => {
    const { auth } = await setup({ throttle: { maxFailuresPerEmailAndSource: 1 } });
    await expectCode(auth.login({ email: 'agent@example.com', password: 'x' }), 'ERR_INVALID_CREDENTIALS');
    derivations.length = 0;
    await expectCode(auth.login({ email: 'agent@example.com', password: 'x' }), 'ERR_LOGIN_THROTTLED');
    expect(derivations).toEqual([]);
  });
});

describe('confirmPassword does the same password work whether or not the user exists', () => {
  it('derives once, at the configured cost, for a wrong password, an unknown user and a passwordless bot', async () => {
    const { auth } = await setup({ passwordHashOptions: { N: 1024, r: 8, p: 1 } });
    const { IDS } = await import('./test-fixtures.js');
    for (const userId of [IDS.agent, 'ffffffffffffffffffffffff', IDS.bot]) {
      derivations.length = 0;
      await expectCode(auth.confirmPassword(userId, 'wrong password'), 'ERR_CURRENT_PASSWORD_INVALID');
      expect(derivations, userId).toEqual([{ N: 1024, r: 8, p: 1 }]);
    }
    derivations.length = 0;
    await auth.confirmPassword(IDS.agent, PASSWORD);
    expect(derivations).toEqual([{ N: 1024, r: 8, p: 1 }]);
  });

  it('does no password work when throttled', async () => {
    const { auth } = await setup({ throttle: { maxFailuresPerEmailAndSource: 1 } });
    const { IDS } = await import('./test-fixtures.js');
    await expectCode(auth.confirmPassword(IDS.agent, 'x'), 'ERR_CURRENT_PASSWORD_INVALID');
    derivations.length = 0;
    await expectCode(auth.confirmPassword(IDS.agent, PASSWORD), 'ERR_LOGIN_THROTTLED');
    expect(derivations).toEqual([]);
  });
});
