// The Lua scripts of createRedisCollection. Cluster-safe: every key a script touches is one of its
// KEYS (all of one collection, so one hash slot); no key name is built inside a script. Key
// layout in keys.ts (`createCollectionKeys`).
//
// The subtree index (`org`): a sorted set, every score 0, so members are ordered bytewise. One
// member per (document, path): `<path><sep>` (the "head"), NUL, the creation sequence on 16
// digits, NUL, the id. Paths have no control characters, so the first NUL ends the head, and
// the documents within path P are exactly the members in [P<sep>, P<sep + 1>): `r1#c1` reaches
// `r1#c1#s1` but not `r1#c10`. Order: by head (a parent before its descendants: NUL sorts
// first), then by creation. A document's heads are kept in `docs` (`p:<id>`, joined by NUL) so
// that an update or a delete removes exactly the members it added.

import { type LuaScript, defineScript } from './scripts.js';

const PRELUDE = `
local NUL = '\\0'
local function member(head, seq, id) return head .. NUL .. string.format('%016d', seq) .. NUL .. id end
-- The id in a member: after the head, NUL, 16 digits and NUL.
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
-- Indexes document id under its heads (NUL-joined; '' for none) and remembers them.
local function index(docs, org, orgm, id, seq, heads)
  if heads == '' then return end
  local list = split(heads)
  for _, head in ipairs(list) do
    local m = member(head, seq, id)
    redis.call('ZADD', org, 0, m)
    if #list > 1 then redis.call('ZADD', orgm, 0, m) end
  end
  redis.call('HSET', docs, 'p:' .. id, heads)
end
-- Removes every member index() added for document id.
local function unindex(docs, org, orgm, id, seq)
  local heads = redis.call('HGET', docs, 'p:' .. id)
  if not heads then return end
  for _, head in ipairs(split(heads)) do
    local m = member(head, seq, id)
    redis.call('ZREM', org, m)
    redis.call('ZREM', orgm, m)
  end
  redis.call('HDEL', docs, 'p:' .. id)
end
-- Calls visit(id) for the distinct documents offset+1 .. offset+count (count -1: all) of the
-- subtree [lo, hi) in index order; a document with several members there counts once, at its
-- first. Without such documents in the range (orgm has none there), a page is two ZLEXCOUNTs and
-- one ZRANGE by rank: O(log n + count). Else it walks the range from its start, O(offset + count).
local function within(org, orgm, lo, hi, offset, count, visit)
  local total = redis.call('ZLEXCOUNT', org, '[' .. lo, '(' .. hi)
  if count == 0 or offset >= total then return end
  local first = redis.call('ZLEXCOUNT', org, '-', '(' .. lo)
  if redis.call('ZLEXCOUNT', orgm, '[' .. lo, '(' .. hi) == 0 then
    local stop = total - 1
    if count > 0 then stop = math.min(stop, offset + count - 1) end
    for _, m in ipairs(redis.call('ZRANGE', org, first + offset, first + stop)) do visit(idOf(m)) end
    return
  end
  local seen, skipped, taken, pos = {}, 0, 0, 0
  while pos < total do
    local batch = redis.call('ZRANGE', org, first + pos, first + math.min(pos + 511, total - 1))
    if #batch == 0 then return end
    for _, m in ipairs(batch) do
      local id = idOf(m)
      if not seen[id] then
        seen[id] = true
        if skipped < offset then
          skipped = skipped + 1
        else
          visit(id)
          taken = taken + 1
          if count > 0 and taken >= count then return end
        end
      end
    end
    pos = pos + #batch
  end
end
`;

function define(name: string, body: string): LuaScript {
  return defineScript(name, body, PRELUDE);
}

/**
 * KEYS: docs, ids, seq, org, orgm, unique keys…  ARGV: id, json, heads (NUL-joined, '' for none).
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
 * ARGV: id, expected version, json, number of old unique keys, heads (NUL-joined, '' for none).
 * Returns {'ok'}, {'stale'}, {'not_found'}, {'corrupt'} or {'conflict', n} (n: 1-based among the new keys).
 * The document keeps its creation sequence; when its heads change it moves in the index.
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
 * KEYS: org, orgm, docs. ARGV: lo (P .. sep), hi (P .. the character after sep), offset, count (-1: all).
 * Returns the JSON of the distinct documents within P, paged, in index order (path, then creation).
 */
export const COLLECTION_LIST_WITHIN = define(
  'collectionListWithin',
  `
local out = {}
within(KEYS[1], KEYS[2], ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), function(id)
  local d = redis.call('HGET', KEYS[3], 'd:' .. id)
  if d then out[#out + 1] = d end
end)
return out
`,
);

/** KEYS: org, orgm. ARGV: lo, hi (as for the list). Returns how many distinct documents are within P. */
export const COLLECTION_COUNT_WITHIN = define(
  'collectionCountWithin',
  `
local total = redis.call('ZLEXCOUNT', KEYS[1], '[' .. ARGV[1], '(' .. ARGV[2])
if total == 0 or redis.call('ZLEXCOUNT', KEYS[2], '[' .. ARGV[1], '(' .. ARGV[2]) == 0 then return total end
local n = 0
within(KEYS[1], KEYS[2], ARGV[1], ARGV[2], 0, -1, function() n = n + 1 end)
return n
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
