#pragma once
// The read replicas beside the primary (stage 5): which of them may serve a read right now.
//
// A topology probe runs about once a second. It asks the primary for its WAL position and each
// replica for its role and replay position, and from those bounds how stale each replica is (see
// PrimaryHistory). A replica serves reads only while it is
//   - in this instance's zone (a read never crosses a zone when the primary path would not either),
//   - still a standby, answering its probe,
//   - at most `max_lag` stale, and
//   - replayed past the position the caller must see (read-your-writes).
// Otherwise pick() answers null and the caller reads the primary. The primary pool follows a
// failover by itself (a multi-host URL with target_session_attrs=read-write), and the replicas,
// which Patroni re-points at the new primary, are judged only by what they answer: the app needs no
// restart either way.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/pg/lsn.h"
#include "store/pg/pg_pool.h"
#include "store/pg/primary_history.h"

namespace shortstack::store::pg {

struct ReplicaEndpoint {
  std::string zone;
  std::string url;
};

struct ReplicaSetOptions {
  std::vector<ReplicaEndpoint> replicas;
  std::string local_zone;
  std::chrono::milliseconds max_lag{2000};
  std::chrono::milliseconds probe_interval{1000};
  PoolOptions pool;  // size, timeouts and schema for each replica's pool (the url is each replica's)
  // How long after the primary last answered a replica may still serve relaxed reads that the
  // primary cannot (pick_during_outage); zero: never. Must stay below the change markers' lifetime
  // minus max_lag and a probe: see pick_during_outage.
  std::chrono::milliseconds outage_reads{0};
};

struct ReplicaStatus {
  std::string name;  // host:port, for logs and metrics (never the URL: it may hold a password)
  std::string zone;
  bool answering = false;
  bool standby = false;
  Lsn replayed = 0;
  std::optional<double> stale_ms;  // nullopt: no bound (behind everything the probe remembers)
  double rtt_ms = 0;               // the last probe's round trip
  bool fit = false;  // serves reads of this zone now (before any read-your-writes position)
};

class PgReplicaSet {
 public:
  PgReplicaSet(std::shared_ptr<PgPool> primary, ReplicaSetOptions options);
  ~PgReplicaSet();
  PgReplicaSet(const PgReplicaSet&) = delete;

  // Probes once now (so reads can use replicas from the first request), then about once a
  // probe_interval on a thread of its own until destroyed.
  void start();
  // One probe round; start() runs these, and tests call it directly.
  void probe_once();

  // A pool on a fit replica in this zone that has replayed at least `must_see`, or null: read the
  // primary. Fit replicas take turns.
  std::shared_ptr<PgPool> pick(Lsn must_see = 0);
  // While the primary does not answer (a failover): a replica of this zone that was fit when the
  // primary last answered, for at most outage_reads after that; else null. No commit happens
  // without a primary, so such a replica lacks only what committed in its last max_lag before the
  // crash, and every change of that time still has its marker in the shared cache: a caller that
  // saw no marker (a relaxed read) gets what the primary would have said.
  std::shared_ptr<PgPool> pick_during_outage();
  PgPool& primary() { return *primary_; }
  const std::string& local_zone() const { return options_.local_zone; }
  std::vector<ReplicaStatus> status();

 private:
  struct Replica {
    std::string name;
    std::string zone;
    std::shared_ptr<PgPool> pool;
    bool answering = false;
    bool standby = false;
    Lsn replayed = 0;
    double rtt_ms = 0;
    std::optional<PrimaryHistory::Clock::time_point> covered_until;
    bool logged_fit = false;
  };
  bool fit(const Replica& r, PrimaryHistory::Clock::time_point now) const;
  void probe_primary();
  void probe_replica(Replica& r);
  // Logs each replica whose fitness differs from what was last logged for it: a replica also
  // turns unfit between probes, by ageing, and that must show at the next probe.
  void log_changes();

  std::shared_ptr<PgPool> primary_;
  ReplicaSetOptions options_;
  std::mutex mu_;
  std::vector<Replica> replicas_;
  PrimaryHistory history_;
  std::atomic<size_t> turn_{0};

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread prober_;
};

// "postgresql://user@host:port/db" -> "host:port"; for naming a replica without its credentials.
std::string url_host_port(const std::string& url);

}  // namespace shortstack::store::pg
