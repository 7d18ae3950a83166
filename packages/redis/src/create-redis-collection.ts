import { ScopeladderError } from '@scopeladder/core';
import { assertStoreText } from '@scopeladder/tokens';
import type { RedisOptions } from 'ioredis';
import { createConnection, isRedisClient, type RedisClient } from './lib/connection.js';
import {
  COLLECTION_COUNT_WITHIN,
  COLLECTION_CREATE,
  COLLECTION_DELETE,
  COLLECTION_LIST,
  COLLECTION_LIST_WITHIN,
  COLLECTION_UPDATE,
} from './lib/collection-scripts.js';
import { compileCollectionTenancy } from './lib/collection-tenancy.js';
import { createCollectionKeys } from './lib/keys.js';

/**
 * Options of {@link createRedisCollection}: exactly one of `client` or `url`, and a `name`.
 *
 * @example
 * ```ts
 * const options: RedisCollectionOptions<Contact> = { client: redis, prefix: 'myapp:', name: 'contacts' };
 * ```
 */
export interface RedisCollectionOptions<T extends { readonly id: string }> {
  /**
   * An ioredis client to share (recommended: one client for the token store and every
   * collection): a `Redis`, or a `Cluster` (each collection lives in one hash slot).
   */
  readonly client?: RedisClient | undefined;
  /** A Redis URL; the collection then creates, owns and closes its own client. */
  readonly url?: string | undefined;
  /** Extra ioredis options for the client created from `url`. */
  readonly redisOptions?: RedisOptions | undefined;
  /** Prepended to every key. Default `"scopeladder:"`. No whitespace, `{` or `}` (the collection's keys carry a Redis Cluster hash tag). */
  readonly prefix?: string | undefined;
  /** The collection's name, e.g. `"users"`: letters, digits, `_`, `-`, `.`. */
  readonly name: string;
  /**
   * The unique values of a document, by index name (letters, digits, `_`, `-`, `.`), e.g.
   * `(user) => ({ email: user.email.toLowerCase() })`. `undefined`/`null` values are not indexed.
   * Creating or updating a document whose value another document owns answers `conflict`.
   */
  readonly unique?: ((document: T) => Readonly<Record<string, string | null | undefined>>) | undefined;
  /**
   * A subtree index by organization, so that `list({ within })` and `count({ within })` answer
   * from an index: see {@link RedisCollectionTenancy}. Without it, `within` is a `TypeError`.
   */
  readonly tenancy?: RedisCollectionTenancy<T> | undefined;
  /** The longest any call waits for Redis before `ERR_STORE_UNAVAILABLE`. Default `1000`. */
  readonly commandTimeoutMs?: number | undefined;
}

/**
 * The `tenancy` option of {@link createRedisCollection}: where a document sits in the
 * organization tree, as materialized paths (the ids from the root down, joined by `separator`:
 * `"r1#c1#s1"`, see docs/organizations.md). The collection keeps a subtree index of these paths;
 * `list({ within: P })` returns the documents one of whose paths is P or starts with P followed
 * by the separator (`r1#c1` reaches `r1#c1#s1`, never `r1#c10`).
 *
 * Every create and update calls `paths` and rejects (`TypeError`, nothing written) a path that
 * is empty, has an empty segment (starts or ends with the separator, or holds it twice in a row),
 * a control character or a lone surrogate, or is longer than 4096 characters; more than 1000
 * paths; and several paths that reach more than 4096 organizations in all. `null`, `undefined`
 * or `[]`: the document is in no subtree (only `list()` without `within` shows it).
 *
 * @example
 * ```ts
 * const tenancy: RedisCollectionTenancy<StoredUser> = {
 *   paths: (user) => user.organizationPaths, // a user is within reach of each of its memberships
 * };
 * ```
 */
export interface RedisCollectionTenancy<T> {
  /** The path, or the paths, of a document's organization(s); keep it pure. */
  readonly paths: (document: T) => string | readonly string[] | null | undefined;
  /** One printable ASCII punctuation character between the ids of a path. Default `'#'`. */
  readonly separator?: string | undefined;
}

/**
 * Options of {@link RedisCollection.list}.
 *
 * @example
 * ```ts
 * const options: RedisCollectionListOptions = { within: 'r1#c1', offset: 100, limit: 100 };
 * ```
 */
export interface RedisCollectionListOptions {
  /** Skips this many documents. Default `0`. */
  readonly offset?: number | undefined;
  /** At most this many documents. Default: all. */
  readonly limit?: number | undefined;
  /**
   * Only the documents within this organization path's subtree (needs the `tenancy` option).
   * Not a valid path (see {@link RedisCollectionTenancy}): `TypeError`.
   */
  readonly within?: string | undefined;
}

