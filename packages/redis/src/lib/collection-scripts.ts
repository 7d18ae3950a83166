// The Lua scripts of createRedisCollection. Cluster-safe: every key a script touches is one of its
// KEYS (all of one collection, so one hash slot); no key name is built inside a script. Key
// layout in keys.ts (`createCollectionKeys`).
//
// The subtree index. Members sort bytewise (every score 0). Each ends with NUL, the creation
// sequence on 16 digits, NUL and the id, after an order key:
// - `org`: a document with ONE path has one member, keyed by its head `<path><sep>`. The
//   documents within P are the members in [P<sep>, P<sep + 1>): `r1#c1` reaches `r1#c1#s1`, not
//   `r1#c10` (paths have no control characters, so the first NUL ends the head).
// - `orgm`: a document with SEVERAL paths has one member per organization A on the way up from
//   any of its paths, keyed by `A`, \1, then its first head within A (bytewise). The documents
//   within P are the members in [P\1, P\2), each once.
// Within P the order is the first head within P, then the creation sequence (then the id). A
// page is the k-th slice of the merge of the two ranges: a binary search by rank for where the
// page starts, then at most `count` members from each. A document's entries (the key part of
// its members) are kept in `docs` (`p:<id>`, joined by NUL) so that an update or a delete removes
// exactly the members it added.

import { type LuaScript, defineScript } from './scripts.js';

const PRELUDE = `
local NUL = '\\0'
local SEVERAL = '\\1'
local function member(entry, seq, id) return entry .. NUL .. string.format('%016d', seq) .. NUL .. id end
-- The id in a member: after the key, NUL, 16 digits and NUL.
local function idOf(m) return string.sub(m, string.find(m, NUL, 1, true) + 18) end
local function split(s)
  local out, start = {}, 1
  while true do
    local i = string.find(s, NUL, start, true)
    if not i then out[#out + 1] = string.sub(s, start) return out end
    out[#out + 1] = string.sub(s, start, i - 1)
    start = i + 1
  end
end
-- Bytewise a < b (Lua's own < follows the server's locale).
local function before(a, b)
  local n = math.min(#a, #b)
  local i = 1
  while i <= n do
    local j = math.min(i + 63, n)
    if string.sub(a, i, j) ~= string.sub(b, i, j) then
      for k = i, j do
        local x, y = string.byte(a, k), string.byte(b, k)
        if x ~= y then return x < y end
      end
    end
    i = j + 1
  end
  return #a < #b
end
-- The index set of an entry: several paths (it holds \\1) or one.
local function setOf(entry, org, orgm)
  if string.find(entry, SEVERAL, 1, true) then return orgm end
  return org
end
-- Indexes document id under its entries (NUL-joined; '' for none) and remembers them.
local function index(docs, org, orgm, id, seq, entries)
  if entries == '' then return end
  for _, entry in ipairs(split(entries)) do
    local set = setOf(entry, org, orgm)
    redis.call('ZADD', set, 0, member(entry, seq, id))
  end
  redis.call('HSET', docs, 'p:' .. id, entries)
end
-- Removes every member index() added for document id.
local function unindex(docs, org, orgm, id, seq)
  local entries = redis.call('HGET', docs, 'p:' .. id)
  if not entries then return end
  for _, entry in ipairs(split(entries)) do
    local set = setOf(entry, org, orgm)
    redis.call('ZREM', set, member(entry, seq, id))
  end
  redis.call('HDEL', docs, 'p:' .. id)
end
-- The two ranges of the subtree of P. ARGV-style bounds: lo/hi in org, mlo/mhi in orgm (mlo = P .. \\1).
local function ranges(org, orgm, lo, hi, mlo, mhi)
  local s = { key = org, first = redis.call('ZLEXCOUNT', org, '-', '(' .. lo), n = redis.call('ZLEXCOUNT', org, '[' .. lo, '(' .. hi), cut = 0 }
  local m = { key = orgm, first = redis.call('ZLEXCOUNT', orgm, '-', '(' .. mlo), n = redis.call('ZLEXCOUNT', orgm, '[' .. mlo, '(' .. mhi), cut = #mlo }
  return s, m
end
-- Members i .. j (0-based ranks within the range) of a range, as {orderKey, id} pairs.
local function slice(r, i, j)
  local out = {}
  if j < i then return out end
  for _, m in ipairs(redis.call('ZRANGE', r.key, r.first + i, r.first + j)) do
    out[#out + 1] = { string.sub(m, r.cut + 1), idOf(m) }
  end
  return out
end
local function keyAt(r, i) return slice(r, i, i)[1][1] end
-- Calls visit(id) for the documents offset+1 .. offset+count (count -1: all) of the subtree in
-- order: the merge of the two ranges, O(log^2 n + count) whatever the offset.
local function within(org, orgm, lo, hi, mlo, mhi, offset, count, visit)
  local s, m = ranges(org, orgm, lo, hi, mlo, mhi)
  if count == 0 or offset >= s.n + m.n then return end
  -- How many of the first offset documents come from s: the least a with not (s[a] < m[offset-a-1]).
  local a, b = math.max(0, offset - m.n), math.min(offset, s.n)
  while a < b do
    local mid = math.floor((a + b) / 2)
    if before(keyAt(s, mid), keyAt(m, offset - mid - 1)) then a = mid + 1 else b = mid end
  end
  local want = count
  if want < 0 then want = s.n + m.n end
  local fromS = slice(s, a, math.min(s.n - 1, a + want - 1))
  local fromM = slice(m, offset - a, math.min(m.n - 1, offset - a + want - 1))
  local i, j, taken = 1, 1, 0
  while taken < want and (fromS[i] or fromM[j]) do
    if fromM[j] == nil or (fromS[i] ~= nil and before(fromS[i][1], fromM[j][1])) then
      visit(fromS[i][2])
      i = i + 1
    else
      visit(fromM[j][2])
      j = j + 1
    end
    taken = taken + 1
  end
end
`;

