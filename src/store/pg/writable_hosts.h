#pragma once
// Finding the writable node ourselves, instead of libpq's target_session_attrs=read-write.
//
// libpq decides whether a server is writable from what it reports at login (in_hot_standby,
// default_transaction_read_only). Behind PgBouncer that report is the bouncer's cached copy from
// its first server login, so a bouncer whose node died or was demoted still "looks" writable, and
// libpq settles on it for good. So a URL naming several hosts with target_session_attrs=read-write
// is split into one connection string per host, and the pool asks each candidate
// `SELECT pg_is_in_recovery()` after connecting: a question that must reach the real server.
#include <optional>
#include <string>
#include <vector>

namespace shortstack::store::pg {

struct ConnectPlan {
  std::vector<std::string> candidates;  // connection strings, tried in order
  bool must_be_writable = false;        // ask each candidate whether it is a standby
};

// One candidate (the URL unchanged) unless it names several hosts and asks for read-write.
// nullopt when libpq cannot parse it; the error message never holds the URL (it may hold a password).
std::optional<ConnectPlan> plan_connect(const std::string& url, std::string* error = nullptr);

}  // namespace shortstack::store::pg
