// Tests for mutants of operations/login.ts and http/run-guard.ts that survived the tokens tests
// (issue "Test strength"). Each fails with its mutant applied. See docs/testing.md, "tokens".
import { describe, expect, it } from 'vitest';
import type { UserDirectory } from './directory.js';
import { IDS, PASSWORD, expectCode, setup } from './test-fixtures.js';

describe('login: what it refuses, at the boundaries and word for word', () => {
  it('email: 1 to 320 characters', async () => {
    const { auth } = await setup({ throttle: false });
    const long = `${'a'.repeat(320 - '@example.com'.length)}@example.com`;
    await expectCode(auth.login({ email: long, password: PASSWORD }), 'ERR_INVALID_CREDENTIALS');
    for (const email of [`a${long}`, '', 5]) {
      const error = await expectCode(auth.login({ email, password: PASSWORD } as never), 'ERR_INVALID_REQUEST');
      expect(error.message, String(email).slice(0, 20)).toBe('email must be a non-empty string');
    }
  });

  it('password: 1 to 1024 characters', async () => {
    const { auth } = await setup({ throttle: false });
    await expectCode(auth.login({ email: 'agent@example.com', password: 'p'.repeat(1024) }), 'ERR_INVALID_CREDENTIALS');
    for (const password of ['p'.repeat(1025), '', 5]) {
      const error = await expectCode(auth.login({ email: 'agent@example.com', password } as never), 'ERR_INVALID_REQUEST');
      expect(error.message).toBe('password must be a non-empty string of at most 1024 characters');
    }
  });

  it('the input, the organization, and wrong credentials, each with its message', async () => {
    const { auth } = await setup({ throttle: false });
    for (const input of [null, 'x']) {
      expect((await expectCode(auth.login(input as never), 'ERR_INVALID_REQUEST')).message).toBe('email and password are required');
    }
    const organization = await expectCode(auth.login({ email: 'agent@example.com', password: PASSWORD, organization: '' }), 'ERR_INVALID_REQUEST');
    expect(organization.message).toBe('organization must be a non-empty string of at most 256 characters');
    const wrong = await expectCode(auth.login({ email: 'agent@example.com', password: 'wrong password' }), 'ERR_INVALID_CREDENTIALS');
    expect(wrong.message).toBe('Invalid email or password');
  });

  it('a user deleted between the password check and the second read: refused like a wrong password, no session left', async () => {
    const fixture = await setup({ throttle: false });
    let deleteOnRead = false;
    const directory: UserDirectory = {
      ...fixture.directory,
      async findById(id: string) {
        if (deleteOnRead) fixture.directory.delete(id);
        return fixture.directory.findById(id);
      },
    };
    const { auth, store } = await setup({ throttle: false, directory });
    deleteOnRead = true;
    const error = await expectCode(auth.login({ email: 'agent@example.com', password: PASSWORD }), 'ERR_INVALID_CREDENTIALS');
    expect(error.message).toBe('Invalid email or password');
    expect(store.size().revokedFamilies).toBe(1);
    expect(await fixture.directory.findById(IDS.agent)).toBeNull();
  });
});

describe('runGuard: a record that is not there', () => {
  it('after the type-level check: ERR_NOT_FOUND naming the type', async () => {
    const { runGuard } = await import('./http/run-guard.js');
    const { chatshipperMatrixPolicy } = await import('./test-fixtures.js');
    const principal = { id: 'admin-id', scopes: ['admin'] };
    const auth = { principal, ability: chatshipperMatrixPolicy.abilityFor(principal), token: { kind: 'apiKey', keyId: 'k1' } } as never;
    const spec = { action: 'fetch', subject: 'Contact', load: async () => null } as const;
    const error = await expectCode(runGuard(auth, chatshipperMatrixPolicy, spec as never, {}, undefined), 'ERR_NOT_FOUND');
    expect(error.message).toBe('Contact not found');
  });
});
