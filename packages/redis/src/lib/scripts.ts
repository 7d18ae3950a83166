import { createHash } from 'node:crypto';

/** A Lua script with its SHA-1, run by EVALSHA (falling back to EVAL when the server lost it). */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

/**
 * Helpers shared by every script. Numbers travel as decimal strings; `fmt` writes computed
 * numbers back without exponent notation for any epoch-millisecond value.
 */
const PRELUDE = `
local function fmt(n) return string.format('%.17g', n) end
local function expireAt(key, at) redis.call('PEXPIREAT', key, fmt(math.ceil(at))) end
-- A revocation marker holds "revoked until" and lives until then plus the grace period; a
-- second revocation only ever extends it.
local function revokeUntil(key, untilMs, grace)
  local cur = tonumber(redis.call('GET', key))
  if cur and cur >= untilMs then return 0 end
  redis.call('SET', key, fmt(untilMs))
  expireAt(key, untilMs + grace)
  return 1
end
-- The session index of a user: a sorted set of family ids scored by "may hold live credentials
-- until". A score only ever grows; the set lives until its highest score plus the grace period.
local function indexFamily(key, familyId, untilMs, grace)
  local cur = tonumber(redis.call('ZSCORE', key, familyId))
  if not cur or cur < untilMs then redis.call('ZADD', key, fmt(untilMs), familyId) end
  local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  expireAt(key, math.max(tonumber(top[2]) or untilMs, untilMs) + grace)
end
-- The cap on a user's live sessions: while the index holds more than \`cap\` families, revokes
-- the lowest-scored ones (the oldest sessions of THIS user; never \`keep\`, the one just saved)
-- until their own score and drops them. At most 100 per call, so a call's work stays bounded
-- even on an index that grew before the cap existed (it shrinks on each later save).
local function capFamilies(key, keep, cap, grace, prefix)
  local over = math.min(redis.call('ZCARD', key) - cap, 100)
  if over <= 0 then return 0 end
  local oldest = redis.call('ZRANGE', key, 0, over, 'WITHSCORES')
  local n = 0
  for i = 1, #oldest, 2 do
    if n >= over then break end
    local f = oldest[i]
    if f ~= keep then
      revokeUntil(prefix .. 'fam:' .. f, tonumber(oldest[i + 1]), grace)
      redis.call('ZREM', key, f)
      n = n + 1
    end
  end
  return n
end
`;

