import { definePolicy } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { createAuthService } from './create-auth-service.js';
import { createMemoryDirectory } from './create-memory-directory.js';
import type { UserDirectory } from './directory.js';
import { PASSWORD, SECRET, TENANT_IDS, expectCode, passwordHash, setupTenants } from './test-fixtures.js';

// The survivors of the mutation run on lib/organizations.ts (docs/testing.md): the length bounds
// of organization ids and paths, and what the service does with what a directory hands back.

const INVALID_ORGANIZATION = 'The user directory returned an invalid organization';

/** A service over eve (agent of c1 by membership) and a directory answering `findOrganization` with `organization`. */
async function serviceAnswering(findOrganization: UserDirectory['findOrganization'], memberships: unknown = [{ organization: 'c1', role: 'agent' }]) {
  const eve = { id: TENANT_IDS.eve, email: 'eve@example.com', role: 'agent', passwordHash: await passwordHash(), memberships };
  const directory: UserDirectory = {
    findById: async (id) => (id === eve.id ? (eve as never) : null),
    findByEmail: async (email) => (email === eve.email ? (eve as never) : null),
    ...(findOrganization === undefined ? {} : { findOrganization }),
  };
  return createAuthService({ directory, keys: { algorithm: 'HS256', secret: SECRET }, passwordHashOptions: { N: 1024 } });
}

describe('organization ids and paths: the length bounds are inclusive', () => {
  it('a directory takes an id of 256 characters and a path of 1024, not one more', () => {
    const id = 'o'.repeat(256);
    expect(() => createMemoryDirectory([], { organizations: [{ id, path: id }] })).not.toThrow();
    expect(() => createMemoryDirectory([], { organizations: [{ id: `${id}o`, path: `${id}o` }] })).toThrow(TypeError);
    const path = `${'r'.repeat(1021)}#c1`;
    expect(path).toHaveLength(1024);
    expect(() => createMemoryDirectory([], { organizations: [{ id: 'c1', path }] })).not.toThrow();
    expect(() => createMemoryDirectory([], { organizations: [{ id: 'c1', path: `r${path}` }] })).toThrow(TypeError);
  });

  it('login takes an organization id of 256 characters (refused as not reached, not as malformed)', async () => {
    const { auth } = await setupTenants();
    await expectCode(auth.login({ email: 'eve@example.com', password: PASSWORD, organization: 'x'.repeat(256) }), 'ERR_INVALID_CREDENTIALS');
  });

  it('a path ending with the separator is refused, even when the id ends with it', () => {
    for (const path of ['c1#', 'r1#c1#']) {
      expect(() => createMemoryDirectory([], { organizations: [{ id: 'c1#', path }] }), path).toThrow(TypeError);
    }
  });
});

describe('what the directory hands back about an organization', () => {
  it('a directory without findOrganization is ERR_INTERNAL, saying so', async () => {
    const auth = await serviceAnswering(undefined);
    const error = await expectCode(auth.login({ email: 'eve@example.com', password: PASSWORD }), 'ERR_INTERNAL');
    expect(error.message).toBe('The user directory cannot find organizations (findOrganization)');
  });

  it('undefined is "no such organization", like null: refused like a wrong password', async () => {
    for (const answer of [null, undefined]) {
      const auth = await serviceAnswering(async () => answer as never);
      await expectCode(auth.login({ email: 'eve@example.com', password: PASSWORD }), 'ERR_INVALID_CREDENTIALS');
    }
  });

  it('a record that is no object, of another organization, or with a path of another is ERR_INTERNAL', async () => {
    // A function carrying a well-formed id and path is no record either (typeof 'function').
    const callable = Object.assign(() => undefined, { id: 'c1', path: 'r1#c1' });
    const answers: unknown[] = ['r1#c1', 7, callable, { id: 'c2', path: 'r1#c1' }, { id: 'c1', path: 'r1#c2' }, { path: 'r1#c1' }];
    for (const answer of answers) {
      const auth = await serviceAnswering(async () => answer as never);
      const error = await expectCode(auth.login({ email: 'eve@example.com', password: PASSWORD }), 'ERR_INTERNAL');
      expect(error.message, JSON.stringify(answer)).toBe(INVALID_ORGANIZATION);
    }
  });

  it('a user with no membership at all is refused without asking the directory about an organization', async () => {
    const asked: unknown[] = [];
    const auth = await serviceAnswering(async (id) => {
      asked.push(id);
      return null;
    }, []);
    await expectCode(auth.login({ email: 'eve@example.com', password: PASSWORD }), 'ERR_INVALID_CREDENTIALS');
    expect(asked).toEqual([]);
  });
});

describe("the role is resolved with the policy's separator and ladder", () => {
  it("a policy with '/' and its own scopes: the owner of r1 acts as owner in r1/c1", async () => {
    const policy = definePolicy({
      scopes: ['member', 'owner'],
      matrix: { Note: { read: 'member' }, Organization: { read: 'owner' } },
      tenancy: { separator: '/' },
    });
    const directory = createMemoryDirectory(
      [
        {
          id: TENANT_IDS.eve,
          email: 'eve@example.com',
          role: 'member',
          passwordHash: await passwordHash(),
          memberships: [{ organization: 'r1', role: 'owner' }],
        },
      ],
      {
        separator: '/',
        organizations: [
          { id: 'r1', path: 'r1' },
          { id: 'c1', path: 'r1/c1' },
        ],
      },
    );
    const auth = createAuthService({ policy, directory, keys: { algorithm: 'HS256', secret: SECRET }, passwordHashOptions: { N: 1024 } });
    const response = await auth.login({ email: 'eve@example.com', password: PASSWORD, organization: 'c1' });
    expect(response.scope).toBe('owner');
    const { principal } = await auth.authenticate(`Bearer ${response.token}`);
    expect(principal).toMatchObject({ organization: 'c1', organizationPath: 'r1/c1', scopes: ['owner'] });
  });
});
