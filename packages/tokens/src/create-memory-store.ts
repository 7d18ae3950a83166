import { ScopeladderError } from '@scopeladder/core';
import { assertApiKeyRecord } from './store-checks/assert-api-key-record.js';
import { assertRefreshTokenRecord } from './store-checks/assert-refresh-token-record.js';
import { assertRevokeFamiliesOptions } from './store-checks/assert-revoke-families-options.js';
import { assertRotateRefreshArguments } from './store-checks/assert-rotate-refresh-arguments.js';
import { assertStoreDuration } from './store-checks/assert-store-duration.js';
import { assertStoreText } from './store-checks/assert-store-text.js';
import { assertStoreTime } from './store-checks/assert-store-time.js';
import type { ApiKeyRecord, RefreshTokenRecord, RevokeFamiliesOptions, RotateRefreshResult, ThrottleState, TokenStore } from './store.js';

/**
 * Options of {@link createMemoryStore}.
 *
 * @example
 * ```ts
 * const store = createMemoryStore({ maxEntries: 10_000 } satisfies MemoryStoreOptions);
 * ```
 */
export interface MemoryStoreOptions {
  /**
   * The most records each kind (refresh tokens, revocations, API keys, throttle counters, indexed
   * sessions) may hold. Default 100 000. When full, expired records are purged first (a full
   * sweep at most once per second of the callers' clock); then the oldest refresh tokens and
   * throttle counters are evicted, while a new session (login), revocation or API key is refused
   * with `ERR_STORE_UNAVAILABLE`: the newcomer fails closed, and nobody else's session is ended
   * or revived to make room. Revoking a session that is in the index (ending a user's sessions,
   * a logout, the per-user cap) is never refused: it moves the session from the index to the
   * revocations, whose room is shared with the index (together at most `2 × maxEntries`).
   */
  readonly maxEntries?: number | undefined;
  /**
   * The most live sessions (refresh families) one user may hold. Default 100, the same as
   * `@scopeladder/redis`. A new session beyond it revokes that user's oldest sessions (lowest
   * expiry first) — never another user's — so one account cannot fill the store.
   */
  readonly maxSessionsPerUser?: number | undefined;
}

/**
 * The in-memory store: a {@link TokenStore} plus introspection for tests and metrics.
 *
 * @example
 * ```ts
 * const store: MemoryTokenStore = createMemoryStore();
 * store.size().refreshTokens; // 0
 * ```
 */
export interface MemoryTokenStore extends TokenStore {
  /** How many records the store holds now, per kind. */
  size(): {
    readonly refreshTokens: number;
    readonly revokedFamilies: number;
    readonly revokedAccessTokens: number;
    readonly apiKeys: number;
    readonly counters: number;
    /** Families in the per-user session index (see `revokeFamiliesOfUser`). */
    readonly indexedFamilies: number;
  };
  /**
   * Drops every record whose expiry is at or before `now` (also done automatically).
   * @throws TypeError when `now` is not a finite number (epoch milliseconds)
   */
  purge(now: number): void;
}

interface RefreshEntry {
  readonly record: RefreshTokenRecord;
  spent: boolean;
}

interface CounterEntry {
  count: number;
  readonly resetAt: number;
}

const DEFAULT_MAX_ENTRIES = 100_000;
const DEFAULT_MAX_SESSIONS_PER_USER = 100;
const SWEEP_EVERY = 1_000;
/** A full store purges at most once per this many ms of the callers' clock when making room. */
const MAKE_ROOM_PURGE_INTERVAL_MS = 1_000;

