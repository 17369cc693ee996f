#include "store/redis/redis_pool.h"

namespace shortstack::store::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

Error unavailable(std::string why) { return make_error(503, "redis_unavailable", "Redis is unavailable: " + why); }

bool is_primary(redisContext* c) {
  auto* r = static_cast<redisReply*>(redisCommand(c, "ROLE"));
  const bool primary = r && r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
                       r->element[0]->type == REDIS_REPLY_STRING && std::string_view(r->element[0]->str) == "master";
  if (r) freeReplyObject(r);
  return primary;
}

}  // namespace

RedisPool::~RedisPool() {
  for (redisContext* c : idle_) redisFree(c);
}

std::optional<std::pair<std::string, int>> RedisPool::primary_from_sentinels() {
  const timeval tv = to_timeval(options_.timeout);
  for (const auto& [host, port] : options_.sentinels) {
    redisContext* s = redisConnectWithTimeout(host.c_str(), port, tv);
    if (!s || s->err) {
      if (s) redisFree(s);
      continue;
    }
    redisSetTimeout(s, tv);
    auto* r = static_cast<redisReply*>(redisCommand(s, "SENTINEL get-master-addr-by-name %s", options_.master_name.c_str()));
    std::optional<std::pair<std::string, int>> found;
    if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2)
      found.emplace(std::string(r->element[0]->str, r->element[0]->len), std::atoi(r->element[1]->str));
    if (r) freeReplyObject(r);
    redisFree(s);
    if (found) return found;
  }
  return std::nullopt;
}

redisContext* RedisPool::connect() {
  if (options_.sentinels.empty()) return connect_to(options_.host, options_.port);
  auto primary = primary_from_sentinels();
  if (!primary) return nullptr;
  redisContext* c = connect_to(primary->first, primary->second);
  // Mid-failover a sentinel may still name the old primary: only a primary will do.
  if (c && !is_primary(c)) {
    redisFree(c);
    return nullptr;
  }
  return c;
}

redisContext* RedisPool::connect_to(const std::string& host, int port) {
  const timeval tv = to_timeval(options_.timeout);
  redisContext* c = redisConnectWithTimeout(host.c_str(), port, tv);
  if (!c || c->err) {
    if (c) redisFree(c);
    return nullptr;
  }
  redisSetTimeout(c, tv);
  if (!options_.password.empty()) {
    auto* r = static_cast<redisReply*>(redisCommand(c, "AUTH %b", options_.password.data(), options_.password.size()));
    const bool ok = r && r->type != REDIS_REPLY_ERROR;
    if (r) freeReplyObject(r);
    if (!ok) {
      redisFree(c);
      return nullptr;
    }
  }
  return c;
}

redisContext* RedisPool::connect_dedicated(std::chrono::milliseconds read_timeout) {
  redisContext* c = connect();
  if (c) redisSetTimeout(c, to_timeval(read_timeout));
  return c;
}

Result<redisContext*> RedisPool::acquire() {
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  std::unique_lock lock(mu_);
  for (;;) {
    if (std::chrono::steady_clock::now() < down_until_) return unavailable("recently unreachable");
    if (!idle_.empty()) {
      redisContext* c = idle_.front();
      idle_.pop_front();
      return c;
    }
    if (open_ < options_.size) break;
    if (!returned_.wait_until(lock, deadline, [&] { return !idle_.empty() || open_ < options_.size; }))
      return make_error(503, "redis_busy", "no Redis connection became free in time");
  }
  ++open_;
  lock.unlock();
  redisContext* c = connect();
  lock.lock();
  if (!c) {
    --open_;
    down_until_ = std::chrono::steady_clock::now() + options_.retry_after;
    returned_.notify_all();
    return unavailable("cannot connect");
  }
  return c;
}

void RedisPool::release(redisContext* c, bool healthy) {
  std::lock_guard lock(mu_);
  if (healthy) {
    idle_.push_back(c);
  } else {
    redisFree(c);
    --open_;
    down_until_ = std::chrono::steady_clock::now() + options_.retry_after;
  }
  returned_.notify_one();
}

Result<Reply> RedisPool::command(const std::vector<std::string>& args) {
  auto conn = acquire();
  if (!conn) return conn.error();
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* raw = static_cast<redisReply*>(redisCommandArgv(*conn, static_cast<int>(args.size()), argv.data(), lens.data()));
  if (!raw) {
    const std::string why = (*conn)->errstr;
    release(*conn, false);
    return unavailable(why);
  }
  Reply reply(raw);
  // A primary demoted under us answers READONLY: this connection now leads to a replica.
  const bool demoted = reply.type() == REDIS_REPLY_ERROR && reply.str().rfind("READONLY", 0) == 0;
  release(*conn, !demoted);
  if (demoted) return unavailable("the primary was demoted (failover)");
  if (reply.type() == REDIS_REPLY_ERROR) {
    const std::string message = reply.str();
    if (message.rfind("NOSCRIPT", 0) == 0) return make_error(500, "noscript", message);
    return internal_error("Redis: " + message);
  }
  return reply;
}

}  // namespace shortstack::store::redis
