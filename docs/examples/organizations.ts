import { chatshipperPolicy as policy, httpErrorFor, resolveRole, subject, type Principal } from '@scopeladder/core';

// The tree of docs/examples/organizations-tree.ts: root r1, customers c1 (with s1) and c2.
const conversations = [
  { id: 'k1', organization: 'r1', organizationPath: 'r1', subject: 'root' },
  { id: 'k2', organization: 'c1', organizationPath: 'r1#c1', subject: 'customer one' },
  { id: 'k3', organization: 's1', organizationPath: 'r1#c1#s1', subject: 'customer one, north' },
  { id: 'k4', organization: 'c2', organizationPath: 'r1#c2', subject: 'customer two' },
];

// A user with memberships; the session acts in c1, with the role held there.
const memberships = [
  { organization: 'r1', path: 'r1', role: 'guest' },
  { organization: 'c1', path: 'r1#c1', role: 'agent' },
];
const role = resolveRole(memberships, 'r1#c1'); // 'agent'
const agent: Principal = { id: 'u1', scopes: role === null ? [] : [role], organization: 'c1', organizationPath: 'r1#c1' };

/** One instance check: c1's own conversation and its sub-organization's are in reach, c2's and the root's are not. */
export function fetchEach(): Record<string, boolean> {
  return Object.fromEntries(conversations.map((c) => [c.id, policy.can(agent, 'fetch', subject('Conversation', { ...c }))]));
}

/** The list: one prefix condition, as a MongoDB query, a Prisma `where` and a predicate. */
export function listConversations(): { query: unknown; prisma: unknown; ids: string[] } {
  const filter = policy.filterFor(agent, 'list', 'Conversation');
  if (filter.kind !== 'condition') throw new Error('expected a condition');
  return { query: filter.query, prisma: filter.prisma, ids: conversations.filter(filter.matches).map((c) => c.id) };
}

/** Another tenant's record is "not found": the same answer as a missing id. */
export function updateAnotherTenants(): { status: number; body: unknown } {
  try {
    policy.authorize({ ...agent, scopes: ['admin'] }, 'update', subject('Conversation', { ...conversations[3]! }));
    return { status: 200, body: null };
  } catch (error) {
    const { status, body } = httpErrorFor(error);
    return { status, body };
  }
}