/**
 * Creates the in-memory {@link TokenStore}: the default of `createAuthService`, right for one
 * process (tests, single-instance servers). Several instances must share a store such as
 * `@scopeladder/redis`.
 *
 * Each user holds at most `maxSessionsPerUser` live sessions: the next login ends that user's
 * oldest one. When the store is full, a new login is refused (`ERR_STORE_UNAVAILABLE`) rather
 * than ending anyone else's session; ending sessions always works (see {@link MemoryStoreOptions}).
 *
 * Every method's body runs synchronously (there is no `await` between a check and the write it
 * guards), so each operation is atomic in the process: of many concurrent
 * `rotateRefreshToken` calls for one token exactly one returns `rotated`. Decisions use only
 * the `now` passed in; purging uses the latest `now` seen, every 1 000 writes and when full.
 * No timers are started, so nothing keeps the process alive.
 *
 * A malformed argument (an empty digest, a `NaN` time, a record missing a field) rejects with
 * `TypeError`, by the same checks as every other store ({@link assertRefreshTokenRecord} and its
 * siblings): the auth service never hands a store raw client input.
 *
 * @example
 * ```ts
 * import { createAuthService, createMemoryStore } from '@scopeladder/tokens';
 *
 * const store = createMemoryStore({ maxEntries: 50_000 });
 * const auth = createAuthService({ directory, store, keys: { algorithm: 'HS256', secret } });
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryTokenStore {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('maxEntries must be a positive integer');
  }
  const maxSessionsPerUser = options.maxSessionsPerUser ?? DEFAULT_MAX_SESSIONS_PER_USER;
  if (!Number.isSafeInteger(maxSessionsPerUser) || maxSessionsPerUser < 1) {
    throw new TypeError('maxSessionsPerUser must be a positive integer');
  }

  const refreshTokens = new Map<string, RefreshEntry>();
  const revokedFamilies = new Map<string, number>();
  const revokedAccessTokens = new Map<string, number>();
  const apiKeys = new Map<string, ApiKeyRecord>();
  const apiKeyDigestById = new Map<string, string>();
  const counters = new Map<string, CounterEntry>();
  /** The session index: user id → family id → until when the family may hold live credentials. */
  const familiesOfUser = new Map<string, Map<string, number>>();
  /** Every indexed family, oldest first: family id → its user (for the sweep). */
  const indexedFamilies = new Map<string, string>();
  let latestNow = 0;
  let writes = 0;

  const see = (now: number): void => {
    if (Number.isFinite(now) && now > latestNow) latestNow = now;
  };

  const purge = (now: number): void => {
    for (const [digest, entry] of refreshTokens) if (entry.record.expiresAt <= now) refreshTokens.delete(digest);
    for (const [id, expiresAt] of revokedFamilies) if (expiresAt <= now) revokedFamilies.delete(id);
    for (const [jti, expiresAt] of revokedAccessTokens) if (expiresAt <= now) revokedAccessTokens.delete(jti);
    for (const [key, counter] of counters) if (counter.resetAt <= now) counters.delete(key);
    for (const [familyId, userId] of indexedFamilies) {
      const until = familiesOfUser.get(userId)?.get(familyId);
      if (until === undefined || until <= now) unindexFamily(userId, familyId);
    }
  };

  const wrote = (): void => {
    writes += 1;
    if (writes % SWEEP_EVERY === 0) purge(latestNow);
  };

  /**
   * Makes room for one more entry in `map`: purge (a full sweep at most once per second of the
   * callers' clock, so a full store does not cost a sweep per insert), then evict the oldest or
   * refuse.
   */
  let purgedAt = Number.NEGATIVE_INFINITY;
  const purgeAtMostEverySecond = (): void => {
    if (latestNow - purgedAt < MAKE_ROOM_PURGE_INTERVAL_MS) return;
    purge(latestNow);
    purgedAt = latestNow;
  };
  const makeRoom = (map: Map<string, unknown>, evict: boolean): void => {
    if (map.size < maxEntries) return;
    purgeAtMostEverySecond();
    while (map.size >= maxEntries) {
      if (!evict) {
        throw new ScopeladderError('ERR_STORE_UNAVAILABLE', 'The token store is full');
      }
      const oldest = map.keys().next();
      if (oldest.done === true) return;
      map.delete(oldest.value);
    }
  };

  const familyRevoked = (familyId: string, now: number): boolean => {
    const until = revokedFamilies.get(familyId);
    return until !== undefined && until > now;
  };

  const revokeFamilyUntil = (familyId: string, expiresAt: number): void => {
    const current = revokedFamilies.get(familyId);
    if (current === undefined) makeRoom(revokedFamilies, false);
    revokedFamilies.set(familyId, Math.max(current ?? 0, expiresAt));
    wrote();
  };

  /**
   * Revokes an indexed family until `until` (at least its index entry) and drops it from the
   * index. Never refused: the revocation takes the index entry's room (index and revocations
   * share `2 × maxEntries`), so ending sessions keeps working when the store is full.
   */
  const revokeIndexedFamily = (userId: string, familyId: string, until: number): void => {
    revokedFamilies.set(familyId, Math.max(revokedFamilies.get(familyId) ?? 0, until));
    unindexFamily(userId, familyId);
    wrote();
  };

  function unindexFamily(userId: string, familyId: string): void {
    indexedFamilies.delete(familyId);
    const families = familiesOfUser.get(userId);
    if (families === undefined) return;
    families.delete(familyId);
    if (families.size === 0) familiesOfUser.delete(userId);
  }

  /** Drops the user's families that can hold no live credential at `now` any more. */
  function dropExpiredOf(userId: string, now: number): void {
    const families = familiesOfUser.get(userId);
    if (families === undefined) return;
    for (const [familyId, until] of [...families]) if (until <= now) unindexFamily(userId, familyId);
  }

  /** The user's family with the lowest "live until" (the oldest session), other than `except`. */
  function oldestFamilyOf(userId: string): [string, number] | undefined {
    let oldest: [string, number] | undefined;
    for (const entry of familiesOfUser.get(userId) ?? []) if (oldest === undefined || entry[1] < oldest[1]) oldest = entry;
    return oldest;
  }

  /**
   * Keeps `record`'s family in its user's index until at least its `familyExpiresAt`. A new
   * family beyond `maxSessionsPerUser` revokes that user's oldest families first. When the store
   * has no room for a new family (the index is full, or index and revocations together hold
   * `2 × maxEntries`), the new family is refused with `ERR_STORE_UNAVAILABLE` before anything
   * is written: the newcomer fails closed, no one else's session is ended or revived.
   */
  function indexFamily(record: RefreshTokenRecord): void {
    const until = Math.max(record.expiresAt, record.familyExpiresAt ?? record.expiresAt);
    const { userId, familyId } = record;
    const current = familiesOfUser.get(userId)?.get(familyId);
    if (current !== undefined) {
      familiesOfUser.get(userId)?.set(familyId, Math.max(current, until));
      return;
    }
    // At the cap, families that can hold no live credential any more go first (for free).
    if ((familiesOfUser.get(userId)?.size ?? 0) >= maxSessionsPerUser) dropExpiredOf(userId, latestNow);
    /** How many of the user's families the cap ends (each frees an index entry, adds a revocation). */
    const overCap = (): number => Math.max(0, (familiesOfUser.get(userId)?.size ?? 0) - maxSessionsPerUser + 1);
    const hasRoom = (): boolean => indexedFamilies.size - overCap() < maxEntries && indexedFamilies.size + revokedFamilies.size < 2 * maxEntries;
    if (!hasRoom()) {
      purgeAtMostEverySecond();
      if (!hasRoom()) throw new ScopeladderError('ERR_STORE_UNAVAILABLE', 'The token store is full');
    }
    for (let excess = overCap(); excess > 0; excess -= 1) {
      const oldest = oldestFamilyOf(userId);
      if (oldest === undefined) break;
      revokeIndexedFamily(userId, oldest[0], oldest[1]);
    }
    let families = familiesOfUser.get(userId);
    if (families === undefined) {
      families = new Map();
      familiesOfUser.set(userId, families);
    }
    families.set(familyId, until);
    indexedFamilies.set(familyId, userId);
  }

  /** A record as handed back: without the write-only `familyExpiresAt`. */
  const stored = (record: RefreshTokenRecord): RefreshTokenRecord => ({
    digest: record.digest,
    userId: record.userId,
    familyId: record.familyId,
    ...(record.organization === undefined ? {} : { organization: record.organization }),
    ...(record.scope === undefined ? {} : { scope: record.scope }),
    expiresAt: record.expiresAt,
  });

  const store: MemoryTokenStore = {
    async saveRefreshToken(record) {
      assertRefreshTokenRecord(record, 'record');
      indexFamily(record);
      if (!refreshTokens.has(record.digest)) makeRoom(refreshTokens, true);
      refreshTokens.set(record.digest, { record: stored(record), spent: false });
      wrote();
    },

    async findRefreshToken(digest) {
      assertStoreText(digest, 'digest');
      const entry = refreshTokens.get(digest);
      return entry === undefined ? null : { ...entry.record };
    },

    async rotateRefreshToken(oldDigest, next, now): Promise<RotateRefreshResult> {
      assertRotateRefreshArguments(oldDigest, next, now);
      see(now);
      const entry = refreshTokens.get(oldDigest);
      if (entry === undefined) return { status: 'not_found' };
      const record = { ...entry.record };
      if (record.expiresAt <= now) return { status: 'expired', record };
      if (familyRevoked(record.familyId, now)) return { status: 'revoked', record };
      if (entry.spent) {
        revokeFamilyUntil(record.familyId, Math.max(next.expiresAt, record.expiresAt));
        return { status: 'reused', record };
      }
      indexFamily(next);
      entry.spent = true;
      // Making room may evict the (spent) old entry when it is the oldest: a replay of it then
      // finds nothing and is still refused, only without revoking the family.
      if (!refreshTokens.has(next.digest)) makeRoom(refreshTokens, true);
      refreshTokens.set(next.digest, { record: stored(next), spent: false });
      wrote();
      return { status: 'rotated', record };
    },

    async revokeFamily(familyId, expiresAt) {
      assertStoreText(familyId, 'familyId');
      assertStoreTime(expiresAt, 'expiresAt');
      // The logout of an indexed session is never refused: at most one such revocation per indexed
      // family, so they are bounded by the index (family records stay within 3 × maxEntries).
      // It stays in the index, so ending the user's sessions still counts and extends it.
      if (indexedFamilies.has(familyId)) {
        revokedFamilies.set(familyId, Math.max(revokedFamilies.get(familyId) ?? 0, expiresAt));
        wrote();
      } else {
        revokeFamilyUntil(familyId, expiresAt);
      }
    },

    async isFamilyRevoked(familyId, now) {
      assertStoreText(familyId, 'familyId');
      assertStoreTime(now, 'now');
      see(now);
      return familyRevoked(familyId, now);
    },

    async revokeFamiliesOfUser(userId: string, now: number, options: RevokeFamiliesOptions = {}) {
      assertStoreText(userId, 'userId');
      assertStoreTime(now, 'now');
      assertRevokeFamiliesOptions(options);
      see(now);
      const families = familiesOfUser.get(userId);
      if (families === undefined) return 0;
      let revoked = 0;
      for (const [familyId, until] of [...families]) {
        if (until <= now) {
          unindexFamily(userId, familyId);
          continue;
        }
        if (familyId === options.except) continue;
        // Revoked until its last credential expires: nothing left to end, so out of the index.
        revokeIndexedFamily(userId, familyId, until);
        revoked += 1;
      }
      return revoked;
    },

    async revokeAccessToken(jti, expiresAt) {
      assertStoreText(jti, 'jti');
      assertStoreTime(expiresAt, 'expiresAt');
      const current = revokedAccessTokens.get(jti);
      if (current === undefined) makeRoom(revokedAccessTokens, false);
      revokedAccessTokens.set(jti, Math.max(current ?? 0, expiresAt));
      wrote();
    },

    async isAccessTokenRevoked(jti, now) {
      assertStoreText(jti, 'jti');
      assertStoreTime(now, 'now');
      see(now);
      const until = revokedAccessTokens.get(jti);
      return until !== undefined && until > now;
    },

    async saveApiKey(record) {
      assertApiKeyRecord(record, 'record');
      if (apiKeyDigestById.has(record.id) && apiKeyDigestById.get(record.id) !== record.digest) {
        throw new ScopeladderError('ERR_INTERNAL', 'Duplicate API key id');
      }
      if (!apiKeys.has(record.digest)) makeRoom(apiKeys, false);
      apiKeys.set(record.digest, { ...record, scopes: Object.freeze([...record.scopes]) });
      apiKeyDigestById.set(record.id, record.digest);
      wrote();
    },

    async findApiKey(digest) {
      assertStoreText(digest, 'digest');
      const record = apiKeys.get(digest);
      return record === undefined ? null : { ...record };
    },

    async deleteApiKey(id) {
      assertStoreText(id, 'id');
      const digest = apiKeyDigestById.get(id);
      if (digest === undefined) return false;
      apiKeyDigestById.delete(id);
      return apiKeys.delete(digest);
    },

    async deleteApiKeysOfUser(userId) {
      assertStoreText(userId, 'userId');
      let deleted = 0;
      for (const [digest, record] of apiKeys) {
        if (record.userId !== userId) continue;
        apiKeys.delete(digest);
        apiKeyDigestById.delete(record.id);
        deleted += 1;
      }
      return deleted;
    },

    async listApiKeysOfUser(userId) {
      assertStoreText(userId, 'userId');
      const found: ApiKeyRecord[] = [];
      for (const record of apiKeys.values()) if (record.userId === userId) found.push({ ...record });
      return found;
    },

    async hit(key, windowMs, now): Promise<ThrottleState> {
      assertStoreText(key, 'key');
      assertStoreDuration(windowMs, 'windowMs');
      assertStoreTime(now, 'now');
      see(now);
      let counter = counters.get(key);
      if (counter === undefined || counter.resetAt <= now) {
        if (counter === undefined) makeRoom(counters, true);
        counter = { count: 0, resetAt: now + windowMs };
        counters.set(key, counter);
        wrote();
      }
      counter.count += 1;
      return { count: counter.count, resetAt: counter.resetAt };
    },

    async peek(key, now) {
      assertStoreText(key, 'key');
      assertStoreTime(now, 'now');
      see(now);
      const counter = counters.get(key);
      if (counter === undefined || counter.resetAt <= now) return null;
      return { count: counter.count, resetAt: counter.resetAt };
    },

    async releaseHit(key, resetAt) {
      assertStoreText(key, 'key');
      assertStoreTime(resetAt, 'resetAt');
      const counter = counters.get(key);
      if (counter === undefined || counter.resetAt !== resetAt) return null;
      counter.count = Math.max(0, counter.count - 1);
      return { count: counter.count, resetAt: counter.resetAt };
    },

    async clearHits(key) {
      assertStoreText(key, 'key');
      counters.delete(key);
    },

    size() {
      return {
        refreshTokens: refreshTokens.size,
        revokedFamilies: revokedFamilies.size,
        revokedAccessTokens: revokedAccessTokens.size,
        apiKeys: apiKeys.size,
        counters: counters.size,
        indexedFamilies: indexedFamilies.size,
      };
    },

    purge(now) {
      // A NaN or Infinity here would drop every live revocation: refused like everywhere else.
      assertStoreTime(now, 'now');
      see(now);
      purge(now);
    },
  };
  return store;
}
