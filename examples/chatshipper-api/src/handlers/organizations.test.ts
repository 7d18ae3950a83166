import { chatshipperTenantPolicy, type Principal } from '@scopeladder/core';
import { createAuthService, type AuthContext } from '@scopeladder/tokens';
import { describe, expect, it } from 'vitest';
import type { ApiDependencies } from '../routes.js';
import { findOrganizationIn } from '../storage/find-organization.js';
import { withMemberships } from '../storage/merge.js';
import { createMemoryResourceRepository, createMemoryUserRepository } from '../storage/memory.js';
import type { StoredMembership } from '../storage/types.js';
import { createOrganizationHandlers } from './organizations.js';
import { createResourceHandlers } from './resources.js';

// The tree: root R with customers A (sub-organization A1) and B.
const R = 'aa'.repeat(12);
const A = 'ab'.repeat(12);
const A1 = 'a1'.repeat(12);
const B = 'bb'.repeat(12);
const PATH: Readonly<Record<string, string>> = { [R]: R, [A]: `${R}#${A}`, [A1]: `${R}#${A}#${A1}`, [B]: `${R}#${B}` };
const USER = 'ee'.repeat(12);

async function setup(memberships: readonly StoredMembership[]) {
  const resources = createMemoryResourceRepository();
  for (const [id, path] of Object.entries(PATH)) {
    const parent = path.split('#').at(-2) ?? null;
    await resources.create('Organization', { id, organization: id, parent, level: path.split('#').length, path });
  }
  const users = createMemoryUserRepository((id) => findOrganizationIn(resources, id));
  await users.create(withMemberships({ id: USER, email: 'eve@example.com', role: 'guest', kind: 'user', profile: {} }, memberships));
  const auth = createAuthService({ policy: chatshipperTenantPolicy, directory: users, keys: { algorithm: 'HS256', secret: 's'.repeat(32) } });
  const deps: ApiDependencies = { auth, users, resources, roles: chatshipperTenantPolicy.ladder.scopes, hashPassword: async () => 'x' };
  return { deps, resources };
}

/** The user acting in `organization` with the role its memberships give there. */
function actingIn(organization: string, role: string): AuthContext {
  const principal: Principal = { id: USER, scopes: [role], organization, organizationPath: PATH[organization] };
  return { principal, token: { kind: 'apiKey', keyId: 'k' } } as unknown as AuthContext;
}

describe('createOrganizationHandlers', () => {
  it("creates below the caller's organization by default, or below a parent within reach, up to level 3", async () => {
    const { deps } = await setup([{ organization: A, path: PATH[A] ?? '', role: 'admin' }]);
    const handlers = createOrganizationHandlers(deps);
    const auth = actingIn(A, 'admin');
    const child = await handlers.create({ auth, params: {}, body: { name: 'North', note: 'kept' } });
    const body = child.body as { id: string };
    expect(child).toEqual({
      status: 201,
      body: { name: 'North', note: 'kept', id: body.id, parent: A, level: 3, path: `${PATH[A]}#${body.id}`, organization: body.id },
    });
    await expect(handlers.create({ auth, params: {}, body: { name: 'Too deep', parent: A1 } })).rejects.toMatchObject({
      code: 'ERR_INVALID_REQUEST',
      message: 'Organizations nest at most 3 levels deep',
    });
    for (const parent of [R, B, 'cc'.repeat(12), 42]) {
      await expect(handlers.create({ auth, params: {}, body: { name: 'Elsewhere', parent } })).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' });
    }
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(201) }, { name: 'x', path: 'y' }, { name: 'x', level: 1 }]) {
      await expect(handlers.create({ auth, params: {}, body })).rejects.toMatchObject({ code: 'ERR_INVALID_REQUEST' });
    }
  });

  it('needs the right to create in the parent: an agent may not', async () => {
    const { deps } = await setup([{ organization: A, path: PATH[A] ?? '', role: 'agent' }]);
    const create = createOrganizationHandlers(deps).create({ auth: actingIn(A, 'agent'), params: {}, body: { name: 'North' } });
    await expect(create).rejects.toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE' });
  });

  it('refuses to delete an organization with sub-organizations (409), and never moves one', async () => {
    const { deps, resources } = await setup([{ organization: R, path: R, role: 'admin' }]);
    const handlers = createOrganizationHandlers(deps);
    const auth = actingIn(R, 'admin');
    await expect(handlers.delete({ auth, params: { id: A }, body: undefined })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
    expect(await resources.get('Organization', A)).not.toBeNull();
    await expect(handlers.update({ auth, params: { id: A1 }, body: { parent: B } })).rejects.toMatchObject({ code: 'ERR_INVALID_REQUEST' });
    expect((await handlers.update({ auth, params: { id: A1 }, body: { name: 'Renamed' } })).body).toMatchObject({ name: 'Renamed', path: PATH[A1] });
    expect((await handlers.delete({ auth, params: { id: A1 }, body: undefined })).status).toBe(204);
    expect((await handlers.delete({ auth, params: { id: A }, body: undefined })).status).toBe(204);
  });
});

describe('createResourceHandlers: creating and moving across organizations', () => {
  // Eve is admin of A but only a guest in its sub-organization A1 (a nearer membership decides there).
  const memberships = [
    { organization: A, path: PATH[A] ?? '', role: 'admin' },
    { organization: A1, path: PATH[A1] ?? '', role: 'guest' },
  ];

  it('creates in a descendant only when the role there allows it', async () => {
    const { deps } = await setup(memberships);
    const handlers = createResourceHandlers(deps, 'Contact');
    const auth = actingIn(A, 'admin');
    const inA = await handlers.create({ auth, params: {}, body: { name: 'in A' } });
    expect(inA.body).toMatchObject({ organization: A, organizationPath: PATH[A] });
    // Contact create needs bot; eve is a guest in A1.
    await expect(handlers.create({ auth, params: {}, body: { name: 'in A1', organization: A1 } })).rejects.toMatchObject({
      code: 'ERR_INSUFFICIENT_SCOPE',
    });
    await expect(handlers.create({ auth, params: {}, body: { name: 'x', organizationPath: PATH[A1] } })).rejects.toMatchObject({
      code: 'ERR_INVALID_REQUEST',
    });
  });

  it('moves a record only with the right where it goes, and never outside the reach', async () => {
    const { deps, resources } = await setup(memberships);
    const handlers = createResourceHandlers(deps, 'Contact');
    const auth = actingIn(A, 'admin');
    const id = ((await handlers.create({ auth, params: {}, body: { name: 'lead' } })).body as { id: string }).id;
    await expect(handlers.update({ auth, params: { id }, body: { organization: A1 } })).rejects.toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE' });
    await expect(handlers.update({ auth, params: { id }, body: { organization: B } })).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' });
    expect(await resources.get('Contact', id)).toMatchObject({ organization: A, organizationPath: PATH[A] });

    // Promoted in A1, eve may move it there: organization and path change together.
    const promoted = await setup([memberships[0] as StoredMembership, { organization: A1, path: PATH[A1] ?? '', role: 'admin' }]);
    const contacts = createResourceHandlers(promoted.deps, 'Contact');
    const lead = ((await contacts.create({ auth, params: {}, body: { name: 'lead' } })).body as { id: string }).id;
    const moved = await contacts.update({ auth, params: { id: lead }, body: { organization: A1, stage: 'won' } });
    expect(moved.body).toEqual({ name: 'lead', stage: 'won', id: lead, organization: A1, organizationPath: PATH[A1] });
  });
});
