#pragma once
// The hot-path end of the click pipeline: each event loop appends to its own buffer (no lock, no
// syscall) and hands the buffer on as one batch per tick, to the spool when there is one (it reaches
// the queue once it is on disk), else straight to the queue.
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "clicks/click_batch.h"
#include "core/siphash.h"
#include "queue/queue.h"

namespace shortstack::clicks {

class ClickSpool;

// What the redirect path knows about one click; every view is only read during record().
struct ClickInput {
  int64_t link_id = 0;
  int64_t owner_id = 0;
  std::string_view ip;
  std::string_view user_agent;
  std::string_view referer;  // the header as sent; only its host is kept
  std::string_view country;  // the trusted edge header's value, when one is configured
};

class ClickRecorder {
 public:
  // `visitor_secret` keys the daily visitor hashes (see visitor_key_for_day); share it between the
  // instances of one deployment so that a visitor is one visitor whichever instance answers.
  ClickRecorder(std::shared_ptr<queue::Queue> queue, size_t loops, std::string visitor_secret);
  // With a spool, batches go to it and it publishes them once they are durable.
  void use_spool(std::shared_ptr<ClickSpool> spool) { spool_ = std::move(spool); }

  // On event loop `loop` only. `unix_now` is the loop's clock for this pass.
  void record(size_t loop, const ClickInput& in, int64_t unix_now);
  // On event loop `loop` only: hands on what that loop has gathered as one batch.
  void flush(size_t loop);
  const std::string& instance_id() const { return instance_id_; }
  uint64_t failed_publishes() const { return failed_publishes_.load(); }

  static constexpr size_t kMaxUserAgentBytes = 512;

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Interned {
    uint32_t at = 0;      // position in batch.strings
    uint64_t digest = 0;  // for a user agent: its hash under the day's key, once taken (never 0 then)
  };
  using StringIndex = std::unordered_map<std::string, Interned, StringHash, std::equal_to<>>;
  struct alignas(64) Buffer {
    ClickBatch batch;
    StringIndex index;  // batch.strings → position, and each agent's digest once taken
    int64_t day = -1;
    SipKey visitor_key{};
    std::vector<std::string> unpublished;  // batches the queue refused; retried before new ones
  };
  // The entry for `s` in the batch's strings, added on first sight; null for an empty string.
  StringIndex::value_type* intern(Buffer& b, std::string_view s);
  static uint32_t position(const StringIndex::value_type* entry) { return entry ? entry->second.at : 0; }
  static uint64_t visitor_of(const SipKey& day_key, std::string_view ip, StringIndex::value_type* user_agent);
  void publish_pending(Buffer& b);

  std::shared_ptr<queue::Queue> queue_;
  std::shared_ptr<ClickSpool> spool_;
  std::string visitor_secret_;
  std::string instance_id_;
  std::atomic<uint64_t> sequence_{0};
  std::atomic<uint64_t> failed_publishes_{0};
  std::vector<Buffer> buffers_;
};

// The key for one UTC day's visitor hashes: HMAC-SHA256(secret, "visitor-day:<day>"), so the salt
// rotates every day without instances having to agree on anything but the secret.
SipKey visitor_key_for_day(std::string_view secret, int64_t day);
// "https://www.News.example:443/a?b" → "www.News.example"; empty when there is no usable host.
std::string_view referrer_host(std::string_view referer);

}  // namespace shortstack::clicks
