#pragma once
// shortstack's settings. Precedence: built-in stage-1 defaults < TOML file < SHORTSTACK_* environment
// variables < command-line flags. Every setting has one dotted key ("server.listen"); its environment
// variable is that key upper-cased with '.' as '_' (SHORTSTACK_SERVER_LISTEN).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shortstack::config {

struct ReplicaSetting {
  std::string zone;
  std::string url;
};
// "ZONE=postgresql://..." (the zone in [a-z0-9-]); nullopt for anything else.
std::optional<ReplicaSetting> parse_replica_setting(const std::string& text);

// cache.positive_ttl_ms unset: the L1 lifetime is chosen by where links live (l1_positive_ttl_ms).
inline constexpr int64_t kPositiveTtlByStore = -1;
// clicks.spread_round_max_ms unset: chosen by the queue's ack timeout (spread_round_max_ms).
inline constexpr int64_t kSpreadRoundByQueue = -1;
// The in-process queue (stage 1) redelivers a batch its consumer has not acked after this long. That
// consumer dies only with the process, when the spool replays everything unacked anyway, so the
// timeout only has to outlast a gathered round (clicks.spread_round_max_ms) and its commit.
inline constexpr int64_t kInProcessQueueAckTimeoutMs = 120'000;

struct Config {
  struct Server {
    std::string listen = "127.0.0.1:8080";
    std::string admin_listen = "127.0.0.1:9090";
    std::string public_url;  // empty: http://<listen>
    int64_t threads = 0;     // event loops; 0 = one per core
    int64_t blocking_threads = 32;
    int64_t max_connections = 10000;
    int64_t max_header_bytes = 8192;
    int64_t max_body_bytes = 1024 * 1024;
    int64_t read_timeout_ms = 10000;
    int64_t idle_timeout_ms = 60000;
    // Sent as Strict-Transport-Security on every response when public_url is https:// (TLS ends at
    // the load balancer, so the URL users see is what says the service is served over TLS). 0: off.
    int64_t hsts_max_age = 31536000;
    // The availability zone this instance runs in ("a", "b"); reads go to read replicas of this zone.
    std::string zone;
  } server;
  struct Storage {
    std::string data_dir = "./var";
    std::string links = "sqlite";
    std::string accounts = "sqlite";
    std::string sessions = "sqlite";
    std::string cache = "memory";
    std::string rate_limiter = "memory";
    std::string blobs = "disk";
    std::string queue = "memory";
    std::string analytics = "sqlite";  // click rollups; its own database (analytics.db) at stage 1
    std::string leaderboard = "store";  // "store": ranked from the analytics store; "redis": sorted sets
    bool auto_migrate = true;
    int64_t sqlite_writer_cache_mib = 64;  // page cache of the SQLite writer connection
  } storage;
  // The main PostgreSQL (links, accounts, sessions, abuse reports) when a store is "postgres".
  struct Postgres {
    std::string url;  // libpq URL or key=value string; point it at PgBouncer in production
    int64_t pool_size = 16;
    int64_t pool_max_waiters = 64;       // callers beyond this fail fast with 503
    int64_t timeout_ms = 3000;           // client-side, the wait for a connection included
    int64_t statement_timeout_ms = 2000; // server-side (behind PgBouncer: set it on the role instead)
    std::string search_path;             // a schema other than the default (tests use one each)
    // The analytics database (storage.analytics = postgres): its own server from stage 8; empty: url.
    std::string analytics_url;
    // Read replicas (stage 5), each "ZONE=postgresql://...": listings and cold redirects read one of
    // server.zone's while it lags at most replica_max_lag_ms; everything else reads the primary.
    std::vector<std::string> replicas;
    int64_t replica_max_lag_ms = 2000;
    int64_t topology_probe_ms = 1000;  // how often each replica's role and lag are asked
  } postgres;
  // Redis, when the sessions, rate limiter, cache or leaderboard are "redis".
  struct Redis {
    std::string address = "127.0.0.1:6379";
    // With Sentinel (stage 4 on): HOST:PORT of each sentinel; the primary's address is asked of them
    // on every (re)connect, so a failover is followed without a restart. Empty: `address` is used.
    std::vector<std::string> sentinels;
    std::string master_name = "shortstack";
    std::string password;  // never logged
    int64_t pool_size = 16;
    int64_t timeout_ms = 200;  // connect and each command; an outage then costs each caller this once per second
  } redis;
  // NATS JetStream, when storage.queue = "nats": click batches go to `shortstack worker` processes.
  struct Nats {
    std::string url = "nats://127.0.0.1:4222";
    std::string stream = "SHORTSTACK";
    std::string subject_prefix = "ss";
    int64_t ack_wait_ms = 30000;  // a batch a worker took and did not ack is redelivered after this
  } nats;
  // An S3-compatible object store, when storage.blobs = "s3" (AWS S3, MinIO, Swift with s3api).
  struct S3 {
    std::string endpoint = "https://s3.amazonaws.com";
    std::string region = "us-east-1";
    std::string bucket;
    std::string access_key;
    std::string secret_key;  // never logged
    bool path_style = true;  // false: virtual-host addressing (bucket.endpoint)
  } s3;
  struct Cache {
    int64_t l1_entries = 1'000'000;  // 0: no L1 at all (only to measure the L2 alone)
    // How long an L1 entry is trusted; -1: chosen by where links live (l1_positive_ttl_ms below).
    int64_t positive_ttl_ms = kPositiveTtlByStore;
    int64_t negative_ttl_ms = 30'000;
    bool warm_on_start = true;  // load the newest links into L1 in the background after start
    // The shared L2 (storage.cache = "redis"): how long an entry lives there, and how long the
    // marker a change leaves lives: it must outlast any store read (postgres.timeout_ms), so a read
    // that began before the change cannot put the old link back.
    int64_t l2_ttl_ms = 300'000;
    int64_t l2_tombstone_ms = 10'000;
  } cache;
  struct Links {
    int64_t max_url_length = 2048;
    std::vector<std::string> blocked_domains;
    // More blocked domains, one per line ('#' comments), read at start and again on SIGHUP.
    std::string blocklist_file;
    // Creating links without an account. Off: POST /api/v1/links needs credentials (401). On: links
    // without an owner, limited per address by limits.anonymous_create_per_hour_per_ip.
    bool anonymous_create = false;
  } links;
  struct Auth {
    int64_t session_idle_ttl_s = 7 * 86400;
    int64_t session_absolute_ttl_s = 30 * 86400;
    bool cookie_secure = false;
    int64_t argon2_memory_kib = 19 * 1024;
    int64_t argon2_iterations = 2;
  } auth;
  struct Limits {
    double signup_per_minute_per_ip = 10;
    double login_per_minute_per_ip = 30;
    double login_per_minute_per_account = 10;
    double create_per_second_per_user = 50;
    double create_burst_per_user = 200;
    // Per client address too, so one host cannot spread a burst over many accounts.
    double create_per_second_per_ip = 100;
    double create_burst_per_ip = 400;
    // Password attempts on protected links.
    double unlock_per_minute_per_link = 10;
    double unlock_per_minute_per_ip = 30;
    // And per API key, so one leaked key of an account cannot use up the account's whole allowance.
    double create_per_second_per_key = 50;
    double create_burst_per_key = 200;
    double anonymous_create_per_hour_per_ip = 20;
    // Failed log-ins per account: this many in a row pass, then one more per refill interval, so a
    // password guesser is slowed to a crawl while the owner, who knows it, is not.
    double login_failures_per_account = 5;
    double login_failure_refill_s = 60;
    double abuse_reports_per_hour_per_ip = 10;
  } limits;
  struct Clicks {
    // How often the aggregator takes what the queue holds into its round, and applies a round that is
    // small or dense, in one transaction: how soon totals show on a quiet site.
    int64_t aggregate_interval_ms = 1000;
    // A round that is large (over 5,000 link-hours) and spread (under two clicks per link-hour) keeps
    // gathering, up to this long or this many link-hours (~400 bytes each), before it is written:
    // every link-hour written costs the analytics store ~6 us however many clicks it carries.
    // Unset: half the queue's ack timeout, at most 30 s (spread_round_max_ms below).
    int64_t spread_round_max_ms = kSpreadRoundByQueue;
    int64_t round_max_link_hours = 1'000'000;
    // The embedded analytics store appends each round and folds the appends into the hourly rows
    // this often, or once this many have gathered: longer means fewer row rewrites when clicks spread
    // over many links, and more to fold (and index in memory, ~50 bytes each) at once.
    int64_t compact_interval_ms = 60'000;
    int64_t compact_max_deltas = 1'000'000;
    bool record = true;  // false: redirects are not counted at all (for benchmarks of the bare path)
    // The local spool that bounds what a kill -9 loses to clicks appended in the last sync interval.
    bool spool = true;
    int64_t spool_sync_ms = 20;
    // A header set by a trusted edge with the visitor's country (CF-IPCountry,
    // CloudFront-Viewer-Country). Empty: countries are not recorded. Only set it when every request
    // passes through that edge, or clients can claim any country.
    std::string country_header;
    // A MaxMind DB file (GeoLite2-Country and the like) for countries by address, used when the
    // country header is not configured or absent. Empty: no lookup.
    std::string geoip_db;
    std::string bots_file;  // replaces the built-in bot list (data/bots.txt) when set
    // Raw clicks as gzip NDJSON per UTC hour in the BlobStore (clicks/YYYY/MM/DD/HH.ndjson.gz).
    bool archive = false;
    // Keys the daily visitor hashes. Empty: a random secret kept in <data_dir>/visitor.secret.
    // Instances of one deployment must share it.
    std::string visitor_secret;
  } clicks;
  struct Drain {
    int64_t grace_ms = 5000;    // readiness is 503 but requests are still served, so the LB can notice
    int64_t timeout_ms = 20000; // then in-flight requests get this long to finish
  } drain;
  struct Log {
    std::string level = "info";
    bool access_log = false;
  } log;
};