/**
 * Options of {@link RedisCollection.count}.
 *
 * @example
 * ```ts
 * const options: RedisCollectionCountOptions = { within: 'r1#c1' };
 * ```
 */
export interface RedisCollectionCountOptions {
  /** Only the documents within this organization path's subtree (needs the `tenancy` option). */
  readonly within?: string | undefined;
}

/**
 * The result of {@link RedisCollection.create}.
 *
 * @example
 * ```ts
 * const result = await users.create(user);
 * if (result.status === 'conflict') throw new Error(`${result.index} already taken`);
 * ```
 */
export type CollectionCreateResult<T> =
  | { readonly status: 'created'; readonly document: T }
  /** `index` is `"id"` when the id is taken, else the unique index whose value is taken. */
  | { readonly status: 'conflict'; readonly index: string };

/**
 * The result of {@link RedisCollection.update}.
 *
 * @example
 * ```ts
 * const result = await users.update(id, (user) => ({ ...user, role: 'agent' }));
 * if (result.status === 'not_found') return notFound();
 * ```
 */
export type CollectionUpdateResult<T> =
  { readonly status: 'updated'; readonly document: T } | { readonly status: 'not_found' } | { readonly status: 'conflict'; readonly index: string };

/**
 * A collection of JSON documents in Redis, shared by every instance of a service.
 *
 * @example
 * ```ts
 * const contacts: RedisCollection<Contact> = createRedisCollection({ client: redis, name: 'contacts' });
 * await contacts.create({ id: '65f0c0ffee0000000000beef', name: 'Ada' });
 * const page = await contacts.list({ offset: 0, limit: 20 });
 * ```
 */
export interface RedisCollection<T extends { readonly id: string }> {
  readonly name: string;
  /** The document with this id, or `null`. */
  get(id: string): Promise<T | null>;
  /** The document owning `value` in the unique index `index`, or `null`. */
  findBy(index: string, value: string): Promise<T | null>;
  /**
   * Documents, paged by `offset`/`limit`. Without `within`: all of them, in insertion order.
   * With `within`: each document within that subtree once, ordered by organization path (bytewise
   * order of `path + separator`, so a parent comes before its descendants), then by creation; a
   * document with several paths in the subtree sits at the first of them. One atomic script over
   * the index, O(log² n + limit) at any offset: no scan, no read of documents outside the page.
   */
  list(options?: RedisCollectionListOptions): Promise<T[]>;
  /** How many documents there are (within a subtree: how many distinct documents `list` would page through). */
  count(options?: RedisCollectionCountOptions): Promise<number>;
  /** Stores a new document, atomically with its unique values. */
  create(document: T): Promise<CollectionCreateResult<T>>;
  /**
   * Replaces a document by `change(current)` atomically (compare-and-set on a version; `change`
   * may run more than once under contention, so keep it pure). The id cannot change.
   */
  update(id: string, change: (current: T) => T): Promise<CollectionUpdateResult<T>>;
  /** Deletes a document and its unique values; resolves the deleted document, or `null`. */
  delete(id: string): Promise<T | null>;
  /** Closes a client created from `url`; leaves a shared `client` open. */
  close(): Promise<void>;
}

const NAME = /^[A-Za-z0-9_.-]+$/;
const MAX_ATTEMPTS = 16;

function corrupt(): ScopeladderError {
  return new ScopeladderError('ERR_INTERNAL', 'The collection holds a malformed document');
}

function contended(): ScopeladderError {
  return new ScopeladderError('ERR_STORE_UNAVAILABLE', 'The document is being changed concurrently; retry', {
    retryAfter: 1,
  });
}

/**
 * Creates a {@link RedisCollection}: JSON documents with atomic create/update/delete, unique
 * indexes (e.g. a user's email) and insertion-ordered listing, with no `KEYS`/`SCAN`. Made for
 * applications that keep their own records in the same Redis as the token store, such as the
 * reference server with `REDIS_URL`. Documents are durable: they have no TTL.
 *
 * With `tenancy`, it also keeps a subtree index by organization path, and `list({ within })`
 * pages through one organization's subtree from it (see {@link RedisCollectionTenancy}).
 *
 * Keys, all with the Redis Cluster hash tag `{<name>}` (one slot per collection; every script
 * declares every key it touches): `<prefix>col:{<name>}:docs` (hash: `d:<id>` JSON, `v:<id>`
 * version, `p:<id>` index entries), `…:ids` (sorted set, insertion order), `…:seq` (counter),
 * `…:org` and `…:orgm` (the subtree index), `…:u:<index>:<value>` (the owning id).
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createRedisCollection, createRedisStore } from '@scopeladder/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false });
 * const store = createRedisStore({ client: redis, prefix: 'chatshipper:' });
 * const users = createRedisCollection<StoredUser>({
 *   client: redis,
 *   prefix: 'chatshipper:',
 *   name: 'users',
 *   unique: (user) => ({ email: user.email.toLowerCase() }),
 * });
 * const result = await users.create({ id, email, role: 'agent', kind: 'user', profile: {} });
 * if (result.status === 'conflict') {
 *   // the email is taken
 * }
 *
 * const conversations = createRedisCollection<Conversation>({
 *   client: redis,
 *   prefix: 'chatshipper:',
 *   name: 'conversations',
 *   tenancy: { paths: (conversation) => conversation.organizationPath },
 * });
 * const page = await conversations.list({ within: 'r1#c1', offset: 0, limit: 100 }); // r1#c1 and below
 * ```
 */
