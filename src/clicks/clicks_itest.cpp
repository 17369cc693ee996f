// Click analytics end to end over real HTTP against the real binary: exact counts under concurrency
// and across restarts (graceful and kill -9 with the spool), bots and HEAD apart, breakdowns, the stats
// API and the leaderboard.
#include <signal.h>

#include <gtest/gtest.h>

#include <atomic>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "testing/api_client.h"
#include "testing/mmdb_writer.h"
#include "testing/server_process.h"

namespace shortstack::testing {
namespace {

constexpr const char* kIphone =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Mobile/15E148 Safari/604.1";

// Clicks reach the store within a flush interval and an aggregation round; poll with a generous bound,
// never a timing assertion.
boost::json::object await_stats(ApiClient& owner, const std::string& code, int64_t expected_clicks,
                                const std::string& query = "") {
  ApiResult r;
  for (int i = 0; i < 200; ++i) {
    r = owner.call("GET", "/api/v1/links/" + code + "/stats" + query);
    if (r.status() == 200 && r.num("clicks") == expected_clicks) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(r.status(), 200) << r.http.body;
  return r.json.is_object() ? r.json.as_object() : boost::json::object{};
}

int64_t await_clicks(ApiClient& owner, const std::string& code, int64_t expected) {
  int64_t seen = -1;
  for (int i = 0; i < 200 && seen != expected; ++i) {
    seen = owner.call("GET", "/api/v1/links/" + code).num("clicks");
    if (seen != expected) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return seen;
}

int64_t count_for(const boost::json::object& stats, const char* dimension, const std::string& key) {
  for (const auto& v : stats.at(dimension).as_array())
    if (v.at("key").as_string() == key) return v.at("clicks").as_int64();
  return 0;
}

class Clicks : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = new ServerProcess(ServerProcess::Settings{{"clicks.country_header", "CF-IPCountry"},
                                                       {"clicks.aggregate_interval_ms", "200"}});
    server->start();
  }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }
  void SetUp() override {
    static int n = 0;
    alice.signup("clicks-alice" + std::to_string(++n) + "@example.com");
    alice.use_new_api_key();
    bob.signup("clicks-bob" + std::to_string(n) + "@example.com");
    bob.use_new_api_key();
  }
  std::string new_link(ApiClient& owner, const std::string& path = "x") {
    return owner.create_link(R"({"url":"https://example.com/)" + path + R"("})").str("code");
  }
  int click(const Request& r) { return http(server->port(), r).status; }

  static ServerProcess* server;
  ApiClient alice{server->port()}, bob{server->port()};
};
ServerProcess* Clicks::server = nullptr;

TEST_F(Clicks, ConcurrentClicksOnOneHotLinkAreExact) {
  const std::string code = new_link(alice, "hot");
  constexpr int kThreads = 8, kEach = 250;
  std::vector<std::thread> threads;
  std::atomic<int> non_redirects{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      HttpConnection c(server->port());
      // Pipelined in groups of 10, the way a busy proxy might send them.
      std::string ten;
      for (int i = 0; i < 10; ++i) ten += render_request(browser_get("/" + code));
      for (int i = 0; i < kEach / 10; ++i) {
        c.send_raw(ten);
        for (int j = 0; j < 10; ++j) {
          auto r = c.read_response();
          if (!r || r->status != 302) non_redirects++;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(non_redirects.load(), 0);
  EXPECT_EQ(await_clicks(alice, code, kThreads * kEach), kThreads * kEach);
  const auto stats = await_stats(alice, code, kThreads * kEach);
  EXPECT_EQ(stats.at("bots").as_int64(), 0);
  EXPECT_EQ(stats.at("unique_visitors").as_int64(), 1) << "one address, one browser";
}

TEST_F(Clicks, BotsHeadAndHumansAreKeptApart) {
  const std::string code = new_link(alice);
  for (int i = 0; i < 6; ++i) ASSERT_EQ(click(browser_get("/" + code)), 302);
  for (const char* bot : {"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
                          "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
                          "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "TelegramBot (like TwitterBot)"})
    ASSERT_EQ(click(Request{"GET", "/" + code, "", {{"User-Agent", bot}}}), 302);
  ASSERT_EQ(click({"GET", "/" + code, "", {}}), 302);  // no User-Agent at all: a script
  Request head = browser_get("/" + code);
  head.method = "HEAD";
  for (int i = 0; i < 3; ++i) ASSERT_EQ(click(head), 302);

  const auto stats = await_stats(alice, code, 6);
  EXPECT_EQ(stats.at("clicks").as_int64(), 6);
  // Bots arrive with the same rounds as humans; wait for them too.
  int64_t bots = stats.at("bots").as_int64();
  for (int i = 0; i < 100 && bots != 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    bots = alice.call("GET", "/api/v1/links/" + code + "/stats").num("bots");
  }
  EXPECT_EQ(bots, 5) << "four preview fetchers and one script; HEAD is never counted";
  EXPECT_EQ(alice.call("GET", "/api/v1/links/" + code).num("clicks"), 6) << "the link's clicks are humans only";
}

TEST_F(Clicks, BreakdownsByReferrerDeviceBrowserOsAndCountry) {
  const std::string code = new_link(alice);
  auto from = [&](const char* referer, const char* ua, const char* country) {
    Request r{"GET", "/" + code, "", {{"User-Agent", ua}}};
    if (*referer) r.header("Referer", referer);
    if (*country) r.header("CF-IPCountry", country);
    return click(r);
  };
  for (int i = 0; i < 3; ++i) ASSERT_EQ(from("https://www.news.example/story/1", kIphone, "DE"), 302);
  ASSERT_EQ(from("https://mail.example/inbox", kBrowserUserAgent, "fr"), 302);
  ASSERT_EQ(from("", kBrowserUserAgent, "not-a-country"), 302);

  const auto s = await_stats(alice, code, 5);
  EXPECT_EQ(count_for(s, "referrers", "news.example"), 3);
  EXPECT_EQ(count_for(s, "referrers", "mail.example"), 1);
  EXPECT_EQ(count_for(s, "referrers", "(direct)"), 1);
  EXPECT_EQ(count_for(s, "devices", "mobile"), 3);
  EXPECT_EQ(count_for(s, "devices", "desktop"), 2);
  EXPECT_EQ(count_for(s, "browsers", "Safari"), 3);
  EXPECT_EQ(count_for(s, "browsers", "Firefox"), 2);
  EXPECT_EQ(count_for(s, "os", "iOS"), 3);
  EXPECT_EQ(count_for(s, "os", "Linux"), 2);
  EXPECT_EQ(count_for(s, "countries", "DE"), 3);
  EXPECT_EQ(count_for(s, "countries", "FR"), 1);
  EXPECT_EQ(count_for(s, "countries", "(unknown)"), 1);
  EXPECT_EQ(s.at("unique_visitors").as_int64(), 2) << "one address, two browsers";
}

TEST_F(Clicks, StatsSeriesSumsToClicksAndTheRangeIsChecked) {
  const std::string code = new_link(alice);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(click(browser_get("/" + code)), 302);
  for (const std::string interval : {"hour", "day"}) {
    const auto s = await_stats(alice, code, 4, "?interval=" + interval);
    int64_t sum = 0;
    for (const auto& p : s.at("series").as_array()) sum += p.at("clicks").as_int64();
    EXPECT_EQ(sum, 4) << interval;
    EXPECT_EQ(s.at("interval").as_string(), interval);
  }
  // A range that ended before the clicks holds none of them.
  const auto old = alice.call("GET", "/api/v1/links/" + code + "/stats?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z&interval=hour");
  ASSERT_EQ(old.status(), 200) << old.http.body;
  EXPECT_EQ(old.num("clicks"), 0);
  EXPECT_EQ(old.json.at("series").as_array().size(), 24u);

  for (const std::string bad : {"?from=yesterday", "?interval=week", "?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
                                "?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&interval=hour"}) {
    const auto r = alice.call("GET", "/api/v1/links/" + code + "/stats" + bad);
    EXPECT_EQ(r.status(), 400) << bad;
    EXPECT_FALSE(r.error_code().empty()) << bad << ": " << r.http.body;
  }
}

TEST_F(Clicks, StatsAreTheOwnersAlone) {
  const std::string code = new_link(alice);
  EXPECT_EQ(bob.call("GET", "/api/v1/links/" + code + "/stats").status(), 404);
  EXPECT_EQ(http(server->port(), {"GET", "/api/v1/links/" + code + "/stats", "", {}}).status, 401);
  EXPECT_EQ(alice.call("POST", "/api/v1/links/" + code + "/stats").status(), 405);
  EXPECT_EQ(alice.call("GET", "/api/v1/links/nosuch1/stats").status(), 404);
}

TEST_F(Clicks, LeaderboardRanksTheCallersLinksOnly) {
  const std::string most = new_link(alice, "most"), less = new_link(alice, "less"), quiet = new_link(alice, "quiet");
  const std::string bobs = new_link(bob, "bob");
  for (int i = 0; i < 5; ++i) ASSERT_EQ(click(browser_get("/" + most)), 302);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(click(browser_get("/" + less)), 302);
  for (int i = 0; i < 9; ++i) ASSERT_EQ(click(browser_get("/" + bobs)), 302);
  ASSERT_EQ(await_clicks(alice, less, 2), 2);
  ASSERT_EQ(await_clicks(alice, most, 5), 5);
  for (const char* window : {"1h", "24h"}) {
    const auto top = alice.call("GET", std::string("/api/v1/stats/top?window=") + window);
    ASSERT_EQ(top.status(), 200) << top.http.body;
    const auto& links = top.json.at("links").as_array();
    ASSERT_EQ(links.size(), 2u) << top.http.body;
    EXPECT_EQ(links[0].at("code").as_string(), most);
    EXPECT_EQ(links[0].at("clicks").as_int64(), 5);
    EXPECT_EQ(links[1].at("code").as_string(), less);
  }
  ASSERT_EQ(alice.call("DELETE", "/api/v1/links/" + most).status(), 204);
  const auto after = alice.call("GET", "/api/v1/stats/top?window=24h&limit=1");
  ASSERT_EQ(after.json.at("links").as_array().size(), 1u);
  EXPECT_EQ(after.json.at("links").as_array()[0].at("code").as_string(), less) << "deleted links leave the board";
  EXPECT_EQ(alice.call("GET", "/api/v1/stats/top?window=7d").status(), 400);
  EXPECT_EQ(alice.call("GET", "/api/v1/stats/top?limit=0").status(), 400);
  (void)quiet;
}

TEST(ClickCountries, FromAMaxMindDbWhenNoEdgeHeaderSaysSo) {
  TempDir dir;
  const std::string db = dir.file("country.mmdb");
  write_country_mmdb(db, {{"127.0.0.0", 8, "NL"}});
  ServerProcess server({{"clicks.geoip_db", db}, {"clicks.country_header", "CF-IPCountry"},
                        {"clicks.aggregate_interval_ms", "200"}});
  server.start();
  ApiClient c(server.port());
  ASSERT_EQ(c.signup("geo@example.com").status(), 201);
  c.use_new_api_key();
  const std::string code = c.create_link(R"({"url":"https://example.com/"})").str("code");
  ASSERT_EQ(http(server.port(), browser_get("/" + code)).status, 302);  // from 127.0.0.1: the database says NL
  ASSERT_EQ(http(server.port(), browser_get("/" + code).header("CF-IPCountry", "JP")).status, 302);  // the edge wins
  const auto s = await_stats(c, code, 2);
  EXPECT_EQ(count_for(s, "countries", "NL"), 1);
  EXPECT_EQ(count_for(s, "countries", "JP"), 1);
}

TEST(ClickCountries, AnUnreadableDatabaseStopsStartWithTheReason) {
  TempDir dir;
  ServerProcess server({{"clicks.geoip_db", dir.file("missing.mmdb")}});
  EXPECT_ANY_THROW(server.start());
  EXPECT_NE(server.log().find("missing.mmdb"), std::string::npos) << server.log();
}

TEST(ClickArchiveOption, StagesEveryAppliedClickAsNdjsonForItsHour) {
  ServerProcess server(ServerProcess::Settings{{"clicks.archive", "true"}, {"clicks.aggregate_interval_ms", "200"}});
  server.start();
  ApiClient c(server.port());
  ASSERT_EQ(c.signup("archive@example.com").status(), 201);
  c.use_new_api_key();
  const std::string code = c.create_link(R"({"url":"https://example.com/"})").str("code");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(http(server.port(), browser_get("/" + code)).status, 302);
  ASSERT_EQ(http(server.port(), {"GET", "/" + code, "", {{"User-Agent", "Twitterbot/1.0"}}}).status, 302);
  await_stats(c, code, 3);
  // The hour is still open, so its lines are staged locally; they ship when it closes.
  std::string staged;
  for (int i = 0; i < 100 && std::count(staged.begin(), staged.end(), '\n') < 4; ++i) {
    staged.clear();
    for (const auto& f : std::filesystem::directory_iterator(server.data_dir() + "/archive")) {
      std::ifstream in(f.path());
      staged.append(std::istreambuf_iterator<char>(in), {});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(std::count(staged.begin(), staged.end(), '\n'), 4) << staged;
  EXPECT_NE(staged.find("\"bot\":true"), std::string::npos);
  EXPECT_EQ(staged.find("127.0.0.1"), std::string::npos) << "no addresses in the archive";
}

// Runs browser clicks against `port` until stopped; counts the redirects answered.
class Traffic {
 public:
  Traffic(int port, std::string code) {
    thread_ = std::thread([this, port, code] {
      while (!stop_) {
        HttpConnection conn(port);
        if (!conn.connected()) return;
        for (int i = 0; i < 50 && !stop_; ++i) {
          conn.send_raw(render_request(browser_get("/" + code)));
          auto r = conn.read_response();
          if (!r) break;
          if (r->status == 302) redirected_++;
        }
      }
    });
  }
  ~Traffic() { stop(); }
  // Bounded: false if the traffic could not get going.
  bool await(int at_least) {
    for (int i = 0; i < 2000 && redirected_ < at_least; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return redirected_ >= at_least;
  }
  int stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return redirected_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> redirected_{0};
  std::thread thread_;
};

TEST(ClickRestarts, ExactAcrossAGracefulRestartInTheMiddleOfTraffic) {
  TempDir data;
  ServerProcess first({}, data.file("data"));
  first.start();
  ApiClient c(first.port());
  ASSERT_EQ(c.signup("graceful@example.com").status(), 201);
  c.use_new_api_key();
  const std::string code = c.create_link(R"({"url":"https://example.com/"})").str("code");
  Traffic before(first.port(), code);
  ASSERT_TRUE(before.await(300)) << "traffic never reached the server";
  EXPECT_EQ(first.stop(SIGTERM), 0);  // SIGTERM lands while requests are in flight
  const int answered_before = before.stop();

  ServerProcess second({}, data.file("data"));
  second.start();
  Traffic after(second.port(), code);
  ASSERT_TRUE(after.await(200));
  const int answered_after = after.stop();
  ApiClient again(second.port());
  again.bearer = c.bearer;
  EXPECT_EQ(await_clicks(again, code, answered_before + answered_after), answered_before + answered_after)
      << "every answered redirect counted once, none lost";
}

TEST(ClickRestarts, AKill9LosesNothingThatReachedTheSpool) {
  TempDir data;
  // Aggregation is slowed right down so that every click is still only in the spool at the kill.
  ServerProcess first({{"clicks.aggregate_interval_ms", "600000"}}, data.file("data"));
  first.start();
  ApiClient c(first.port());
  ASSERT_EQ(c.signup("kill9@example.com").status(), 201);
  c.use_new_api_key();
  const std::string code = c.create_link(R"({"url":"https://example.com/"})").str("code");
  Traffic traffic(first.port(), code);
  ASSERT_TRUE(traffic.await(500));
  const int answered = traffic.stop();
  // Wait until every answered click is recorded and every batch made is synced and published.
  for (int i = 0; i < 400; ++i) {
    if (admin_metric(first, "shortstack_clicks_recorded_total") >= answered &&
        admin_metric(first, "shortstack_click_batches_published_total") >= admin_metric(first, "shortstack_click_batches_created_total"))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_EQ(admin_metric(first, "shortstack_click_batches_applied_total"), 0) << "nothing applied before the kill";
  first.stop(SIGKILL);

  ServerProcess second({}, data.file("data"));
  second.start();
  ApiClient again(second.port());
  again.bearer = c.bearer;
  EXPECT_EQ(await_clicks(again, code, answered), answered) << "the spool replayed every synced click";
  EXPECT_NE(second.log().find("click_spool_recovered"), std::string::npos);
}

}  // namespace
}  // namespace shortstack::testing
