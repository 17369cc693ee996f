// The process life cycle: graceful drain, exact clicks across a restart, and the CLI commands.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "store/migrations.h"
#include "testing/api_client.h"
#include "testing/server_process.h"

namespace shortstack::testing {
namespace {

TEST(Lifecycle, DrainTurnsReadinessTo503WhileStillServingThenExitsZero) {
  ServerProcess server(ServerProcess::Settings{{"drain.grace_ms", "1500"}});
  server.start();
  ApiClient c(server.port());
  ASSERT_EQ(c.signup("drain@example.com").status(), 201);
  c.use_new_api_key();
  const std::string code = c.create_link(R"({"url":"https://example.com/"})").str("code");

  std::thread stopper([&] { EXPECT_EQ(server.stop(SIGTERM), 0); });
  // During the grace period: not ready, yet redirects and the API still answer.
  bool saw_draining = false;
  for (int i = 0; i < 100 && !saw_draining; ++i) {
    saw_draining = http(server.admin_port(), {"GET", "/readyz", "", {}}).status == 503;
    if (!saw_draining) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(saw_draining);
  EXPECT_EQ(http(server.port(), {"GET", "/" + code, "", {}}).status, 302);
  stopper.join();
}

TEST(Cli, VersionMigrateAndConfigCheck) {
  std::string out;
  EXPECT_EQ(run_binary({"version"}, &out), 0);
  EXPECT_NE(out.find("shortstack "), std::string::npos);

  TempDir dir;
  EXPECT_EQ(run_binary({"migrate", "--data-dir", dir.file("d")}, &out), 0) << out;
  const size_t all = store::sqlite_migrations().size() + store::analytics_sqlite_migrations().size();
  EXPECT_NE(out.find("applied " + std::to_string(all) + " migrations"), std::string::npos) << out;
  EXPECT_EQ(run_binary({"migrate", "--data-dir", dir.file("d")}, &out), 0);
  EXPECT_NE(out.find("applied 0 migrations"), std::string::npos) << "migrations are idempotent: " << out;

  const std::string good = dir.file("good.toml"), bad = dir.file("bad.toml");
  std::ofstream(good) << "[server]\nlisten = \"127.0.0.1:8081\"\n";
  std::ofstream(bad) << "[server]\nlisten = \"nowhere\"\nthreads = -1\n[storage]\nlinks = \"postgres\"\nfoo = 1\n";
  EXPECT_EQ(run_binary({"config", "check", good}, &out), 0) << out;
  EXPECT_EQ(run_binary({"config", "check", bad}, &out), 1);
  for (const char* expected : {"'server.listen'", "'server.threads'", "'storage.links'", "unknown setting 'storage.foo'"})
    EXPECT_NE(out.find(expected), std::string::npos) << expected << " in:\n" << out;
  EXPECT_NE(run_binary({"serve", "--config", bad}, &out), 0) << "serve refuses a bad config";
}

TEST(Cli, ServeRefusesADataDirThatAnotherServeIsUsing) {
  ServerProcess server;
  server.start();
  std::string out;
  // Addresses that cannot be bound: had the lock let it through, this one exits at listen instead
  // of joining the first one's port, and the message check below fails rather than the test hanging.
  EXPECT_EQ(run_binary({"serve", "--data-dir", server.data_dir(), "--listen", "192.0.2.1:80", "--admin-listen",
                        "192.0.2.1:81"},
                       &out),
            1);
  EXPECT_NE(out.find("is using the data dir"), std::string::npos) << out;
  EXPECT_EQ(http(server.admin_port(), {"GET", "/readyz", "", {}}).status, 200) << "the first one is unharmed";
}

TEST(Cli, ServeRefusesAPortThatAnotherProcessListensOn) {
  ServerProcess server;
  server.start();
  TempDir dir;
  std::string out;
  // SO_REUSEPORT would have let it join the first one's port and take half its connections. The
  // admin address cannot be bound: had the public one been taken over, it still exits, and the
  // message check fails rather than the test hanging.
  EXPECT_EQ(run_binary({"serve", "--data-dir", dir.file("other"), "--listen",
                        "127.0.0.1:" + std::to_string(server.port()), "--admin-listen", "192.0.2.1:81"},
                       &out),
            1);
  EXPECT_NE(out.find("is in use: another process is listening on it"), std::string::npos) << out;
  EXPECT_EQ(http(server.port(), {"GET", "/zzzzzzz", "", {}}).status, 404) << "the first one still answers";
}

TEST(Logs, AreJsonLinesWithoutSecrets) {
  ServerProcess server(ServerProcess::Settings{{"log.access_log", "true"}});
  server.start();
  ApiClient c(server.port());
  ASSERT_EQ(c.signup("logs@example.com", "super secret password").status(), 201);
  c.use_new_api_key();
  const std::string code = c.create_link(R"({"url":"https://example.com/logged"})").str("code");
  http(server.port(), {"GET", "/" + code, "", {}});  // a miss, then an inline hit
  http(server.port(), {"GET", "/" + code, "", {}});
  http(server.port(), Request{"GET", "/api/v1/me", "", {{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
                                                    {"Authorization", "Bearer " + c.bearer}}});
  server.stop(SIGTERM);
  const std::string log = server.log();
  size_t lines = 0;
  for (size_t pos = 0; pos < log.size();) {
    const size_t eol = log.find('\n', pos);
    const std::string line = log.substr(pos, eol - pos);
    pos = eol == std::string::npos ? log.size() : eol + 1;
    if (line.empty()) continue;
    ++lines;
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    EXPECT_FALSE(ec) << line;
    if (!ec) {
      EXPECT_TRUE(v.as_object().contains("event")) << line;
    }
  }
  EXPECT_GT(lines, 3u);
  EXPECT_NE(log.find("0af7651916cd43dd8448eb211c80319c"), std::string::npos) << "traceparent is passed to the logs";
  EXPECT_NE(log.find("\"request_id\""), std::string::npos);
  EXPECT_EQ(log.find("\"request_id\":\"\""), std::string::npos) << "every access line has a request id";
  EXPECT_EQ(log.find("super secret password"), std::string::npos);
  EXPECT_EQ(log.find(c.bearer), std::string::npos);
  EXPECT_EQ(log.find("ss_session="), std::string::npos);
}

}  // namespace
}  // namespace shortstack::testing
