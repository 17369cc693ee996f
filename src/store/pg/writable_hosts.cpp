#include "store/pg/writable_hosts.h"

#include <libpq-fe.h>

#include <memory>
#include <string_view>

namespace shortstack::store::pg {
namespace {

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  for (size_t start = 0;;) {
    const size_t comma = s.find(',', start);
    out.emplace_back(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

// A key=value value, quoted as libpq reads it.
std::string quoted(std::string_view v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The i-th of a comma list that names one entry per host, or the only entry, which applies to all.
std::string nth(const std::vector<std::string>& list, size_t i) { return list.size() == 1 ? list[0] : list[i]; }

}  // namespace

std::optional<ConnectPlan> plan_connect(const std::string& url, std::string* error) {
  char* err = nullptr;
  std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> options(PQconninfoParse(url.c_str(), &err),
                                                                         PQconninfoFree);
  if (!options) {
    if (error) *error = "the PostgreSQL URL cannot be parsed";
    PQfreemem(err);
    return std::nullopt;
  }
  std::vector<std::string> hosts, hostaddrs, ports;
  bool read_write = false;
  for (auto* o = options.get(); o->keyword; ++o) {
    if (!o->val) continue;
    const std::string_view key = o->keyword;
    if (key == "host") hosts = split_commas(o->val);
    else if (key == "hostaddr") hostaddrs = split_commas(o->val);
    else if (key == "port") ports = split_commas(o->val);
    else if (key == "target_session_attrs") read_write = std::string_view(o->val) == "read-write";
  }
  const size_t n = std::max(hosts.size(), hostaddrs.size());
  if (!read_write || n < 2) return ConnectPlan{{url}, read_write};
  if ((!hosts.empty() && hosts.size() != n) || (!hostaddrs.empty() && hostaddrs.size() != n) ||
      (ports.size() > 1 && ports.size() != n)) {
    if (error) *error = "the PostgreSQL URL names a different number of hosts and ports";
    return std::nullopt;
  }
  ConnectPlan plan{{}, true};
  for (size_t i = 0; i < n; ++i) {
    std::string c;
    for (auto* o = options.get(); o->keyword; ++o) {
      const std::string_view key = o->keyword;
      if (!o->val || key == "target_session_attrs") continue;
      std::string value = o->val;
      if (key == "host") value = hosts[i];
      else if (key == "hostaddr") value = hostaddrs[i];
      else if (key == "port") value = nth(ports, i);
      c += std::string(key) + "=" + quoted(value) + " ";
    }
    plan.candidates.push_back(c);
  }
  return plan;
}

}  // namespace shortstack::store::pg
