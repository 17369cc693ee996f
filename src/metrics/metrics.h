#pragma once
// Prometheus metrics. Request metrics are kept in per-thread shards (a single writer each, so an increment
// is a plain load and store, no locked instruction) and summed when /metrics is scraped.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace shortstack::metrics {

enum Route : int { kRedirect, kApiAuth, kApiMe, kApiKeys, kApiLinks, kApiStats, kApiModeration, kAdmin, kOther, kRouteCount };
std::string_view route_name(int route);

// Bucket bounds in seconds, shared by every histogram here.
inline constexpr std::array<double, 14> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                     0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};

class Counter {
 public:
  void inc(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

// A histogram updated from many threads (store calls run on the blocking pool).
class Histogram {
 public:
  void observe(double seconds);
  void render(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets_{};
  std::atomic<uint64_t> sum_ns_{0};
  std::atomic<uint64_t> count_{0};
};

class Registry {
 public:
  Registry();
  ~Registry();
  // Called on event-loop threads after each response.
  void observe_request(int route, int status, double seconds);
  Counter cache_hits, cache_misses, cache_negative_hits;
  Counter cache_l2_hits, cache_l2_misses, cache_l2_errors;
  Counter clicks_recorded, click_batches_published, click_batches_applied, click_batches_duplicate;
  Counter click_spool_syncs, click_spool_errors, click_events_applied, click_batches_created;
  // Reads a read replica may serve (stage 5): served there, sent to the primary, or missed there
  // and retried on the primary.
  Counter pg_replica_reads, pg_primary_reads, pg_replica_miss_retries;
  Counter pg_replica_outage_reads;  // relaxed reads a replica answered while the primary was away
  Histogram store_read_latency, store_write_latency;

  void add_gauge(std::string name, std::string help, std::function<double()> read);
  std::string render() const;

 private:
  struct Shard;
  Shard& local_shard();
  void render_requests(std::string& out) const;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Shard>> shards_;  // freed with the registry, after every loop has stopped
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };
  std::vector<Gauge> gauges_;
};

Registry& registry();

}  // namespace shortstack::metrics
