// The fetcher against real sockets on loopback. Loopback is exactly what it must refuse, so each test
// names the one address it opens with the policy's allow-list, and checks that everything else
// (other loopback addresses, link-local, IPv6 loopback, hops reached through redirects) stays shut.
#include "fetch/safe_fetcher.h"

#include <gtest/gtest.h>

#include <thread>

#include "testing/canned_http_server.h"

namespace shortstack::fetch {
namespace {

using testing::canned_response;
using testing::CannedHttpServer;

FetchOptions allowing(std::initializer_list<const char*> networks) {
  FetchOptions o;
  for (const char* n : networks) o.policy.allowed.push_back(*Network::parse(n));
  o.timeout = std::chrono::seconds(5);
  return o;
}

std::string local(int port, const std::string& path = "/") { return "http://127.0.0.1:" + std::to_string(port) + path; }

TEST(SafeFetcher, FetchesFromAnAllowedAddressAndReportsWhatItGot) {
  CannedHttpServer server([](const std::string&) {
    return canned_response(200, "<title>hi</title>", "Content-Type: text/html\r\n");
  });
  auto got = fetch(local(server.port(), "/page"), allowing({"127.0.0.1/32"}));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, "<title>hi</title>");
  EXPECT_EQ(got->content_type, "text/html");
  EXPECT_EQ(got->redirects, 0u);
}

TEST(SafeFetcher, RefusesLoopbackPrivateAndMetadataAddressesBeforeConnecting) {
  CannedHttpServer server([](const std::string&) { return canned_response(200, "secret"); });
  const std::string port = std::to_string(server.port());
  for (const std::string& url : std::vector<std::string>{local(server.port()), "http://localhost:" + port + "/", "http://[::1]:" + port + "/",
                                "http://2130706433:" + port + "/", "http://0x7f.1:" + port + "/",
                                "http://[::ffff:127.0.0.1]:" + port + "/", "http://169.254.169.254/latest/meta-data/",
                                "http://10.0.0.1/", "http://0.0.0.0:" + port + "/"}) {
    auto got = fetch(url, FetchOptions{});
    ASSERT_FALSE(got) << url;
    EXPECT_EQ(got.error().code, "forbidden_address") << url << ": " << got.error().message;
  }
  EXPECT_EQ(server.requests(), 0) << "nothing reached the server";
}

TEST(SafeFetcher, ReChecksEveryRedirectHop) {
  int port = 0;
  CannedHttpServer server([&port](const std::string& path) {
    if (path == "/to-metadata") return canned_response(302, "", "Location: http://169.254.169.254/latest/\r\n");
    if (path == "/to-other-loopback")
      return canned_response(302, "", "Location: http://127.0.0.2:" + std::to_string(port) + "/\r\n");
    if (path == "/to-v6-loopback") return canned_response(301, "", "Location: http://[::1]:" + std::to_string(port) + "/\r\n");
    if (path == "/relative") return canned_response(307, "", "Location: /final\r\n");
    return canned_response(200, "final:" + path);
  });
  port = server.port();
  const auto options = allowing({"127.0.0.1/32"});
  for (const char* path : {"/to-metadata", "/to-other-loopback", "/to-v6-loopback"}) {
    auto got = fetch(local(server.port(), path), options);
    ASSERT_FALSE(got) << path;
    EXPECT_EQ(got.error().code, "forbidden_address") << path;
  }
  auto followed = fetch(local(server.port(), "/relative"), options);
  ASSERT_TRUE(followed) << followed.error().message;
  EXPECT_EQ(followed->body, "final:/final");
  EXPECT_EQ(followed->redirects, 1u);
  EXPECT_EQ(followed->url, local(server.port(), "/final"));
}

TEST(SafeFetcher, CapsRedirects) {
  CannedHttpServer server([](const std::string& path) {
    const int n = std::stoi(path.substr(1));
    return canned_response(302, "", "Location: /" + std::to_string(n + 1) + "\r\n");
  });
  auto options = allowing({"127.0.0.1/32"});
  options.max_redirects = 3;
  auto got = fetch(local(server.port(), "/0"), options);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "too_many_redirects");
  EXPECT_EQ(server.requests(), 4) << "the first request and three redirects, no more";
}

TEST(SafeFetcher, CapsTheBodyWhetherOrNotTheServerAnnouncesItsSize) {
  CannedHttpServer announced([](const std::string&) { return canned_response(200, std::string(5000, 'x')); });
  CannedHttpServer unannounced([](const std::string&) {
    return "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + std::string(5000, 'y');
  });
  auto options = allowing({"127.0.0.1/32"});
  options.max_body_bytes = 1000;
  for (int port : {announced.port(), unannounced.port()}) {
    auto got = fetch(local(port), options);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, "too_large");
  }
  options.max_body_bytes = 5000;
  EXPECT_TRUE(fetch(local(unannounced.port()), options));
}

TEST(SafeFetcher, CapsTheTime) {
  CannedHttpServer slow([](const std::string&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    return canned_response(200, "late");
  });
  auto options = allowing({"127.0.0.1/32"});
  options.timeout = std::chrono::milliseconds(300);
  auto got = fetch(local(slow.port()), options);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "fetch_timeout");
}

TEST(SafeFetcher, RefusesWhatIsNotAnHttpUrl) {
  for (const char* url : {"file:///etc/passwd", "gopher://127.0.0.1/", "ftp://example.com/", "not a url",
                          "http://user:pass@example.com/", "http://"}) {
    auto got = fetch(url, FetchOptions{});
    ASSERT_FALSE(got) << url;
    EXPECT_EQ(got.error().code, "invalid_url") << url << ": " << got.error().message;
  }
}

}  // namespace
}  // namespace shortstack::fetch