function define(name: string, body: string): LuaScript {
  return defineScript(name, body, PRELUDE);
}

/**
 * KEYS: docs, ids, seq, org, orgm, unique keys…  ARGV: id, json, index entries (NUL-joined, '' for none).
 * Returns {'ok'} or {'conflict', n} (n = 0 for the id, else the 1-based unique key).
 */
export const COLLECTION_CREATE = define(
  'collectionCreate',
  `
local id = ARGV[1]
if redis.call('HEXISTS', KEYS[1], 'v:' .. id) == 1 then return {'conflict', '0'} end
for i = 6, #KEYS do
  local owner = redis.call('GET', KEYS[i])
  if owner and owner ~= id then return {'conflict', tostring(i - 5)} end
end
local seq = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], 'v:' .. id, '1', 'd:' .. id, ARGV[2])
redis.call('ZADD', KEYS[2], seq, id)
index(KEYS[1], KEYS[4], KEYS[5], id, seq, ARGV[3])
for i = 6, #KEYS do redis.call('SET', KEYS[i], id) end
return {'ok'}
`,
);

/**
 * Compare-and-set of one document. KEYS: docs, ids, org, orgm, old unique keys…, new unique keys…
 * ARGV: id, expected version, json, number of old unique keys, index entries (NUL-joined, '' for none).
 * Returns {'ok'}, {'stale'}, {'not_found'}, {'corrupt'} or {'conflict', n} (n: 1-based among the new keys).
 * The document keeps its creation sequence; when its entries change it moves in the index.
 */
