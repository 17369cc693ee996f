#pragma once
// Redis for the blocking pool's threads: a bounded set of hiredis connections, each command with a
// timeout. Event loops never call it (an L1 miss is already off the loop). When Redis cannot be
// reached, every command fails fast (503 redis_unavailable) for `retry_after` before the next
// connection attempt, so an outage costs callers nothing but the error; the first command after
// that window reconnects, which is how the service recovers by itself. With Sentinel, each connect
// asks the sentinels for the current primary and checks its ROLE, and a READONLY answer (a primary
// demoted under us) drops the connection: that is how a failover is followed.
#include <hiredis/hiredis.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace shortstack::store::redis {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // AUTH on connect when set; never logged
  // When set, the primary is whatever these sentinels name for `master_name`, asked on each connect.
  std::vector<std::pair<std::string, int>> sentinels;
  std::string master_name;
  size_t size = 16;
  std::chrono::milliseconds timeout{200};  // connect, each command, and the wait for a connection
  std::chrono::milliseconds retry_after{1000};
};

class Reply {
 public:
  explicit Reply(redisReply* r) : r_(r, freeReplyObject) {}
  int type() const { return r_->type; }
  bool nil() const { return r_->type == REDIS_REPLY_NIL; }
  long long integer() const { return r_->integer; }
  std::string str() const { return std::string(r_->str, r_->len); }
  size_t size() const { return r_->elements; }
  // An element of an array reply; the array keeps it alive.
  const redisReply* at(size_t i) const { return r_->element[i]; }

 private:
  std::shared_ptr<redisReply> r_;
};

class RedisPool {
 public:
  explicit RedisPool(RedisOptions options) : options_(std::move(options)) {}
  ~RedisPool();
  // One command; an error reply is an error (code "redis_error", or "noscript" for NOSCRIPT).
  Result<Reply> command(const std::vector<std::string>& args);
  // A fresh connection for a subscriber, outside the pool; null when Redis cannot be reached.
  redisContext* connect_dedicated(std::chrono::milliseconds read_timeout);
  const RedisOptions& options() const { return options_; }

 private:
  Result<redisContext*> acquire();
  void release(redisContext* c, bool healthy);
  redisContext* connect();
  redisContext* connect_to(const std::string& host, int port);
  // The primary's address from the first sentinel that knows it.
  std::optional<std::pair<std::string, int>> primary_from_sentinels();

  RedisOptions options_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::deque<redisContext*> idle_;
  size_t open_ = 0;
  std::chrono::steady_clock::time_point down_until_{};
};

}  // namespace shortstack::store::redis
