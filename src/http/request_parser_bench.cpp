// The parser's share of a redirect: one typical browser-ish GET.
#include <benchmark/benchmark.h>

#include "http/request_parser.h"

namespace {

void BM_ParseRedirectRequest(benchmark::State& state) {
  const std::string in =
      "GET /b123456 HTTP/1.1\r\nHost: sho.rt\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
      "(KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\nAccept: text/html,application/xhtml+xml\r\n"
      "Accept-Language: en-GB,en;q=0.9\r\nReferer: https://news.example/\r\n\r\n";
  shortstack::http::ParserLimits limits;
  for (auto _ : state) {
    shortstack::http::Request req;
    benchmark::DoNotOptimize(shortstack::http::parse_request(in, limits, req));
    benchmark::DoNotOptimize(req.path);
  }
}
BENCHMARK(BM_ParseRedirectRequest);

void BM_ParseMinimalGet(benchmark::State& state) {
  const std::string in = "GET /b123456 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  shortstack::http::ParserLimits limits;
  for (auto _ : state) {
    shortstack::http::Request req;
    benchmark::DoNotOptimize(shortstack::http::parse_request(in, limits, req));
  }
}
BENCHMARK(BM_ParseMinimalGet);

}  // namespace
