#include "config/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <map>

namespace shortstack::config {
namespace {

// A setting knows how to parse itself from text (environment, flags) and from a TOML node.
struct Setting {
  std::function<std::optional<std::string>(Config&, std::string_view)> from_text;
  std::function<std::optional<std::string>(Config&, const toml::node&)> from_toml;
};

std::optional<std::string> parse_int(std::string_view t, int64_t& out) {
  int64_t v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return "expected an integer, got '" + std::string(t) + "'";
  out = v;
  return std::nullopt;
}

std::optional<std::string> parse_double(std::string_view t, double& out) {
  char* end = nullptr;
  const std::string s(t);
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0') return "expected a number, got '" + s + "'";
  out = v;
  return std::nullopt;
}

std::optional<std::string> parse_bool(std::string_view t, bool& out) {
  if (t == "true" || t == "1" || t == "yes" || t == "on") out = true;
  else if (t == "false" || t == "0" || t == "no" || t == "off") out = false;
  else return "expected true or false, got '" + std::string(t) + "'";
  return std::nullopt;
}

std::vector<std::string> split_list(std::string_view t) {
  std::vector<std::string> out;
  while (!t.empty()) {
    const size_t comma = t.find(',');
    std::string_view item = t.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    t.remove_prefix(comma + 1);
  }
  return out;
}

template <class Field>
Setting string_setting(Field field) {
  return {[field](Config& c, std::string_view t) -> std::optional<std::string> {
            field(c) = std::string(t);
            return std::nullopt;
          },
          [field](Config& c, const toml::node& n) -> std::optional<std::string> {
            if (!n.is_string()) return "expected a string";
            field(c) = *n.value<std::string>();
            return std::nullopt;
          }};
}

template <class Field>
Setting int_setting(Field field) {
  return {[field](Config& c, std::string_view t) { return parse_int(t, field(c)); },
          [field](Config& c, const toml::node& n) -> std::optional<std::string> {
            if (!n.is_integer()) return "expected an integer";
            field(c) = *n.value<int64_t>();
            return std::nullopt;
          }};
}

template <class Field>
Setting double_setting(Field field) {
  return {[field](Config& c, std::string_view t) { return parse_double(t, field(c)); },
          [field](Config& c, const toml::node& n) -> std::optional<std::string> {
            if (!n.is_number()) return "expected a number";
            field(c) = *n.value<double>();
            return std::nullopt;
          }};
}

template <class Field>
Setting bool_setting(Field field) {
  return {[field](Config& c, std::string_view t) { return parse_bool(t, field(c)); },
          [field](Config& c, const toml::node& n) -> std::optional<std::string> {
            if (!n.is_boolean()) return "expected true or false";
            field(c) = *n.value<bool>();
            return std::nullopt;
          }};
}

template <class Field>
Setting list_setting(Field field) {
  return {[field](Config& c, std::string_view t) -> std::optional<std::string> {
            field(c) = split_list(t);
            return std::nullopt;
          },
          [field](Config& c, const toml::node& n) -> std::optional<std::string> {
            const auto* arr = n.as_array();
            if (!arr) return "expected an array of strings";
            std::vector<std::string> out;
            for (const auto& item : *arr) {
              if (!item.is_string()) return "expected an array of strings";
              out.push_back(*item.value<std::string>());
            }
            field(c) = std::move(out);
            return std::nullopt;
          }};
}

#define FIELD(path) [](Config& c) -> auto& { return c.path; }

const std::map<std::string, Setting, std::less<>>& settings() {
  static const std::map<std::string, Setting, std::less<>> all = {
      {"server.listen", string_setting(FIELD(server.listen))},
      {"server.admin_listen", string_setting(FIELD(server.admin_listen))},
      {"server.public_url", string_setting(FIELD(server.public_url))},
      {"server.threads", int_setting(FIELD(server.threads))},
      {"server.blocking_threads", int_setting(FIELD(server.blocking_threads))},
      {"server.max_connections", int_setting(FIELD(server.max_connections))},
      {"server.max_header_bytes", int_setting(FIELD(server.max_header_bytes))},
      {"server.max_body_bytes", int_setting(FIELD(server.max_body_bytes))},
      {"server.read_timeout_ms", int_setting(FIELD(server.read_timeout_ms))},
      {"server.idle_timeout_ms", int_setting(FIELD(server.idle_timeout_ms))},
      {"server.hsts_max_age", int_setting(FIELD(server.hsts_max_age))},
      {"storage.data_dir", string_setting(FIELD(storage.data_dir))},
      {"storage.links", string_setting(FIELD(storage.links))},
      {"storage.accounts", string_setting(FIELD(storage.accounts))},
      {"storage.sessions", string_setting(FIELD(storage.sessions))},
      {"storage.cache", string_setting(FIELD(storage.cache))},
      {"storage.leaderboard", string_setting(FIELD(storage.leaderboard))},
      {"storage.rate_limiter", string_setting(FIELD(storage.rate_limiter))},
      {"storage.blobs", string_setting(FIELD(storage.blobs))},
      {"storage.queue", string_setting(FIELD(storage.queue))},
      {"storage.analytics", string_setting(FIELD(storage.analytics))},
      {"storage.auto_migrate", bool_setting(FIELD(storage.auto_migrate))},
      {"postgres.url", string_setting(FIELD(postgres.url))},
      {"redis.address", string_setting(FIELD(redis.address))},
      {"nats.url", string_setting(FIELD(nats.url))},
      {"s3.endpoint", string_setting(FIELD(s3.endpoint))},
      {"s3.region", string_setting(FIELD(s3.region))},
      {"s3.bucket", string_setting(FIELD(s3.bucket))},
      {"s3.access_key", string_setting(FIELD(s3.access_key))},
      {"s3.secret_key", string_setting(FIELD(s3.secret_key))},
      {"s3.path_style", bool_setting(FIELD(s3.path_style))},
      {"nats.stream", string_setting(FIELD(nats.stream))},
      {"nats.subject_prefix", string_setting(FIELD(nats.subject_prefix))},
      {"nats.ack_wait_ms", int_setting(FIELD(nats.ack_wait_ms))},
      {"redis.password", string_setting(FIELD(redis.password))},
      {"redis.sentinels", list_setting(FIELD(redis.sentinels))},
      {"redis.master_name", string_setting(FIELD(redis.master_name))},
      {"redis.pool_size", int_setting(FIELD(redis.pool_size))},
      {"redis.timeout_ms", int_setting(FIELD(redis.timeout_ms))},
      {"postgres.pool_size", int_setting(FIELD(postgres.pool_size))},
      {"postgres.pool_max_waiters", int_setting(FIELD(postgres.pool_max_waiters))},
      {"postgres.timeout_ms", int_setting(FIELD(postgres.timeout_ms))},
      {"postgres.statement_timeout_ms", int_setting(FIELD(postgres.statement_timeout_ms))},
      {"postgres.search_path", string_setting(FIELD(postgres.search_path))},
      {"postgres.analytics_url", string_setting(FIELD(postgres.analytics_url))},
      {"postgres.replicas", list_setting(FIELD(postgres.replicas))},
      {"postgres.replica_max_lag_ms", int_setting(FIELD(postgres.replica_max_lag_ms))},
      {"postgres.topology_probe_ms", int_setting(FIELD(postgres.topology_probe_ms))},
      {"server.zone", string_setting(FIELD(server.zone))},
      {"storage.sqlite_writer_cache_mib", int_setting(FIELD(storage.sqlite_writer_cache_mib))},
      {"cache.l1_entries", int_setting(FIELD(cache.l1_entries))},
      {"cache.positive_ttl_ms", int_setting(FIELD(cache.positive_ttl_ms))},
      {"cache.negative_ttl_ms", int_setting(FIELD(cache.negative_ttl_ms))},
      {"cache.warm_on_start", bool_setting(FIELD(cache.warm_on_start))},
      {"cache.l2_ttl_ms", int_setting(FIELD(cache.l2_ttl_ms))},
      {"cache.l2_tombstone_ms", int_setting(FIELD(cache.l2_tombstone_ms))},
      {"links.max_url_length", int_setting(FIELD(links.max_url_length))},
      {"links.blocked_domains", list_setting(FIELD(links.blocked_domains))},
      {"links.blocklist_file", string_setting(FIELD(links.blocklist_file))},
      {"auth.session_idle_ttl_s", int_setting(FIELD(auth.session_idle_ttl_s))},
      {"auth.session_absolute_ttl_s", int_setting(FIELD(auth.session_absolute_ttl_s))},
      {"auth.cookie_secure", bool_setting(FIELD(auth.cookie_secure))},
      {"auth.argon2_memory_kib", int_setting(FIELD(auth.argon2_memory_kib))},
      {"auth.argon2_iterations", int_setting(FIELD(auth.argon2_iterations))},
      {"limits.signup_per_minute_per_ip", double_setting(FIELD(limits.signup_per_minute_per_ip))},
      {"limits.login_per_minute_per_ip", double_setting(FIELD(limits.login_per_minute_per_ip))},
      {"limits.login_per_minute_per_account", double_setting(FIELD(limits.login_per_minute_per_account))},
      {"limits.create_per_second_per_user", double_setting(FIELD(limits.create_per_second_per_user))},
      {"limits.create_burst_per_user", double_setting(FIELD(limits.create_burst_per_user))},
      {"limits.create_per_second_per_ip", double_setting(FIELD(limits.create_per_second_per_ip))},
      {"limits.create_burst_per_ip", double_setting(FIELD(limits.create_burst_per_ip))},
      {"limits.unlock_per_minute_per_link", double_setting(FIELD(limits.unlock_per_minute_per_link))},
      {"limits.unlock_per_minute_per_ip", double_setting(FIELD(limits.unlock_per_minute_per_ip))},
      {"limits.create_per_second_per_key", double_setting(FIELD(limits.create_per_second_per_key))},
      {"limits.create_burst_per_key", double_setting(FIELD(limits.create_burst_per_key))},
      {"limits.anonymous_create_per_hour_per_ip", double_setting(FIELD(limits.anonymous_create_per_hour_per_ip))},
      {"limits.login_failures_per_account", double_setting(FIELD(limits.login_failures_per_account))},
      {"limits.login_failure_refill_s", double_setting(FIELD(limits.login_failure_refill_s))},
      {"limits.abuse_reports_per_hour_per_ip", double_setting(FIELD(limits.abuse_reports_per_hour_per_ip))},
      {"links.anonymous_create", bool_setting(FIELD(links.anonymous_create))},
      {"clicks.aggregate_interval_ms", int_setting(FIELD(clicks.aggregate_interval_ms))},
      {"clicks.spread_round_max_ms", int_setting(FIELD(clicks.spread_round_max_ms))},
      {"clicks.round_max_link_hours", int_setting(FIELD(clicks.round_max_link_hours))},
      {"clicks.record", bool_setting(FIELD(clicks.record))},
      {"clicks.compact_interval_ms", int_setting(FIELD(clicks.compact_interval_ms))},
      {"clicks.compact_max_deltas", int_setting(FIELD(clicks.compact_max_deltas))},
      {"clicks.spool", bool_setting(FIELD(clicks.spool))},
      {"clicks.spool_sync_ms", int_setting(FIELD(clicks.spool_sync_ms))},
      {"clicks.country_header", string_setting(FIELD(clicks.country_header))},
      {"clicks.geoip_db", string_setting(FIELD(clicks.geoip_db))},
      {"clicks.bots_file", string_setting(FIELD(clicks.bots_file))},
      {"clicks.archive", bool_setting(FIELD(clicks.archive))},
      {"clicks.visitor_secret", string_setting(FIELD(clicks.visitor_secret))},
      {"drain.grace_ms", int_setting(FIELD(drain.grace_ms))},
      {"drain.timeout_ms", int_setting(FIELD(drain.timeout_ms))},
      {"log.level", string_setting(FIELD(log.level))},
      {"log.access_log", bool_setting(FIELD(log.access_log))},
  };
  return all;
}

std::string env_name(std::string_view key) {
  std::string out = "SHORTSTACK_";
  for (char c : key) out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

void load_toml(const std::string& path, Config& c, std::vector<std::string>& errors) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    errors.push_back(path + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
                     std::string(e.description()));
    return;
  }
  for (const auto& [section, node] : root) {
    const auto* table = node.as_table();
    if (!table) {
      errors.push_back("'" + std::string(section.str()) + "' must be a section such as [server]");
      continue;
    }
    for (const auto& [name, value] : *table) {
      const std::string key = std::string(section.str()) + "." + std::string(name.str());
      auto it = settings().find(key);
      if (it == settings().end()) {
        errors.push_back("unknown setting '" + key + "' (line " + std::to_string(value.source().begin.line) + ")");
        continue;
      }
      if (auto problem = it->second.from_toml(c, value))
        errors.push_back("'" + key + "' (line " + std::to_string(value.source().begin.line) + "): " + *problem);
    }
  }
}

bool one_of(const std::string& v, std::initializer_list<const char*> options) {
  for (const char* o : options)
    if (v == o) return true;
  return false;
}

}  // namespace

