#include "store/pg/write_marks.h"

#include <gtest/gtest.h>

#include "cache/memory_cache.h"

namespace shortstack::store::pg {
namespace {

using namespace std::chrono_literals;

// A cache that is away: every call fails, as Redis does while it is down.
class AwayCache final : public cache::Cache {
 public:
  Result<std::optional<cache::CacheValue>> get(std::string_view) override { return away(); }
  Status put(std::string_view, std::string_view, std::chrono::milliseconds) override { return away(); }
  Status put_negative(std::string_view, std::chrono::milliseconds) override { return away(); }
  Result<bool> add(std::string_view, const cache::CacheValue&, std::chrono::milliseconds) override { return away(); }
  Result<bool> replace(std::string_view, std::string_view, const cache::CacheValue&, std::chrono::milliseconds) override {
    return away();
  }
  Status erase(std::string_view) override { return away(); }

 private:
  static Error away() { return make_error(503, "cache_unavailable", "away"); }
};

TEST(WriteMarks, AnAccountThatWroteNothingMaySeeAnyReplica) {
  WriteMarks marks(std::make_shared<cache::MemoryCache>(100), 10s);
  EXPECT_EQ(marks.must_see(7), Lsn{0});
}

TEST(WriteMarks, ReadsMustSeeTheAccountsLatestWrite) {
  WriteMarks marks(std::make_shared<cache::MemoryCache>(100), 10s);
  marks.record(7, 500);
  EXPECT_EQ(marks.must_see(7), Lsn{500});
  EXPECT_EQ(marks.must_see(8), Lsn{0}) << "marks are per account";
  marks.record(7, 900);
  EXPECT_EQ(marks.must_see(7), Lsn{900});
}

TEST(WriteMarks, AnEarlierWriteFinishingLateDoesNotMoveTheMarkBack) {
  WriteMarks marks(std::make_shared<cache::MemoryCache>(100), 10s);
  marks.record(7, 900);
  marks.record(7, 500);
  EXPECT_EQ(marks.must_see(7), Lsn{900});
}

TEST(WriteMarks, AMarkThatCannotBeReadSendsTheReadToThePrimary) {
  WriteMarks marks(std::make_shared<AwayCache>(), 10s);
  marks.record(7, 500);  // fails quietly: the documented bound
  EXPECT_FALSE(marks.must_see(7).has_value());
}

TEST(WriteMarks, AValueThisVersionCannotReadSendsTheReadToThePrimary) {
  auto cache = std::make_shared<cache::MemoryCache>(100);
  ASSERT_TRUE(cache->put("wlsn:7", "not-a-position", 10s));
  WriteMarks marks(cache, 10s);
  EXPECT_FALSE(marks.must_see(7).has_value());
  marks.record(7, 42);
  EXPECT_EQ(marks.must_see(7), Lsn{42}) << "a write replaces what could not be read";
}

}  // namespace
}  // namespace shortstack::store::pg
