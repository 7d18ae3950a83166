import { chatshipperPolicy, subject, type Principal } from '@scopeladder/core';
import { createAuthService, createMemoryDirectory, hashPassword } from '@scopeladder/tokens';

const EVE = '5f0c8a1e9b3d2c4a6e8f0a1d';
const BOT = '5f0c8a1e9b3d2c4a6e8f0a1e';

/** A directory and a service with eve (admin of c1, guest of r1) and a bot (bot of c1). */
export async function createTenantService() {
  // The tree of docs/examples/organizations-tree.ts: root r1, customers c1 (with s1) and c2.
  const directory = createMemoryDirectory([], {
    organizations: [
      { id: 'r1', path: 'r1' },
      { id: 'c1', path: 'r1#c1' },
      { id: 's1', path: 'r1#c1#s1' },
      { id: 'c2', path: 'r1#c2' },
    ],
  });
  directory.add({
    id: EVE,
    email: 'eve@example.com',
    role: 'guest',
    passwordHash: await hashPassword('s3cret-passphrase', { N: 1024 }),
    memberships: [
      { organization: 'c1', role: 'admin' },
      { organization: 'r1', role: 'guest' },
    ],
  });
  directory.add({ id: BOT, email: 'bot@example.com', role: 'bot', kind: 'bot', memberships: [{ organization: 'c1', role: 'bot' }] });
  const service = createAuthService({
    directory,
    policy: chatshipperPolicy, // the default (it has tenancy)
    keys: { algorithm: 'HS256', secret: 'an example secret of 32+ bytes!!' },
    passwordHashOptions: { N: 1024 },
  });
  return { directory, service };
}

const conversation = (id: string, organization: string, organizationPath: string) => subject('Conversation', { id, organization, organizationPath });
const records = [
  conversation('k1', 'r1', 'r1'),
  conversation('k2', 'c1', 'r1#c1'),
  conversation('k3', 's1', 'r1#c1#s1'),
  conversation('k4', 'c2', 'r1#c2'),
];

/** The ids of the conversations a principal may fetch. */
function reached(principal: Principal): string[] {
  return records.filter((record) => chatshipperPolicy.can(principal, 'fetch', record)).map((record) => record.id);
}

/** Logs eve in, in one organization or by default (her first membership: c1), and says what the session reaches. */
export async function signIn(organization?: string) {
  const { service } = await createTenantService();
  const session = await service.login({ email: 'eve@example.com', password: 's3cret-passphrase', organization });
  const { principal } = await service.authenticate(`Bearer ${session.token}`);
  return { scope: session.scope, organizationPath: principal.organizationPath, reaches: reached(principal) };
}

/** A bot key bound to c1: capped by the bot's live role there, refused once it left c1. */
export async function botKey() {
  const { directory, service } = await createTenantService();
  const { apiKey, organization } = await service.createApiKey(BOT, ['bot'], { organization: 'c1' });
  const before = await service.authenticate(`Bearer ${apiKey}`);
  directory.update(BOT, { memberships: [{ organization: 'c1', role: 'agent' }] }); // demoted in c1
  const demoted = await service.authenticate(`Bearer ${apiKey}`);
  directory.update(BOT, { memberships: [] }); // removed from c1
  const removed = await service.authenticate(`Bearer ${apiKey}`).catch((error: { code: string }) => error.code);
  return { organization, before: before.principal.scopes, demoted: demoted.principal.scopes, removed };
}