std::vector<std::string> known_keys() {
  std::vector<std::string> keys;
  for (const auto& [k, s] : settings()) keys.push_back(k);
  return keys;
}

std::optional<std::string> set(Config& c, std::string_view key, std::string_view value) {
  auto it = settings().find(key);
  if (it == settings().end()) return "unknown setting '" + std::string(key) + "'";
  if (auto problem = it->second.from_text(c, value)) return "'" + std::string(key) + "': " + *problem;
  return std::nullopt;
}

LoadResult load(const std::string& path, char** env) {
  LoadResult r;
  if (!path.empty()) load_toml(path, r.config, r.errors);
  for (const auto& [key, setting] : settings()) {
    const std::string name = env_name(key);
    for (char** e = env; e && *e; ++e) {
      std::string_view entry(*e);
      if (entry.size() > name.size() && entry.substr(0, name.size()) == name && entry[name.size()] == '=') {
        if (auto problem = setting.from_text(r.config, entry.substr(name.size() + 1)))
          r.errors.push_back(name + ": " + *problem);
      }
    }
  }
  return r;
}

std::optional<HostPort> parse_host_port(std::string_view t) {
  const size_t colon = t.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = t.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int64_t port = 0;
  if (parse_int(t.substr(colon + 1), port) || port < 0 || port > 65535) return std::nullopt;
  return HostPort{std::string(host), static_cast<uint16_t>(port)};
}

