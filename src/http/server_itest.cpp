// The HTTP layer of the real binary: limits, malformed input, pipelining, timeouts, connection cap.
#include <gtest/gtest.h>

#include "testing/api_client.h"
#include "testing/server_process.h"

namespace shortstack::testing {
namespace {

bool is_json_error(const HttpResult& r, const std::string& code) {
  auto a = to_api_result(r);
  return a.error_code() == code && !a.json.at("error").at("message").as_string().empty();
}

class HttpLimits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = new ServerProcess(ServerProcess::Settings{{"server.max_body_bytes", "4096"}, {"server.idle_timeout_ms", "300"},
                                {"server.read_timeout_ms", "300"}});
    server->start();
  }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }
  static ServerProcess* server;
};
ServerProcess* HttpLimits::server = nullptr;

TEST_F(HttpLimits, OversizedBodyIs413WithAJsonError) {
  auto r = http(server->port(), {"POST", "/api/v1/links", std::string(5000, 'x'), {}});
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(is_json_error(r, "payload_too_large")) << r.body;
}

TEST_F(HttpLimits, OversizedHeaderIs431) {
  auto r = http(server->port(), Request{"GET", "/", "", {{"X-Big", std::string(9000, 'a')}}});
  EXPECT_EQ(r.status, 431);
  EXPECT_TRUE(is_json_error(r, "header_too_large")) << r.body;
}

TEST_F(HttpLimits, GarbageGets400AndTheConnectionCloses) {
  for (const std::string raw : {"HELLO\r\n\r\n", "GET /x HTTP/1.1\r\nBad Header\r\n\r\n", "GET /x HTTP/9.9\r\nHost: h\r\n\r\n",
                                "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"}) {
    HttpConnection c(server->port());
    c.send_raw(raw);
    auto r = c.read_response();
    ASSERT_TRUE(r) << raw;
    EXPECT_GE(r->status, 400) << raw;
    EXPECT_LT(r->status, 600) << raw;
    EXPECT_FALSE(to_api_result(*r).error_code().empty()) << r->body;
    EXPECT_TRUE(c.closed_by_peer(2000)) << raw;
  }
  EXPECT_EQ(http(server->port(), {"GET", "/", "", {}}).status, 200) << "the server is still fine";
}

TEST_F(HttpLimits, PipelinedRequestsAreAnsweredInOrder) {
  HttpConnection c(server->port());
  c.send_raw(render_request({"GET", "/", "", {}}) + render_request({"GET", "/nosuch", "", {}}) +
             render_request({"GET", "/api/v1/me", "", {}}));
  EXPECT_EQ(c.read_response()->status, 200);
  EXPECT_EQ(c.read_response()->status, 404);
  EXPECT_EQ(c.read_response()->status, 401);
}

TEST_F(HttpLimits, IdleConnectionsAreClosed) {
  HttpConnection c(server->port());
  c.send_raw(render_request({"GET", "/", "", {}}));
  ASSERT_TRUE(c.read_response());
  EXPECT_TRUE(c.closed_by_peer(5000)) << "idle timeout is 300 ms";
}

TEST_F(HttpLimits, SlowHeadersAreCutOff) {
  HttpConnection c(server->port());
  c.send_raw("GET / HTTP/1.1\r\nHost: h\r\n");  // and never finishes
  EXPECT_TRUE(c.closed_by_peer(5000)) << "read timeout is 300 ms";
}

TEST_F(HttpLimits, ConnectionCloseIsHonoured) {
  HttpConnection c(server->port());
  c.send_raw(render_request(Request{"GET", "/", "", {{"Connection", "close"}}}));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c.closed_by_peer(2000));
}

TEST(HttpConnectionCap, RefusesBeyondTheMaximumWith503) {
  ServerProcess server(ServerProcess::Settings{{"server.max_connections", "2"}});
  server.start();
  HttpConnection a(server.port()), b(server.port());
  a.send_raw(render_request({"GET", "/", "", {}}));
  b.send_raw(render_request({"GET", "/", "", {}}));
  ASSERT_TRUE(a.read_response());
  ASSERT_TRUE(b.read_response());
  HttpConnection third(server.port());
  auto r = third.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_TRUE(is_json_error(*r, "overloaded"));
}

TEST(AdminListener, HealthReadinessAndMetrics) {
  ServerProcess server;
  server.start();
  EXPECT_EQ(http(server.admin_port(), {"GET", "/healthz", "", {}}).status, 200);
  EXPECT_EQ(http(server.admin_port(), {"GET", "/readyz", "", {}}).status, 200);
  http(server.port(), {"GET", "/nosuch", "", {}});
  http(server.port(), {"GET", "/nosuch", "", {}});
  auto m = http(server.admin_port(), {"GET", "/metrics", "", {}});
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.header("content-type").find("text/plain"), std::string::npos);
  for (const char* name : {"shortstack_http_requests_total{route=\"redirect\",status=\"404\"}",
                           "shortstack_http_request_duration_seconds_bucket{route=\"redirect\"",
                           "shortstack_cache_misses_total", "shortstack_cache_negative_hits_total 1",
                           "shortstack_store_duration_seconds_count{op=\"read\"}", "shortstack_queue_depth",
                           "shortstack_http_requests_in_flight"})
    EXPECT_NE(m.body.find(name), std::string::npos) << name;
  EXPECT_EQ(http(server.port(), {"GET", "/metrics", "", {}}).status, 404) << "metrics are not public";
}

}  // namespace
}  // namespace shortstack::testing
