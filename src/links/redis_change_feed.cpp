#include "links/redis_change_feed.h"

#include <poll.h>

#include "core/crypto.h"
#include "core/thread_name.h"
#include "log/log.h"

namespace shortstack::links {

RedisChangeFeed::RedisChangeFeed(std::shared_ptr<store::redis::RedisPool> redis, std::string channel)
    : redis_(std::move(redis)), channel_(std::move(channel)), instance_(hex(random_bytes(6))) {}

// "<id> <code>": the id names the counter subscribers bump once they have dropped the code.
void RedisChangeFeed::publish(std::string_view code) {
  const std::string id = instance_ + "-" + std::to_string(sequence_.fetch_add(1));
  auto heard_by = redis_->command({"PUBLISH", channel_, id + " " + std::string(code)});
  if (!heard_by) {
    log::warn("link_change_publish_failed", {{"code", std::string(code)}, {"error", heard_by.error().message}});
    return;
  }
  // PUBLISH only puts the message in each subscriber's socket. Waiting (bounded) for their acks is
  // what lets the caller answer only once every instance has dropped the old copy, so a client's
  // next request anywhere sees the change.
  const std::string acks = channel_ + ":acks:" + id;
  const auto until = std::chrono::steady_clock::now() + kAckWait;
  for (;;) {
    auto n = redis_->command({"GET", acks});
    if (n && !n->nil() && std::stoll(n->str()) >= heard_by->integer()) break;
    if (!n || std::chrono::steady_clock::now() >= until) {
      log::warn("link_change_unacknowledged", {{"code", std::string(code)}, {"subscribers", static_cast<int64_t>(heard_by->integer())}});
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  (void)redis_->command({"DEL", acks});
}

void RedisChangeFeed::start(std::function<void(std::string_view)> changed, std::function<void()> missed) {
  changed_ = std::move(changed);
  missed_ = std::move(missed);
  thread_ = std::thread([this] {
    name_this_thread("link-changes");
    run();
  });
  // Readiness should mean changes are heard: wait (bounded, Redis may be down) for the subscription.
  for (int i = 0; i < 100 && !subscribed_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!subscribed_) log::warn("link_changes_not_subscribed", {{"error", "Redis did not answer within 1 s; retrying"}});
}

void RedisChangeFeed::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void RedisChangeFeed::run() {
  bool first = true;
  while (!stopping_) {
    redisContext* c = redis_->connect_dedicated(std::chrono::milliseconds(1000));
    if (c) {
      if (listen(c, first)) first = false;
      redisFree(c);
    }
    subscribed_ = false;
    for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

bool RedisChangeFeed::listen(redisContext* c, bool first) {
  auto* r = static_cast<redisReply*>(redisCommand(c, "SUBSCRIBE %b", channel_.data(), channel_.size()));
  if (!r) return false;
  freeReplyObject(r);
  subscribed_ = true;
  // Every subscription after the first may have missed changes made while we were away; from here
  // on nothing more is missed, so forgetting now is enough.
  if (!first) {
    if (missed_) missed_();
    log::info("link_changes_resubscribed", {});
  }
  // Poll with a short timeout so stop() is noticed; read only when data is there, so an idle
  // subscription is never mistaken for a broken one.
  while (!stopping_) {
    void* reply = nullptr;
    if (redisGetReplyFromReader(c, &reply) != REDIS_OK) return true;
    if (!reply) {
      pollfd p{c->fd, POLLIN, 0};
      const int ready = poll(&p, 1, 100);
      if (ready < 0 && errno != EINTR) return true;
      if (ready > 0 && redisBufferRead(c) != REDIS_OK) return true;
      continue;
    }
    auto* message = static_cast<redisReply*>(reply);
    // ["message", channel, "<id> <code>"]
    if (message->type == REDIS_REPLY_ARRAY && message->elements == 3 && message->element[2]->type == REDIS_REPLY_STRING) {
      const std::string_view body(message->element[2]->str, message->element[2]->len);
      const size_t space = body.find(' ');
      if (space != std::string_view::npos) {
        if (changed_) changed_(body.substr(space + 1));
        (void)redis_->command({"EVAL", "local n = redis.call('INCR', KEYS[1]) redis.call('PEXPIRE', KEYS[1], 10000) return n",
                               "1", channel_ + ":acks:" + std::string(body.substr(0, space))});
      }
    }
    freeReplyObject(message);
  }
  return true;
}

}  // namespace shortstack::links
