// The L1 side of a redirect: find the pre-rendered entry and append it to the output buffer.
#include <benchmark/benchmark.h>

#include <random>

#include "links/link_resolver.h"

namespace {

using shortstack::links::Link;
using shortstack::links::LinkResolver;

// A store the benchmark never reaches: every code is loaded into L1 once, up front.
class FixedStore final : public shortstack::links::LinkStore {
 public:
  shortstack::Result<Link> create(const shortstack::links::NewLink&) override { return Link{}; }
  shortstack::Result<std::optional<Link>> find_by_code(std::string_view code) override {
    Link l;
    l.id = 1;
    l.code = std::string(code);
    l.url = "https://example.com/landing-page/spring-campaign";
    return std::optional<Link>(l);
  }
  shortstack::Result<shortstack::links::LinkPage> list_by_owner(int64_t, std::optional<int64_t>, size_t) override {
    return shortstack::links::LinkPage{};
  }
  shortstack::Status scan_recent(size_t, const std::function<void(const Link&)>&) override {
    return shortstack::ok_status();
  }
  shortstack::Result<std::optional<Link>> update(std::string_view, int64_t, const shortstack::links::LinkPatch&) override {
    return std::optional<Link>();
  }
  shortstack::Result<bool> remove(std::string_view, int64_t, int64_t) override { return false; }
  shortstack::Result<std::optional<Link>> moderate(std::string_view, std::string_view, int64_t) override {
    return std::optional<Link>();
  }
  shortstack::Result<std::vector<Link>> find_by_ids(const std::vector<int64_t>&) override {
    return std::vector<Link>{};
  }
};

std::vector<std::string> codes(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "b%06zu", i);
    out.emplace_back(buf);
  }
  return out;
}

void run(benchmark::State& state, size_t keys) {
  static auto resolver = std::make_shared<LinkResolver>(std::make_shared<FixedStore>(),
                                                        shortstack::links::ResolverOptions::with_l1(2'000'000));
  static const auto all = codes(1'000'000);
  static bool loaded = false;
  if (!loaded) {
    for (const auto& c : all) (void)resolver->load(c);
    loaded = true;
  }
  std::mt19937 rng(static_cast<unsigned>(state.thread_index() + 1));
  std::uniform_int_distribution<size_t> pick(0, keys - 1);
  std::string out;
  out.reserve(4096);
  const auto now = LinkResolver::Clock::now();
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(resolver->render_cached(all[pick(rng)], now, 1000, "Date: Sun, 22 Nov 2026 01:23:00 GMT\r\n",
                                                     true, false, false, out));
  }
}

void BM_L1HitHotKey(benchmark::State& state) { run(state, 1); }
void BM_L1HitRandomOf1M(benchmark::State& state) { run(state, 1'000'000); }
BENCHMARK(BM_L1HitHotKey)->Threads(1)->Threads(2);
BENCHMARK(BM_L1HitRandomOf1M)->Threads(1)->Threads(2);

}  // namespace
