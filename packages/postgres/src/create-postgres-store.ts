import type { ApiKeyRecord, RefreshTokenRecord, RevokeFamiliesOptions, RotateRefreshResult, ThrottleState, TokenStore } from '@scopeladder/tokens';
import {
  assertApiKeyRecord,
  assertRefreshTokenRecord,
  assertRevokeFamiliesOptions,
  assertRotateRefreshArguments,
  assertStoreDuration,
  assertStoreText,
  assertStoreTime,
} from '@scopeladder/tokens';
import type { Pool } from 'pg';
import { createDatabase, type Session } from './lib/connection.js';
import { createSchemaCheck } from './lib/schema-check.js';
import { assertPool, quoteIdent, readSchema, readTimeout } from './lib/validate.js';

/**
 * Options of {@link createPostgresStore}.
 *
 * @example
 * ```ts
 * const options: PostgresStoreOptions = { pool, schema: 'scopeladder', timeoutMs: 1000 };
 * ```
 */
export interface PostgresStoreOptions {
  /**
   * A `pg` Pool, shared with the application. The store checks a client out per call and never
   * closes the pool (see the README for pool settings).
   */
  readonly pool: Pool;
  /** The schema {@link migrate} created the tables in. A lowercase identifier; default `"scopeladder"`. */
  readonly schema?: string | undefined;
  /**
   * The longest any store call waits for PostgreSQL — checking a client out of the pool, lock
   * waits and statements included — before rejecting with `ERR_STORE_UNAVAILABLE`. Writes also
   * set it as the transaction's `statement_timeout` and `lock_timeout`, so the server gives up
   * too. Default `1000`.
   */
  readonly timeoutMs?: number | undefined;
  /**
   * How long rows outlive their `expiresAt` before {@link PostgresTokenStore.purgeExpired} deletes
   * them, so clock skew between application servers can never drop a revocation early.
   * Decisions still use the caller's `now`. Default `60000`.
   */
  readonly expiryGraceMs?: number | undefined;
  /**
   * The most live sessions (refresh families) one user may hold: a new login beyond it revokes
   * that user's oldest sessions (lowest expiry first), never another user's. An integer from 1 to
   * 10 000; default 100, as in the in-memory and Redis stores.
   */
  readonly maxSessionsPerUser?: number | undefined;
}

/**
 * What {@link PostgresTokenStore.purgeExpired} deleted, per table.
 *
 * @example
 * ```ts
 * const purged: PurgeResult = await store.purgeExpired();
 * ```
 */
export interface PurgeResult {
  readonly refreshTokens: number;
  readonly revokedFamilies: number;
  readonly userFamilies: number;
  readonly revokedAccessTokens: number;
  readonly throttleCounters: number;
}

/**
 * A {@link TokenStore} on PostgreSQL, plus health and cleanup.
 *
 * @example
 * ```ts
 * const store: PostgresTokenStore = createPostgresStore({ pool });
 * app.get('/healthz', async (_req, res) => res.status((await store.ping()) ? 200 : 503).end());
 * setInterval(() => void store.purgeExpired().catch(() => {}), 10 * 60_000).unref();
 * ```
 */
export interface PostgresTokenStore extends TokenStore {
  /** The schema in use. */
  readonly schema: string;
  /** Whether PostgreSQL answers now and the schema is at the expected version (bounded by `timeoutMs`); never throws. */
  ping(): Promise<boolean>;
  /**
   * Deletes every row whose expiry passed more than `expiryGraceMs` before `now` (default: the
   * clock of this process): spent and expired refresh tokens, ended revocations, dead session
   * index entries and counters. Decisions never depend on it (every read checks expiry against
   * the caller's `now`); it only keeps the tables small. Schedule it (every few minutes); it is
   * safe to run from several instances at once. API keys are never purged.
   */
  purgeExpired(now?: number): Promise<PurgeResult>;
}

const DEFAULT_TIMEOUT_MS = 1000;
const DEFAULT_EXPIRY_GRACE_MS = 60_000;
const DEFAULT_MAX_SESSIONS_PER_USER = 100;
const MAX_SESSIONS_PER_USER_LIMIT = 10_000;

