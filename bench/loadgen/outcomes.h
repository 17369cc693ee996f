#pragma once
// Every request's outcome, per kind of request: latencies (from the time the request was *due*, so
// a stall is charged for everything queued behind it) and error windows. Errors less than a second
// apart belong to one window; the longest window is how long that kind was failing, which is what
// the drills report as its recovery time.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <vector>

namespace loadgen {

using Clock = std::chrono::steady_clock;

struct Outcomes {
  std::vector<uint32_t> latency_us;
  uint64_t errors = 0;
  std::map<int, uint64_t> error_statuses;  // -1: no answer (refused, reset, deadline)
  Clock::time_point first_error{}, last_error{};
  double longest_error_window = 0;

  void ok(Clock::time_point due, Clock::time_point done) {
    latency_us.push_back(static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(done - due).count()));
  }
  void error(Clock::time_point now, int status) {
    ++errors;
    ++error_statuses[status];
    if (last_error == Clock::time_point{} || now - last_error > std::chrono::seconds(1)) first_error = now;
    last_error = now;
    // A lone error is a window of its own, as long as one request.
    longest_error_window = std::max(longest_error_window, std::max(0.001, std::chrono::duration<double>(last_error - first_error).count()));
  }
  double percentile_ms(double p) {
    if (latency_us.empty()) return 0;
    std::sort(latency_us.begin(), latency_us.end());
    return latency_us[std::min(latency_us.size() - 1, static_cast<size_t>(p * latency_us.size()))] / 1000.0;
  }
};

}  // namespace loadgen
