// bench/loadgen: an open-loop HTTP load generator for benchmarks and failure drills.
//
// Each of C connections sends its share of a fixed request rate on a fixed schedule; a request's
// latency runs from when it was due, not when it was sent (no coordinated omission, unlike wrk).
// Creations and stats reads, when asked for, run on connections of their own.
// The mix can include link creations, stats reads (one link) and listings (the key owner's newest
// links, which stage 5 reads from a replica) beside redirects; every creation the server
// acknowledges (201) is written to --acked, and --verify checks later that each of them still
// redirects to its URL: how the drills count acknowledged links lost.
//
//   loadgen --host IP --port P --rate R [--connections C] [--seconds S] [--timeout-ms T]
//           [--codes FILE | --paths-prefix /b --paths N] [--create-share F --acked FILE] [--stats-share F]
//           [--list-share F]
//   loadgen --host IP --port P --verify FILE
//
// The API key for creations and stats comes from $LOADGEN_API_KEY (never the command line, which
// other users can read). Listings use $LOADGEN_LIST_KEY when set: an account that reads without
// writing, as most readers at a time are (a replica can serve it; a writer's next read needs its
// write replayed first). Traffic goes only to loopback or the project's zones (10.78.0.0/16), and
// every run is bounded by --seconds (at most 120).
#include <boost/asio.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "http_exchange.h"
#include "outcomes.h"

namespace asio = boost::asio;
using namespace loadgen;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  double rate = 1000;
  int connections = 16;
  double seconds = 5;
  int timeout_ms = 5000;
  std::string prefix = "/b";
  int paths = 1000000;
  std::string codes_file;
  double create_share = 0;
  double stats_share = 0;
  double list_share = 0;
  std::string acked_file;
  std::string verify_file;
  std::string api_key;
  std::string list_key;  // listings' account; empty: api_key's
};

enum Kind { kRedirect, kCreate, kStats, kList, kKinds };
constexpr const char* kKindNames[kKinds] = {"redirect", "create", "stats", "list"};

struct Run {
  const Options& o;
  std::vector<std::string> codes;
  Outcomes outcomes[kKinds];
  std::vector<std::string> acked;  // "code url" per acknowledged creation
  uint64_t created = 0;
};

bool allowed_target(const std::string& host) {
  return host.rfind("127.", 0) == 0 || host.rfind("10.78.", 0) == 0;
}

std::string json_field(const std::string& body, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  const size_t at = body.find(key);
  if (at == std::string::npos) return {};
  const size_t end = body.find('"', at + key.size());
  return end == std::string::npos ? std::string() : body.substr(at + key.size(), end - at - key.size());
}

