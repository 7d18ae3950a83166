/**
 * Key layout of the token store, safe on Redis Cluster: every script touches keys of ONE hash
 * slot, all declared in `KEYS`. Keys of one family share the hash tag `{f:<familyId>}`, keys of
 * one user `{u:<userId>}` (the id with `%`, `{`, `}` percent-escaped, so the tag always ends at
 * our `}` and no two ids share a key); the other keys are single-key lookups.
 *
 * | key | type | content | lives until |
 * |---|---|---|---|
 * | `{f:<familyId>}:rt:<digest>` | hash | the token: `u` user, `f` family, `e` expiresAt, `s` spent (`0`/`1`), `o` organization, `n` the session's narrowed scope (each only when the record has one) | `e` + grace |
 * | `{f:<familyId>}:fam` | hash | `l` live until (the latest `familyExpiresAt` of a token saved or rotated in it), `r` revoked until (only once revoked) | the later + grace |
 * | `rt:<digest>` | hash | lookup copy for `findRefreshToken` (`u`, `f`, `e`, `o`, `n`: what never changes), written after the token | `e` + grace |
 * | `{u:<userId>}:ufam` | sorted set | the user's live families (session index), scored by "may hold live credentials until"; at most `maxSessionsPerUser` members | highest score + grace; members trimmed when their score passes |
 * | `{u:<userId>}:uend` | sorted set | families taken out of `ufam` to be revoked (ended, or beyond the cap), until their revocation is written: the repair list | highest score + grace; members leave once revoked |
 * | `jti:<jti>` | string | revoked-until | value + grace |
 * | `ak:<digest>` | hash | the API key: `id`, `u` user, `sc` scopes (JSON), `c` createdAt, `o` organization (only when bound to one) | deleted |
 * | `akid:<id>` | string | the key's user | deleted with the key |
 * | `{u:<userId>}:aku` | hash | the user's keys: id → digest | deleted with the last key |
 * | `hit:<key>` | hash | `c` count, `r` resetAt | `r` + grace (relative to the caller's `now`) |
 * | `{ev}:events` | stream | credential events (field `e`: JSON `{j?, f?, a?, u?}`: access-token ids, family ids, API-key digests, user ids whose state changed), tailed by every instance's local view | trimmed by age (`eventRetentionMs`); the key expires that long after its newest event |
 *
 * "grace" is `expiryGraceMs`: keys outlive their `expiresAt` a little so that clock skew between
 * application servers and Redis can never drop a record or a revocation early. Decisions always
 * compare the stored `expiresAt` with the caller's `now`.
 */
export interface KeyBuilder {
  readonly prefix: string;
  /** The lookup copy of a refresh token (its own slot). */
  refreshToken(digest: string): string;
  /** A refresh token in its family's slot (the record rotations decide on). */
  familyToken(familyId: string, digest: string): string;
  family(familyId: string): string;
  familiesOfUser(userId: string): string;
  endingFamiliesOfUser(userId: string): string;
  accessToken(jti: string): string;
  apiKey(digest: string): string;
  apiKeyId(id: string): string;
  apiKeysOfUser(userId: string): string;
  hits(key: string): string;
  /** The credential-event stream (one key, one slot). */
  events(): string;
}

/** `{<kind>:<id>}` with `%`, `{` and `}` of the id percent-escaped: a hash tag that ends at our brace. */
export function hashTag(kind: 'f' | 'u', id: string): string {
  return `{${kind}:${id.replace(/[%{}]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)}}`;
}

/** Builds the key names of one store. The caller guarantees that `prefix` has no `{`/`}`. */
export function createKeyBuilder(prefix: string): KeyBuilder {
  const ofFamily = (familyId: string): string => `${prefix}${hashTag('f', familyId)}:`;
  const ofUser = (userId: string): string => `${prefix}${hashTag('u', userId)}:`;
  return {
    prefix,
    refreshToken: (digest) => `${prefix}rt:${digest}`,
    familyToken: (familyId, digest) => `${ofFamily(familyId)}rt:${digest}`,
    family: (familyId) => `${ofFamily(familyId)}fam`,
    familiesOfUser: (userId) => `${ofUser(userId)}ufam`,
    endingFamiliesOfUser: (userId) => `${ofUser(userId)}uend`,
    accessToken: (jti) => `${prefix}jti:${jti}`,
    apiKey: (digest) => `${prefix}ak:${digest}`,
    apiKeyId: (id) => `${prefix}akid:${id}`,
    apiKeysOfUser: (userId) => `${ofUser(userId)}aku`,
    hits: (key) => `${prefix}hit:${key}`,
    events: () => `${prefix}{ev}:events`,
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
