/**
 * Key layout. Every key starts with the store's prefix, then a short type tag, then the opaque
 * value, so a value of one type can never name a key of another type.
 *
 * | key | type | content | lives until |
 * |---|---|---|---|
 * | `rt:<digest>` | hash | `u` user, `f` family, `e` expiresAt, `s` spent (`0`/`1`), `o` organization, `n` the session's narrowed scope (each only when the record has one) | `e` + grace |
 * | `fam:<familyId>` | string | revoked-until (only revoked families have a key) | value + grace |
 * | `ufam:<userId>` | sorted set | the user's live families (session index), scored by "may hold live credentials until"; at most `maxSessionsPerUser` members (the lowest-scored are revoked beyond it) | highest score + grace; members trimmed when their score passes (on save, rotation and `revokeFamiliesOfUser`) |
 * | `jti:<jti>` | string | revoked-until | value + grace |
 * | `ak:<digest>` | hash | `id`, `u` user, `sc` scopes (JSON), `c` createdAt, `o` organization (only when bound to one) | deleted |
 * | `akid:<id>` | string | the key's digest | deleted with the key |
 * | `aku:<userId>` | set | the user's key ids | deleted with the last key |
 * | `hit:<key>` | hash | `c` count, `r` resetAt | `r` + grace (relative to the caller's `now`) |
 *
 * "grace" is `expiryGraceMs`: keys outlive their `expiresAt` a little so that clock skew between
 * application servers and Redis can never drop a record or a revocation early. Decisions always
 * compare the stored `expiresAt` with the caller's `now`.
 */
export interface KeyBuilder {
  readonly prefix: string;
  refreshToken(digest: string): string;
  family(familyId: string): string;
  familiesOfUser(userId: string): string;
  accessToken(jti: string): string;
  apiKey(digest: string): string;
  apiKeyId(id: string): string;
  apiKeysOfUser(userId: string): string;
  hits(key: string): string;
}

/** Builds the key names of one store. */
export function createKeyBuilder(prefix: string): KeyBuilder {
  return {
    prefix,
    refreshToken: (digest) => `${prefix}rt:${digest}`,
    family: (familyId) => `${prefix}fam:${familyId}`,
    familiesOfUser: (userId) => `${prefix}ufam:${userId}`,
    accessToken: (jti) => `${prefix}jti:${jti}`,
    apiKey: (digest) => `${prefix}ak:${digest}`,
    apiKeyId: (id) => `${prefix}akid:${id}`,
    apiKeysOfUser: (userId) => `${prefix}aku:${userId}`,
    hits: (key) => `${prefix}hit:${key}`,
  };
}

/**
 * The keys of one collection. Every key carries the hash tag `{<name>}`, so all of them live in
 * one Redis Cluster slot and every script may touch several: `<prefix>col:{<name>}:<suffix>`.
 * Collections of the same name under two prefixes share a slot (harmless: the keys differ).
 *
 * | key | type | content |
 * |---|---|---|
 * | `docs` | hash | `d:<id>` the JSON, `v:<id>` its version, `p:<id>` its index entries (with tenancy, when it has paths) |
 * | `ids` | sorted set | ids scored by creation sequence (insertion order) |
 * | `seq` | string | the creation counter |
 * | `org` | sorted set | with tenancy: one member per document with one path, all scored 0, ordered by path then creation |
 * | `orgm` | sorted set | with tenancy: for a document with several paths, one member per organization on the way up from them |
 * | `u:<index>:<value>` | string | the id owning a unique value |
 */
export interface CollectionKeys {
  readonly docs: string;
  readonly ids: string;
  readonly seq: string;
  readonly org: string;
  readonly orgm: string;
  unique(index: string, value: string): string;
}

/**
 * Builds the keys of collection `name` under `prefix`. The caller guarantees that `prefix` has no
 * `{`/`}` and that `name` is letters, digits, `_`, `-`, `.`, so the tag is exactly `{<name>}`.
 */
export function createCollectionKeys(prefix: string, name: string): CollectionKeys {
  const base = `${prefix}col:{${name}}:`;
  return {
    docs: `${base}docs`,
    ids: `${base}ids`,
    seq: `${base}seq`,
    org: `${base}org`,
    orgm: `${base}orgm`,
    unique: (index, value) => `${base}u:${index}:${value}`,
  };
}