std::string request_for(Run& run, Kind kind, std::mt19937& rng, int connection, uint64_t k) {
  const Options& o = run.o;
  const std::string host = "Host: " + o.host + "\r\n";
  auto pick_code = [&] {
    if (!run.codes.empty()) return run.codes[std::uniform_int_distribution<size_t>(0, run.codes.size() - 1)(rng)];
    char path[32];
    std::snprintf(path, sizeof path, "%s%06d", o.prefix.c_str() + 1, std::uniform_int_distribution<int>(0, o.paths - 1)(rng));
    return std::string(path);
  };
  if (kind == kCreate) {
    const std::string body = "{\"url\":\"https://example.com/loadgen/" + std::to_string(connection) + "/" + std::to_string(k) + "\"}";
    return "POST /api/v1/links HTTP/1.1\r\n" + host + "Authorization: Bearer " + o.api_key +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  if (kind == kStats)
    return "GET /api/v1/links/" + pick_code() + " HTTP/1.1\r\n" + host + "Authorization: Bearer " + o.api_key + "\r\n\r\n";
  if (kind == kList)
    return "GET /api/v1/links?limit=10 HTTP/1.1\r\n" + host + "Authorization: Bearer " +
           (o.list_key.empty() ? o.api_key : o.list_key) + "\r\n\r\n";
  return "GET /" + pick_code() + " HTTP/1.1\r\n" + host + "\r\n";
}

// An API request's kind from a point x in [0, create + stats + list shares).
Kind api_kind(const Options& o, double x) {
  if (x < o.create_share) return kCreate;
  return x < o.create_share + o.stats_share ? kStats : kList;
}

bool succeeded(Kind kind, int status) {
  if (kind == kRedirect) return status >= 300 && status < 400;
  if (kind == kCreate) return status == 201;
  return status == 200;
}

// One connection's traffic: `rate` requests per second of the kinds `api_share` picks between.
struct Lane {
  int index;        // among all connections
  int peers;        // connections sharing this lane's kinds (their requests interleave)
  double rate;      // requests per second for this connection
  bool api;         // creations and stats reads; else redirects only
};

asio::awaitable<void> drive(Run& run, Lane lane, Clock::time_point start) {
  const Options& o = run.o;
  const int index = lane.index;
  Connection conn(co_await asio::this_coro::executor,
                  tcp::endpoint(asio::ip::make_address(o.host), static_cast<uint16_t>(o.port)),
                  std::chrono::milliseconds(o.timeout_ms));
  std::mt19937 rng(static_cast<unsigned>(index * 7919 + 1));
  std::uniform_real_distribution<double> share(0, 1);
  const double api_share = o.create_share + o.stats_share + o.list_share;
  const auto interval = std::chrono::duration<double>(1.0 / lane.rate);
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (uint64_t k = 0;; ++k) {
    const auto due = start + std::chrono::duration_cast<Clock::duration>(interval * (static_cast<double>(k) + (index % lane.peers) / static_cast<double>(lane.peers)));
    if (due >= end) break;
    if (Clock::now() < due) {
      timer.expires_at(due);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    const Kind kind = !lane.api ? kRedirect : api_kind(o, share(rng) * api_share);
    const Response r = co_await conn.exchange(request_for(run, kind, rng, index, k));
    const auto done = Clock::now();
    if (!succeeded(kind, r.status)) {
      run.outcomes[kind].error(done, r.status);
      continue;
    }
    run.outcomes[kind].ok(due, done);
    if (kind == kCreate) run.acked.push_back(json_field(r.body, "code") + " " + json_field(r.body, "url"));
  }
}

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// Seconds from the start of the run to a kind's last error (0: none): a drill subtracts the moment
// of its fault to get that kind's recovery time.
double last_error_at(const Outcomes& s, Clock::time_point start) {
  return s.errors == 0 ? 0.0 : std::chrono::duration<double>(s.last_error - start).count();
}

void report(Run& run, double elapsed, Clock::time_point start) {
  std::printf("kind | ok/s | ok | errors | p50 ms | p99 ms | p99.9 ms | max ms | longest error window s | last error at s\n");
  for (int k = 0; k < kKinds; ++k) {
    Outcomes& s = run.outcomes[k];
    if (s.latency_us.empty() && s.errors == 0) continue;
    std::printf("%s | %.0f | %zu | %llu | %.3f | %.3f | %.3f | %.3f | %.1f | %.1f\n", kKindNames[k], s.latency_us.size() / elapsed,
                s.latency_us.size(), static_cast<unsigned long long>(s.errors), s.percentile_ms(0.5), s.percentile_ms(0.99),
                s.percentile_ms(0.999), s.percentile_ms(1.0), s.longest_error_window, last_error_at(s, start));
  }
  for (int k = 0; k < kKinds; ++k)
    for (const auto& [status, n] : run.outcomes[k].error_statuses)
      std::printf("%s errors with status %d: %llu\n", kKindNames[k], status, static_cast<unsigned long long>(n));
  // One machine-readable line for the drill scripts.
  std::printf("summary");
  for (int k = 0; k < kKinds; ++k)
    std::printf(" %s_ok=%zu %s_errors=%llu %s_window_s=%.1f %s_last_error_s=%.1f", kKindNames[k], run.outcomes[k].latency_us.size(),
                kKindNames[k], static_cast<unsigned long long>(run.outcomes[k].errors), kKindNames[k],
                run.outcomes[k].longest_error_window, kKindNames[k], last_error_at(run.outcomes[k], start));
  std::printf(" acked=%zu\n", run.acked.size());
}

int traffic(const Options& o) {
  Run run{o, {}, {}, {}, 0};
  if (!o.codes_file.empty()) run.codes = read_lines(o.codes_file);
  asio::io_context io(1);
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  // API requests get connections of their own (a quarter more): a client population does not make
  // a redirect wait behind someone else's slow creation, so neither does the load generator.
  const double api_share = o.create_share + o.stats_share + o.list_share;
  const int api_connections = api_share > 0 ? std::max(2, o.connections / 4) : 0;
  const int redirect_connections = api_share >= 1 ? 0 : o.connections;
  for (int i = 0; i < redirect_connections; ++i)
    asio::co_spawn(io, drive(run, Lane{i, redirect_connections, o.rate * (1 - api_share) / redirect_connections, false}, start),
                   asio::detached);
  for (int i = 0; i < api_connections; ++i)
    asio::co_spawn(io, drive(run, Lane{redirect_connections + i, api_connections, o.rate * api_share / api_connections, true}, start),
                   asio::detached);
  io.run();
  report(run, std::chrono::duration<double>(Clock::now() - start).count(), start);
  if (!o.acked_file.empty()) {
    std::ofstream out(o.acked_file);
    for (const auto& line : run.acked) out << line << "\n";
  }
  return 0;
}

// Every acknowledged link must still redirect to exactly its URL. An answer of 5xx, or none, says
// the service is still recovering, not that the link is gone: such codes are asked again (for at
// most a minute in all) and reported apart if they never answer. Lost means a 404 or 410, or a
// different Location.
int verify(const Options& o) {
  const auto lines = read_lines(o.verify_file);
  size_t lost = 0, unanswered = 0;
  asio::io_context io(1);
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    Connection conn(co_await asio::this_coro::executor,
                    tcp::endpoint(asio::ip::make_address(o.host), static_cast<uint16_t>(o.port)),
                    std::chrono::milliseconds(o.timeout_ms));
    asio::steady_timer pause(co_await asio::this_coro::executor);
    const auto give_up = Clock::now() + std::chrono::seconds(60);
    for (const auto& line : lines) {
      const std::string code = line.substr(0, line.find(' '));
      const std::string url = line.substr(line.find(' ') + 1);
      Response r = co_await conn.exchange("GET /" + code + " HTTP/1.1\r\nHost: " + o.host + "\r\n\r\n");
      while ((r.status < 0 || r.status >= 500) && Clock::now() < give_up) {
        pause.expires_after(std::chrono::milliseconds(250));
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        r = co_await conn.exchange("GET /" + code + " HTTP/1.1\r\nHost: " + o.host + "\r\n\r\n");
      }
      if (r.status < 0 || r.status >= 500) {
        ++unanswered;
        std::fprintf(stderr, "unanswered: %s (status %d)\n", code.c_str(), r.status);
      } else if (r.status < 300 || r.status >= 400 || r.location != url) {
        ++lost;
        std::fprintf(stderr, "lost: %s (status %d, location '%s', want '%s')\n", code.c_str(), r.status, r.location.c_str(), url.c_str());
      }
    }
  }, asio::detached);
  io.run();
  std::printf("verify checked=%zu lost=%zu unanswered=%zu\n", lines.size(), lost, unanswered);
  return lost == 0 && unanswered == 0 ? 0 : 1;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--host") o.host = v;
    else if (k == "--port") o.port = std::stoi(v);
    else if (k == "--rate") o.rate = std::stod(v);
    else if (k == "--connections") o.connections = std::stoi(v);
    else if (k == "--seconds") o.seconds = std::min(120.0, std::stod(v));  // bounded by design
    else if (k == "--timeout-ms") o.timeout_ms = std::stoi(v);
    else if (k == "--paths-prefix") o.prefix = v;
    else if (k == "--paths") o.paths = std::stoi(v);
    else if (k == "--codes") o.codes_file = v;
    else if (k == "--create-share") o.create_share = std::stod(v);
    else if (k == "--stats-share") o.stats_share = std::stod(v);
    else if (k == "--list-share") o.list_share = std::stod(v);
    else if (k == "--acked") o.acked_file = v;
    else if (k == "--verify") o.verify_file = v;
    else throw std::invalid_argument("unknown option " + k);
  }
  if (const char* key = std::getenv("LOADGEN_API_KEY")) o.api_key = key;
  if (const char* key = std::getenv("LOADGEN_LIST_KEY")) o.list_key = key;
  if (!allowed_target(o.host)) throw std::invalid_argument("only loopback or the project's zones (10.78.x.x)");
  if ((o.create_share > 0 || o.stats_share > 0 || o.list_share > 0) && o.api_key.empty())
    throw std::invalid_argument("creations, stats and listings need $LOADGEN_API_KEY");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    return o.verify_file.empty() ? traffic(o) : verify(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loadgen: %s\n", e.what());
    return 2;
  }
}