/** A script: `body` after `prelude` (default: the token store's helpers above). */
export function defineScript(name: string, body: string, prelude: string = PRELUDE): LuaScript {
  const source = `${prelude}\n${body}`;
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * KEYS: rt, ufam (of the user). ARGV: userId, familyId, expiresAt, grace, familyExpiresAt,
 * prefix, maxSessionsPerUser, organization ('' for none), narrowed scope ('' for none).
 * Trims the user's index of families whose score passed more than the grace ago by Redis' own
 * clock (purging only: no caller's \`now\` here, and the grace covers clock skew), indexes the
 * new family, then applies the per-user cap.
 */
export const SAVE_REFRESH_TOKEN = defineScript(
  'saveRefreshToken',
  `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local grace = tonumber(ARGV[4])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'u', ARGV[1], 'f', ARGV[2], 'e', ARGV[3], 's', '0')
if ARGV[8] and ARGV[8] ~= '' then redis.call('HSET', KEYS[1], 'o', ARGV[8]) end
if ARGV[9] and ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'n', ARGV[9]) end
expireAt(KEYS[1], tonumber(ARGV[3]) + grace)
local t = redis.call('TIME')
local redisNow = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', fmt(redisNow - grace))
indexFamily(KEYS[2], ARGV[2], tonumber(ARGV[5]), grace)
capFamilies(KEYS[2], ARGV[2], tonumber(ARGV[7]), grace, ARGV[6])
return 1
`,
);

/**
 * KEYS: old rt, next rt, ufam (of the user). ARGV: now, next userId, next familyId, next
 * expiresAt, grace, prefix, next familyExpiresAt, maxSessionsPerUser, next organization ('' for none),
 * next narrowed scope ('' for none).
 * Returns { status, userId, familyId, expiresAt, organization, narrowed scope ('' for none) } of the OLD token. Checks, in the contract's
 * order: no record → not_found; expiresAt <= now → expired; family revoked → revoked; spent →
 * revoke the family until max(next.expiresAt, old.expiresAt) and answer reused; else spend the
 * old token (its TTL is kept: it is remembered until its own expiry), store the next one and
 * keep the family in the user's session index until next familyExpiresAt (in this same atomic
 * step, so a concurrent revokeFamiliesOfUser sees either the old index entry or the new one),
 * under the same per-user cap as a save.
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
local famKey = ARGV[6] .. 'fam:' .. f
local revokedUntil = tonumber(redis.call('GET', famKey))
if revokedUntil and now < revokedUntil then return {'revoked', u, f, e, o, n} end
if s ~= '0' then
  revokeUntil(famKey, math.max(nextE, exp), grace)
  return {'reused', u, f, e, o, n}
end
redis.call('HSET', KEYS[1], 's', '1')
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'u', ARGV[2], 'f', ARGV[3], 'e', ARGV[4], 's', '0')
if ARGV[9] and ARGV[9] ~= '' then redis.call('HSET', KEYS[2], 'o', ARGV[9]) end
if ARGV[10] and ARGV[10] ~= '' then redis.call('HSET', KEYS[2], 'n', ARGV[10]) end
expireAt(KEYS[2], nextE + grace)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', fmt(now))
indexFamily(KEYS[3], ARGV[3], tonumber(ARGV[7]), grace)
capFamilies(KEYS[3], ARGV[3], tonumber(ARGV[8]), grace, ARGV[6])
return {'rotated', u, f, e, o, n}
`,
);

/**
 * KEYS: ufam (of the user). ARGV: now, except (a family id, or '' for none), grace, prefix.
 * Drops the families no longer live at now, then revokes every other family but `except` until
 * its own score and removes it from the index. Returns how many it revoked. Its work is bounded
 * by the per-user cap (saves and rotations keep the index at most that long).
 */
export const REVOKE_FAMILIES_OF_USER = defineScript(
  'revokeFamiliesOfUser',
  `
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(now))
local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local n = 0
for i = 1, #members, 2 do
  local f = members[i]
  if f ~= ARGV[2] then
    revokeUntil(ARGV[4] .. 'fam:' .. f, tonumber(members[i + 1]), grace)
    redis.call('ZREM', KEYS[1], f)
    n = n + 1
  end
end
return n
`,
);

/** KEYS: family or jti marker. ARGV: revoked-until, grace. Keeps the later of two revocations. */
export const REVOKE_UNTIL = defineScript(
  'revokeUntil',
  `
return revokeUntil(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
`,
);

/**
 * KEYS: ak, akid, aku. ARGV: digest, id, userId, scopes JSON, createdAt, prefix, organization ('' for none).
 * Replaces whatever the id or the digest named before, keeping the indexes exact.
 */
export const SAVE_API_KEY = defineScript(
  'saveApiKey',
  `
local prefix = ARGV[6]
local prevDigest = redis.call('GET', KEYS[2])
if prevDigest and prevDigest ~= ARGV[1] then
  local prevKey = prefix .. 'ak:' .. prevDigest
  local prevUser = redis.call('HGET', prevKey, 'u')
  redis.call('DEL', prevKey)
  if prevUser then redis.call('SREM', prefix .. 'aku:' .. prevUser, ARGV[2]) end
end
local prev = redis.call('HMGET', KEYS[1], 'id', 'u')
if prev[1] and prev[1] ~= ARGV[2] then redis.call('DEL', prefix .. 'akid:' .. prev[1]) end
if prev[1] and prev[2] then redis.call('SREM', prefix .. 'aku:' .. prev[2], prev[1]) end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'u', ARGV[3], 'sc', ARGV[4], 'c', ARGV[5])
if ARGV[7] and ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'o', ARGV[7]) end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
return 1
`,
);

/** KEYS: akid. ARGV: id, prefix. Returns 1 when a key was deleted. */
export const DELETE_API_KEY = defineScript(
  'deleteApiKey',
  `
local digest = redis.call('GET', KEYS[1])
if not digest then return 0 end
redis.call('DEL', KEYS[1])
local key = ARGV[2] .. 'ak:' .. digest
local rec = redis.call('HMGET', key, 'id', 'u')
if rec[1] == ARGV[1] then
  redis.call('DEL', key)
  if rec[2] then redis.call('SREM', ARGV[2] .. 'aku:' .. rec[2], ARGV[1]) end
end
return 1
`,
);

/** KEYS: aku. ARGV: userId, prefix. Returns how many keys were deleted. */
export const DELETE_API_KEYS_OF_USER = defineScript(
  'deleteApiKeysOfUser',
  `
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local idKey = ARGV[2] .. 'akid:' .. id
  local digest = redis.call('GET', idKey)
  if digest then
    local key = ARGV[2] .. 'ak:' .. digest
    if redis.call('HGET', key, 'u') == ARGV[1] then
      redis.call('DEL', key, idKey)
      n = n + 1
    end
  end
end
redis.call('DEL', KEYS[1])
return n
`,
);

/** KEYS: aku. ARGV: prefix. Returns { digest, id, userId, scopes JSON, createdAt, organization ('' for none) } per key. */
export const LIST_API_KEYS_OF_USER = defineScript(
  'listApiKeysOfUser',
  `
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local digest = redis.call('GET', ARGV[1] .. 'akid:' .. id)
  if digest then
    local rec = redis.call('HMGET', ARGV[1] .. 'ak:' .. digest, 'id', 'u', 'sc', 'c', 'o')
    if rec[1] and rec[2] and rec[3] and rec[4] then
      table.insert(out, {digest, rec[1], rec[2], rec[3], rec[4], rec[5] or ''})
    end
  end
end
return out
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
