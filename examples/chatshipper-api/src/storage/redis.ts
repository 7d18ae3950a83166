import { ScopeladderError } from '@scopeladder/core';
import { createRedisCollection, type RedisClient, type RedisCollection } from '@scopeladder/redis';
import { isId } from '../lib/ids.js';
import { RESOURCE_PATHS, RESOURCE_TYPES, type ResourceType } from '../resources.js';
import { applyUserPatch, mergeResource } from './merge.js';
import { pageOf } from './list-page.js';
import type { ListPage, ListQuery, ResourceDocument, ResourceRepository, StoredUser, UserRepository } from './types.js';

/**
 * One page of a collection for a list query, read from the subtree index of `@scopeladder/redis`
 * (`list({ within: query.within, offset, limit })`): no scan, no read of records outside the page.
 * Ordered by organization path, then creation (memory storage: creation order).
 */
async function listWithin<T extends { readonly id: string }>(collection: RedisCollection<T>, query: ListQuery): Promise<ListPage<T>> {
  const { filter, within, offset, limit } = query;
  if (filter.kind === 'none') return { items: [], more: false };
  // Without tenancy (no path to list within): the whole collection, filtered.
  if (within === undefined) return pageOf(await collection.list(), query);
  // One page of the subtree from the index (one more record than asked: is there a next page?).
  // A list filter is exactly that subtree; the policy's predicate still runs on every record, so a
  // record the index would place wrongly is dropped, never shown.
  const page = await collection.list({ within, offset, limit: limit + 1 });
  return { items: page.slice(0, limit).filter((record) => filter.matches(record)), more: page.length > limit };
}

/** Options of {@link createRedisUserRepository} and {@link createRedisResourceRepository}. */
export interface RedisRepositoryOptions {
  /** The shared ioredis client, a `Redis` or a `Cluster` (the same one the token store uses). */
  readonly client: RedisClient;
  /** Put before every key, e.g. `"chatshipper:"`. */
  readonly prefix: string;
  /** The longest one Redis call may take before `ERR_STORE_UNAVAILABLE` (503). Default `1000`. */
  readonly commandTimeoutMs?: number | undefined;
}

function idCollision(): ScopeladderError {
  return new ScopeladderError('ERR_INTERNAL', 'A new record got an id that is already in use');
}

/**
 * A {@link UserRepository} in Redis (a `createRedisCollection` named `users`, unique on the
 * lower-cased email), so every instance sees the same users. Email uniqueness and role changes
 * are atomic across instances. When Redis is unreachable, every call rejects with
 * `ScopeladderError('ERR_STORE_UNAVAILABLE')`, which the adapters answer with 503.
 *
 * @example
 * ```ts
 * const users = createRedisUserRepository({ client: redis, prefix: 'chatshipper:' });
 * const auth = createAuthService({ directory: users, store: createRedisStore({ client: redis }), ... });
 * ```
 */
export function createRedisUserRepository(
  options: RedisRepositoryOptions,
  findOrganization: UserRepository['findOrganization'] = async () => null,
): UserRepository {
  const users: RedisCollection<StoredUser> = createRedisCollection<StoredUser>({
    client: options.client,
    prefix: options.prefix,
    commandTimeoutMs: options.commandTimeoutMs,
    name: 'users',
    unique: (user) => ({ email: user.email.toLowerCase() }),
    tenancy: { paths: (user) => user.organizationPaths },
  });
  return {
    async findById(id) {
      // Ids are only ever 24 hex characters: anything else names no user (and no odd key).
      return isId(id) ? users.get(id) : null;
    },
    async findByEmail(email) {
      if (typeof email !== 'string' || email === '') return null;
      return users.findBy('email', email.toLowerCase());
    },
    async list(query) {
      return listWithin(users, query);
    },
    findOrganization,
    async create(user) {
      const result = await users.create({ ...user, email: user.email.toLowerCase() });
      if (result.status === 'created') return result.document;
      if (result.index === 'email') return null;
      throw idCollision();
    },
    async update(id, patch) {
      if (!isId(id)) return null;
      const result = await users.update(id, (current) => applyUserPatch(current, patch));
      if (result.status === 'updated') return result.document;
      if (result.status === 'not_found') return null;
      return 'email_taken';
    },
    async delete(id) {
      return isId(id) ? users.delete(id) : null;
    },
  };
}

/** Where a record's organization path is (the subtree index's key): `undefined` when it has none. */
function pathOf(type: ResourceType, document: ResourceDocument): string | undefined {
  const path = type === 'Organization' ? document['path'] : document['organizationPath'];
  return typeof path === 'string' ? path : undefined;
}

/** The collection name of a resource type: its REST path segment (`Contact` → `contacts`). */
function collectionName(type: ResourceType): string {
  return RESOURCE_PATHS[type].slice('/v2/'.length);
}

/**
 * A {@link ResourceRepository} in Redis: one `createRedisCollection` per resource type, named
 * after its path (`contacts`, `knowledgeitems`…), listed in insertion order. Updates are
 * compare-and-set, so two instances updating one record at once lose no field. Users are not
 * resources here: they live in {@link createRedisUserRepository}.
 *
 * @example
 * ```ts
 * const resources = createRedisResourceRepository({ client: redis, prefix: 'chatshipper:' });
 * await resources.create('Contact', { id: newId(), organization, name: 'Ada' });
 * ```
 */
export function createRedisResourceRepository(options: RedisRepositoryOptions): ResourceRepository {
  const collections = new Map<ResourceType, RedisCollection<ResourceDocument>>();
  for (const type of RESOURCE_TYPES) {
    if (type === 'User') continue;
    collections.set(
      type,
      createRedisCollection<ResourceDocument>({
        client: options.client,
        prefix: options.prefix,
        commandTimeoutMs: options.commandTimeoutMs,
        name: collectionName(type),
        // The subtree index: an organization is in its own subtree (`path`), every other record
        // in its organization's (`organizationPath`).
        tenancy: { paths: (document) => pathOf(type, document) },
      }),
    );
  }
  const of = (type: ResourceType): RedisCollection<ResourceDocument> => {
    const found = collections.get(type);
    if (!found) throw new TypeError(`createRedisResourceRepository: no collection for ${type} (users live in the UserRepository)`);
    return found;
  };
  return {
    async list(type, query) {
      return listWithin(of(type), query);
    },
    async hasSubOrganizations(parent) {
      const organization = isId(parent) ? await of('Organization').get(parent) : null;
      const path = organization === null ? undefined : pathOf('Organization', organization);
      // The organization itself is the one record of its subtree when it has no descendants.
      return path !== undefined && (await of('Organization').count({ within: path })) > 1;
    },
    async get(type, id) {
      return isId(id) ? of(type).get(id) : null;
    },
    async create(type, document) {
      const result = await of(type).create(document);
      if (result.status === 'created') return result.document;
      throw idCollision();
    },
    async update(type, id, patch) {
      if (!isId(id)) return null;
      const result = await of(type).update(id, (current) => mergeResource(current, patch));
      return result.status === 'updated' ? result.document : null;
    },
    async delete(type, id) {
      return isId(id) ? (await of(type).delete(id)) !== null : false;
    },
  };
}
