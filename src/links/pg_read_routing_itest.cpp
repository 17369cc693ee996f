// The read/write split against a real primary and a real streaming replica (the ones `make test`
// starts: scripts/test-postgres.sh and scripts/test-postgres-replica.sh). Replay is paused on the
// replica to make it fall behind on purpose; nothing here depends on how fast the machine is.
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "cache/memory_cache.h"
#include "links/pg_link_store.h"
#include "metrics/metrics.h"
#include "testing/pg_temp.h"
#include "testing/test_env.h"

namespace shortstack::links {
namespace {

using namespace std::chrono_literals;
using store::pg::Lsn;

struct Counts {
  uint64_t replica, primary, retries;
  static Counts now() {
    auto& m = metrics::registry();
    return {m.pg_replica_reads.value(), m.pg_primary_reads.value(), m.pg_replica_miss_retries.value()};
  }
  Counts since(const Counts& before) const {
    return {replica - before.replica, primary - before.primary, retries - before.retries};
  }
};

std::string replica_url() {
  return testing::required_env("SHORTSTACK_TEST_PG_REPLICA_URL",
                               "start scripts/test-postgres-replica.sh DIR PRIMARY_PORT start and export its URL");
}

// Pauses or resumes WAL replay on the test replica.
void replay(const char* what) {
  const std::string ctl = testing::required_env("SHORTSTACK_TEST_PG_REPLICA_CTL", "the replica script with DIR and PORT");
  ASSERT_EQ(std::system((ctl + " " + what).c_str()), 0) << what;
}

NewLink link_of(const std::string& code, int64_t owner) {
  NewLink n;
  n.code = code;
  n.owner_id = owner;
  n.url = "https://example.com/" + code;
  n.now = 1'700'000'000;
  return n;
}

class ReadSplit : public ::testing::Test {
 protected:
  // A store on a fresh schema of the primary, with the replica in `replica_zone` and this instance in zone "a".
  void open(std::chrono::milliseconds max_lag, const std::string& replica_zone = "a",
            std::optional<std::string> url = std::nullopt) {
    const std::string schema = testing::temp_pg_schema();
    store::pg::PoolOptions o;
    o.url = testing::test_pg_url();
    o.search_path = schema;
    o.size = 4;
    primary_ = *store::pg::PgPool::open(o);
    ASSERT_TRUE(primary_->migrate(store::postgres_migrations()));
    store::pg::ReplicaSetOptions r;
    r.replicas = {{replica_zone, url.value_or(replica_url())}};
    r.local_zone = "a";
    r.max_lag = max_lag;
    r.probe_interval = 100ms;
    r.pool = o;
    r.pool.timeout = 1000ms;
    replicas_ = std::make_shared<store::pg::PgReplicaSet>(primary_, r);
    marks_ = std::make_shared<store::pg::WriteMarks>(std::make_shared<cache::MemoryCache>(1000), 10s);
    store_ = std::make_shared<PgLinkStore>(primary_, PgReadRouting{replicas_, marks_});
  }
  // Probes until `done` holds, for at most 30 s (a condition, not a timing: the deadline only stops
  // a broken test from hanging).
  bool probe_until(const std::function<bool()>& done) {
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < give_up) {
      replicas_->probe_once();
      if (done()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  // Until the replica has replayed everything the primary has now.
  bool caught_up() {
    auto r = primary_->exec("SELECT pg_current_wal_insert_lsn()::text", {});
    const Lsn target = *store::pg::parse_lsn(r->text(0, 0));
    return probe_until([&] { return replicas_->pick(target) != nullptr; });
  }
  void TearDown() override { replay("resume"); }

  std::shared_ptr<store::pg::PgPool> primary_;
  std::shared_ptr<store::pg::PgReplicaSet> replicas_;
  std::shared_ptr<store::pg::WriteMarks> marks_;
  std::shared_ptr<PgLinkStore> store_;
};

TEST_F(ReadSplit, ACaughtUpReplicaOfThisZoneServesListingsAndRelaxedLookups) {
  open(60s);
  ASSERT_TRUE(store_->create(link_of("rr00001", 1)));
  EXPECT_GT(*marks_->must_see(1), Lsn{0}) << "the write left the owner's mark";
  ASSERT_TRUE(caught_up());
  const auto before = Counts::now();
  auto page = store_->list_by_owner(1, std::nullopt, 10);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->links.size(), 1u);
  auto found = store_->find_by_code_relaxed("rr00001");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->url, "https://example.com/rr00001");
  const auto used = Counts::now().since(before);
  EXPECT_EQ(used.replica, 2u);
  EXPECT_EQ(used.primary, 0u);
  EXPECT_EQ(used.retries, 0u);
}

TEST_F(ReadSplit, TheOwnerSeesItsWritesWhileTheReplicaIsBehind) {
  open(60s);
  ASSERT_TRUE(store_->create(link_of("rr00002", 2)));
  ASSERT_TRUE(caught_up());
  replay("pause");
  ASSERT_TRUE(store_->create(link_of("rr00003", 2)));
  ASSERT_TRUE(store_->update("rr00002", 2, LinkPatch{std::string("https://example.com/changed"), {}, {}, {}, {}, 1}));
  replicas_->probe_once();

  auto before = Counts::now();
  auto page = store_->list_by_owner(2, std::nullopt, 10);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->links.size(), 2u) << "the new link shows to its owner at once";
  EXPECT_EQ(page->links[1].url, "https://example.com/changed") << "and so does the change";
  EXPECT_EQ(Counts::now().since(before).primary, 1u) << "the replica has not replayed the owner's mark";

