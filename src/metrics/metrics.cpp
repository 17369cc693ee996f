#include "metrics/metrics.h"

#include <fmt/format.h>

namespace shortstack::metrics {
namespace {

// The statuses this service sends; anything else is counted under "other".
constexpr std::array<int, 24> kStatuses = {200, 201, 204, 301, 302, 303, 307, 308, 400, 401, 403, 404,
                                           405, 408, 409, 410, 413, 415, 429, 431, 500, 501, 503, 505};
constexpr size_t kStatusSlots = kStatuses.size() + 1;
constexpr size_t kClasses = 5;  // 1xx..5xx collapsed to 2xx..5xx plus "other"

size_t status_slot(int status) {
  for (size_t i = 0; i < kStatuses.size(); ++i)
    if (kStatuses[i] == status) return i;
  return kStatuses.size();
}
size_t class_slot(int status) {
  const int c = status / 100;
  return (c >= 2 && c <= 5) ? static_cast<size_t>(c - 2) : 4;
}
constexpr std::array<std::string_view, kClasses> kClassNames = {"2xx", "3xx", "4xx", "5xx", "other"};

size_t bucket_slot(double seconds) {
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  return i;
}

// Single-writer increment: no lock prefix needed, readers see a consistent-enough value.
inline void bump(std::atomic<uint64_t>& a, uint64_t n = 1) {
  a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

}  // namespace

std::string_view route_name(int route) {
  static constexpr std::array<std::string_view, kRouteCount> kNames = {"redirect", "api_auth", "api_me",  "api_keys",
                                                                        "api_links", "api_stats", "api_moderation", "admin", "other"};
  return route >= 0 && route < kRouteCount ? kNames[static_cast<size_t>(route)] : "other";
}

struct Registry::Shard {
  std::array<std::array<std::atomic<uint64_t>, kStatusSlots>, kRouteCount> count{};
  std::array<std::array<std::array<std::atomic<uint64_t>, kBuckets.size() + 1>, kClasses>, kRouteCount> buckets{};
  std::array<std::array<std::atomic<uint64_t>, kClasses>, kRouteCount> sum_ns{};
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Shard& Registry::local_shard() {
  thread_local Shard* shard = nullptr;
  thread_local const Registry* owner = nullptr;
  if (shard == nullptr || owner != this) {
    auto fresh = std::make_unique<Shard>();
    shard = fresh.get();
    owner = this;
    std::lock_guard lock(mu_);
    shards_.push_back(std::move(fresh));
  }
  return *shard;
}

void Registry::observe_request(int route, int status, double seconds) {
  if (route < 0 || route >= kRouteCount) route = kOther;
  Shard& s = local_shard();
  const auto r = static_cast<size_t>(route);
  const size_t cls = class_slot(status);
  bump(s.count[r][status_slot(status)]);
  bump(s.buckets[r][cls][bucket_slot(seconds)]);
  bump(s.sum_ns[r][cls], static_cast<uint64_t>(seconds * 1e9));
}

void Histogram::observe(double seconds) {
  buckets_[bucket_slot(seconds)].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

void Histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  uint64_t cumulative = 0;
  const std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i <= kBuckets.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    const std::string le = i < kBuckets.size() ? fmt::format("{}", kBuckets[i]) : "+Inf";
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, le, cumulative);
  }
  const std::string braces = labels.empty() ? "" : fmt::format("{{{}}}", labels);
  out += fmt::format("{}_sum{} {}\n", name, braces, static_cast<double>(sum_ns_.load()) / 1e9);
  out += fmt::format("{}_count{} {}\n", name, braces, count_.load());
}

void Registry::add_gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

void Registry::render_requests(std::string& out) const {
  out += "# HELP shortstack_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE shortstack_http_requests_total counter\n";
  for (int r = 0; r < kRouteCount; ++r)
    for (size_t st = 0; st < kStatusSlots; ++st) {
      uint64_t total = 0;
      for (const auto& s : shards_) total += s->count[static_cast<size_t>(r)][st].load(std::memory_order_relaxed);
      if (total == 0) continue;
      const std::string status = st < kStatuses.size() ? std::to_string(kStatuses[st]) : "other";
      out += fmt::format("shortstack_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", route_name(r), status,
                         total);
    }
  out += "# HELP shortstack_http_request_duration_seconds Time from reading a request to queuing its response.\n";
  out += "# TYPE shortstack_http_request_duration_seconds histogram\n";
  for (int r = 0; r < kRouteCount; ++r)
    for (size_t c = 0; c < kClasses; ++c) {
      std::array<uint64_t, kBuckets.size() + 1> b{};
      uint64_t sum_ns = 0, count = 0;
      for (const auto& s : shards_) {
        for (size_t i = 0; i < b.size(); ++i) b[i] += s->buckets[static_cast<size_t>(r)][c][i].load();
        sum_ns += s->sum_ns[static_cast<size_t>(r)][c].load();
      }
      for (uint64_t v : b) count += v;
      if (count == 0) continue;
      const auto labels = fmt::format("route=\"{}\",status_class=\"{}\"", route_name(r), kClassNames[c]);
      uint64_t cumulative = 0;
      for (size_t i = 0; i < b.size(); ++i) {
        cumulative += b[i];
        const std::string le = i < kBuckets.size() ? fmt::format("{}", kBuckets[i]) : "+Inf";
        out += fmt::format("shortstack_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, le,
                           cumulative);
      }
      out += fmt::format("shortstack_http_request_duration_seconds_sum{{{}}} {}\n", labels,
                         static_cast<double>(sum_ns) / 1e9);
      out += fmt::format("shortstack_http_request_duration_seconds_count{{{}}} {}\n", labels, count);
    }
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mu_);
  render_requests(out);
  auto counter = [&out](std::string_view name, std::string_view help, const Counter& c) {
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n{} {}\n", name, help, name, name, c.value());
  };
  counter("shortstack_cache_hits_total", "Redirect cache (L1) hits.", cache_hits);
  counter("shortstack_cache_misses_total", "Redirect cache (L1) misses.", cache_misses);
  counter("shortstack_cache_negative_hits_total", "L1 hits on cached unknown codes.", cache_negative_hits);
  counter("shortstack_cache_l2_hits_total", "Shared cache (L2) hits behind an L1 miss.", cache_l2_hits);
  counter("shortstack_cache_l2_misses_total", "Shared cache (L2) misses, tombstones included.", cache_l2_misses);
  counter("shortstack_cache_l2_errors_total", "Shared cache (L2) calls that failed; the store answered instead.",
          cache_l2_errors);
  counter("shortstack_clicks_recorded_total", "Click events appended to the per-loop buffers.", clicks_recorded);
  counter("shortstack_click_batches_created_total", "Click batches made from the loops' buffers.",
          click_batches_created);
  counter("shortstack_click_batches_published_total", "Click batches handed to the queue.", click_batches_published);
  counter("shortstack_click_batches_applied_total", "Click batches applied to the store.", click_batches_applied);
  counter("shortstack_click_batches_duplicate_total", "Redelivered click batches skipped.", click_batches_duplicate);
  counter("shortstack_click_events_applied_total", "Click events (humans and bots) added to the rollups.",
          click_events_applied);
  counter("shortstack_click_spool_syncs_total", "Group fdatasyncs of the click spool.", click_spool_syncs);
  counter("shortstack_click_spool_errors_total", "Spool writes that failed; those batches had no crash guarantee.",
          click_spool_errors);
  counter("shortstack_pg_replica_reads_total", "Replica-eligible reads a read replica served.", pg_replica_reads);
  counter("shortstack_pg_primary_reads_total",
          "Replica-eligible reads sent to the primary: no fit replica in this zone had replayed far enough.",
          pg_primary_reads);
  counter("shortstack_pg_replica_miss_retries_total", "Replica reads that found nothing and were asked again of the primary.",
          pg_replica_miss_retries);
  counter("shortstack_pg_replica_outage_reads_total",
          "Redirect lookups a replica answered while the primary was away (a failover).", pg_replica_outage_reads);
  out += "# HELP shortstack_store_duration_seconds Store call latency.\n";
  out += "# TYPE shortstack_store_duration_seconds histogram\n";
  store_read_latency.render(out, "shortstack_store_duration_seconds", "op=\"read\"");
  store_write_latency.render(out, "shortstack_store_duration_seconds", "op=\"write\"");
  for (const auto& g : gauges_)
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", g.name, g.help, g.name, g.name, g.read());
  return out;
}

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace shortstack::metrics