export const COLLECTION_UPDATE = define(
  'collectionUpdate',
  `
local id = ARGV[1]
local v = redis.call('HGET', KEYS[1], 'v:' .. id)
if not v then return {'not_found'} end
if v ~= ARGV[2] then return {'stale'} end
local seq = tonumber(redis.call('ZSCORE', KEYS[2], id))
if not seq then return {'corrupt'} end
local oldCount = tonumber(ARGV[4])
local newKeys = {}
for i = 5 + oldCount, #KEYS do
  local owner = redis.call('GET', KEYS[i])
  if owner and owner ~= id then return {'conflict', tostring(i - 4 - oldCount)} end
  newKeys[KEYS[i]] = true
end
for i = 5, 4 + oldCount do
  if not newKeys[KEYS[i]] and redis.call('GET', KEYS[i]) == id then redis.call('DEL', KEYS[i]) end
end
for key in pairs(newKeys) do redis.call('SET', key, id) end
redis.call('HSET', KEYS[1], 'v:' .. id, tostring(tonumber(v) + 1), 'd:' .. id, ARGV[3])
if (redis.call('HGET', KEYS[1], 'p:' .. id) or '') ~= ARGV[5] then
  unindex(KEYS[1], KEYS[3], KEYS[4], id, seq)
  index(KEYS[1], KEYS[3], KEYS[4], id, seq, ARGV[5])
end
return {'ok'}
`,
);

/**
 * Compare-and-delete. KEYS: docs, ids, org, orgm, unique keys…  ARGV: id, expected version.
 * Returns {'ok'}, {'stale'} or {'not_found'}.
 */
export const COLLECTION_DELETE = define(
  'collectionDelete',
  `
local id = ARGV[1]
local v = redis.call('HGET', KEYS[1], 'v:' .. id)
if not v then return {'not_found'} end
if v ~= ARGV[2] then return {'stale'} end
local seq = tonumber(redis.call('ZSCORE', KEYS[2], id))
if seq then unindex(KEYS[1], KEYS[3], KEYS[4], id, seq) end
redis.call('HDEL', KEYS[1], 'v:' .. id, 'd:' .. id, 'p:' .. id)
redis.call('ZREM', KEYS[2], id)
for i = 5, #KEYS do
  if redis.call('GET', KEYS[i]) == id then redis.call('DEL', KEYS[i]) end
end
return {'ok'}
`,
);

/** KEYS: ids, docs. ARGV: offset, count (-1: all). Returns the JSON of each document, in insertion order. */
export const COLLECTION_LIST = define(
  'collectionList',
  `
local offset = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
if count == 0 then return {} end
local stop = -1
if count > 0 then stop = offset + count - 1 end
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], offset, stop)) do
  local d = redis.call('HGET', KEYS[2], 'd:' .. id)
  if d then out[#out + 1] = d end
end
return out
`,
);

/**
 * KEYS: org, orgm, docs. ARGV: lo (P .. sep), hi (P .. the character after sep), mlo (P .. \1),
 * mhi (P .. \2), offset, count (-1: all). Returns the JSON of the documents within P, paged, in
 * index order (first path within P, then creation).
 */
export const COLLECTION_LIST_WITHIN = define(
  'collectionListWithin',
  `
local out = {}
within(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), function(id)
  local d = redis.call('HGET', KEYS[3], 'd:' .. id)
  if d then out[#out + 1] = d end
end)
return out
`,
);

/** KEYS: org, orgm. ARGV: lo, hi, mlo, mhi (as for the list). Returns how many documents are within P. */
export const COLLECTION_COUNT_WITHIN = define(
  'collectionCountWithin',
  `
return redis.call('ZLEXCOUNT', KEYS[1], '[' .. ARGV[1], '(' .. ARGV[2]) + redis.call('ZLEXCOUNT', KEYS[2], '[' .. ARGV[3], '(' .. ARGV[4])
`,
);

/** Every script of a collection, for the cluster-safety test. */
export const COLLECTION_SCRIPTS: readonly LuaScript[] = [
  COLLECTION_CREATE,
  COLLECTION_UPDATE,
  COLLECTION_DELETE,
  COLLECTION_LIST,
  COLLECTION_LIST_WITHIN,
  COLLECTION_COUNT_WITHIN,
];