  before = Counts::now();
  EXPECT_TRUE(store_->list_by_owner(3, std::nullopt, 10)) << "an owner without recent writes";
  EXPECT_EQ(Counts::now().since(before).replica, 1u) << "may read the replica, which is within its lag limit";

  before = Counts::now();
  auto fresh = store_->find_by_code_relaxed("rr00003");
  ASSERT_TRUE(fresh && fresh->has_value()) << "a code too new for the replica is found on the primary";
  EXPECT_EQ(Counts::now().since(before).retries, 1u);
}

TEST_F(ReadSplit, AReplicaThatFallsTooFarBehindIsDemotedAndComesBackOnceItCatchesUp) {
  open(300ms);
  ASSERT_TRUE(caught_up());
  replay("pause");
  ASSERT_TRUE(store_->create(link_of("rr00004", 4)));
  ASSERT_TRUE(probe_until([&] { return replicas_->pick(0) == nullptr; })) << "never demoted";
  const auto status = replicas_->status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_TRUE(status[0].answering && status[0].standby) << "it answers; it is only too far behind";
  EXPECT_FALSE(status[0].fit);

  const auto before = Counts::now();
  EXPECT_TRUE(store_->list_by_owner(5, std::nullopt, 10));
  EXPECT_EQ(Counts::now().since(before).primary, 1u) << "a demoted replica serves nothing";

  replay("resume");
  EXPECT_TRUE(caught_up()) << "never fit again after replay resumed";
}

TEST_F(ReadSplit, OnlyReplicasOfThisZoneServeReads) {
  open(60s, "b");
  ASSERT_TRUE(store_->create(link_of("rr00006", 6)));
  replicas_->probe_once();
  EXPECT_EQ(replicas_->pick(0), nullptr);
  const auto before = Counts::now();
  EXPECT_TRUE(store_->find_by_code_relaxed("rr00006"));
  EXPECT_EQ(Counts::now().since(before).primary, 1u);
}

TEST_F(ReadSplit, AReplicaThatDoesNotAnswerIsSkippedAndReadsStillSucceed) {
  open(60s, "a", "postgresql://postgres@127.0.0.1:1/postgres");
  ASSERT_TRUE(store_->create(link_of("rr00007", 7)));
  replicas_->probe_once();
  EXPECT_FALSE(replicas_->status()[0].answering);
  auto found = store_->find_by_code_relaxed("rr00007");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_TRUE(store_->list_by_owner(7, std::nullopt, 10));
}

// A failover: the primary does not answer. A replica that was fit when the primary last answered
// may answer a relaxed lookup of a link it holds, for a while; never a strict one, never "no such
// link". The primary here is a dead address behind the store, while the replica set still probes
// the real primary (its samples are what "when the primary last answered" means).
class OutageReads : public ReadSplit {
 protected:
  void open_outage(std::chrono::milliseconds outage_reads) {
    const std::string schema = testing::temp_pg_schema();
    store::pg::PoolOptions o;
    o.url = testing::test_pg_url();
    o.search_path = schema;
    primary_ = *store::pg::PgPool::open(o);
    ASSERT_TRUE(primary_->migrate(store::postgres_migrations()));
    ASSERT_TRUE(PgLinkStore(primary_).create(link_of("out0001", 9)));
    store::pg::ReplicaSetOptions r;
    r.replicas = {{"a", replica_url()}};
    r.local_zone = "a";
    r.max_lag = 0ms;  // never fit *now*, so relaxed reads go to the (dead) primary first
    r.probe_interval = 100ms;
    r.outage_reads = outage_reads;
    r.pool = o;
    replicas_ = std::make_shared<store::pg::PgReplicaSet>(primary_, r);
    marks_ = std::make_shared<store::pg::WriteMarks>(std::make_shared<cache::MemoryCache>(1000), 10s);
    store::pg::PoolOptions dead = o;
    dead.url = "postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=1";
    dead.timeout = 1000ms;
    store_ = std::make_shared<PgLinkStore>(store::pg::PgPool::lazy(dead), PgReadRouting{replicas_, marks_});
  }
};

TEST_F(OutageReads, AReplicaFitWhenThePrimaryWasLastSeenAnswersLinksItHolds) {
  open_outage(60s);
  ASSERT_TRUE(probe_until([&] { return replicas_->pick_during_outage() != nullptr; })) << "the replica never caught up";
  const auto before = metrics::registry().pg_replica_outage_reads.value();
  auto found = store_->find_by_code_relaxed("out0001");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->url, "https://example.com/out0001");
  EXPECT_EQ(metrics::registry().pg_replica_outage_reads.value() - before, 1u);

  auto unknown = store_->find_by_code_relaxed("nosuch1");
  ASSERT_FALSE(unknown) << "a replica's 'no such link' is not trusted: the link may be newer than it";
  EXPECT_EQ(unknown.error().http_status, 503);
  auto strict = store_->find_by_code("out0001");
  ASSERT_FALSE(strict) << "a strict read (a change is recent) never falls back";
  EXPECT_EQ(strict.error().http_status, 503);
}

TEST_F(OutageReads, WithoutAnOutageWindowThePrimarysErrorStands) {
  open_outage(0ms);
  replicas_->probe_once();
  EXPECT_EQ(replicas_->pick_during_outage(), nullptr);
  auto found = store_->find_by_code_relaxed("out0001");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().http_status, 503);
}

}  // namespace
}  // namespace shortstack::links
