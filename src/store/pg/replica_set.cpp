#include "store/pg/replica_set.h"

#include "log/log.h"

namespace shortstack::store::pg {
namespace {

using Clock = PrimaryHistory::Clock;

// A probe waits at most this long for an answer: a replica that needs longer is not fit anyway.
std::chrono::milliseconds probe_timeout(const ReplicaSetOptions& o) {
  return std::max(std::chrono::milliseconds(50), o.probe_interval / 2);
}

Result<PgResult> probe_query(PgPool& pool, std::string_view sql, std::chrono::milliseconds timeout) {
  return pool.run<PgResult>([&](PgConn& c, Clock::time_point deadline) { return c.exec(sql, {}, deadline); },
                            timeout);
}

}  // namespace

std::string url_host_port(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  const auto end = std::min(url.find_first_of("/?", start), url.size());
  // The last '@' before the path ends the credentials, whatever they hold.
  if (const auto at = url.rfind('@', end == 0 ? 0 : end - 1); at != std::string::npos && at >= start) start = at + 1;
  return url.substr(start, end - start);
}

PgReplicaSet::PgReplicaSet(std::shared_ptr<PgPool> primary, ReplicaSetOptions options)
    : primary_(std::move(primary)), options_(std::move(options)),
      // Samples older than the lag limit cannot make a replica fit; a few intervals more keep the
      // staleness figure meaningful for a replica just past the limit.
      history_(options_.max_lag + 3 * options_.probe_interval) {
  for (const auto& endpoint : options_.replicas) {
    PoolOptions o = options_.pool;
    o.url = endpoint.url;
    Replica r;
    r.name = url_host_port(endpoint.url);
    r.zone = endpoint.zone;
    r.pool = PgPool::lazy(o);
    replicas_.push_back(std::move(r));
  }
}

PgReplicaSet::~PgReplicaSet() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (prober_.joinable()) prober_.join();
}

void PgReplicaSet::start() {
  probe_once();
  prober_ = std::thread([this] {
    std::unique_lock lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, options_.probe_interval, [this] { return stopping_; })) {
      lock.unlock();
      probe_once();
      lock.lock();
    }
  });
}

void PgReplicaSet::probe_once() {
  // The primary first: a replica's replay position is then compared with a primary position that
  // is no newer than it, which can only overstate staleness.
  probe_primary();
  for (auto& r : replicas_) probe_replica(r);
  log_changes();
}

void PgReplicaSet::probe_primary() {
  const auto asked_at = Clock::now();
  auto r = probe_query(*primary_, "SELECT pg_current_wal_insert_lsn()::text", probe_timeout(options_));
  // No answer, no sample: every replica's bound then ages until the primary answers again.
  if (!r || r->rows() != 1) return;
  if (const auto position = parse_lsn(r->text(0, 0))) {
    std::lock_guard lock(mu_);
    history_.record(asked_at, *position);
  }
}

void PgReplicaSet::probe_replica(Replica& replica) {
  const auto asked_at = Clock::now();
  auto r = probe_query(*replica.pool, "SELECT pg_is_in_recovery(), COALESCE(pg_last_wal_replay_lsn()::text, '')",
                       probe_timeout(options_));
  std::lock_guard lock(mu_);
  replica.rtt_ms = std::chrono::duration<double, std::milli>(Clock::now() - asked_at).count();
  replica.answering = r && r->rows() == 1;
  replica.standby = replica.answering && r->boolean(0, 0);
  const auto replayed = replica.standby ? parse_lsn(r->text(0, 1)) : std::nullopt;
  if (!replayed) {
    replica.standby = false;
    return;
  }
  replica.replayed = *replayed;
  replica.covered_until = history_.covered_until(*replayed);
}

bool PgReplicaSet::fit(const Replica& r, Clock::time_point now) const {
  return r.zone == options_.local_zone && r.answering && r.standby && r.covered_until &&
         now - *r.covered_until <= options_.max_lag;
}

std::shared_ptr<PgPool> PgReplicaSet::pick(Lsn must_see) {
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  const size_t n = replicas_.size();
  const size_t first = turn_.fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < n; ++i) {
    const Replica& r = replicas_[(first + i) % n];
    if (fit(r, now) && r.replayed >= must_see) return r.pool;
  }
  return nullptr;
}

std::shared_ptr<PgPool> PgReplicaSet::pick_during_outage() {
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  const auto last_seen = history_.latest();
  if (!last_seen || now - *last_seen > options_.outage_reads) return nullptr;
  for (const Replica& r : replicas_) {
    const bool fit_when_last_seen = r.zone == options_.local_zone && r.answering && r.standby && r.covered_until &&
                                    *last_seen - *r.covered_until <= options_.max_lag;
    if (fit_when_last_seen) return r.pool;
  }
  return nullptr;
}

std::vector<ReplicaStatus> PgReplicaSet::status() {
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  std::vector<ReplicaStatus> out;
  for (const auto& r : replicas_) {
    ReplicaStatus s{r.name, r.zone, r.answering, r.standby, r.replayed, std::nullopt, r.rtt_ms, fit(r, now)};
    if (r.covered_until)
      s.stale_ms = std::chrono::duration<double, std::milli>(now - *r.covered_until).count();
    out.push_back(s);
  }
  return out;
}

void PgReplicaSet::log_changes() {
  const auto now_status = status();
  for (size_t i = 0; i < now_status.size(); ++i) {
    const auto& s = now_status[i];
    {
      std::lock_guard lock(mu_);
      if (replicas_[i].logged_fit == s.fit) continue;
      replicas_[i].logged_fit = s.fit;
    }
    // A demotion is worth a warning: reads of this zone now all go to the primary. -1: no bound.
    const double stale_ms = s.stale_ms.value_or(-1.0);
    const auto level = s.fit ? log::Level::Info : log::Level::Warn;
    log::write(level, s.fit ? "pg_replica_fit" : "pg_replica_demoted",
               {{"replica", s.name}, {"zone", s.zone}, {"answering", s.answering}, {"standby", s.standby},
                {"stale_ms", stale_ms}, {"rtt_ms", s.rtt_ms}});
  }
}

}  // namespace shortstack::store::pg
