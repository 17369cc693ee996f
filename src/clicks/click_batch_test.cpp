#include "clicks/click_batch.h"

#include <gtest/gtest.h>

namespace shortstack::clicks {
namespace {

ClickBatch sample() {
  ClickBatch b;
  b.id = "abcd-7";
  b.strings.push_back("Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0");
  b.strings.push_back("news.example");
  b.strings.push_back("odd % bytes\n\t\x7f");
  b.events.push_back({1, 9, 1795310580, 0xdeadbeefcafef00dULL, 1, 2, {'D', 'E'}});
  b.events.push_back({2, 9, 1795310581, 7, 3, 0, {}});
  return b;
}

TEST(ClickBatch, RoundTripsEventsAndTheStringTable) {
  const ClickBatch b = sample();
  auto back = decode_batch(encode_batch(b));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, "abcd-7");
  EXPECT_EQ(back->strings, b.strings);
  ASSERT_EQ(back->events.size(), 2u);
  const ClickEvent& e = back->events[0];
  EXPECT_EQ(e.link_id, 1);
  EXPECT_EQ(e.owner_id, 9);
  EXPECT_EQ(e.at, 1795310580);
  EXPECT_EQ(e.visitor, 0xdeadbeefcafef00dULL);
  EXPECT_EQ(back->strings[e.user_agent], b.strings[1]);
  EXPECT_EQ(back->strings[e.referrer], "news.example");
  EXPECT_EQ(std::string(e.country.data(), 2), "DE");
  EXPECT_EQ(back->events[1].country[0], 0);
}

TEST(ClickBatch, EncodesEachEventOnOneLine) {
  const std::string text = encode_batch(sample());
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 3 + 2);
}

TEST(ClickBatch, RefusesDamagedPayloads) {
  for (const char* bad : {
           "", "v2 x", "v1 id\n", "v2 \n",
           "v2 id\ne 1 1 1 1 0 0 -",          // no final newline
           "v2 id\ne 1 1 1 1 1 0 -\n",        // string index outside the table
           "v2 id\ne 0 1 1 1 0 0 -\n",        // link id must be positive
           "v2 id\ne 1 1 1 zz 0 0 -\n",       // visitor not hex
           "v2 id\ne 1 1 1 1 0 0 de\n",       // country not upper-case
           "v2 id\ne 1 1 1 1 0 0 -\ns late\n",  // strings come first
           "v2 id\ns bad%4\n", "v2 id\ns bad%zz\n", "v2 id\nx 1\n",
       })
    EXPECT_FALSE(decode_batch(bad)) << bad;
  EXPECT_TRUE(decode_batch("v2 id\n"));  // an empty batch is well formed
}

}  // namespace
}  // namespace shortstack::clicks
