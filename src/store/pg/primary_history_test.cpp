#include "store/pg/primary_history.h"

#include <gtest/gtest.h>

#include "store/pg/lsn.h"
#include "store/pg/replica_set.h"

namespace shortstack::store::pg {
namespace {

using namespace std::chrono_literals;
using Clock = PrimaryHistory::Clock;

TEST(Lsn, ParsesAndFormatsPostgresPositions) {
  EXPECT_EQ(parse_lsn("0/0"), Lsn{0});
  EXPECT_EQ(parse_lsn("16/B374D848"), (Lsn{0x16} << 32) | 0xB374D848u);
  EXPECT_EQ(parse_lsn("ffffffff/ffffffff"), ~Lsn{0});
  EXPECT_EQ(format_lsn(*parse_lsn("16/B374D848")), "16/B374D848");
  EXPECT_EQ(format_lsn(0x100000000ull), "1/0");
}

TEST(Lsn, RefusesWhatIsNotAPosition) {
  for (const char* bad : {"", "/", "1/", "/1", "12", "1/2/3", "g/1", "123456789/1", "1 /2", "-1/2"})
    EXPECT_FALSE(parse_lsn(bad).has_value()) << bad;
}

TEST(PrimaryHistory, AReplicaAtOrPastASampleIsCoveredUntilThatSample) {
  PrimaryHistory h(10s);
  const auto t0 = Clock::now();
  h.record(t0, 100);
  h.record(t0 + 1s, 200);
  h.record(t0 + 2s, 300);
  EXPECT_EQ(h.covered_until(300), t0 + 2s);
  EXPECT_EQ(h.covered_until(1000), t0 + 2s);
  EXPECT_EQ(h.covered_until(250), t0 + 1s) << "it holds what was committed by the 200 sample, not the 300 one";
  EXPECT_EQ(h.covered_until(100), t0);
  EXPECT_FALSE(h.covered_until(99).has_value()) << "behind every sample: no bound at all";
}

TEST(PrimaryHistory, AnIdlePrimaryKeepsAnUpToDateReplicaFresh) {
  PrimaryHistory h(10s);
  const auto t0 = Clock::now();
  for (int i = 0; i < 5; ++i) h.record(t0 + std::chrono::seconds(i), 500);
  EXPECT_EQ(h.covered_until(500), t0 + 4s);
}

TEST(PrimaryHistory, ForgetsSamplesOutsideTheWindowButKeepsOneBoundBeyondIt) {
  PrimaryHistory h(2s);
  const auto t0 = Clock::now();
  for (int i = 0; i < 10; ++i) h.record(t0 + std::chrono::seconds(i), Lsn(100 * (i + 1)));
  EXPECT_FALSE(h.covered_until(100).has_value()) << "old samples are gone, so a replica that far behind has no bound";
  EXPECT_EQ(h.covered_until(800), t0 + 7s);
  EXPECT_EQ(h.covered_until(750), t0 + 6s);
}

TEST(ReplicaNames, AreHostAndPortWithoutCredentials) {
  EXPECT_EQ(url_host_port("postgresql://u:pw@10.78.1.1:6433/shortstack?connect_timeout=2"), "10.78.1.1:6433");
  EXPECT_EQ(url_host_port("postgresql://10.78.1.1:6433/db"), "10.78.1.1:6433");
  EXPECT_EQ(url_host_port("postgres://u@h"), "h");
  EXPECT_EQ(url_host_port("postgresql://u:p@ss@h:1/db"), "h:1") << "never part of a password";
  EXPECT_EQ(url_host_port("postgresql://u:p@ss@h:1?x=@"), "h:1");
}

}  // namespace
}  // namespace shortstack::store::pg
