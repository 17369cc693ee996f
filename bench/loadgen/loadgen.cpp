// bench/loadgen: an open-loop HTTP load generator for loopback benchmarks.
//
// Each of C connections sends its share of a fixed request rate on a fixed schedule. A request's
// latency runs from when it was *due*, not from when it was sent, so a server that stalls is charged
// for the requests that queued behind the stall (no coordinated omission, unlike wrk).
//
//   loadgen --port P --rate R [--connections C] [--seconds S] [--paths-prefix /b --paths N]
//
// Prints two lines: a header and the values (req/s done, p50, p99, p99.9, max, errors, longest
// error window). Loops are bounded by --seconds; traffic goes to 127.0.0.1 only.
#include <boost/asio.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  int port = 8080;
  double rate = 1000;
  int connections = 16;
  double seconds = 5;
  std::string prefix = "/b";
  int paths = 1000000;
};

struct Stats {
  std::vector<uint32_t> latency_us;
  uint64_t errors = 0;
  Clock::time_point first_error{}, last_error{};
  double longest_error_window = 0;
  void error(Clock::time_point now) {
    ++errors;
    // Errors less than a second apart belong to one window.
    if (last_error == Clock::time_point{} || now - last_error > std::chrono::seconds(1)) first_error = now;
    last_error = now;
    longest_error_window = std::max(longest_error_window, std::chrono::duration<double>(last_error - first_error).count());
  }
};

// Reads one response: headers, then Content-Length bytes. Returns the status, or -1 on error.
asio::awaitable<int> read_response(tcp::socket& s, std::string& buf) {
  for (;;) {
    const size_t end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      size_t length = 0;
      const char* cl = strcasestr(buf.c_str(), "\r\ncontent-length:");
      if (cl && static_cast<size_t>(cl - buf.c_str()) < end) length = std::strtoul(cl + 17, nullptr, 10);
      while (buf.size() < end + 4 + length) {
        char tmp[16384];
        auto [ec, n] = co_await s.async_read_some(asio::buffer(tmp), asio::as_tuple(asio::use_awaitable));
        if (ec) co_return -1;
        buf.append(tmp, n);
      }
      const int status = std::atoi(buf.c_str() + 9);
      buf.erase(0, end + 4 + length);
      co_return status;
    }
    char tmp[16384];
    auto [ec, n] = co_await s.async_read_some(asio::buffer(tmp), asio::as_tuple(asio::use_awaitable));
    if (ec) co_return -1;
    buf.append(tmp, n);
  }
}

asio::awaitable<void> connection(const Options& o, int index, Clock::time_point start, Stats& stats) {
  auto ex = co_await asio::this_coro::executor;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(o.port));
  std::mt19937 rng(static_cast<unsigned>(index * 7919 + 1));
  std::uniform_int_distribution<int> pick(0, o.paths - 1);
  const auto interval = std::chrono::duration<double>(o.connections / o.rate);
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  tcp::socket s(ex);
  std::string buf;
  asio::steady_timer timer(ex);
  for (uint64_t k = 0;; ++k) {
    const auto due = start + std::chrono::duration_cast<Clock::duration>(interval * (static_cast<double>(k) + index / static_cast<double>(o.connections)));
    if (due >= end) break;
    if (Clock::now() < due) {
      timer.expires_at(due);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (!s.is_open()) {
      auto [ec] = co_await s.async_connect(ep, asio::as_tuple(asio::use_awaitable));
      if (ec) {
        s.close();
        stats.error(Clock::now());
        continue;
      }
      s.set_option(tcp::no_delay(true));
      buf.clear();
    }
    char path[64];
    std::snprintf(path, sizeof path, "%s%06d", o.prefix.c_str(), pick(rng));
    const std::string req = std::string("GET ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    auto [wec, wn] = co_await asio::async_write(s, asio::buffer(req), asio::as_tuple(asio::use_awaitable));
    const int status = wec ? -1 : co_await read_response(s, buf);
    const auto done = Clock::now();
    if (status < 200 || status >= 400) {
      stats.error(done);
      boost::system::error_code ignored;
      s.close(ignored);
      continue;
    }
    stats.latency_us.push_back(static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(done - due).count()));
  }
}

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") o.port = std::stoi(v);
    else if (k == "--rate") o.rate = std::stod(v);
    else if (k == "--connections") o.connections = std::stoi(v);
    else if (k == "--seconds") o.seconds = std::min(60.0, std::stod(v));  // bounded by design
    else if (k == "--paths-prefix") o.prefix = v;
    else if (k == "--paths") o.paths = std::stoi(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  asio::io_context io(1);
  Stats stats;
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  for (int i = 0; i < o.connections; ++i) asio::co_spawn(io, connection(o, i, start, stats), asio::detached);
  io.run();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  auto& l = stats.latency_us;
  std::sort(l.begin(), l.end());
  auto pct = [&](double p) { return l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<size_t>(p * l.size()))] / 1000.0; };
  std::printf("req/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | longest error window s\n");
  std::printf("%.0f | %.3f | %.3f | %.3f | %.3f | %llu | %.1f\n", l.size() / elapsed, pct(0.5), pct(0.99), pct(0.999),
              l.empty() ? 0.0 : l.back() / 1000.0, static_cast<unsigned long long>(stats.errors), stats.longest_error_window);
  return 0;
}
