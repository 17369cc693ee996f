#include "store/redis/redis_pool.h"

namespace shortstack::store::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

Error unavailable(std::string why) { return make_error(503, "redis_unavailable", "Redis is unavailable: " + why); }

}  // namespace

RedisPool::~RedisPool() {
  for (redisContext* c : idle_) redisFree(c);
}

redisContext* RedisPool::connect() {
  const timeval tv = to_timeval(options_.timeout);
  redisContext* c = redisConnectWithTimeout(options_.host.c_str(), options_.port, tv);
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
  release(*conn, true);
  Reply reply(raw);
  if (reply.type() == REDIS_REPLY_ERROR) {
    const std::string message = reply.str();
    if (message.rfind("NOSCRIPT", 0) == 0) return make_error(500, "noscript", message);
    return internal_error("Redis: " + message);
  }
  return reply;
}

}  // namespace shortstack::store::redis
