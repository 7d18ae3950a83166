// Tests for mutants of operations/confirm-password.ts that survived the tokens tests (issue "Test
// strength"): the user id's and the password's bounds, exactly at the limits and one over, the
// messages, and the throttle key of an unknown user. Each fails with its mutant applied. See
// docs/testing.md, "tokens".
import { describe, expect, it } from 'vitest';
import { hashPassword } from './hash-password.js';
import { FAST_SCRYPT, IDS, ORG, PASSWORD, expectCode, setup } from './test-fixtures.js';

const ID = 'c0ffee0000000000000000aa';

/** A service with one more user, whose password is `password`. */
async function withUser(password: string) {
  const fixture = await setup({ throttle: false });
  fixture.directory.add({
    id: ID,
    email: 'long@example.com',
    role: 'agent',
    organization: ORG,
    passwordHash: await hashPassword(password, FAST_SCRYPT),
  });
  return fixture;
}

describe('confirmPassword: the user id', () => {
  it('1 to 256 characters; otherwise ERR_INVALID_REQUEST "A user id is required"', async () => {
    const { auth } = await setup({ throttle: false });
    // 256 characters: looked up (no such user), so refused like a wrong password.
    await expectCode(auth.confirmPassword('a'.repeat(256), PASSWORD), 'ERR_CURRENT_PASSWORD_INVALID');
    for (const userId of ['', 'a'.repeat(257), 42]) {
      const error = await expectCode(auth.confirmPassword(userId as string, PASSWORD), 'ERR_INVALID_REQUEST');
      expect(error.message, String(userId).slice(0, 10)).toBe('A user id is required');
    }
  });
});

describe('confirmPassword: the password', () => {
  it('a password of exactly 1024 characters is verified', async () => {
    const password = 'p'.repeat(1024);
    const { auth } = await withUser(password);
    await expect(auth.confirmPassword(ID, password)).resolves.toBeUndefined();
  });

  it('an empty, over-long (1025) or non-string password never reaches the directory', async () => {
    const asked: unknown[] = [];
    const base = await setup();
    // A directory that verifies passwords itself (e.g. against LDAP), and accepts any it is asked about.
    const { auth } = await setup({
      throttle: false,
      directory: {
        ...base.directory,
        async verifyPassword(_user, password) {
          asked.push(password);
          return true;
        },
      },
    });
    for (const password of ['', 'p'.repeat(1025), [PASSWORD], undefined]) {
      const error = await expectCode(auth.confirmPassword(IDS.agent, password as string), 'ERR_CURRENT_PASSWORD_INVALID');
      expect(error.message).toBe('The current password is missing or wrong');
    }
    expect(asked).toEqual([]);
    await expect(auth.confirmPassword(IDS.agent, 'p'.repeat(1024))).resolves.toBeUndefined();
    expect(asked).toEqual(['p'.repeat(1024)]);
  });
});

describe('confirmPassword: the throttle key of an unknown user', () => {
  it('is its id: failures for one unknown id never throttle another', async () => {
    const { auth } = await setup({ throttle: { maxFailuresPerEmailAndSource: 2 } });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await expectCode(auth.confirmPassword('ffffffffffffffffffffff01', 'wrong'), 'ERR_CURRENT_PASSWORD_INVALID');
    }
    await expectCode(auth.confirmPassword('ffffffffffffffffffffff01', 'wrong'), 'ERR_LOGIN_THROTTLED');
    await expectCode(auth.confirmPassword('ffffffffffffffffffffff02', 'wrong'), 'ERR_CURRENT_PASSWORD_INVALID');
  });
});
