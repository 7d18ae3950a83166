import { chatshipperAliases, chatshipperScopes, type ChatShipperScope } from './chatshipper-ladder.js';
import { definePolicy } from './define-policy.js';
import type { MatrixAction, MatrixResource, Policy } from './policy-types.js';

/**
 * The ChatShipper permission matrix, as data: resource → action → the lowest scope that may do
 * it (scopes cascade: `guest` < `agent` < `bot` < `admin`). `{ any, self }` cells are the
 * "(self)" rows: a lower scope may do it to the user's own record only.
 *
 * Transcribed from the ChatShipper authentication documentation; `docs/matrix.md` is generated
 * from it. Every row of the documented table is encoded here (notably: deleting a knowledge item
 * needs `bot`, deleting anything else needs `admin`).
 *
 * @example
 * ```ts
 * import { chatshipperMatrix } from '@scopeladder/core';
 * chatshipperMatrix.Conversation.list; // 'agent'
 * chatshipperMatrix.User.update;       // { any: 'admin', self: 'guest' }
 * ```
 */
export const chatshipperMatrix = {
  Organization: { list: 'bot', fetch: 'bot', create: 'admin', update: 'admin', delete: 'admin' },
  OrganizationGroup: { list: 'bot', fetch: 'bot', create: 'admin', update: 'admin', delete: 'admin' },
  User: {
    list: 'bot',
    fetch: { any: 'bot', self: 'guest' },
    create: 'admin',
    update: { any: 'admin', self: 'guest' },
    delete: 'admin',
  },
  Conversation: { list: 'agent', fetch: 'guest', create: 'agent', update: 'admin', delete: 'admin' },
  Message: { list: 'bot', fetch: 'bot', create: 'guest', update: 'bot', delete: 'admin' },
  Contact: { list: 'agent', fetch: 'bot', create: 'bot', update: 'bot', delete: 'admin' },
  KnowledgeItem: { list: 'agent', fetch: 'agent', create: 'agent', update: 'agent', delete: 'bot' },
  Form: { list: 'bot', fetch: 'admin', create: 'bot', update: 'bot', delete: 'admin' },
  Service: { list: 'admin', fetch: 'admin', create: 'admin', update: 'admin', delete: 'admin' },
} as const;

/**
 * The fields a user may not change on their own record unless an `admin` (the `any` grant of
 * `User.update`): their role and scopes, their organization, their identity and their API
 * credentials. Sub-paths are protected too (`organization.id`).
 *
 * @example
 * ```ts
 * import { chatshipperFields } from '@scopeladder/core';
 * chatshipperFields.User.update.protected.includes('role'); // true
 * ```
 */
export const chatshipperFields = {
  User: {
    update: {
      protected: ['id', 'role', 'scopes', 'scope', 'organization', 'kind', 'apiToken', 'apiTokens', 'apiKey', 'apiKeys', 'passwordHash'],
    },
  },
} as const;

/**
 * A ChatShipper resource type, e.g. `'User'`.
 *
 * @example
 * ```ts
 * const resource: ChatShipperResource = 'KnowledgeItem';
 * ```
 */
export type ChatShipperResource = MatrixResource<typeof chatshipperMatrix>;

/**
 * A ChatShipper action: `'list' | 'fetch' | 'create' | 'update' | 'delete'`.
 *
 * @example
 * ```ts
 * const action: ChatShipperAction = 'fetch';
 * ```
 */
export type ChatShipperAction = MatrixAction<typeof chatshipperMatrix>;

/**
 * The type of {@link chatshipperPolicy}.
 *
 * @example
 * ```ts
 * function guard(policy: ChatShipperPolicy) { policy.authorize(principal, 'list', 'User'); }
 * ```
 */
export type ChatShipperPolicy = Policy<ChatShipperScope, ChatShipperResource, ChatShipperAction>;

/**
 * The tenancy of ChatShipper records: paths joined by `#`; every record stores its
 * organization's path in `organizationPath`, an organization its own `path`, a user the paths of
 * all its memberships in `organizationPaths`.
 *
 * @example
 * ```ts
 * import { chatshipperTenancy } from '@scopeladder/core';
 * chatshipperTenancy.fieldsByType.User; // 'organizationPaths'
 * ```
 */
export const chatshipperTenancy = {
  separator: '#',
  field: 'organizationPath',
  fieldsByType: { Organization: 'path', User: 'organizationPaths' },
} as const;

/**
 * The ChatShipper policy: {@link chatshipperMatrix} over the `guest` < `agent` < `bot` < `admin`
 * ladder, with {@link chatshipperFields} and tenant isolation ({@link chatshipperTenancy}). A
 * principal acting in an organization (`organizationPath`) reaches only records of that
 * organization and of its descendants; a principal without a usable `organizationPath` reaches
 * nothing, not even on types (deny by default). Inside the reach, the matrix decides.
 *
 * For the matrix alone (no organizations), define your own policy from the same data:
 * `definePolicy({ scopes: chatshipperScopes, aliases: chatshipperAliases, matrix: chatshipperMatrix, fields: chatshipperFields })`.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy, subject } from '@scopeladder/core';
 *
 * const agent = { id: 'u1', scopes: ['agent'], organization: 'c1', organizationPath: 'r1#c1' };
 * chatshipperPolicy.can(agent, 'list', 'Conversation');                                                       // true
 * chatshipperPolicy.can(agent, 'fetch', subject('Conversation', { id: 'k1', organizationPath: 'r1#c1#s1' })); // true (child)
 * chatshipperPolicy.can(agent, 'fetch', subject('Conversation', { id: 'k2', organizationPath: 'r1#c2' }));    // false (sibling)
 * chatshipperPolicy.can(agent, 'update', subject('User', { id: 'u1', organizationPaths: ['r1#c1'] }), 'role'); // false
 * chatshipperPolicy.filterFor(agent, 'list', 'Conversation').kind;                                             // 'condition'
 * chatshipperPolicy.explain(agent, 'delete', 'KnowledgeItem').requiredScope;                                  // 'bot'
 * ```
 */
export const chatshipperPolicy: ChatShipperPolicy = /* @__PURE__ */ definePolicy({
  scopes: chatshipperScopes,
  aliases: chatshipperAliases,
  matrix: chatshipperMatrix,
  fields: chatshipperFields,
  tenancy: chatshipperTenancy,
});

/**
 * The ChatShipper policy with tenant isolation: the same object as {@link chatshipperPolicy}
 * (`chatshipperTenantPolicy === chatshipperPolicy`), which now has tenancy on.
 *
 * @deprecated Use {@link chatshipperPolicy}; this alias will be removed in a later version.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy, chatshipperTenantPolicy } from '@scopeladder/core';
 * chatshipperTenantPolicy === chatshipperPolicy; // true
 * ```
 */
export const chatshipperTenantPolicy: ChatShipperPolicy = chatshipperPolicy;