interface RefreshRow {
  user_id: string;
  family_id: string;
  expires_at: string;
  organization: string | null;
  scope: string | null;
  spent_at?: string | null;
}

interface ApiKeyRow {
  digest: string;
  id: string;
  user_id: string;
  scopes: string[];
  organization: string | null;
  created_at: string;
}

interface CounterRow {
  count: number;
  reset_at: string;
}

function readOptions(options: PostgresStoreOptions): { schema: string; timeoutMs: number; expiryGraceMs: number; maxSessionsPerUser: number } {
  if (typeof options !== 'object' || options === null) throw new TypeError('createPostgresStore: options must be an object');
  assertPool(options.pool, 'createPostgresStore');
  const schema = readSchema(options.schema, 'createPostgresStore');
  const timeoutMs = readTimeout(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs', 'createPostgresStore');
  const expiryGraceMs = options.expiryGraceMs ?? DEFAULT_EXPIRY_GRACE_MS;
  if (!Number.isSafeInteger(expiryGraceMs) || expiryGraceMs < 0) {
    throw new TypeError('createPostgresStore: `expiryGraceMs` must be an integer >= 0');
  }
  const maxSessionsPerUser = options.maxSessionsPerUser ?? DEFAULT_MAX_SESSIONS_PER_USER;
  if (!Number.isSafeInteger(maxSessionsPerUser) || maxSessionsPerUser < 1 || maxSessionsPerUser > MAX_SESSIONS_PER_USER_LIMIT) {
    throw new TypeError(`createPostgresStore: \`maxSessionsPerUser\` must be an integer from 1 to ${MAX_SESSIONS_PER_USER_LIMIT}`);
  }
  return { schema, timeoutMs, expiryGraceMs, maxSessionsPerUser };
}

/** Epoch ms as stored (bigint): integers only; a fractional time is rounded up (never earlier). */
function ms(value: number): string {
  return String(Math.ceil(value));
}

/** Until when the user's session index keeps a record's family. */
function familyUntil(record: RefreshTokenRecord): string {
  return ms(Math.max(record.expiresAt, record.familyExpiresAt ?? record.expiresAt));
}

function toRefreshRecord(digest: string, row: RefreshRow): RefreshTokenRecord {
  return {
    digest,
    userId: row.user_id,
    familyId: row.family_id,
    ...(row.organization === null ? {} : { organization: row.organization }),
    ...(row.scope === null ? {} : { scope: row.scope }),
    expiresAt: Number(row.expires_at),
  };
}

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  const record = { digest: row.digest, id: row.id, userId: row.user_id, scopes: [...row.scopes], createdAt: Number(row.created_at) };
  return row.organization === null ? record : { ...record, organization: row.organization };
}

function toCounter(row: CounterRow): ThrottleState {
  return { count: Number(row.count), resetAt: Number(row.reset_at) };
}

