import { createHash } from 'node:crypto';

/** A Lua script with its SHA-1, run by EVALSHA (falling back to EVAL when the server lost it). */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

/**
 * Helpers shared by every script. Numbers travel as decimal strings; `fmt` writes computed
 * numbers back without exponent notation for any epoch-millisecond value. Every key a script
 * touches is one of its KEYS (Redis Cluster: one slot per script, routed by the first key).
 */
const PRELUDE = `
local function fmt(n) return string.format('%.17g', n) end
local function expireAt(key, at) redis.call('PEXPIREAT', key, fmt(math.ceil(at))) end
-- A revocation marker (string) holds "revoked until" and lives until then plus the grace
-- period; a second revocation only ever extends it.
local function revokeUntil(key, untilMs, grace)
  local cur = tonumber(redis.call('GET', key))
  if cur and cur >= untilMs then return 0 end
  redis.call('SET', key, fmt(untilMs))
  expireAt(key, untilMs + grace)
  return 1
end
-- A family (hash): \`l\` live until, \`r\` revoked until. Each only grows; the key lives until the
-- later of the two plus the grace period.
local function extendFamily(key, field, untilMs, grace)
  local cur = redis.call('HMGET', key, 'r', 'l')
  local r, l = tonumber(cur[1]), tonumber(cur[2])
  local old = r
  if field == 'l' then old = l end
  if old and old >= untilMs then return 0 end
  redis.call('HSET', key, field, fmt(untilMs))
  if field == 'r' then r = untilMs else l = untilMs end
  expireAt(key, math.max(r or untilMs, l or untilMs) + grace)
  return 1
end
-- A sorted set of families scored by "until": a score only ever grows; the set lives until its
-- highest score plus the grace period.
local function indexFamily(key, familyId, untilMs, grace)
  local cur = tonumber(redis.call('ZSCORE', key, familyId))
  if not cur or cur < untilMs then redis.call('ZADD', key, fmt(untilMs), familyId) end
  local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  expireAt(key, math.max(tonumber(top[2]) or untilMs, untilMs) + grace)
end
-- Moves a family from the session index (KEYS[1]) to the families being ended (KEYS[2]).
local function endFamily(familyId, untilMs, grace)
  indexFamily(KEYS[2], familyId, untilMs, grace)
  redis.call('ZREM', KEYS[1], familyId)
end
`;

