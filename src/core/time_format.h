#pragma once
// RFC 3339 timestamps at the API boundary; inside, time is int64 Unix seconds (UTC).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shortstack {

// Parses "2026-11-22T01:23:00Z", "...T01:23:00.123+02:00" and the like. Fractions are truncated.
std::optional<int64_t> parse_rfc3339(std::string_view text);
// Always UTC with a 'Z', seconds precision.
std::string format_rfc3339(int64_t unix_seconds);
// "Sun, 22 Nov 2026 01:23:00 GMT", for the HTTP Date header.
std::string format_http_date(int64_t unix_seconds);
int64_t unix_now();

}  // namespace shortstack
