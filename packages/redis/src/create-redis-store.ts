import type {
  ApiKeyCache,
  ApiKeyRecord,
  RefreshTokenRecord,
  RevokeFamiliesOptions,
  RotateRefreshResult,
  ThrottleState,
  TokenStore,
} from '@scopeladder/tokens';
import {
  assertApiKeyRecord,
  assertRefreshTokenRecord,
  assertRevokeFamiliesOptions,
  assertRotateRefreshArguments,
  assertStoreDuration,
  assertStoreText,
  assertStoreTime,
} from '@scopeladder/tokens';
import type { RedisOptions } from 'ioredis';
import { createConnection, evalWith, isRedisClient, type RedisClient } from './lib/connection.js';
import { createKeyBuilder } from './lib/keys.js';
import { createLocalView, type CredentialEvent, type LocalView } from './lib/local-view.js';
import { decodeApiKey, decodeCounter, decodeRefreshToken, decodeRotation, integerOf } from './lib/records.js';
import {
  DELETE_API_KEY_RECORD,
  DELETE_FIELD_IF_EQUAL,
  DELETE_IF_EQUAL,
  END_FAMILIES_OF_USER,
  FORGET_ENDED_FAMILIES,
  HIT,
  INDEX_NEW_FAMILY,
  PUBLISH_EVENT,
  INDEX_ROTATED_FAMILY,
  RELEASE_HIT,
  REVOKE_FAMILY,
  REVOKE_UNTIL,
  ROTATE_REFRESH_TOKEN,
  SAVE_API_KEY_RECORD,
  SAVE_FAMILY_TOKEN,
  SAVE_TOKEN_COPY,
} from './lib/scripts.js';

/**
 * Options of {@link createRedisStore}: exactly one of `client` or `url`.
 *
 * @example
 * ```ts
 * const options: RedisStoreOptions = { url: 'redis://127.0.0.1:6379', prefix: 'myapp:', commandTimeoutMs: 500 };
 * ```
 */
export interface RedisStoreOptions {
  /**
   * An ioredis client to share with the application: a `Redis` (one node, or Sentinel) or a
   * `Cluster` (every script touches one hash slot; see the README's key layout). The store never
   * closes it and never changes its settings; see the README for the settings that make it fail fast.
   */
  readonly client?: RedisClient | undefined;
  /**
   * A Redis URL (`redis://user:pass@host:6379/0`, `rediss://…`). The store creates its own
   * client, set up to fail fast (no offline queue, no replay of unanswered commands,
   * reconnection forever) and closes it in {@link RedisTokenStore.close}.
   */
  readonly url?: string | undefined;
  /** Extra ioredis options for the client created from `url` (ignored with `client`). */
  readonly redisOptions?: RedisOptions | undefined;
  /** Prepended to every key, so several applications or tests share one Redis. Default `"scopeladder:"`. */
  readonly prefix?: string | undefined;
  /**
   * The longest any store call waits for Redis, start-up included, before rejecting with
   * `ERR_STORE_UNAVAILABLE`. Default `1000`.
   */
  readonly commandTimeoutMs?: number | undefined;
  /**
   * How long keys outlive their `expiresAt` in Redis, so clock skew between application servers
   * and Redis can never drop a revocation early. Decisions still use the caller's `now`.
   * Default `60000`.
   */
  readonly expiryGraceMs?: number | undefined;
  /**
   * The most live sessions (refresh families) one user may hold: a new login beyond it revokes
   * that user's oldest sessions (lowest expiry first), never another user's. It bounds the
   * user's session index (`{u:<userId>}:ufam`) and so the work of `revokeFamiliesOfUser`. An integer
   * from 1 to 10 000; default 100, the same as the in-memory store.
   */
  readonly maxSessionsPerUser?: number | undefined;
  /**
   * The local revocation view (README, "Local revocation view"): on by default. Each instance
   * tails the credential-event stream on a connection of its own and answers the per-request
   * checks (`isAccessTokenRevoked`, `isFamilyRevoked`, the service's API-key cache) from memory
   * while it can vouch for them, falling back to Redis otherwise. `false` turns it off on this
   * instance (every check is a Redis call again); events are published either way.
   */
  readonly localView?: boolean | LocalViewOptions | undefined;
  /**
   * How long the credential-event stream keeps events (trimmed by age at every publish; the key
   * expires this long after its newest event). An instance disconnected longer than this finds a
   * gap and empties its view (safe, only slower for a moment). Default 3 600 000 (one hour).
   */
  readonly eventRetentionMs?: number | undefined;
}

