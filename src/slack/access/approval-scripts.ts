/**
 * The Lua scripts behind approvals.ts. Each runs atomically in Redis, so "a double click asks
 * once" and "the first decision wins" hold between any number of bots on the same Redis, not only
 * inside one process. An approval is one hash, `<prefix>:slack:approval:<id>`, with fields
 * `approval` (the JSON of id, op and expiresAt, written once), `expiresAt` (a number, for the
 * scripts), `message` (JSON, once the request is posted) and `decided` (JSON, once decided or
 * expired). The mutable parts are fields of their own, so no script has to decode and re-encode
 * the held operation (Lua's cjson would rewrite it). Every script answers
 * { status, approval, message, decided } (absent fields as nil).
 *
 * The request index key names the approval key inside the script: fine on one Redis (which is
 * what Ripcord uses), not on a Redis Cluster.
 */

/**
 * KEYS: 1 the request index (`…:approval-request:<requestId>`), 2 the new approval, 3 the expiry index (zset).
 * ARGV: 1 id, 2 approval JSON, 3 expiresAt, 4 now, 5 the approval key's TTL (ms), 6 the approval key prefix, 7 the index TTL (ms).
 * An undecided, unexpired approval for the same request ID is returned as 'existing'.
 */
export const HOLD = `
local open = redis.call('GET', KEYS[1])
if open then
  local f = redis.call('HMGET', ARGV[6] .. open, 'approval', 'message', 'decided', 'expiresAt')
  if f[1] and not f[3] and tonumber(f[4]) > tonumber(ARGV[4]) then
    return {'existing', f[1], f[2], f[3]}
  end
end
redis.call('HSET', KEYS[2], 'approval', ARGV[2], 'expiresAt', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[7])
return {'created', ARGV[2], false, false}
`;

/**
 * KEYS: 1 the approval, 2 the expiry index. ARGV: 1 id, 2 the decision JSON ('' = only claim a due
 * expiry), 3 the expiry's decision JSON, 4 now, 5 how long a decided approval is kept (ms).
 * Answers 'unknown', 'already' (decided before: this caller changed nothing), 'open' (an expiry
 * claim that is not due), 'expired' (this caller recorded the expiry: it alone reports it) or
 * 'decided'. Expired wins over a click that comes at or after expiresAt.
 */
export const DECIDE = `
local f = redis.call('HMGET', KEYS[1], 'approval', 'message', 'decided', 'expiresAt')
if not f[1] then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return {'unknown'}
end
if f[3] then return {'already', f[1], f[2], f[3]} end
local status, decided = 'decided', ARGV[2]
if tonumber(ARGV[4]) >= tonumber(f[4]) then
  status, decided = 'expired', ARGV[3]
elseif ARGV[2] == '' then
  return {'open', f[1], f[2], f[3]}
end
redis.call('HSET', KEYS[1], 'decided', decided)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZREM', KEYS[2], ARGV[1])
return {status, f[1], f[2], decided}
`;

/**
 * KEYS: 1 the approval. ARGV: 1 the message JSON. Never recreates an approval that is gone (it
 * would have no TTL); answers the approval as it is after the write, so the caller sees an expiry
 * that came first.
 */
export const REMEMBER_MESSAGE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'unknown'} end
redis.call('HSET', KEYS[1], 'message', ARGV[1])
local f = redis.call('HMGET', KEYS[1], 'approval', 'message', 'decided')
return {'ok', f[1], f[2], f[3]}
`;

