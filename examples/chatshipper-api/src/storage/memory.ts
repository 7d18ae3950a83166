import { createMemoryStore } from '@scopeladder/tokens';
import type { ResourceType } from '../resources.js';
import { findOrganizationIn } from './find-organization.js';
import { inSubtreeOrder, pageOf } from './list-page.js';
import { applyUserPatch, mergeResource } from './merge.js';
import type { ResourceDocument, ResourceRepository, Storage, StoredUser, UserPatch, UserRepository } from './types.js';

/**
 * The default {@link Storage}: everything in this process's memory, gone when it stops.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage();
 * const auth = createAuthService({ directory: storage.users, store: storage.tokenStore, ... });
 * ```
 */
export function createMemoryStorage(): Storage {
  const resources = createMemoryResourceRepository();
  return {
    name: 'memory',
    description: 'memory',
    users: createMemoryUserRepository((id) => findOrganizationIn(resources, id)),
    resources,
    tokenStore: createMemoryStore(),
    check: async () => ({ ok: true, details: {} }),
    onRecovered: () => {},
    close: async () => {},
  };
}

/**
 * What a memory table keeps of `document`: its JSON round trip. What is stored is exactly what
 * can be serialized, as in Redis, so no stored record can make a later read or list fail; a
 * document that cannot be serialized fails its own write (a 500 then, never every later list).
 */
function storable<T>(document: T): T {
  return JSON.parse(JSON.stringify(document)) as T;
}

/**
 * An in-memory {@link ResourceRepository}: one `Map` per type, insertion-ordered. Keeps a JSON
 * round-trip copy of every document it stores. Lists walk the type's records, in the Redis
 * index's order (organization path, then creation), through the caller's filter
 * (`filter.matches`, the policy's own predicate) and stop after the page.
 *
 * @example
 * ```ts
 * const resources = createMemoryResourceRepository();
 * await resources.create('Contact', { id: newId(), organization: orgId, name: 'Ada' });
 * ```
 */
export function createMemoryResourceRepository(): ResourceRepository {
  const tables = new Map<ResourceType, Map<string, ResourceDocument>>();
  const table = (type: ResourceType): Map<string, ResourceDocument> => {
    let found = tables.get(type);
    if (!found) {
      found = new Map();
      tables.set(type, found);
    }
    return found;
  };
  return {
    async list(type, query) {
      const pathOf = (document: ResourceDocument): unknown => (type === 'Organization' ? document['path'] : document['organizationPath']);
      return pageOf(inSubtreeOrder(table(type).values(), query.within, pathOf), query);
    },
    async hasSubOrganizations(parent) {
      for (const organization of table('Organization').values()) if (organization['parent'] === parent) return true;
      return false;
    },
    async get(type, id) {
      return table(type).get(id) ?? null;
    },
    async create(type, document) {
      const stored = storable(document);
      table(type).set(stored.id, stored);
      return stored;
    },
    async update(type, id, patch) {
      const current = table(type).get(id);
      if (!current) return null;
      const next = storable(mergeResource(current, patch));
      table(type).set(id, next);
      return next;
    },
    async delete(type, id) {
      return table(type).delete(id);
    },
  };
}

/**
 * An in-memory {@link UserRepository} (and so a `UserDirectory` for the auth service).
 * Emails are compared lower-cased; organizations are read through `findOrganization`.
 *
 * @example
 * ```ts
 * const users = createMemoryUserRepository((id) => findOrganizationIn(resources, id));
 * const auth = createAuthService({ directory: users, ... });
 * ```
 */
export function createMemoryUserRepository(findOrganization: UserRepository['findOrganization'] = async () => null): UserRepository {
  const byId = new Map<string, StoredUser>();
  const idByEmail = new Map<string, string>();
  return {
    async findById(id) {
      return byId.get(id) ?? null;
    },
    async findByEmail(email) {
      const id = idByEmail.get(email.toLowerCase());
      return id === undefined ? null : (byId.get(id) ?? null);
    },
    async list(query) {
      return pageOf(
        inSubtreeOrder(byId.values(), query.within, (user) => user.organizationPaths),
        query,
      );
    },
    findOrganization,
    async create(user) {
      const email = user.email.toLowerCase();
      if (idByEmail.has(email)) return null;
      const stored: StoredUser = storable({ ...user, email });
      byId.set(stored.id, stored);
      idByEmail.set(email, stored.id);
      return stored;
    },
    async update(id, patch: UserPatch) {
      const current = byId.get(id);
      if (!current) return null;
      const next = storable(applyUserPatch(current, patch));
      if (next.email !== current.email) {
        if (idByEmail.has(next.email)) return 'email_taken';
        idByEmail.delete(current.email);
        idByEmail.set(next.email, id);
      }
      byId.set(id, next);
      return next;
    },
    async delete(id) {
      const current = byId.get(id);
      if (!current) return null;
      byId.delete(id);
      idByEmail.delete(current.email);
      return current;
    },
  };
}
