#include "clicks/click_recorder.h"

#include <cstring>

#include "clicks/click_spool.h"
#include "core/crypto.h"
#include "log/log.h"
#include "metrics/metrics.h"

namespace shortstack::clicks {
namespace {

std::array<char, 2> country_code(std::string_view v) {
  if (v.size() != 2) return {};
  std::array<char, 2> out{};
  for (size_t i = 0; i < 2; ++i) {
    char c = v[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') return {};
    out[i] = c;
  }
  return out;
}

}  // namespace

SipKey visitor_key_for_day(std::string_view secret, int64_t day) {
  const std::string mac = hmac_sha256(secret, "visitor-day:" + std::to_string(day));
  SipKey key;
  std::memcpy(key.data(), mac.data(), sizeof key);
  return key;
}

std::string_view referrer_host(std::string_view referer) {
  const size_t scheme = referer.find("://");
  if (scheme == std::string_view::npos || scheme == 0) return {};
  std::string_view rest = referer.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') rest = rest.substr(0, rest.find(']') + 1);
  else rest = rest.substr(0, rest.find(':'));
  if (rest.size() > 253) return {};
  for (char c : rest)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return {};
  return rest;
}

ClickRecorder::ClickRecorder(std::shared_ptr<queue::Queue> queue, size_t loops, std::string visitor_secret)
    : queue_(std::move(queue)),
      visitor_secret_(std::move(visitor_secret)),
      instance_id_(hex(random_bytes(8))),
      buffers_(loops) {}

ClickRecorder::StringIndex::value_type* ClickRecorder::intern(Buffer& b, std::string_view s) {
  if (s.empty()) return nullptr;
  if (auto it = b.index.find(s); it != b.index.end()) return &*it;
  const auto at = static_cast<uint32_t>(b.batch.strings.size());
  b.batch.strings.emplace_back(s);
  return &*b.index.emplace(b.batch.strings.back(), Interned{at, 0}).first;
}

// The keyed hash of (address, user agent). The agent is hashed once per batch and day, not per click,
// and the visitor is the hash of the address and that 8-byte digest: hashing a whole agent (often
// 100-250 bytes) on every click was ~2% of a redirect's CPU under random codes (bench/RESULTS.md).
uint64_t ClickRecorder::visitor_of(const SipKey& day_key, std::string_view ip, StringIndex::value_type* user_agent) {
  uint64_t agent = 0;  // no agent; a digest is never 0
  if (user_agent) {
    uint64_t& digest = user_agent->second.digest;
    if (digest == 0) digest = siphash24(day_key, user_agent->first) | 1;
    agent = digest;
  }
  char agent_bytes[8];
  for (size_t i = 0; i < 8; ++i) agent_bytes[i] = static_cast<char>(agent >> (8 * i));
  SipHasher visitor(day_key);
  visitor.update(ip);
  visitor.update(std::string_view("\n", 1));
  visitor.update(std::string_view(agent_bytes, sizeof agent_bytes));
  return visitor.finish();
}

void ClickRecorder::record(size_t loop, const ClickInput& in, int64_t unix_now) {
  Buffer& b = buffers_[loop];
  const int64_t day = unix_now / 86400;
  if (day != b.day) {
    b.visitor_key = visitor_key_for_day(visitor_secret_, day);
    b.day = day;
    for (auto& entry : b.index) entry.second.digest = 0;  // taken under the old key
  }
  auto* ua = intern(b, in.user_agent.substr(0, kMaxUserAgentBytes));
  b.batch.events.push_back({in.link_id, in.owner_id, unix_now, visitor_of(b.visitor_key, in.ip, ua), position(ua),
                            position(intern(b, referrer_host(in.referer))), country_code(in.country)});
}

void ClickRecorder::flush(size_t loop) {
  Buffer& b = buffers_[loop];
  if (!b.batch.events.empty()) {
    b.batch.id = instance_id_ + "-" + std::to_string(sequence_.fetch_add(1));
    metrics::registry().clicks_recorded.inc(b.batch.events.size());
    metrics::registry().click_batches_created.inc();
    std::string payload = encode_batch(b.batch);
    if (spool_) spool_->append(b.batch.id, std::move(payload));
    else b.unpublished.push_back(std::move(payload));
    b.batch.events.clear();
    b.batch.strings.resize(1);
    b.index.clear();
  }
  publish_pending(b);
}

void ClickRecorder::publish_pending(Buffer& b) {
  // Keep order and keep the ids: a batch that failed to publish goes again with the same id.
  size_t done = 0;
  for (; done < b.unpublished.size(); ++done) {
    if (auto st = queue_->publish(kClickSubject, b.unpublished[done]); !st) {
      failed_publishes_.fetch_add(1);
      log::warn("click_batch_publish_failed", {{"error", st.error().message}});
      break;
    }
    metrics::registry().click_batches_published.inc();
  }
  b.unpublished.erase(b.unpublished.begin(), b.unpublished.begin() + static_cast<std::ptrdiff_t>(done));
}

}  // namespace shortstack::clicks