export function createRedisCollection<T extends { readonly id: string }>(options: RedisCollectionOptions<T>): RedisCollection<T> {
  if (typeof options !== 'object' || options === null) throw new TypeError('createRedisCollection: options must be an object');
  const { client, url, prefix = 'scopeladder:', name, unique } = options;
  const where = 'createRedisCollection';
  if ((client === undefined) === (url === undefined)) {
    throw new TypeError('createRedisCollection: give exactly one of `client` or `url`');
  }
  if (client !== undefined && !isRedisClient(client)) {
    throw new TypeError('createRedisCollection: `client` must be an ioredis Redis or Cluster client');
  }
  if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\//.test(url))) {
    throw new TypeError('createRedisCollection: `url` must be a redis:// or rediss:// URL');
  }
  if (typeof prefix !== 'string' || prefix.length === 0 || /[\s{}]/.test(prefix)) {
    throw new TypeError('createRedisCollection: `prefix` must be a non-empty string without whitespace, "{" or "}"');
  }
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new TypeError('createRedisCollection: `name` must be letters, digits, "_", "-" or "."');
  }
  if (unique !== undefined && typeof unique !== 'function') {
    throw new TypeError('createRedisCollection: `unique` must be a function');
  }
  const tenancy = compileCollectionTenancy<T>(options.tenancy, where);
  const commandTimeoutMs = options.commandTimeoutMs ?? 1000;
  if (!Number.isFinite(commandTimeoutMs) || commandTimeoutMs <= 0) {
    throw new TypeError('createRedisCollection: `commandTimeoutMs` must be a positive number');
  }

  const connection = createConnection({ client, url, redisOptions: options.redisOptions, commandTimeoutMs });
  const keys = createCollectionKeys(prefix, name);
  const uniqueKey = keys.unique;

  /** The unique keys of a document, with their index names, in a stable order. */
  function uniqueKeysOf(document: T): { index: string; key: string }[] {
    if (!unique) return [];
    const values = unique(document);
    return Object.keys(values)
      .sort()
      .flatMap((index) => {
        if (!NAME.test(index)) throw new TypeError(`createRedisCollection: unique index name "${index}" is invalid`);
        const value = values[index];
        if (value === undefined || value === null) return [];
        if (typeof value !== 'string') throw new TypeError(`createRedisCollection: unique value of "${index}" must be a string`);
        return [{ index, key: uniqueKey(index, value) }];
      });
  }

  function serialize(document: T): string {
    if (typeof document !== 'object' || document === null) throw new TypeError('document must be an object');
    assertStoreText(document.id, 'document.id');
    const json = JSON.stringify(document);
    if (json === undefined) throw new TypeError('document must be JSON-serializable');
    return json;
  }

  /** The index entries of a document ('' without tenancy or paths); `TypeError` for an invalid path. */
  function entriesOf(document: T): string {
    return tenancy === null ? '' : tenancy.entries(document);
  }

  /** The index ranges of `within`, as script arguments. */
  function bounds(within: unknown): [string, string, string, string] {
    if (tenancy === null) throw new TypeError(`${where}(${name}): \`within\` needs the \`tenancy\` option`);
    const { lo, hi, mlo, mhi } = tenancy.range(within);
    return [lo, hi, mlo, mhi];
  }

  function parse(json: unknown): T {
    if (typeof json !== 'string') throw corrupt();
    try {
      const value = JSON.parse(json) as unknown;
      if (typeof value !== 'object' || value === null || typeof (value as { id?: unknown }).id !== 'string') throw corrupt();
      return value as T;
    } catch {
      throw corrupt();
    }
  }

  async function read(id: string): Promise<{ version: string; document: T } | null> {
    const [version, json] = await connection.run((redis) => redis.hmget(keys.docs, `v:${id}`, `d:${id}`));
    if (version == null || json == null) return null;
    return { version, document: parse(json) };
  }

  function status(reply: unknown): { status: string; n: number } {
    if (!Array.isArray(reply) || typeof reply[0] !== 'string') throw corrupt();
    return { status: reply[0], n: Number(reply[1] ?? 0) };
  }

  return {
    name,

    async get(id) {
      assertStoreText(id, 'id');
      return (await read(id))?.document ?? null;
    },

    async findBy(index, value) {
      assertStoreText(index, 'index');
      if (typeof value !== 'string') throw new TypeError('value must be a string');
      const id = await connection.run((redis) => redis.get(uniqueKey(index, value)));
      if (id === null) return null;
      const found = await read(id);
      if (!found) return null;
      // Trust the document, not the index: a value it no longer has does not find it.
      return uniqueKeysOf(found.document).some((entry) => entry.key === uniqueKey(index, value)) ? found.document : null;
    },

    async list(listOptions = {}) {
      if (typeof listOptions !== 'object' || listOptions === null) throw new TypeError('list: options must be an object');
      const offset = listOptions.offset ?? 0;
      const limit = listOptions.limit ?? -1;
      if (!Number.isSafeInteger(offset) || offset < 0) throw new TypeError('offset must be an integer >= 0');
      if (!Number.isSafeInteger(limit) || limit < -1) throw new TypeError('limit must be an integer >= 0');
      const page = [String(offset), String(limit)];
      const reply =
        listOptions.within === undefined
          ? await connection.evalScript(COLLECTION_LIST, [keys.ids, keys.docs], page)
          : await connection.evalScript(COLLECTION_LIST_WITHIN, [keys.org, keys.orgm, keys.docs], [...bounds(listOptions.within), ...page]);
      if (!Array.isArray(reply)) throw corrupt();
      return reply.map(parse);
    },

    async count(countOptions = {}) {
      if (typeof countOptions !== 'object' || countOptions === null) throw new TypeError('count: options must be an object');
      if (countOptions.within === undefined) return connection.run((redis) => redis.zcard(keys.ids));
      const reply = await connection.evalScript(COLLECTION_COUNT_WITHIN, [keys.org, keys.orgm], bounds(countOptions.within));
      if (typeof reply !== 'number') throw corrupt();
      return reply;
    },

    async create(document) {
      const json = serialize(document);
      const entries = uniqueKeysOf(document);
      const indexEntries = entriesOf(document);
      const reply = status(
        await connection.evalScript(
          COLLECTION_CREATE,
          [keys.docs, keys.ids, keys.seq, keys.org, keys.orgm, ...entries.map((entry) => entry.key)],
          [document.id, json, indexEntries],
        ),
      );
      if (reply.status === 'ok') return { status: 'created', document: parse(json) };
      if (reply.status === 'conflict') return { status: 'conflict', index: reply.n === 0 ? 'id' : (entries[reply.n - 1]?.index ?? 'id') };
      throw corrupt();
    },

    async update(id, change) {
      assertStoreText(id, 'id');
      if (typeof change !== 'function') throw new TypeError('change must be a function');
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        const current = await read(id);
        if (!current) return { status: 'not_found' };
        const next = change(current.document);
        const json = serialize(next);
        if (next.id !== id) throw new TypeError('update: the id of a document cannot change');
        const before = uniqueKeysOf(current.document);
        const after = uniqueKeysOf(next);
        const indexEntries = entriesOf(next);
        const reply = status(
          await connection.evalScript(
            COLLECTION_UPDATE,
            [keys.docs, keys.ids, keys.org, keys.orgm, ...before.map((entry) => entry.key), ...after.map((entry) => entry.key)],
            [id, current.version, json, String(before.length), indexEntries],
          ),
        );
        if (reply.status === 'ok') return { status: 'updated', document: parse(json) };
        if (reply.status === 'not_found') return { status: 'not_found' };
        if (reply.status === 'conflict') return { status: 'conflict', index: after[reply.n - 1]?.index ?? 'id' };
        if (reply.status !== 'stale') throw corrupt();
      }
      throw contended();
    },

    async delete(id) {
      assertStoreText(id, 'id');
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        const current = await read(id);
        if (!current) return null;
        const uniqueKeys = uniqueKeysOf(current.document).map((entry) => entry.key);
        const reply = status(
          await connection.evalScript(COLLECTION_DELETE, [keys.docs, keys.ids, keys.org, keys.orgm, ...uniqueKeys], [id, current.version]),
        );
        if (reply.status === 'ok') return current.document;
        if (reply.status === 'not_found') return null;
        if (reply.status !== 'stale') throw corrupt();
      }
      throw contended();
    },

    close: () => connection.close(),
  };
}