/**
 * Settings of the local revocation view ({@link RedisStoreOptions.localView}).
 *
 * @example
 * ```ts
 * const options: LocalViewOptions = { maxLagMs: 1000, recheckMs: 10_000, maxEntries: 100_000 };
 * ```
 */
export interface LocalViewOptions {
  /**
   * The bound: the view answers only while its last complete read of the stream started at most
   * this long ago (it reads with `BLOCK` of a quarter of it, at most 250 ms, so an idle stream
   * still proves it alive). A credential revoked on any instance is refused everywhere at most
   * this long after the revoking call resolved (plus clock skew between instances). From 100 to
   * 60 000; default 1000.
   */
  readonly maxLagMs?: number | undefined;
  /**
   * A remembered answer is asked again after this long (a safety net; events drop it sooner). It
   * also bounds how long a "not revoked" survives a revocation whose event could not be
   * published. From 1000 to 60 000; default 10 000.
   */
  readonly recheckMs?: number | undefined;
  /** The most answers remembered per kind (access tokens, families, API keys); the oldest go first. From 1 to 10 000 000; default 100 000. */
  readonly maxEntries?: number | undefined;
}

/**
 * What {@link RedisTokenStore.viewStatus} reports.
 *
 * @example
 * ```ts
 * const status: LocalViewStatus = store.viewStatus();
 * metrics.gauge('revocation_view_fresh', status.fresh ? 1 : 0);
 * ```
 */
export interface LocalViewStatus {
  /** Whether the view is on for this store. */
  readonly enabled: boolean;
  /** Whether it answers now (else every check is a Redis call). */
  readonly fresh: boolean;
  /** The stream id of the last event applied, or `null` before the tail started (it starts at the first check). */
  readonly lastEventId: string | null;
  /** Answers remembered now. */
  readonly entries: { readonly accessTokens: number; readonly families: number; readonly apiKeys: number };
  /** How many times the view emptied itself because it could not prove it saw every event (a gap). */
  readonly resets: number;
}

/**
 * What {@link RedisTokenStore.checkEvictionPolicy} found.
 *
 * @example
 * ```ts
 * const check: EvictionPolicyCheck = await store.checkEvictionPolicy();
 * if (check.warning !== null) logger.warn(check.warning);
 * ```
 */
export interface EvictionPolicyCheck {
  /** Redis' `maxmemory-policy`, or `null` when it could not be read (`CONFIG` refused, as on many managed services, or no answer). */
  readonly policy: string | null;
  /** Why the policy is unsafe, for the log, when it is known and not `noeviction`; else `null`. */
  readonly warning: string | null;
}

/**
 * A {@link TokenStore} on Redis, plus lifecycle.
 *
 * @example
 * ```ts
 * const store: RedisTokenStore = createRedisStore({ url: process.env.REDIS_URL! });
 * app.get('/healthz', async (_req, res) => res.status((await store.ping()) ? 200 : 503).end());
 * process.on('SIGTERM', () => void store.close());
 * ```
 */