/**
 * Creates a {@link TokenStore} on PostgreSQL: refresh families, revocations, API keys and login
 * throttling, durable and shared by every instance of a service.
 *
 * - Refresh rotation is one compare-and-set statement (`UPDATE … SET spent_at = now WHERE
 *   digest = $1 AND spent_at IS NULL AND expires_at > now AND family not revoked RETURNING …`):
 *   of N concurrent rotations of one token exactly one updates the row. A loser that finds the
 *   token spent revokes its family in the same transaction. Rotations, logins and
 *   `revokeFamiliesOfUser` of one user also take a transaction-scoped advisory lock on that
 *   user, so ending a user's sessions never misses a family rotated at the same moment.
 * - Only digests are stored, and every value travels as a query parameter.
 * - Needs the schema at the version of this release ({@link migrate}); checked on first use,
 *   with a clear `ERR_INTERNAL` otherwise — the store never changes the schema itself.
 * - Fails closed: when PostgreSQL is unreachable or too slow every call rejects within
 *   `timeoutMs` with `ScopeladderError('ERR_STORE_UNAVAILABLE')` (HTTP 503), and works again as
 *   soon as it answers (the pool opens fresh connections).
 * - Expired rows are deleted by {@link PostgresTokenStore.purgeExpired}, which the application
 *   schedules; decisions never depend on it.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createPostgresStore, migrate } from '@scopeladder/postgres';
 * import { createAuthService } from '@scopeladder/tokens';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 1000 });
 * await migrate({ pool }); // in a deploy step
 * const store = createPostgresStore({ pool });
 * const auth = createAuthService({ store, directory, keys });
 * ```
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresTokenStore {
  const { schema, timeoutMs, expiryGraceMs, maxSessionsPerUser } = readOptions(options);
  const database = createDatabase(options.pool, timeoutMs);
  const ensureSchema = createSchemaCheck(database, schema, 'createPostgresStore');
  const q = quoteIdent(schema);
  const T = {
    refresh: `${q}.refresh_tokens`,
    families: `${q}.revoked_families`,
    userFamilies: `${q}.user_families`,
    jtis: `${q}.revoked_access_tokens`,
    apiKeys: `${q}.api_keys`,
    counters: `${q}.throttle_counters`,
  };

  /** Serializes the session-index writers of one user (logins, rotations, ends) until COMMIT. */
  const lockUser = (session: Session, userId: string): Promise<unknown> =>
    session.query({ text: `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, values: [`scopeladder:${schema}:user:${userId}`] });

  const revokeUntilSql = (table: string, column: string): string =>
    `INSERT INTO ${table} (${column}, revoked_until) VALUES ($1, $2)
     ON CONFLICT (${column}) DO UPDATE SET revoked_until = GREATEST(${table}.revoked_until, EXCLUDED.revoked_until)`;

  /**
   * The tail of a save or a winning rotation, as CTEs of the same statement (`$u` user, `$f`
   * family, `$until` its new latest time, `$cap`): keeps the family in the user's session index
   * until at least `$until`, and — over the cap — revokes the user's lowest-expiry OTHER live
   * families until their own time and drops them. `gate` makes every part conditional (a CTE
   * named `won` for rotations); `live` says which other entries count (still live at `now`).
   */
  const indexFamilySql = (p: { u: string; f: string; until: string; cap: string; live: string; gate: string }): string => `
    indexed AS (
      INSERT INTO ${T.userFamilies} (user_id, family_id, live_until) SELECT ${p.u}::text, ${p.f}::text, ${p.until}::bigint ${p.gate ? `FROM ${p.gate}` : ''}
      ON CONFLICT (user_id, family_id) DO UPDATE SET live_until = GREATEST(${T.userFamilies}.live_until, EXCLUDED.live_until)
    ), ranked AS (
      SELECT family_id, row_number() OVER (ORDER BY live_until DESC, family_id DESC) AS rank
      FROM ${T.userFamilies} WHERE user_id = ${p.u} AND family_id <> ${p.f} AND ${p.live} ${p.gate ? `AND EXISTS (SELECT 1 FROM ${p.gate})` : ''}
    ), dropped AS (
      DELETE FROM ${T.userFamilies} u USING ranked r
      WHERE u.user_id = ${p.u} AND u.family_id = r.family_id AND r.rank >= ${p.cap}
      RETURNING u.family_id, u.live_until
    ), capped AS (
      INSERT INTO ${T.families} (family_id, revoked_until) SELECT family_id, live_until FROM dropped
      ON CONFLICT (family_id) DO UPDATE SET revoked_until = GREATEST(${T.families}.revoked_until, EXCLUDED.revoked_until)
    )`;

  async function isMarkerActive(table: string, column: string, id: string, now: number): Promise<boolean> {
    await ensureSchema();
    const rows = await database.run((session) =>
      session.query({ text: `SELECT 1 FROM ${table} WHERE ${column} = $1 AND revoked_until > $2`, values: [id, ms(now)] }),
    );
    return rows.length > 0;
  }

  async function revokeUntil(table: string, column: string, id: string, until: number): Promise<void> {
    await ensureSchema();
    await database.run((session) => session.query({ text: revokeUntilSql(table, column), values: [id, ms(until)] }));
  }

  const store: PostgresTokenStore = {
    schema,

    async saveRefreshToken(record) {
      assertRefreshTokenRecord(record, 'record');
      await ensureSchema();
      await database.transaction(async (session) => {
        await lockUser(session, record.userId);
        // One statement: the token, a cheap sweep of this user's index only (entries dead for more
        // than the grace by the database clock: purging, never deciding), the index and the cap.
        await session.query({
          text: `WITH stored AS (
                   INSERT INTO ${T.refresh} (digest, user_id, family_id, expires_at, organization, scope, spent_at) VALUES ($1, $2, $3, $4, $5, $9, NULL)
                   ON CONFLICT (digest) DO UPDATE SET user_id = EXCLUDED.user_id, family_id = EXCLUDED.family_id,
                     expires_at = EXCLUDED.expires_at, organization = EXCLUDED.organization, scope = EXCLUDED.scope, spent_at = NULL
                 ), swept AS (
                   DELETE FROM ${T.userFamilies} WHERE user_id = $2 AND family_id <> $3
                     AND live_until < (extract(epoch FROM clock_timestamp()) * 1000)::bigint - $6::bigint
                 ), ${indexFamilySql({ u: '$2', f: '$3', until: '$7', cap: '$8', live: `live_until >= (extract(epoch FROM clock_timestamp()) * 1000)::bigint - $6::bigint`, gate: '' })}
                 SELECT 1`,
          values: [
            record.digest,
            record.userId,
            record.familyId,
            ms(record.expiresAt),
            record.organization ?? null,
            expiryGraceMs,
            familyUntil(record),
            maxSessionsPerUser,
            record.scope ?? null,
          ],
        });
      });
    },

    async findRefreshToken(digest) {
      assertStoreText(digest, 'digest');
      await ensureSchema();
      const [row] = await database.run((session) =>
        session.query<RefreshRow>({
          text: `SELECT user_id, family_id, expires_at, organization, scope FROM ${T.refresh} WHERE digest = $1`,
          values: [digest],
        }),
      );
      return row === undefined ? null : toRefreshRecord(digest, row);
    },

    async rotateRefreshToken(oldDigest, next, now): Promise<RotateRefreshResult> {
      assertRotateRefreshArguments(oldDigest, next, now);
      await ensureSchema();
      const at = ms(now);
      return database.transaction(async (session): Promise<RotateRefreshResult> => {
        await lockUser(session, next.userId);
        // The compare-and-set (`won`): only a current token (not spent, not expired, family not
        // revoked) is spent, and only by one caller; every other one sees zero rows, and then
        // nothing else in this statement happens either. The winner's statement also stores the
        // next token and keeps the family in the user's session index.
        const [won] = await session.query<RefreshRow>({
          text: `WITH won AS (
                   UPDATE ${T.refresh} r SET spent_at = $2
                   WHERE r.digest = $1 AND r.spent_at IS NULL AND r.expires_at > $2
                     AND NOT EXISTS (SELECT 1 FROM ${T.families} f WHERE f.family_id = r.family_id AND f.revoked_until > $2)
                   RETURNING r.user_id, r.family_id, r.expires_at, r.organization, r.scope
                 ), stored AS (
                   INSERT INTO ${T.refresh} (digest, user_id, family_id, expires_at, organization, scope, spent_at)
                   SELECT $3::text, $4::text, $5::text, $6::bigint, $7::text, $10::text, NULL FROM won
                   ON CONFLICT (digest) DO UPDATE SET user_id = EXCLUDED.user_id, family_id = EXCLUDED.family_id,
                     expires_at = EXCLUDED.expires_at, organization = EXCLUDED.organization, scope = EXCLUDED.scope, spent_at = NULL
                 ), stale AS (
                   DELETE FROM ${T.userFamilies} WHERE user_id = $4 AND family_id <> $5 AND live_until <= $2 AND EXISTS (SELECT 1 FROM won)
                 ), ${indexFamilySql({ u: '$4', f: '$5', until: '$8', cap: '$9', live: 'live_until > $2', gate: 'won' })}
                 SELECT user_id, family_id, expires_at, organization, scope FROM won`,
          values: [
            oldDigest,
            at,
            next.digest,
            next.userId,
            next.familyId,
            ms(next.expiresAt),
            next.organization ?? null,
            familyUntil(next),
            maxSessionsPerUser,
            next.scope ?? null,
          ],
        });
        if (won !== undefined) return { status: 'rotated', record: toRefreshRecord(oldDigest, won) };
        // Lost: say why, in the contract's order.
        const [row] = await session.query<RefreshRow>({
          text: `SELECT r.user_id, r.family_id, r.expires_at, r.organization, r.scope, r.spent_at,
                   EXISTS (SELECT 1 FROM ${T.families} f WHERE f.family_id = r.family_id AND f.revoked_until > $2) AS revoked
                 FROM ${T.refresh} r WHERE r.digest = $1`,
          values: [oldDigest, at],
        });
        if (row === undefined) return { status: 'not_found' };
        const record = toRefreshRecord(oldDigest, row);
        if (record.expiresAt <= now) return { status: 'expired', record };
        if ((row as RefreshRow & { revoked: boolean }).revoked) return { status: 'revoked', record };
        // Spent: reuse. The family is revoked in this same transaction.
        await session.query({
          text: revokeUntilSql(T.families, 'family_id'),
          values: [record.familyId, ms(Math.max(next.expiresAt, record.expiresAt))],
        });
        return { status: 'reused', record };
      });
    },

    async revokeFamily(familyId, expiresAt) {
      assertStoreText(familyId, 'familyId');
      assertStoreTime(expiresAt, 'expiresAt');
      await revokeUntil(T.families, 'family_id', familyId, expiresAt);
    },

    async isFamilyRevoked(familyId, now) {
      assertStoreText(familyId, 'familyId');
      assertStoreTime(now, 'now');
      return isMarkerActive(T.families, 'family_id', familyId, now);
    },

    async revokeFamiliesOfUser(userId: string, now: number, options: RevokeFamiliesOptions = {}) {
      assertStoreText(userId, 'userId');
      assertStoreTime(now, 'now');
      assertRevokeFamiliesOptions(options);
      const except = options.except;
      await ensureSchema();
      return database.transaction(async (session) => {
        await lockUser(session, userId);
        await session.query({ text: `DELETE FROM ${T.userFamilies} WHERE user_id = $1 AND live_until <= $2`, values: [userId, ms(now)] });
        const rows = await session.query<{ family_id: string }>({
          text: `WITH ended AS (
                   DELETE FROM ${T.userFamilies} WHERE user_id = $1 AND family_id IS DISTINCT FROM $2
                   RETURNING family_id, live_until
                 )
                 INSERT INTO ${T.families} (family_id, revoked_until) SELECT family_id, live_until FROM ended
                 ON CONFLICT (family_id) DO UPDATE SET revoked_until = GREATEST(${T.families}.revoked_until, EXCLUDED.revoked_until)
                 RETURNING family_id`,
          values: [userId, except ?? null],
        });
        return rows.length;
      });
    },

    async revokeAccessToken(jti, expiresAt) {
      assertStoreText(jti, 'jti');
      assertStoreTime(expiresAt, 'expiresAt');
      await revokeUntil(T.jtis, 'jti', jti, expiresAt);
    },

    async isAccessTokenRevoked(jti, now) {
      assertStoreText(jti, 'jti');
      assertStoreTime(now, 'now');
      return isMarkerActive(T.jtis, 'jti', jti, now);
    },

    async saveApiKey(record) {
      assertApiKeyRecord(record, 'record');
      await ensureSchema();
      await database.transaction(async (session) => {
        // Replaces whatever the id or the digest named before.
        await session.query({ text: `DELETE FROM ${T.apiKeys} WHERE digest = $1 OR id = $2`, values: [record.digest, record.id] });
        await session.query({
          text: `INSERT INTO ${T.apiKeys} (digest, id, user_id, scopes, organization, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
          values: [record.digest, record.id, record.userId, [...record.scopes], record.organization ?? null, ms(record.createdAt)],
        });
      });
    },

    async findApiKey(digest) {
      assertStoreText(digest, 'digest');
      await ensureSchema();
      const [row] = await database.run((session) =>
        session.query<ApiKeyRow>({
          text: `SELECT digest, id, user_id, scopes, organization, created_at FROM ${T.apiKeys} WHERE digest = $1`,
          values: [digest],
        }),
      );
      return row === undefined ? null : toApiKey(row);
    },

    async deleteApiKey(id) {
      assertStoreText(id, 'id');
      await ensureSchema();
      const rows = await database.run((session) => session.query({ text: `DELETE FROM ${T.apiKeys} WHERE id = $1 RETURNING id`, values: [id] }));
      return rows.length > 0;
    },

    async deleteApiKeysOfUser(userId) {
      assertStoreText(userId, 'userId');
      await ensureSchema();
      const rows = await database.run((session) =>
        session.query({ text: `DELETE FROM ${T.apiKeys} WHERE user_id = $1 RETURNING id`, values: [userId] }),
      );
      return rows.length;
    },

    async listApiKeysOfUser(userId) {
      assertStoreText(userId, 'userId');
      await ensureSchema();
      const rows = await database.run((session) =>
        session.query<ApiKeyRow>({
          text: `SELECT digest, id, user_id, scopes, organization, created_at FROM ${T.apiKeys} WHERE user_id = $1 ORDER BY created_at, id COLLATE "C"`,
          values: [userId],
        }),
      );
      return rows.map(toApiKey);
    },

    async hit(key, windowMs, now): Promise<ThrottleState> {
      assertStoreText(key, 'key');
      assertStoreDuration(windowMs, 'windowMs');
      assertStoreTime(now, 'now');
      await ensureSchema();
      const [row] = await database.run((session) =>
        session.query<CounterRow>({
          // One atomic upsert: a hit at or after the reset starts a new window at `now`.
          text: `INSERT INTO ${T.counters} AS c (key, count, reset_at) VALUES ($1, 1, $2::bigint + $3::bigint)
                 ON CONFLICT (key) DO UPDATE SET
                   count = CASE WHEN c.reset_at <= $2::bigint THEN 1 ELSE c.count + 1 END,
                   reset_at = CASE WHEN c.reset_at <= $2::bigint THEN $2::bigint + $3::bigint ELSE c.reset_at END
                 RETURNING count, reset_at`,
          values: [key, ms(now), ms(windowMs)],
        }),
      );
      return toCounter(row as CounterRow);
    },

    async peek(key, now) {
      assertStoreText(key, 'key');
      assertStoreTime(now, 'now');
      await ensureSchema();
      const [row] = await database.run((session) =>
        session.query<CounterRow>({ text: `SELECT count, reset_at FROM ${T.counters} WHERE key = $1 AND reset_at > $2`, values: [key, ms(now)] }),
      );
      return row === undefined ? null : toCounter(row);
    },

    async releaseHit(key, resetAt) {
      assertStoreText(key, 'key');
      assertStoreTime(resetAt, 'resetAt');
      await ensureSchema();
      const [row] = await database.run((session) =>
        session.query<CounterRow>({
          text: `UPDATE ${T.counters} SET count = GREATEST(count - 1, 0) WHERE key = $1 AND reset_at = $2 RETURNING count, reset_at`,
          values: [key, ms(resetAt)],
        }),
      );
      return row === undefined ? null : toCounter(row);
    },

    async clearHits(key) {
      assertStoreText(key, 'key');
      await ensureSchema();
      await database.run((session) => session.query({ text: `DELETE FROM ${T.counters} WHERE key = $1`, values: [key] }));
    },

    async ping() {
      try {
        await ensureSchema();
        await database.run((session) => session.query({ text: 'SELECT 1' }));
        return true;
      } catch {
        return false;
      }
    },

    async purgeExpired(now = Date.now()) {
      assertStoreTime(now, 'now');
      await ensureSchema();
      const before = ms(now - expiryGraceMs);
      return database.transaction(async (session) => {
        const count = async (text: string): Promise<number> => (await session.query({ text, values: [before] })).length;
        return {
          refreshTokens: await count(`DELETE FROM ${T.refresh} WHERE expires_at < $1 RETURNING 1`),
          revokedFamilies: await count(`DELETE FROM ${T.families} WHERE revoked_until < $1 RETURNING 1`),
          userFamilies: await count(`DELETE FROM ${T.userFamilies} WHERE live_until < $1 RETURNING 1`),
          revokedAccessTokens: await count(`DELETE FROM ${T.jtis} WHERE revoked_until < $1 RETURNING 1`),
          throttleCounters: await count(`DELETE FROM ${T.counters} WHERE reset_at < $1 RETURNING 1`),
        };
      });
    },
  };
  return store;
}