// The L1 lifetime of a found link: cache.positive_ttl_ms when set, else by where links live.
// - In the embedded SQLite store (stage 1) every change passes through this process, which drops its
//   copy as it commits, and the data-dir lock keeps any other serve out: a lifetime only recycles
//   entries, so it is a day. Refilling a million randomly clicked links every few minutes cost about
//   1.8 us per redirect (bench/RESULTS.md, session 7).
// - In PostgreSQL other instances change links too. Their changes reach this one through the Redis
//   change feed when there is one, and the lifetime bounds how stale a copy can get when there is
//   none, or while the feed is down: 5 minutes.
int64_t l1_positive_ttl_ms(const Config& config);

// How long a large, spread click round may gather: clicks.spread_round_max_ms when set, else half the
// queue's ack timeout (so the round's batches are acked before the queue hands them out again),
// at most 30 s, which is how stale totals may get under such load.
int64_t spread_round_max_ms(const Config& config);

struct LoadResult {
  Config config;
  std::vector<std::string> errors;  // every problem found, each a full sentence naming the setting
};

// Reads the file when given (an empty path means defaults only), then the environment.
LoadResult load(const std::string& path, char** environ_vars);
// Applies one "key=value" style override (used by flags and the environment).
std::optional<std::string> set(Config& config, std::string_view key, std::string_view value);
// Checks values and their combinations; returns every problem found.
std::vector<std::string> validate(const Config& config);

struct HostPort {
  std::string host;
  uint16_t port = 0;
};
std::optional<HostPort> parse_host_port(std::string_view text);

// All known keys, for documentation and `config check`.
std::vector<std::string> known_keys();

}  // namespace shortstack::config
