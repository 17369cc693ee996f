#include "app/app.h"

#include <signal.h>

#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <thread>

#include "api/admin_handler.h"
#include "api/api_handler.h"
#include "app/click_pipeline.h"
#include "app/data_dir_lock.h"
#include "app/stores.h"
#include "http/server.h"
#include "links/blocklist.h"
#include "log/log.h"
#include "metrics/metrics.h"

namespace shortstack::app {
namespace {

namespace fs = std::filesystem;

// The embedded databases: accounts, sessions and links in one; click analytics in their own, so click
// rounds never queue behind link creation on one writer thread.
struct Databases {
  std::shared_ptr<store::SqliteDb> main, analytics;
};

Result<std::shared_ptr<store::SqliteDb>> open_sqlite(const config::Config& c, const char* file,
                                                      const std::vector<store::Migration>& schema) {
  std::error_code ec;
  fs::create_directories(c.storage.data_dir, ec);
  if (ec) return internal_error("cannot create data dir " + c.storage.data_dir + ": " + ec.message());
  store::SqliteDb::Options options;
  options.writer_cache_kib = c.storage.sqlite_writer_cache_mib * 1024;
  auto db = store::SqliteDb::open((fs::path(c.storage.data_dir) / file).string(), options);
  if (!db || !c.storage.auto_migrate) return db;
  if (auto m = (*db)->migrate(schema); !m) return m.error();
  return db;
}

Result<Databases> open_databases(const config::Config& c) {
  auto main = open_sqlite(c, "shortstack.db", store::sqlite_migrations());
  if (!main) return main.error();
  auto analytics = open_sqlite(c, "analytics.db", store::analytics_sqlite_migrations());
  if (!analytics) return analytics.error();
  return Databases{*main, *analytics};
}

http::ListenerOptions listener_options(const config::Config& c, const std::string& address, bool all_loops) {
  const auto hp = *config::parse_host_port(address);
  http::ListenerOptions o;
  o.host = hp.host;
  o.port = hp.port;
  o.all_loops = all_loops;
  o.max_connections = static_cast<size_t>(c.server.max_connections);
  o.limits.max_header_bytes = static_cast<size_t>(c.server.max_header_bytes);
  o.limits.max_body_bytes = static_cast<size_t>(c.server.max_body_bytes);
  o.read_timeout = std::chrono::milliseconds(c.server.read_timeout_ms);
  o.idle_timeout = std::chrono::milliseconds(c.server.idle_timeout_ms);
  return o;
}

std::string public_url_for(const config::Config& c, uint16_t bound_port) {
  if (!c.server.public_url.empty()) {
    std::string u = c.server.public_url;
    while (!u.empty() && u.back() == '/') u.pop_back();
    return u;
  }
  return "http://" + config::parse_host_port(c.server.listen)->host + ":" + std::to_string(bound_port);
}

// Blocks until SIGTERM or SIGINT, calling on_hangup for each SIGHUP meanwhile. The signals were
// blocked in every thread before any was created, so exactly this thread receives them.
int wait_for_stop_signal(const std::function<void()>& on_hangup) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  for (;;) {
    int sig = 0;
    sigwait(&set, &sig);
    if (sig != SIGHUP) return sig;
    on_hangup();
  }
}

// The configured blocked domains plus those in links.blocklist_file.
Result<std::vector<std::string>> blocked_domains(const config::Config& c) {
  std::vector<std::string> all = c.links.blocked_domains;
  if (c.links.blocklist_file.empty()) return all;
  auto from_file = links::read_blocklist(c.links.blocklist_file);
  if (!from_file) return from_file.error();
  all.insert(all.end(), from_file->begin(), from_file->end());
  return all;
}

// "https://sho.rt:8443/x" → "sho.rt": links back to our own host would redirect in a loop.
std::string host_of(const std::string& url) {
  const size_t start = url.find("://") == std::string::npos ? 0 : url.find("://") + 3;
  const size_t end = url.find_first_of(":/", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

void wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

void add_queue_gauge(queue::Queue& q) {
  metrics::registry().add_gauge("shortstack_queue_depth", "Click batches published and not yet acked.", [&q] {
    auto n = q.pending(clicks::kClickSubject);
    return n ? static_cast<double>(*n) : -1.0;  // -1: the queue cannot be asked right now
  });
}

// Under clicks spread over many links the aggregator gathers a round for up to
// clicks.spread_round_max_ms before writing it: these say how large it is and how late its totals are.
void add_round_gauges(const ClickPipeline& pipeline) {
  auto progress = pipeline.round_progress();
  if (!progress) return;  // this process does not aggregate
  auto& reg = metrics::registry();
  reg.add_gauge("shortstack_click_round_link_hours", "Link-hours in the click round being gathered.",
                [progress] { return static_cast<double>(progress->link_hours.load()); });
  reg.add_gauge("shortstack_click_round_age_seconds",
                "How long the click round being gathered has been open (0: none is).",
                [progress] { return progress->age_seconds(); });
}

}  // namespace

Result<int> migrate(const config::Config& c) {
  config::Config explicit_migrate = c;
  explicit_migrate.storage.auto_migrate = false;
  auto dbs = open_databases(explicit_migrate);
  if (!dbs) return dbs.error();
  auto main = dbs->main->migrate(store::sqlite_migrations());
  if (!main) return main.error();
  auto analytics = dbs->analytics->migrate(store::analytics_sqlite_migrations());
  if (!analytics) return analytics.error();
  auto pg = open_postgres(explicit_migrate);
  if (!pg) return pg.error();
  int in_postgres = 0;
  if (*pg) {
    auto applied = (*pg)->migrate(store::postgres_migrations());
    if (!applied) return applied.error();
    in_postgres = *applied;
  }
  auto analytics_pg = open_analytics_postgres(explicit_migrate);
  if (!analytics_pg) return analytics_pg.error();
  if (*analytics_pg) {
    auto applied = (*analytics_pg)->migrate(store::analytics_postgres_migrations(), "analytics_schema_migrations");
    if (!applied) return applied.error();
    in_postgres += *applied;
  }
  return *main + *analytics + in_postgres;
}

Status set_role(const config::Config& c, const std::string& email, const std::string& role) {
  auto dbs = open_databases(c);
  if (!dbs) return dbs.error();
  auto pg = open_postgres(c);
  if (!pg) return pg.error();
  auto changed = main_stores(c, dbs->main, *pg, open_redis(c)).accounts->set_role(email, role);
  if (!changed) return changed.error();
  if (!*changed) return make_error(404, "not_found", "no user has the email " + email);
  return ok_status();
}

int serve(const config::Config& c) {
  // Before anything in the directory is opened: the spool's replay and the L1's trust need one owner.
  const auto data_dir_lock = DataDirLock::acquire(c.storage.data_dir);
  if (!data_dir_lock) {
    log::error("startup_failed", {{"error", data_dir_lock.error().message}});
    return 1;
  }
  auto dbs = open_databases(c);
  if (!dbs) {
    log::error("startup_failed", {{"error", dbs.error().message}});
    return 1;
  }
  auto pg = open_postgres(c);
  if (!pg) {
    log::error("startup_failed", {{"error", pg.error().message}});
    return 1;
  }
  const auto redis = open_redis(c);
  const MainStores stores = main_stores(c, dbs->main, *pg, redis);
  const auto& link_store = stores.links;
  const auto& account_store = stores.accounts;
  const auto& session_store = stores.sessions;
  auto opened_queue = open_queue(c);
  if (!opened_queue) {
    log::error("startup_failed", {{"error", opened_queue.error().message}});
    return 1;
  }
  const std::shared_ptr<queue::Queue> queue = *opened_queue;

  http::LoopGroup loops(static_cast<int>(c.server.threads));
  auto analytics_pg = open_analytics_postgres(c);
  if (!analytics_pg) {
    log::error("startup_failed", {{"error", analytics_pg.error().message}});
    return 1;
  }
  auto clicks = ClickPipeline::build(c, dbs->analytics, *analytics_pg, queue, redis, loops.size());
  if (!clicks) {
    log::error("startup_failed", {{"error", clicks.error().message}});
    return 1;
  }
  ClickPipeline& click_pipeline = **clicks;
  boost::asio::thread_pool blocking(static_cast<size_t>(c.server.blocking_threads));

  auto resolver = std::make_shared<links::LinkResolver>(link_store, resolver_options(c, redis));
  resolver->use_change_feed(change_feed(c, redis));
  auto blocked = blocked_domains(c);
  if (!blocked) {
    log::error("startup_failed", {{"error", blocked.error().message}});
    return 1;
  }
  links::UrlPolicy policy{static_cast<size_t>(c.links.max_url_length), *blocked, {}};
  // Secure cookies when configured, and whenever users reach us over TLS (at the load balancer).
  const bool cookie_secure = c.auth.cookie_secure || c.server.public_url.rfind("https://", 0) == 0;
  accounts::AuthOptions auth_options{c.auth.session_idle_ttl_s, c.auth.session_absolute_ttl_s, cookie_secure,
                                     {static_cast<uint32_t>(c.auth.argon2_iterations),
                                      static_cast<uint32_t>(c.auth.argon2_memory_kib), 1}};
  const auto& recorder = click_pipeline.recorder();

  std::atomic<bool> ready{false};
  api::ApiDeps deps;
  deps.auth = std::make_shared<accounts::AuthService>(account_store, session_store, auth_options);
  deps.resolver = resolver;
  if (c.clicks.record) deps.clicks = recorder;
  deps.click_store = click_pipeline.store();
  deps.leaderboard = click_pipeline.leaderboard();
  deps.country_header = c.clicks.country_header;
  if (!c.clicks.geoip_db.empty()) {
    auto geo = analytics::GeoIp::open(c.clicks.geoip_db);
    if (!geo) {
      log::error("startup_failed", {{"error", geo.error().message}});
      return 1;
    }
    deps.geoip = *geo;
  }
  deps.limiter = rate_limiter(c, redis);
  deps.access_log = c.log.access_log;
  deps.anonymous_create = c.links.anonymous_create;
  deps.abuse_reports = stores.abuse_reports;
  deps.limits = c.limits;
  auto link_service = std::make_shared<links::LinkService>(link_store, resolver, policy);
  link_service->set_password_params(auth_options.argon2);
  deps.links = link_service;
  api::ApiHandler api_handler(deps);
  api::AdminHandler admin_handler(ready);

  http::Listener public_listener(loops, blocking, api_handler, listener_options(c, c.server.listen, true));
  http::Listener admin_listener(loops, blocking, admin_handler, listener_options(c, c.server.admin_listen, false));
  uint16_t public_port = 0, admin_port = 0;
  try {
    public_port = public_listener.start();
    admin_port = admin_listener.start();
  } catch (const std::exception& e) {
    log::error("startup_failed", {{"error", std::string("cannot listen: ") + e.what()}});
    return 1;
  }
  // The public URL is known only once the port is bound (port 0 picks one); no request has arrived
  // yet because the loops have not started.
  const std::string public_url = public_url_for(c, public_port);
  api_handler.set_public_url(public_url);
  policy.own_hosts = {host_of(public_url)};
  link_service->set_policy(policy);

  for (size_t i = 0; i < loops.size(); ++i) loops.at(i).on_tick([&recorder, i] { recorder->flush(i); });
  auto& reg = metrics::registry();
  add_queue_gauge(*queue);
  add_round_gauges(click_pipeline);
  if (stores.read_routing.replicas) {
    // Weak: the registry outlives serve(), and the replica set's probe thread must stop with it.
    std::weak_ptr<store::pg::PgReplicaSet> weak = stores.read_routing.replicas;
    reg.add_gauge("shortstack_pg_replicas_fit", "Read replicas of this zone that may serve reads now.", [weak] {
      double n = 0;
      if (auto replicas = weak.lock())
        for (const auto& s : replicas->status()) n += s.fit ? 1 : 0;
      return n;
    });
    reg.add_gauge("shortstack_pg_replica_stale_seconds",
                  "The most any replica of this zone may be behind the primary (-1: no bound).", [weak] {
                    double worst = 0;
                    auto replicas = weak.lock();
                    if (!replicas) return worst;
                    for (const auto& s : replicas->status()) {
                      if (s.zone != replicas->local_zone()) continue;
                      if (!s.stale_ms) return -1.0;
                      worst = std::max(worst, *s.stale_ms / 1000);
                    }
                    return worst;
                  });
  }
  reg.add_gauge("shortstack_http_requests_in_flight", "Requests being handled now.",
                [&public_listener] { return static_cast<double>(public_listener.in_flight()); });
  reg.add_gauge("shortstack_http_open_connections", "Open client connections.",
                [&public_listener] { return static_cast<double>(public_listener.open_connections()); });
  reg.add_gauge("shortstack_cache_entries", "Entries in the redirect cache (L1).",
                [&resolver] { return static_cast<double>(resolver->l1_size()); });
  reg.add_gauge("shortstack_ready", "1 while accepting traffic, 0 while draining.",
                [&ready] { return ready.load() ? 1.0 : 0.0; });

  if (auto st = click_pipeline.start(); !st) {
    log::error("startup_failed", {{"error", st.error().message}});
    return 1;
  }
  if (c.server.public_url.rfind("https://", 0) == 0 && c.server.hsts_max_age > 0)
    (void)loops.set_fixed_headers("Strict-Transport-Security: max-age=" + std::to_string(c.server.hsts_max_age) + "\r\n");
  loops.start();
  ready.store(true);
  // Warming runs beside live traffic rather than before readiness: start-up stays fast, and requests
  // that arrive first are served by the normal miss path.
  std::thread warmer;
  if (c.cache.warm_on_start)
    warmer = std::thread([&resolver, limit = static_cast<size_t>(c.cache.l1_entries)] {
      const auto started = std::chrono::steady_clock::now();
      auto added = resolver->warm(limit);
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      if (added) log::info("l1_warmed", {{"entries", static_cast<int64_t>(*added)}, {"ms", static_cast<int64_t>(ms.count())}});
      else log::warn("l1_warm_failed", {{"error", added.error().message}});
    });
  log::info("ready", {{"listen", public_url}, {"admin_port", static_cast<int64_t>(admin_port)},
                      {"public_port", static_cast<int64_t>(public_port)}, {"loops", static_cast<int64_t>(loops.size())},
                      {"version", SHORTSTACK_VERSION}});

  const int sig = wait_for_stop_signal([&] {
    // A new blocklist applies to links created or retargeted from now on; a bad file changes nothing.
    auto reloaded = blocked_domains(c);
    if (!reloaded) return log::warn("blocklist_reload_failed", {{"error", reloaded.error().message}});
    links::UrlPolicy p = link_service->policy();
    p.blocked_domains = std::move(*reloaded);
    const auto count = static_cast<int64_t>(p.blocked_domains.size());
    link_service->set_policy(std::move(p));
    log::info("blocklist_reloaded", {{"domains", count}});
  });
  if (warmer.joinable()) warmer.join();
  // 1. Readiness turns to 503 while requests are still served, so the load balancer can take us out.
  ready.store(false);
  log::info("draining", {{"signal", sig}, {"grace_ms", c.drain.grace_ms}});
  std::this_thread::sleep_for(std::chrono::milliseconds(c.drain.grace_ms));
  // 2. Stop accepting; 3. let in-flight requests finish, closing each connection after its response.
  public_listener.stop_accepting();
  public_listener.begin_close_connections();
  wait_until([&] { return public_listener.open_connections() == 0; }, std::chrono::milliseconds(c.drain.timeout_ms));
  if (public_listener.open_connections() > 0)
    log::warn("drain_timeout", {{"open_connections", static_cast<int64_t>(public_listener.open_connections())}});
  // 4. Flush every loop's click buffer, then sync the spool and apply everything queued.
  loops.run_on_each([&recorder](http::EventLoop& loop) { recorder->flush(static_cast<size_t>(loop.index())); });
  admin_listener.stop_accepting();
  loops.stop();
  blocking.join();
  click_pipeline.drain();
  log::info("stopped", {{"clicks_recorded", reg.clicks_recorded.value()},
                        {"batches_applied", reg.click_batches_applied.value()}});
  return 0;
}

// The worker tier: no public listener, nothing to balance; it takes click batches from the durable
// queue and applies them to the analytics database. Any number can run; killing one at any moment
// leaves its unacked batches for the others, and the batch ids make a redelivery count once.
int worker(const config::Config& c) {
  if (c.storage.queue == "memory" || c.storage.analytics == "sqlite") {
    log::error("startup_failed", {{"error", "a worker needs storage.queue = nats and storage.analytics = postgres"}});
    return 1;
  }
  auto analytics_pg = open_analytics_postgres(c);
  auto queue = analytics_pg ? open_queue(c) : Result<std::shared_ptr<queue::Queue>>(analytics_pg.error());
  if (!queue) {
    log::error("startup_failed", {{"error", queue.error().message}});
    return 1;
  }
  auto pipeline = ClickPipeline::build(c, nullptr, *analytics_pg, *queue, open_redis(c), 0, ClickPipeline::Role::Worker);
  if (!pipeline) {
    log::error("startup_failed", {{"error", pipeline.error().message}});
    return 1;
  }
  std::atomic<bool> ready{false};
  http::LoopGroup loops(1);
  boost::asio::thread_pool blocking(2);
  api::AdminHandler admin_handler(ready);
  http::Listener admin_listener(loops, blocking, admin_handler, listener_options(c, c.server.admin_listen, false));
  uint16_t admin_port = 0;
  try {
    admin_port = admin_listener.start();
  } catch (const std::exception& e) {
    log::error("startup_failed", {{"error", std::string("cannot listen: ") + e.what()}});
    return 1;
  }
  add_queue_gauge(**queue);
  add_round_gauges(**pipeline);
  metrics::registry().add_gauge("shortstack_ready", "1 while working, 0 while stopping.",
                                [&ready] { return ready.load() ? 1.0 : 0.0; });
  if (auto st = (*pipeline)->start(); !st) {
    log::error("startup_failed", {{"error", st.error().message}});
    return 1;
  }
  loops.start();
  ready.store(true);
  log::info("worker_ready", {{"admin_port", static_cast<int64_t>(admin_port)}, {"version", SHORTSTACK_VERSION}});
  const int sig = wait_for_stop_signal([] {});
  ready.store(false);
  log::info("worker_stopping", {{"signal", sig}});
  (*pipeline)->stop();  // the round in progress commits; what is left stays queued for the others
  admin_listener.stop_accepting();
  loops.stop();
  blocking.join();
  log::info("stopped", {{"batches_applied", metrics::registry().click_batches_applied.value()}});
  return 0;
}

}  // namespace shortstack::app