std::optional<ReplicaSetting> parse_replica_setting(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  ReplicaSetting r{text.substr(0, eq), text.substr(eq + 1)};
  for (char ch : r.zone)
    if (!(std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) || ch == '-'))
      return std::nullopt;
  if (r.url.rfind("postgresql://", 0) != 0 && r.url.rfind("postgres://", 0) != 0) return std::nullopt;
  return r;
}

namespace {

void validate_replicas(const Config& c, std::vector<std::string>& e) {
  if (c.postgres.replicas.empty()) return;
  // Never echo an entry: its URL may hold a password.
  for (size_t i = 0; i < c.postgres.replicas.size(); ++i)
    if (!parse_replica_setting(c.postgres.replicas[i]))
      e.push_back("'postgres.replicas' entry " + std::to_string(i + 1) + " must be ZONE=postgresql://... (zone in a-z, 0-9, -)");
  if (c.storage.links != "postgres") e.push_back("'postgres.replicas' needs 'storage.links' = 'postgres'");
  // Tombstones and write marks live in the shared cache; without it, a replica could answer for a
  // change it has not replayed.
  if (c.storage.cache != "redis")
    e.push_back("'postgres.replicas' needs 'storage.cache' = 'redis': change markers and read-your-writes marks live there");
  if (c.server.zone.empty()) e.push_back("'postgres.replicas' needs 'server.zone': reads use replicas of the instance's zone");
  if (c.postgres.replica_max_lag_ms < 100) e.push_back("'postgres.replica_max_lag_ms' must be at least 100");
  if (c.postgres.topology_probe_ms < 100) e.push_back("'postgres.topology_probe_ms' must be at least 100");
  if (c.cache.l2_tombstone_ms <= c.postgres.replica_max_lag_ms + c.postgres.topology_probe_ms)
    e.push_back("'cache.l2_tombstone_ms' must be longer than 'postgres.replica_max_lag_ms' plus "
                "'postgres.topology_probe_ms': a change's marker must outlive any replica allowed to miss it");
}

}  // namespace