export interface RedisTokenStore extends TokenStore {
  /** The key prefix in use. */
  readonly prefix: string;
  /** The ioredis client (the shared `Redis` or `Cluster`, or the one created from `url`). */
  readonly client: RedisClient;
  /** Whether Redis answers a `PING` now (bounded by `commandTimeoutMs`); never throws. For health checks. */
  ping(): Promise<boolean>;
  /**
   * Reads Redis' `maxmemory-policy` (`CONFIG GET`, bounded by `commandTimeoutMs`) and says
   * whether it is unsafe. The store needs `noeviction`: under any other policy a full Redis may
   * evict revocations (`fam`, `jti:`) and session indexes (`ufam`), which silently revives
   * ended sessions. Never throws: a refused or unanswered `CONFIG` gives `policy: null` and no
   * warning. Call it once at start and log the warning.
   */
  checkEvictionPolicy(): Promise<EvictionPolicyCheck>;
  /** What the local revocation view holds and whether it answers now. Never throws. */
  viewStatus(): LocalViewStatus;
  /**
   * Resolves once this instance's local view applied every event published before the call (by
   * any instance), or it cannot vouch (then checks go to Redis anyway), at most `maxLagMs`
   * later. Rejects with `ERR_STORE_UNAVAILABLE` when Redis does not answer. For tests and
   * read-after-write flows across instances; never needed for safety.
   */
  syncView(): Promise<void>;
  /** Stops the local view (its own connection), and closes the client the store created from `url`; leaves a shared `client` open. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_PREFIX = 'scopeladder:';
const DEFAULT_COMMAND_TIMEOUT_MS = 1000;
const DEFAULT_EXPIRY_GRACE_MS = 60_000;
const DEFAULT_MAX_SESSIONS_PER_USER = 100;
/** The highest cap accepted: one script revokes at most this many families of one user. */
const MAX_SESSIONS_PER_USER_LIMIT = 10_000;
const DEFAULT_EVENT_RETENTION_MS = 3_600_000;
const DEFAULT_MAX_LAG_MS = 1000;
const DEFAULT_RECHECK_MS = 10_000;
/**
 * The longest `recheckMs` accepted: it bounds how long an instance keeps a remembered "not
 * revoked" when the revocation's event could not be published.
 */
const MAX_RECHECK_MS = 60_000;
const DEFAULT_MAX_ENTRIES = 100_000;

function readRange(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result < min || result > max) {
    throw new TypeError(`createRedisStore: \`${name}\` must be an integer from ${min} to ${max}`);
  }
  return result;
}

function readViewOptions(
  localView: RedisStoreOptions['localView'],
): { readonly maxLagMs: number; readonly recheckMs: number; readonly maxEntries: number } | null {
  if (localView === false) return null;
  if (localView !== undefined && localView !== true && (typeof localView !== 'object' || localView === null)) {
    throw new TypeError('createRedisStore: `localView` must be a boolean or an options object');
  }
  const view = typeof localView === 'object' ? localView : {};
  return {
    maxLagMs: readRange('localView.maxLagMs', view.maxLagMs, DEFAULT_MAX_LAG_MS, 100, 60_000),
    recheckMs: readRange('localView.recheckMs', view.recheckMs, DEFAULT_RECHECK_MS, 1000, MAX_RECHECK_MS),
    maxEntries: readRange('localView.maxEntries', view.maxEntries, DEFAULT_MAX_ENTRIES, 1, 10_000_000),
  };
}

function readOptions(
  options: RedisStoreOptions,
): Required<Pick<RedisStoreOptions, 'prefix' | 'commandTimeoutMs' | 'expiryGraceMs' | 'maxSessionsPerUser'>> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createRedisStore: options must be an object');
  }
  const { client, url, prefix = DEFAULT_PREFIX } = options;
  if ((client === undefined) === (url === undefined)) {
    throw new TypeError('createRedisStore: give exactly one of `client` or `url`');
  }
  if (client !== undefined && !isRedisClient(client)) {
    throw new TypeError('createRedisStore: `client` must be an ioredis Redis or Cluster client');
  }
  if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\//.test(url))) {
    throw new TypeError('createRedisStore: `url` must be a redis:// or rediss:// URL');
  }
  if (typeof prefix !== 'string' || prefix.length === 0 || /[\s{}]/.test(prefix)) {
    throw new TypeError('createRedisStore: `prefix` must be a non-empty string without whitespace, `{` or `}` (keys carry Redis Cluster hash tags)');
  }
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  if (!Number.isFinite(commandTimeoutMs) || commandTimeoutMs <= 0) {
    throw new TypeError('createRedisStore: `commandTimeoutMs` must be a positive number');
  }
  const expiryGraceMs = options.expiryGraceMs ?? DEFAULT_EXPIRY_GRACE_MS;
  if (!Number.isFinite(expiryGraceMs) || expiryGraceMs < 0) {
    throw new TypeError('createRedisStore: `expiryGraceMs` must be a number >= 0');
  }
  const maxSessionsPerUser = options.maxSessionsPerUser ?? DEFAULT_MAX_SESSIONS_PER_USER;
  if (!Number.isSafeInteger(maxSessionsPerUser) || maxSessionsPerUser < 1 || maxSessionsPerUser > MAX_SESSIONS_PER_USER_LIMIT) {
    throw new TypeError(`createRedisStore: \`maxSessionsPerUser\` must be an integer from 1 to ${MAX_SESSIONS_PER_USER_LIMIT}`);
  }
  return { prefix, commandTimeoutMs, expiryGraceMs, maxSessionsPerUser };
}