/** A script: `body` after `prelude` (default: the token store's helpers above). */
export function defineScript(name: string, body: string, prelude: string = PRELUDE): LuaScript {
  const source = `${prelude}\n${body}`;
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Family slot. KEYS: rt (in the family), fam. ARGV: userId, familyId, expiresAt, grace,
 * familyUntil, organization ('' for none), narrowed scope ('' for none). Stores a fresh token and extends the family's "live
 * until" (so a later revocation of the whole family covers it).
 */
export const SAVE_FAMILY_TOKEN = defineScript(
  'saveFamilyToken',
  `
local grace = tonumber(ARGV[4])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'u', ARGV[1], 'f', ARGV[2], 'e', ARGV[3], 's', '0')
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'o', ARGV[6]) end
if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'n', ARGV[7]) end
expireAt(KEYS[1], tonumber(ARGV[3]) + grace)
extendFamily(KEYS[2], 'l', tonumber(ARGV[5]), grace)
return 1
`,
);

/**
 * Family slot. KEYS: old rt, next rt, fam (all of next.familyId, which the contract makes the
 * old token's). ARGV: now, next userId, next familyId, next expiresAt, grace, next familyUntil,
 * next organization ('' for none), next narrowed scope ('' for none).
 * Returns { status, userId, familyId, expiresAt, organization, narrowed scope ('' for none) } of the OLD token. Checks, in the contract's
 * order: no record → not_found; expiresAt <= now → expired; family revoked (or its marker
 * unreadable: fail closed) → revoked; spent → revoke the family until max(next.expiresAt,
 * old.expiresAt) and answer reused; else spend the old token (its TTL is kept: it is remembered
 * until its own expiry), store the next one and extend the family's "live until", all in this
 * one step: a revocation of the family comes before it (→ revoked) or after it (and covers the
 * next token).
 */
export const ROTATE_REFRESH_TOKEN = defineScript(
  'rotateRefreshToken',
  `
local now = tonumber(ARGV[1])
local nextE = tonumber(ARGV[4])
local grace = tonumber(ARGV[5])
local old = redis.call('HMGET', KEYS[1], 'u', 'f', 'e', 's', 'o', 'n')
local u, f, e, s, o, n = old[1], old[2], old[3], old[4], old[5] or '', old[6] or ''
if not u or not f or not e then return {'not_found'} end
local exp = tonumber(e)
if not exp or exp <= now then return {'expired', u, f, e, o, n} end
local r = redis.call('HGET', KEYS[3], 'r')
if r then
  local revokedUntil = tonumber(r)
  if not revokedUntil or now < revokedUntil then return {'revoked', u, f, e, o, n} end
end
if s ~= '0' then
  extendFamily(KEYS[3], 'r', math.max(nextE, exp), grace)
  return {'reused', u, f, e, o, n}
end
redis.call('HSET', KEYS[1], 's', '1')
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'u', ARGV[2], 'f', ARGV[3], 'e', ARGV[4], 's', '0')
if ARGV[7] ~= '' then redis.call('HSET', KEYS[2], 'o', ARGV[7]) end
if ARGV[8] ~= '' then redis.call('HSET', KEYS[2], 'n', ARGV[8]) end
expireAt(KEYS[2], nextE + grace)
extendFamily(KEYS[3], 'l', tonumber(ARGV[6]), grace)
return {'rotated', u, f, e, o, n}
`,
);

/**
 * Family slot. KEYS: fam. ARGV: revoked-until, grace, '1' to revoke at least until the family's
 * "live until" (ending a session: every token and access token of it, whatever rotated last),
 * '0' for exactly the given time (logout, the contract's reuse horizon). Keeps the later of two
 * revocations.
 */
export const REVOKE_FAMILY = defineScript(
  'revokeFamily',
  `
local untilMs = tonumber(ARGV[1])
if ARGV[3] == '1' then
  local live = tonumber(redis.call('HGET', KEYS[1], 'l'))
  if live and live > untilMs then untilMs = live end
end
return extendFamily(KEYS[1], 'r', untilMs, tonumber(ARGV[2]))
`,
);

/** Own slot. KEYS: rt lookup copy. ARGV: userId, familyId, expiresAt, organization ('' for none), grace, narrowed scope ('' for none). */
export const SAVE_TOKEN_COPY = defineScript(
  'saveTokenCopy',
  `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'u', ARGV[1], 'f', ARGV[2], 'e', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'o', ARGV[4]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'n', ARGV[6]) end
expireAt(KEYS[1], tonumber(ARGV[3]) + tonumber(ARGV[5]))
return 1
`,
);

/**
 * User slot. KEYS: ufam, uend. ARGV: familyId, familyUntil, grace, maxSessionsPerUser.
 * Trims the index of families whose score passed more than the grace ago by Redis' own clock
 * (purging only: no caller's \`now\` here, and the grace covers clock skew), indexes the family,
 * then moves the lowest-scored families beyond the cap (never this one; at most 100) to \`uend\`.
 * Returns { familyId, until, … } of those, to revoke. (An entry a failed call left in \`uend\` is
 * revoked by the next END_FAMILIES_OF_USER, which revokes them all; here \`uend\` is only trimmed
 * like the index, so it stays bounded.)
 */
export const INDEX_NEW_FAMILY = defineScript(
  'indexNewFamily',
  `
local grace = tonumber(ARGV[3])
local t = redis.call('TIME')
local redisNow = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(redisNow - grace))
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', fmt(redisNow - grace))
indexFamily(KEYS[1], ARGV[1], tonumber(ARGV[2]), grace)
local out = {}
local over = math.min(redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4]), 100)
if over > 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, over, 'WITHSCORES')
  local n = 0
  for i = 1, #oldest, 2 do
    if n >= over then break end
    if oldest[i] ~= ARGV[1] then
      endFamily(oldest[i], tonumber(oldest[i + 1]), grace)
      table.insert(out, oldest[i])
      table.insert(out, oldest[i + 1])
      n = n + 1
    end
  end
end
return out
`,
);

/**
 * User slot. KEYS: ufam. ARGV: now, familyId, familyUntil, grace. After a rotation: drops the
 * families no longer live at now and extends this family's score, only if it is still indexed
 * (a family being ended is not put back; its revocation covers the rotation, see REVOKE_FAMILY).
 */
export const INDEX_ROTATED_FAMILY = defineScript(
  'indexRotatedFamily',
  `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(tonumber(ARGV[1])))
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then indexFamily(KEYS[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])) end
return 1
`,
);

/**
 * User slot. KEYS: ufam, uend. ARGV: now, except (a family id, or '' for none), grace.
 * Drops the families no longer live at now, moves every other family but \`except\` to \`uend\`.
 * Returns { count moved, familyId, until, … }: every entry of \`uend\` (these and any left by a
 * failed call), all to be revoked by the caller. Bounded by the cap.
 */
export const END_FAMILIES_OF_USER = defineScript(
  'endFamiliesOfUser',
  `
local grace = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(tonumber(ARGV[1])))
local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local n = 0
for i = 1, #members, 2 do
  if members[i] ~= ARGV[2] then
    endFamily(members[i], tonumber(members[i + 1]), grace)
    n = n + 1
  end
end
local out = {n}
for _, v in ipairs(redis.call('ZRANGE', KEYS[2], 0, 19999, 'WITHSCORES')) do table.insert(out, v) end
return out
`,
);

/**
 * User slot. KEYS: uend. ARGV: familyId, until, … — families now revoked until at least \`until\`:
 * each leaves \`uend\` unless a later call put it back with a later score.
 */
export const FORGET_ENDED_FAMILIES = defineScript(
  'forgetEndedFamilies',
  `
for i = 1, #ARGV, 2 do
  local cur = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[i]))
  if cur and cur <= tonumber(ARGV[i + 1]) then redis.call('ZREM', KEYS[1], ARGV[i]) end
end
return 1
`,
);

/** Own slot. KEYS: jti marker. ARGV: revoked-until, grace. Keeps the later of two revocations. */
export const REVOKE_UNTIL = defineScript(
  'revokeUntil',
  `
return revokeUntil(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
`,
);

/**
 * Own slot. KEYS: ak. ARGV: id, userId, scopes JSON, createdAt, organization ('' for none).
 * Replaces the record; returns { id, userId } of the key it replaced ({} when none).
 */
export const SAVE_API_KEY_RECORD = defineScript(
  'saveApiKeyRecord',
  `
local prev = redis.call('HMGET', KEYS[1], 'id', 'u')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'u', ARGV[2], 'sc', ARGV[3], 'c', ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'o', ARGV[5]) end
if prev[1] and prev[2] then return {prev[1], prev[2]} end
return {}
`,
);

/** Own slot. KEYS: ak. ARGV: id. Deletes the record if it is key \`id\`'s; returns 1 then. */
export const DELETE_API_KEY_RECORD = defineScript(
  'deleteApiKeyRecord',
  `
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`,
);

/** Own slot. KEYS: a string. ARGV: value. Deletes it if it holds \`value\`; returns 1 then. */
export const DELETE_IF_EQUAL = defineScript(
  'deleteIfEqual',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`,
);

/** Own slot. KEYS: a hash. ARGV: field, value. Deletes the field if it holds \`value\`; returns 1 then. */
export const DELETE_FIELD_IF_EQUAL = defineScript(
  'deleteFieldIfEqual',
  `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
`,
);

/**
 * KEYS: hit. ARGV: now, windowMs, grace. Fixed window: a hit at or after the reset starts a
 * new window at \`now\`. The key's TTL is relative to \`now\`, so fake clocks work too.
 */
export const HIT = defineScript(
  'hit',
  `
local now = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local grace = tonumber(ARGV[3])
local cur = redis.call('HMGET', KEYS[1], 'c', 'r')
local c = tonumber(cur[1])
local r = tonumber(cur[2])
if not c or not r or now >= r then
  c = 1
  r = now + win
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'c', '1', 'r', fmt(r))
else
  c = redis.call('HINCRBY', KEYS[1], 'c', 1)
end
redis.call('PEXPIRE', KEYS[1], fmt(math.max(1, math.ceil(r - now + grace))))
return {fmt(c), fmt(r)}
`,
);

/**
 * KEYS: hit. ARGV: resetAt. Gives one hit back (never below zero) if and only if the running
 * window ends at \`resetAt\`; the window and the key's TTL are kept. Returns {count, resetAt},
 * or nil when that window is not running (nothing is written then).
 */
export const RELEASE_HIT = defineScript(
  'releaseHit',
  `
local cur = redis.call('HMGET', KEYS[1], 'c', 'r')
local c = tonumber(cur[1])
local r = tonumber(cur[2])
if not c or not r or r ~= tonumber(ARGV[1]) then return false end
if c > 0 then c = redis.call('HINCRBY', KEYS[1], 'c', -1) end
return {fmt(c), fmt(r)}
`,
);

/**
 * Events slot. KEYS: the credential-event stream. ARGV: trim threshold (epoch ms: entries older
 * are trimmed, approximately), the event (JSON), the stream's TTL in ms. Appends one event, trims
 * the stream by age and keeps it alive as long as its newest event is within the retention.
 * Returns the event's stream id.
 */
export const PUBLISH_EVENT = defineScript(
  'publishEvent',
  `
local id = redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[1], '*', 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return id
`,
);

/** Every script of the token store (the cluster-layout test checks each). */
export const TOKEN_STORE_SCRIPTS: readonly LuaScript[] = [
  SAVE_FAMILY_TOKEN,
  ROTATE_REFRESH_TOKEN,
  REVOKE_FAMILY,
  SAVE_TOKEN_COPY,
  INDEX_NEW_FAMILY,
  INDEX_ROTATED_FAMILY,
  END_FAMILIES_OF_USER,
  FORGET_ENDED_FAMILIES,
  REVOKE_UNTIL,
  SAVE_API_KEY_RECORD,
  DELETE_API_KEY_RECORD,
  DELETE_IF_EQUAL,
  DELETE_FIELD_IF_EQUAL,
  HIT,
  RELEASE_HIT,
  PUBLISH_EVENT,
];