int64_t l1_positive_ttl_ms(const Config& c) {
  if (c.cache.positive_ttl_ms != kPositiveTtlByStore) return c.cache.positive_ttl_ms;
  return c.storage.links == "sqlite" ? 24 * 3600'000 : 300'000;
}

namespace {
int64_t queue_ack_timeout_ms(const Config& c) {
  return c.storage.queue == "nats" ? c.nats.ack_wait_ms : kInProcessQueueAckTimeoutMs;
}
}  // namespace

int64_t spread_round_max_ms(const Config& c) {
  if (c.clicks.spread_round_max_ms != kSpreadRoundByQueue) return c.clicks.spread_round_max_ms;
  return std::min<int64_t>(30'000, queue_ack_timeout_ms(c) / 2);
}

std::vector<std::string> validate(const Config& c) {
  std::vector<std::string> e;
  auto positive = [&e](const char* key, int64_t v, int64_t min) {
    if (v < min) e.push_back(std::string("'") + key + "' must be at least " + std::to_string(min));
  };
  if (!parse_host_port(c.server.listen)) e.push_back("'server.listen' must be HOST:PORT, got '" + c.server.listen + "'");
  if (!parse_host_port(c.server.admin_listen))
    e.push_back("'server.admin_listen' must be HOST:PORT, got '" + c.server.admin_listen + "'");
  if (c.server.listen == c.server.admin_listen && parse_host_port(c.server.listen) &&
      parse_host_port(c.server.listen)->port != 0)
    e.push_back("'server.listen' and 'server.admin_listen' must differ");
  if (!c.server.public_url.empty() && c.server.public_url.rfind("http://", 0) != 0 &&
      c.server.public_url.rfind("https://", 0) != 0)
    e.push_back("'server.public_url' must start with http:// or https://");
  positive("server.threads", c.server.threads, 0);
  positive("server.blocking_threads", c.server.blocking_threads, 1);
  positive("server.max_connections", c.server.max_connections, 1);
  positive("server.max_header_bytes", c.server.max_header_bytes, 1024);
  positive("server.max_body_bytes", c.server.max_body_bytes, 1024);
  positive("server.read_timeout_ms", c.server.read_timeout_ms, 100);
  positive("server.idle_timeout_ms", c.server.idle_timeout_ms, 100);
  if (c.server.hsts_max_age < 0) e.push_back("'server.hsts_max_age' must be 0 (off) or more seconds");
  positive("storage.sqlite_writer_cache_mib", c.storage.sqlite_writer_cache_mib, 1);
  if (c.cache.l1_entries != 0) positive("cache.l1_entries", c.cache.l1_entries, 64);
  positive("cache.l2_ttl_ms", c.cache.l2_ttl_ms, 1);
  positive("cache.l2_tombstone_ms", c.cache.l2_tombstone_ms, 1);
  if (c.storage.cache == "redis" && c.cache.l2_tombstone_ms <= c.postgres.timeout_ms)
    e.push_back("'cache.l2_tombstone_ms' must be longer than 'postgres.timeout_ms': a store read that began "
                "before a change could otherwise put the old link back into the shared cache");
  if (c.cache.positive_ttl_ms != kPositiveTtlByStore && c.cache.positive_ttl_ms < 0)
    e.push_back("'cache.positive_ttl_ms' must be at least 0, or left unset to follow where links live");
  positive("cache.negative_ttl_ms", c.cache.negative_ttl_ms, 0);
  positive("links.max_url_length", c.links.max_url_length, 64);
  positive("auth.session_idle_ttl_s", c.auth.session_idle_ttl_s, 60);
  positive("auth.session_absolute_ttl_s", c.auth.session_absolute_ttl_s, 60);
  positive("auth.argon2_memory_kib", c.auth.argon2_memory_kib, 8);
  positive("auth.argon2_iterations", c.auth.argon2_iterations, 1);
  positive("clicks.aggregate_interval_ms", c.clicks.aggregate_interval_ms, 10);
  if (c.clicks.spread_round_max_ms != kSpreadRoundByQueue &&
      (c.clicks.spread_round_max_ms < 0 || c.clicks.spread_round_max_ms > queue_ack_timeout_ms(c) / 2))
    e.push_back("'clicks.spread_round_max_ms' must be between 0 and half the queue's ack timeout (" +
                std::to_string(queue_ack_timeout_ms(c) / 2) +
                " ms), so a gathered round is acked before the queue hands its batches out again; or left "
                "unset to follow the queue");
  positive("clicks.round_max_link_hours", c.clicks.round_max_link_hours, 1);
  positive("clicks.spool_sync_ms", c.clicks.spool_sync_ms, 1);
  positive("clicks.compact_interval_ms", c.clicks.compact_interval_ms, 100);
  positive("clicks.compact_max_deltas", c.clicks.compact_max_deltas, 1);
  if (!c.clicks.visitor_secret.empty() && c.clicks.visitor_secret.size() < 16)
    e.push_back("'clicks.visitor_secret' must be at least 16 characters");
  positive("drain.grace_ms", c.drain.grace_ms, 0);
  positive("drain.timeout_ms", c.drain.timeout_ms, 0);
  for (const auto& [key, v] : {std::pair{"limits.signup_per_minute_per_ip", c.limits.signup_per_minute_per_ip},
                               {"limits.login_per_minute_per_ip", c.limits.login_per_minute_per_ip},
                               {"limits.login_per_minute_per_account", c.limits.login_per_minute_per_account},
                               {"limits.create_per_second_per_user", c.limits.create_per_second_per_user},
                               {"limits.create_burst_per_user", c.limits.create_burst_per_user},
                               {"limits.create_per_second_per_ip", c.limits.create_per_second_per_ip},
                               {"limits.create_burst_per_ip", c.limits.create_burst_per_ip},
                               {"limits.unlock_per_minute_per_link", c.limits.unlock_per_minute_per_link},
                               {"limits.unlock_per_minute_per_ip", c.limits.unlock_per_minute_per_ip},
                               {"limits.create_per_second_per_key", c.limits.create_per_second_per_key},
                               {"limits.create_burst_per_key", c.limits.create_burst_per_key},
                               {"limits.anonymous_create_per_hour_per_ip", c.limits.anonymous_create_per_hour_per_ip},
                               {"limits.login_failures_per_account", c.limits.login_failures_per_account},
                               {"limits.login_failure_refill_s", c.limits.login_failure_refill_s},
                               {"limits.abuse_reports_per_hour_per_ip", c.limits.abuse_reports_per_hour_per_ip}})
    if (!(v > 0)) e.push_back(std::string("'") + key + "' must be greater than 0");
  if (c.storage.data_dir.empty()) e.push_back("'storage.data_dir' must not be empty");

  // Backends this build provides. The distributed ones arrive with stages 2-3.
  auto backend = [&e](const char* key, const std::string& v, std::initializer_list<const char*> available,
                      std::initializer_list<const char*> planned) {
    if (one_of(v, available)) return;
    if (one_of(v, planned))
      e.push_back(std::string("'") + key + "' = '" + v + "' is not available in this build yet");
    else
      e.push_back(std::string("'") + key + "' must be one of the known backends, got '" + v + "'");
  };
  backend("storage.links", c.storage.links, {"sqlite", "postgres"}, {});
  backend("storage.accounts", c.storage.accounts, {"sqlite", "postgres"}, {});
  backend("storage.sessions", c.storage.sessions, {"sqlite", "postgres", "redis"}, {});
  backend("storage.cache", c.storage.cache, {"memory", "redis"}, {});
  backend("storage.rate_limiter", c.storage.rate_limiter, {"memory", "redis"}, {});
  backend("storage.blobs", c.storage.blobs, {"disk", "s3"}, {});
  if (c.storage.blobs == "s3" && (c.s3.bucket.empty() || c.s3.access_key.empty() || c.s3.secret_key.empty()))
    e.push_back("'storage.blobs' = 's3' needs 's3.bucket', 's3.access_key' and 's3.secret_key'");
  if (c.storage.blobs == "s3" && c.s3.endpoint.rfind("http://", 0) != 0 && c.s3.endpoint.rfind("https://", 0) != 0)
    e.push_back("'s3.endpoint' must start with http:// or https://");
  backend("storage.queue", c.storage.queue, {"memory", "nats"}, {});
  backend("storage.analytics", c.storage.analytics, {"sqlite", "postgres"}, {});
  backend("storage.leaderboard", c.storage.leaderboard, {"store", "redis"}, {});
  // The embedded stores live in one process's data directory; mixing them with shared ones would
  // split one account's data between an instance's disk and the shared tier.
  if ((c.storage.links == "sqlite") != (c.storage.accounts == "sqlite"))
    e.push_back("'storage.links' and 'storage.accounts' must both be on this instance (sqlite) or both shared: "
                "links name their owners by user id");
  if (c.storage.accounts == "sqlite" && c.storage.sessions != "sqlite")
    e.push_back("'storage.accounts' = 'sqlite' keeps users on this instance; 'storage.sessions' must then be 'sqlite' too");
  if (c.storage.accounts != "sqlite" && c.storage.sessions == "sqlite")
    e.push_back("'storage.accounts' is shared but 'storage.sessions' = 'sqlite' is not: a session opened on one "
                "instance would be unknown to the others; use 'postgres' (or 'redis' when available)");
  const bool uses_postgres = c.storage.links == "postgres" || c.storage.accounts == "postgres" || c.storage.sessions == "postgres";
  if (uses_postgres && c.postgres.url.empty())
    e.push_back("'postgres.url' is required when a store is 'postgres'");
  if (c.storage.analytics == "postgres" && c.postgres.url.empty() && c.postgres.analytics_url.empty())
    e.push_back("'postgres.analytics_url' (or 'postgres.url') is required when 'storage.analytics' is 'postgres'");
  // Counts split between instances' own files would each be partial: shared links need shared analytics.
  if (c.storage.links != "sqlite" && c.storage.analytics == "sqlite")
    e.push_back("'storage.links' is shared but 'storage.analytics' = 'sqlite': each instance would count only its own "
                "clicks; use 'postgres'");
  if (!parse_host_port(c.redis.address)) e.push_back("'redis.address' must be HOST:PORT, got '" + c.redis.address + "'");
  positive("redis.pool_size", c.redis.pool_size, 1);
  for (const auto& s : c.redis.sentinels)
    if (!parse_host_port(s)) e.push_back("'redis.sentinels' entries must be HOST:PORT, got '" + s + "'");
  if (!c.redis.sentinels.empty() && c.redis.master_name.empty())
    e.push_back("'redis.master_name' is required with 'redis.sentinels'");
  positive("nats.ack_wait_ms", c.nats.ack_wait_ms, 100);
  // Workers apply what the queue carries to the analytics store; a store in one instance's own
  // file cannot be reached by them.
  if (c.storage.queue == "nats" && c.storage.analytics == "sqlite")
    e.push_back("'storage.queue' = 'nats' hands clicks to worker processes, which cannot reach an instance's "
                "'sqlite' analytics; use 'storage.analytics' = 'postgres'");
  positive("redis.timeout_ms", c.redis.timeout_ms, 1);
  positive("postgres.pool_size", c.postgres.pool_size, 1);
  positive("postgres.pool_max_waiters", c.postgres.pool_max_waiters, 0);
  positive("postgres.timeout_ms", c.postgres.timeout_ms, 10);
  positive("postgres.statement_timeout_ms", c.postgres.statement_timeout_ms, 0);
  for (char ch : c.postgres.search_path)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') {
      e.push_back("'postgres.search_path' must be a plain schema name (letters, digits, _)");
      break;
    }
  validate_replicas(c, e);
  if (!one_of(c.log.level, {"debug", "info", "warn", "error"}))
    e.push_back("'log.level' must be debug, info, warn or error, got '" + c.log.level + "'");
  return e;
}

}  // namespace shortstack::config