/** Until when the user's session index keeps a record's family. */
function familyUntil(record: RefreshTokenRecord): string {
  return String(Math.max(record.expiresAt, record.familyExpiresAt ?? record.expiresAt));
}

/**
 * Creates a {@link TokenStore} on Redis: refresh families, revocations, API keys and login
 * throttling shared by every instance of a service.
 *
 * - Every decision about a session is one Lua script in its family's hash slot (atomic across
 *   instances): of N concurrent rotations of one refresh token exactly one wins, and a replay
 *   revokes the family everywhere.
 * - Runs on a single node, Sentinel, or Redis Cluster (pass a `Cluster` as `client`): every
 *   script touches keys of one slot, all declared in `KEYS`; calls that write to two slots order
 *   their writes so that one stopped halfway never leaves a credential that cannot be revoked.
 * - Every key has a TTL derived from the record's `expiresAt` (API keys excepted: they live until
 *   deleted); no `KEYS`/`SCAN`: a per-user index lists and deletes a bot's keys, and a per-user
 *   sorted set of live families lets `revokeFamiliesOfUser` end a user's sessions. A user holds
 *   at most `maxSessionsPerUser` live sessions (default 100): the next login ends that user's
 *   oldest one, so the set and that work stay small.
 * - Needs `maxmemory-policy noeviction` (see {@link checkEvictionPolicy}): an evicted revocation
 *   or session index would silently revive sessions.
 * - Fails closed: when Redis is unreachable every call rejects within `commandTimeoutMs` with
 *   `ScopeladderError('ERR_STORE_UNAVAILABLE')` (HTTP 503), and works again as soon as Redis is back.
 * - No round trip per request: a local revocation view (on by default; `localView: false` turns it
 *   off) answers the per-request checks from memory while it can vouch for them (a credential
 *   revoked on any instance is refused everywhere within `localView.maxLagMs`, default 1 s), and
 *   asks Redis otherwise. It tails a Redis Stream on a connection of its own: call `close()`.
 *
 * @example
 * ```ts
 * import { createRedisStore } from '@scopeladder/redis';
 * import { createAuthService } from '@scopeladder/tokens';
 *
 * const store = createRedisStore({ url: process.env.REDIS_URL, prefix: 'chatshipper:' });
 * const auth = createAuthService({ store, directory, keys });
 * // on shutdown:
 * await store.close();
 * ```
 *
 * @example Sharing the application's client
 * ```ts
 * import { Redis } from 'ioredis';
 *
 * const redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false });
 * const store = createRedisStore({ client: redis });
 * ```
 *
 * @example On Redis Cluster
 * ```ts
 * import { Cluster } from 'ioredis';
 *
 * const cluster = new Cluster([{ host: '10.0.0.1', port: 6379 }], { enableOfflineQueue: false });
 * const store = createRedisStore({ client: cluster, prefix: 'chatshipper:' });
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): RedisTokenStore {
  const { prefix, commandTimeoutMs, expiryGraceMs, maxSessionsPerUser } = readOptions(options);
  const viewOptions = readViewOptions(options.localView);
  const eventRetentionMs = readRange('eventRetentionMs', options.eventRetentionMs, DEFAULT_EVENT_RETENTION_MS, 60_000, 30 * 86_400_000);
  const connection = createConnection({
    client: options.client,
    url: options.url,
    redisOptions: options.redisOptions,
    commandTimeoutMs,
  });
  const keys = createKeyBuilder(prefix);
  const grace = String(expiryGraceMs);
  const cap = String(maxSessionsPerUser);
  const view: LocalView | null =
    viewOptions === null ? null : createLocalView(connection.client, keys.events(), { ...viewOptions, commandTimeoutMs });

  /**
   * Runs a write that ends or narrows credentials, then publishes `event` on the stream (after
   * the write, on the same connection: in order). This instance's view drops the affected
   * answers before and after the write. If the publish fails the call rejects
   * (`ERR_STORE_UNAVAILABLE`), never reporting success while another instance could miss it;
   * the write may have happened (as with any call that fails halfway), and an instance that
   * remembered an answer about it asks Redis again within `recheckMs`.
   */
  async function publish(redis: RedisClient, event: CredentialEvent): Promise<string> {
    view?.invalidate(event);
    const id = await evalWith(
      redis,
      PUBLISH_EVENT,
      [keys.events()],
      [String(Date.now() - eventRetentionMs), JSON.stringify(event), String(eventRetentionMs)],
    );
    return String(id);
  }

  function changing<T>(event: CredentialEvent, write: (redis: RedisClient) => Promise<T>): Promise<T> {
    view?.invalidate(event);
    return connection.run(async (redis) => {
      const result = await write(redis);
      await publish(redis, event);
      return result;
    });
  }

  /** A per-request revocation check the local view could not answer: Redis, remembered for next time. */
  async function revokedUntil(kind: 'j' | 'f', id: string, lookup: (redis: RedisClient) => Promise<string | null>): Promise<number> {
    const ticket = view === null ? null : view.ticket();
    const value = await connection.run(lookup);
    // A marker that cannot be read is treated as revoked for ever: fail closed.
    const until = value === null ? 0 : Number.isFinite(Number(value)) ? Number(value) : Number.POSITIVE_INFINITY;
    view?.rememberRevocation(ticket, kind, id, until);
    return until;
  }

  const apiKeyCache: ApiKeyCache | undefined =
    view === null
      ? undefined
      : {
          ticket: () => view.ticket(),
          get: (digest) => (typeof digest === 'string' ? view.readApiKey(digest) : undefined),
          set: (ticket, digest, userId, value) => {
            if (typeof digest === 'string' && typeof userId === 'string') view.rememberApiKey(ticket, digest, userId, value);
          },
        };

  /**
   * Revokes families taken out of a user's session index (`[familyId, until, …]`), each at
   * least until its own "live until", then forgets them from the user's `uend` list. A call
   * that fails in between leaves them in `uend`, and the next save or end of that user's
   * sessions revokes them again (revoking is idempotent): none is ever dropped unrevoked.
   */
  async function revokeEnded(redis: RedisClient, userId: string, flat: readonly unknown[], alsoUser = false): Promise<void> {
    if (flat.length === 0 && !alsoUser) return;
    const pairs: string[] = flat.map((item) => String(item));
    const revocations: Promise<unknown>[] = [];
    const families: string[] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      families.push(pairs[i] as string);
      view?.invalidate({ f: [pairs[i] as string] });
      revocations.push(evalWith(redis, REVOKE_FAMILY, [keys.family(pairs[i] as string)], [pairs[i + 1] as string, grace, '1']));
    }
    await Promise.all(revocations);
    // Published before the repair list forgets them: a failed publish leaves them to be revoked
    // (and published) again by the next call.
    await publish(redis, alsoUser ? { f: families, u: [userId] } : { f: families });
    if (pairs.length > 0) await evalWith(redis, FORGET_ENDED_FAMILIES, [keys.endingFamiliesOfUser(userId)], pairs);
  }

  function saveCopy(redis: RedisClient, record: RefreshTokenRecord): Promise<unknown> {
    return evalWith(
      redis,
      SAVE_TOKEN_COPY,
      [keys.refreshToken(record.digest)],
      [record.userId, record.familyId, String(record.expiresAt), record.organization ?? '', grace, record.scope ?? ''],
    );
  }

  const store: RedisTokenStore = {
    prefix,
    client: connection.client,

    // Ordered writes over three slots: the user's index first (so the family is found by
    // revokeFamiliesOfUser before any token of it exists), then the token in its family's
    // slot and its lookup copy. Nothing is handed out before all succeeded.
    async saveRefreshToken(record) {
      assertRefreshTokenRecord(record, 'record');
      await connection.run(async (redis) => {
        const ended = await evalWith(
          redis,
          INDEX_NEW_FAMILY,
          [keys.familiesOfUser(record.userId), keys.endingFamiliesOfUser(record.userId)],
          [record.familyId, familyUntil(record), grace, cap],
        );
        await Promise.all([
          evalWith(
            redis,
            SAVE_FAMILY_TOKEN,
            [keys.familyToken(record.familyId, record.digest), keys.family(record.familyId)],
            [record.userId, record.familyId, String(record.expiresAt), grace, familyUntil(record), record.organization ?? '', record.scope ?? ''],
          ),
          saveCopy(redis, record),
          revokeEnded(redis, record.userId, Array.isArray(ended) ? ended : []),
        ]);
      });
    },

    async findRefreshToken(digest) {
      assertStoreText(digest, 'digest');
      const [userId, familyId, expiresAt, organization, scope] = await connection.run((redis) =>
        redis.hmget(keys.refreshToken(digest), 'u', 'f', 'e', 'o', 'n'),
      );
      if (userId == null || familyId == null || expiresAt == null) return null;
      return decodeRefreshToken(digest, userId, familyId, expiresAt, organization, scope);
    },

    // The decision is one script in the family's slot; a rotated family's index entry and the
    // next token's lookup copy follow (the next token is handed out only after both).
    async rotateRefreshToken(oldDigest, next, now): Promise<RotateRefreshResult> {
      assertRotateRefreshArguments(oldDigest, next, now);
      return connection.run(async (redis) => {
        const reply = await evalWith(
          redis,
          ROTATE_REFRESH_TOKEN,
          [keys.familyToken(next.familyId, oldDigest), keys.familyToken(next.familyId, next.digest), keys.family(next.familyId)],
          [String(now), next.userId, next.familyId, String(next.expiresAt), grace, familyUntil(next), next.organization ?? '', next.scope ?? ''],
        );
        const result = decodeRotation(reply, oldDigest);
        if (result.status === 'reused') await publish(redis, { f: [next.familyId] });
        if (result.status === 'rotated') {
          await Promise.all([
            evalWith(redis, INDEX_ROTATED_FAMILY, [keys.familiesOfUser(next.userId)], [String(now), next.familyId, familyUntil(next), grace]),
            saveCopy(redis, next),
          ]);
        }
        return result;
      });
    },

    async revokeFamily(familyId, expiresAt) {
      assertStoreText(familyId, 'familyId');
      assertStoreTime(expiresAt, 'expiresAt');
      await changing({ f: [familyId] }, (redis) => evalWith(redis, REVOKE_FAMILY, [keys.family(familyId)], [String(expiresAt), grace, '0']));
    },

    async isFamilyRevoked(familyId, now) {
      assertStoreText(familyId, 'familyId');
      assertStoreTime(now, 'now');
      // The local view's answer without another promise; Redis (and remembering) otherwise.
      const cached = view === null ? undefined : view.readRevocation('f', familyId);
      return now < (cached ?? (await revokedUntil('f', familyId, (redis) => redis.hget(keys.family(familyId), 'r'))));
    },

    async revokeFamiliesOfUser(userId: string, now: number, options: RevokeFamiliesOptions = {}) {
      assertStoreText(userId, 'userId');
      assertStoreTime(now, 'now');
      assertRevokeFamiliesOptions(options);
      const except = options.except;
      return connection.run(async (redis) => {
        const reply = await evalWith(
          redis,
          END_FAMILIES_OF_USER,
          [keys.familiesOfUser(userId), keys.endingFamiliesOfUser(userId)],
          [String(now), except ?? '', grace],
        );
        const [count, ...ended] = Array.isArray(reply) ? (reply as unknown[]) : [0];
        // Also for the user: the service's API-key cache drops the bot's keys (role, membership changed).
        await revokeEnded(redis, userId, ended, true);
        const endedCount = integerOf(count);
        return Number.isNaN(endedCount) ? 0 : endedCount;
      });
    },

    async revokeAccessToken(jti, expiresAt) {
      assertStoreText(jti, 'jti');
      assertStoreTime(expiresAt, 'expiresAt');
      await changing({ j: [jti] }, (redis) => evalWith(redis, REVOKE_UNTIL, [keys.accessToken(jti)], [String(expiresAt), grace]));
    },

    async isAccessTokenRevoked(jti, now) {
      assertStoreText(jti, 'jti');
      assertStoreTime(now, 'now');
      const cached = view === null ? undefined : view.readRevocation('j', jti);
      return now < (cached ?? (await revokedUntil('j', jti, (redis) => redis.get(keys.accessToken(jti)))));
    },

    // Ordered writes: `ak:<digest>` (what authenticates) is written last and deleted first, so
    // every key that works is always reachable from its id (`akid:`) and its user (`aku`).
    async saveApiKey(record) {
      assertApiKeyRecord(record, 'record');
      const { digest, id, userId } = record;
      // Every digest whose record this call replaces or deletes is published after the writes.
      const touched: string[] = [digest];
      view?.invalidate({ a: touched });
      await connection.run(async (redis) => {
        // The id named a key before (a re-save): that key goes first, whoever's it was.
        const previousUser = await redis.get(keys.apiKeyId(id));
        for (const owner of previousUser === null || previousUser === userId ? [userId] : [previousUser, userId]) {
          const previousDigest = await redis.hget(keys.apiKeysOfUser(owner), id);
          if (previousDigest === null || (previousDigest === digest && owner === userId)) continue;
          touched.push(previousDigest);
          view?.invalidate({ a: [previousDigest] });
          await evalWith(redis, DELETE_API_KEY_RECORD, [keys.apiKey(previousDigest)], [id]);
          await evalWith(redis, DELETE_FIELD_IF_EQUAL, [keys.apiKeysOfUser(owner)], [id, previousDigest]);
        }
        await Promise.all([redis.set(keys.apiKeyId(id), userId), redis.hset(keys.apiKeysOfUser(userId), id, digest)]);
        const replaced = await evalWith(
          redis,
          SAVE_API_KEY_RECORD,
          [keys.apiKey(digest)],
          [id, userId, JSON.stringify(record.scopes), String(record.createdAt), record.organization ?? ''],
        );
        // The digest named another key before: that key is gone, so are its index entries.
        if (Array.isArray(replaced) && replaced.length === 2 && String(replaced[0]) !== id) {
          const [otherId, otherUser] = [String(replaced[0]), String(replaced[1])];
          await Promise.all([
            evalWith(redis, DELETE_FIELD_IF_EQUAL, [keys.apiKeysOfUser(otherUser)], [otherId, digest]),
            evalWith(redis, DELETE_IF_EQUAL, [keys.apiKeyId(otherId)], [otherUser]),
          ]);
        }
        await publish(redis, { a: touched });
      });
    },

    async findApiKey(digest) {
      assertStoreText(digest, 'digest');
      const [id, userId, scopes, createdAt, organization] = await connection.run((redis) =>
        redis.hmget(keys.apiKey(digest), 'id', 'u', 'sc', 'c', 'o'),
      );
      if (id == null || userId == null || scopes == null || createdAt == null) return null;
      return decodeApiKey(digest, id, userId, scopes, createdAt, organization);
    },

    async deleteApiKey(id) {
      assertStoreText(id, 'id');
      return connection.run(async (redis) => {
        const userId = await redis.get(keys.apiKeyId(id));
        if (userId === null) return false;
        const digest = await redis.hget(keys.apiKeysOfUser(userId), id);
        if (digest !== null) {
          view?.invalidate({ a: [digest] });
          await evalWith(redis, DELETE_API_KEY_RECORD, [keys.apiKey(digest)], [id]);
          await evalWith(redis, DELETE_FIELD_IF_EQUAL, [keys.apiKeysOfUser(userId)], [id, digest]);
        }
        const deleted = integerOf(await evalWith(redis, DELETE_IF_EQUAL, [keys.apiKeyId(id)], [userId])) === 1;
        if (digest !== null) await publish(redis, { a: [digest] });
        return deleted;
      });
    },

    async deleteApiKeysOfUser(userId) {
      assertStoreText(userId, 'userId');
      return connection.run(async (redis) => {
        const entries = Object.entries(await redis.hgetall(keys.apiKeysOfUser(userId)));
        const event: CredentialEvent = { a: entries.map(([, digest]) => digest), u: [userId] };
        view?.invalidate(event);
        const deleted = await Promise.all(
          entries.map(async ([id, digest]) => {
            const n = await evalWith(redis, DELETE_API_KEY_RECORD, [keys.apiKey(digest)], [id]);
            await evalWith(redis, DELETE_IF_EQUAL, [keys.apiKeyId(id)], [userId]);
            await evalWith(redis, DELETE_FIELD_IF_EQUAL, [keys.apiKeysOfUser(userId)], [id, digest]);
            return integerOf(n) === 1 ? 1 : 0;
          }),
        );
        await publish(redis, event);
        return deleted.reduce<number>((sum, n) => sum + n, 0);
      });
    },

    async listApiKeysOfUser(userId) {
      assertStoreText(userId, 'userId');
      const rows = await connection.run(async (redis) => {
        const entries = Object.entries(await redis.hgetall(keys.apiKeysOfUser(userId)));
        return Promise.all(
          entries.map(async ([id, digest]) => ({ id, digest, fields: await redis.hmget(keys.apiKey(digest), 'id', 'u', 'sc', 'c', 'o') })),
        );
      });
      const records: ApiKeyRecord[] = [];
      for (const { id, digest, fields } of rows) {
        const [storedId, storedUser, scopes, createdAt, organization] = fields;
        // Only keys that authenticate, as this user's and under this id (an entry whose key is
        // gone, after a call failed halfway, is not listed).
        if (storedId !== id || storedUser !== userId || scopes == null || createdAt == null) continue;
        records.push(decodeApiKey(digest, storedId, storedUser, scopes, createdAt, organization));
      }
      records.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return records;
    },

    async hit(key, windowMs, now): Promise<ThrottleState> {
      assertStoreText(key, 'key');
      assertStoreDuration(windowMs, 'windowMs');
      assertStoreTime(now, 'now');
      const reply = await connection.evalScript(HIT, [keys.hits(key)], [String(now), String(windowMs), grace]);
      return decodeCounter(reply);
    },

    async peek(key, now) {
      assertStoreText(key, 'key');
      assertStoreTime(now, 'now');
      const [count, resetAt] = await connection.run((redis) => redis.hmget(keys.hits(key), 'c', 'r'));
      if (count == null || resetAt == null) return null;
      const state = decodeCounter([count, resetAt]);
      return now < state.resetAt ? state : null;
    },

    async releaseHit(key, resetAt) {
      assertStoreText(key, 'key');
      assertStoreTime(resetAt, 'resetAt');
      const reply = await connection.evalScript(RELEASE_HIT, [keys.hits(key)], [String(resetAt)]);
      return reply == null ? null : decodeCounter(reply);
    },

    async clearHits(key) {
      assertStoreText(key, 'key');
      await connection.run((redis) => redis.del(keys.hits(key)));
    },

    async ping() {
      try {
        return (await connection.run((redis) => redis.ping())) === 'PONG';
      } catch {
        return false;
      }
    },

    async checkEvictionPolicy() {
      let policy: string | null = null;
      try {
        const reply = await connection.run((redis) => redis.config('GET', 'maxmemory-policy'));
        const value = Array.isArray(reply) ? reply[1] : undefined;
        policy = typeof value === 'string' ? value : null;
      } catch {
        policy = null;
      }
      const warning =
        policy === null || policy === 'noeviction'
          ? null
          : `Redis maxmemory-policy is "${policy.slice(0, 40)}": when Redis is full it may evict revocations and session ` +
            'indexes and so revive ended sessions; set maxmemory-policy noeviction for the scopeladder store';
      return { policy, warning };
    },

    ...(apiKeyCache === undefined ? {} : { apiKeyCache }),

    viewStatus() {
      if (view === null) return { enabled: false, fresh: false, lastEventId: null, entries: { accessTokens: 0, families: 0, apiKeys: 0 }, resets: 0 };
      return { enabled: true, ...view.status() };
    },

    async syncView() {
      if (view === null) return;
      const newest = await connection.run((redis) => redis.xrevrange(keys.events(), '+', '-', 'COUNT', 1));
      const id = Array.isArray(newest) && Array.isArray(newest[0]) ? newest[0][0] : undefined;
      await view.waitFor(typeof id === 'string' ? id : null);
    },

    async close() {
      await view?.close();
      await connection.close();
    },
  };
  return store;
}
