// Tests for mutants of operations/login.ts and http/run-guard.ts that survived the tokens tests
// (issue "Test strength"). Each fails with its mutant applied. See docs/testing.md, "tokens".
import { describe, expect, it } from 'vitest';
import type { UserDirectory } from './directory.js';
import { runGuard } from './http/run-guard.js';
import { IDS, ORG, PASSWORD, TENANT_IDS, chatshipperMatrixPolicy, expectCode, setup, setupTenants } from './test-fixtures.js';

/** The payload of a compact JWT, decoded without verifying (the test only reads what was signed). */
function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A directory over `base` whose `findById` (login's second read) first applies `change` once, when armed. */
function changingOnSecondRead(base: UserDirectory, change: () => void): { directory: UserDirectory; arm(): void } {
  let armed = false;
  const directory: UserDirectory = {
    ...base,
    async findById(id: string) {
      if (armed) {
        armed = false;
        change();
      }
      return base.findById(id);
    },
  };
  return { directory, arm: () => (armed = true) };
}

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

describe('login: the organization of the second read, when the directory changes in between', () => {
  it('memberships reordered meanwhile: the token still names the organization the first read selected, at its path', async () => {
    const fixture = await setupTenants({ throttle: false });
    const { directory, arm } = changingOnSecondRead(fixture.directory, () =>
      fixture.directory.update(TENANT_IDS.eve, {
        memberships: [
          { organization: 'r1', role: 'guest' },
          { organization: 'c1', role: 'admin' },
        ],
      }),
    );
    const { auth } = await setupTenants({ throttle: false, directory });
    arm();
    // Eve names no organization: the first read selects her first membership, c1 (admin).
    const response = await auth.login({ email: 'eve@example.com', password: PASSWORD });
    const claims = payloadOf(response.access_token);
    expect(claims['org']).toBe('c1');
    expect(claims['org_path']).toBe('r1#c1');
    expect(claims['scope']).toBe('admin');
  });

  it('a user without memberships moved meanwhile (no tenancy, so no path): the second read is the truth, for the organization asked (none)', async () => {
    const fixture = await setup({ throttle: false, policy: chatshipperMatrixPolicy });
    const { directory, arm } = changingOnSecondRead(fixture.directory, () => fixture.directory.update(IDS.agent, { organization: 'moved-org' }));
    const { auth, store } = await setup({ throttle: false, policy: chatshipperMatrixPolicy, directory });
    arm();
    const response = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    expect(payloadOf(response.access_token)['org']).toBe('moved-org');
    expect(store.size().revokedFamilies).toBe(0);
    // Named explicitly, the old organization is no longer reached: refused, and the new session ended.
    fixture.directory.update(IDS.agent, { organization: ORG });
    arm();
    await expectCode(auth.login({ email: 'agent@example.com', password: PASSWORD, organization: ORG }), 'ERR_INVALID_CREDENTIALS');
    expect(store.size().revokedFamilies).toBe(1);
  });
});

describe('runGuard: a record that is not there', () => {
  it('after the type-level check: ERR_NOT_FOUND naming the type', async () => {
    const principal = { id: 'admin-id', scopes: ['admin'] };
    const auth = { principal, ability: chatshipperMatrixPolicy.abilityFor(principal), token: { kind: 'apiKey', keyId: 'k1' } } as never;
    const spec = { action: 'fetch', subject: 'Contact', load: async () => null } as const;
    const error = await expectCode(runGuard(auth, chatshipperMatrixPolicy, spec as never, {}, undefined), 'ERR_NOT_FOUND');
    expect(error.message).toBe('Contact not found');
  });
});
