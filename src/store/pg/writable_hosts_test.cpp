#include "store/pg/writable_hosts.h"

#include <gtest/gtest.h>

namespace shortstack::store::pg {
namespace {

TEST(WritableHosts, AUrlWithOneHostIsUsedAsItIs) {
  const std::string url = "postgresql://u:pw@db:5432/app?target_session_attrs=read-write";
  const auto plan = plan_connect(url);
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->candidates.size(), 1u);
  EXPECT_EQ(plan->candidates[0], url);
}

TEST(WritableHosts, SeveralHostsWithoutReadWriteAreLeftToLibpq) {
  const std::string url = "postgresql://u@h1:5432,h2:5432/app";
  const auto plan = plan_connect(url);
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->candidates, std::vector<std::string>{url});
  EXPECT_FALSE(plan->must_be_writable);
}

TEST(WritableHosts, SeveralHostsAskingForReadWriteBecomeOneCandidateEach) {
  const auto plan = plan_connect("postgresql://u:p%27w@10.0.0.1:6432,10.0.0.2:6433/app?target_session_attrs=read-write&connect_timeout=2");
  ASSERT_TRUE(plan.has_value());
  EXPECT_TRUE(plan->must_be_writable);
  ASSERT_EQ(plan->candidates.size(), 2u);
  for (const auto& c : plan->candidates) {
    EXPECT_NE(c.find("dbname='app'"), std::string::npos) << c;
    EXPECT_NE(c.find("user='u'"), std::string::npos) << c;
    EXPECT_NE(c.find("password='p\\'w'"), std::string::npos) << "quoted as libpq reads it: " << c;
    EXPECT_NE(c.find("connect_timeout='2'"), std::string::npos) << c;
    EXPECT_EQ(c.find("target_session_attrs"), std::string::npos) << "each candidate is checked by the pool";
  }
  EXPECT_NE(plan->candidates[0].find("host='10.0.0.1' "), std::string::npos);
  EXPECT_NE(plan->candidates[0].find("port='6432' "), std::string::npos);
  EXPECT_NE(plan->candidates[1].find("host='10.0.0.2' "), std::string::npos);
  EXPECT_NE(plan->candidates[1].find("port='6433' "), std::string::npos);
}

TEST(WritableHosts, OnePortAppliesToEveryHost) {
  const auto plan = plan_connect("host=a,b port=5432 dbname=x target_session_attrs=read-write");
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->candidates.size(), 2u);
  EXPECT_NE(plan->candidates[1].find("host='b' "), std::string::npos);
  EXPECT_NE(plan->candidates[1].find("port='5432' "), std::string::npos);
}

TEST(WritableHosts, MismatchedListsAndGarbageAreRefusedWithoutEchoingTheUrl) {
  std::string error;
  EXPECT_FALSE(plan_connect("host=a,b,c port=1,2 password=s3cret target_session_attrs=read-write", &error));
  EXPECT_EQ(error.find("s3cret"), std::string::npos);
  EXPECT_FALSE(plan_connect("postgresql://u:s3cret@h/db?nosuchoption=1", &error));
  EXPECT_EQ(error.find("s3cret"), std::string::npos);
}

}  // namespace
}  // namespace shortstack::store::pg
