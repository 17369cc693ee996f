#include "sessions/redis_session_store.h"

#include <algorithm>
#include <charconv>

#include "core/crypto.h"

namespace shortstack::sessions {
namespace {

Status done(const Result<store::redis::Reply>& r) {
  if (!r) return r.error();
  return ok_status();
}

int64_t field(const redisReply* r) {
  int64_t v = 0;
  if (r && r->type == REDIS_REPLY_STRING) std::from_chars(r->str, r->str + r->len, v);
  return v;
}

}  // namespace

Status RedisSessionStore::create(const Session& s) {
  const std::string id = hex(s.id_hash);
  const std::string lifetime = std::to_string(std::max<int64_t>(1, s.absolute_expires_at - s.created_at));
  // MULTI/EXEC would need one connection for four commands; a session whose set entry is missing
  // is only one that remove_for_user cannot find, so the hash goes first and carries the expiry.
  if (auto st = done(redis_->command({"HSET", session_key(id), "user_id", std::to_string(s.user_id), "created_at",
                                      std::to_string(s.created_at), "last_seen_at", std::to_string(s.last_seen_at),
                                      "idle_expires_at", std::to_string(s.idle_expires_at), "absolute_expires_at",
                                      std::to_string(s.absolute_expires_at)}));
      !st)
    return st;
  if (auto st = done(redis_->command({"EXPIRE", session_key(id), lifetime})); !st) return st;
  if (auto st = done(redis_->command({"SADD", user_key(s.user_id), id})); !st) return st;
  // The newest session expires last (lifetimes are one setting), so the set lives as long as it.
  return done(redis_->command({"EXPIRE", user_key(s.user_id), lifetime}));
}

Result<std::optional<Session>> RedisSessionStore::find_and_touch(const std::string& id_hash, int64_t now, int64_t idle_ttl) {
  const std::string key = session_key(hex(id_hash));
  auto r = redis_->command({"HMGET", key, "user_id", "created_at", "last_seen_at", "idle_expires_at", "absolute_expires_at"});
  if (!r) return r.error();
  if (r->type() != REDIS_REPLY_ARRAY || r->size() != 5 || r->at(0)->type != REDIS_REPLY_STRING)
    return std::optional<Session>();
  Session s{id_hash, field(r->at(0)), field(r->at(1)), field(r->at(2)), field(r->at(3)), field(r->at(4))};
  if (now >= s.idle_expires_at || now >= s.absolute_expires_at) return std::optional<Session>();
  if (now - s.last_seen_at < kTouchInterval) return std::optional<Session>(s);
  s.last_seen_at = now;
  s.idle_expires_at = std::min(now + idle_ttl, s.absolute_expires_at);
  // HSET only if the session still exists: a touch must not resurrect a session removed meanwhile.
  auto touched = redis_->command({"EVAL",
                                  "if redis.call('EXISTS', KEYS[1]) == 1 then "
                                  "return redis.call('HSET', KEYS[1], 'last_seen_at', ARGV[1], 'idle_expires_at', ARGV[2]) "
                                  "end return -1",
                                  "1", key, std::to_string(s.last_seen_at), std::to_string(s.idle_expires_at)});
  if (!touched) return touched.error();
  if (touched->integer() == -1) return std::optional<Session>();
  return std::optional<Session>(s);
}

Status RedisSessionStore::remove(const std::string& id_hash) {
  const std::string id = hex(id_hash);
  auto user = redis_->command({"HGET", session_key(id), "user_id"});
  if (!user) return user.error();
  if (auto st = done(redis_->command({"DEL", session_key(id)})); !st) return st;
  if (user->nil()) return ok_status();
  return done(redis_->command({"SREM", prefix_ + "u:" + user->str(), id}));
}

Status RedisSessionStore::remove_for_user(int64_t user_id) {
  auto ids = redis_->command({"SMEMBERS", user_key(user_id)});
  if (!ids) return ids.error();
  for (size_t i = 0; i < ids->size(); ++i) {
    const redisReply* id = ids->at(i);
    if (auto st = done(redis_->command({"DEL", session_key(std::string_view(id->str, id->len))})); !st) return st;
  }
  return done(redis_->command({"DEL", user_key(user_id)}));
}

}  // namespace shortstack::sessions
