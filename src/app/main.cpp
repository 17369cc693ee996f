// shortstack: serve | worker | migrate | admin grant|revoke EMAIL | version | config check FILE
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "config/config.h"
#include "log/log.h"

extern char** environ;

namespace {

using shortstack::config::Config;

struct Overrides {
  std::string config_file, listen, admin_listen, data_dir;
};

// Defaults, then the file, then SHORTSTACK_* variables, then flags; exits with 2 on any problem.
Config resolve_config(const Overrides& o) {
  auto loaded = shortstack::config::load(o.config_file, environ);
  auto apply = [&](const char* key, const std::string& v) {
    if (v.empty()) return;
    if (auto p = shortstack::config::set(loaded.config, key, v)) loaded.errors.push_back(*p);
  };
  apply("server.listen", o.listen);
  apply("server.admin_listen", o.admin_listen);
  apply("storage.data_dir", o.data_dir);
  for (auto& e : shortstack::config::validate(loaded.config)) loaded.errors.push_back(e);
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "config error: %s\n", e.c_str());
    std::exit(2);
  }
  shortstack::log::Level level;
  if (shortstack::log::parse_level(loaded.config.log.level, level)) shortstack::log::set_level(level);
  return loaded.config;
}

int check_config_file(const std::string& path) {
  auto loaded = shortstack::config::load(path, nullptr);
  for (auto& e : shortstack::config::validate(loaded.config)) loaded.errors.push_back(e);
  if (loaded.errors.empty()) {
    std::printf("%s: OK\n", path.c_str());
    return 0;
  }
  std::printf("%s: %zu problem%s\n", path.c_str(), loaded.errors.size(), loaded.errors.size() == 1 ? "" : "s");
  for (const auto& e : loaded.errors) std::printf("  - %s\n", e.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Block the stop signals before any thread exists, so every thread inherits the mask and only the
  // main thread's sigwait() sees them. A peer closing mid-write must not kill the process.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  CLI::App cli{"shortstack: a link shortener with click analytics"};
  cli.require_subcommand(1);
  Overrides o;

  auto* serve = cli.add_subcommand("serve", "Run the HTTP service");
  serve->add_option("--config", o.config_file, "TOML configuration file")->check(CLI::ExistingFile);
  serve->add_option("--listen", o.listen, "Public listener, HOST:PORT");
  serve->add_option("--admin-listen", o.admin_listen, "Admin listener (health, metrics), HOST:PORT");
  serve->add_option("--data-dir", o.data_dir, "Directory for the embedded stores");

  auto* worker = cli.add_subcommand("worker", "Apply queued click batches to the analytics store (stage 3 and up)");
  worker->add_option("--config", o.config_file, "TOML configuration file")->check(CLI::ExistingFile);
  worker->add_option("--admin-listen", o.admin_listen, "Admin listener (health, metrics), HOST:PORT");
  worker->add_option("--data-dir", o.data_dir, "Directory for local files");

  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations");
  migrate->add_option("--config", o.config_file, "TOML configuration file")->check(CLI::ExistingFile);
  migrate->add_option("--data-dir", o.data_dir, "Directory for the embedded stores");

  auto* admin = cli.add_subcommand("admin", "Administrator roles");
  admin->require_subcommand(1);
  std::string role_email;
  for (const char* verb : {"grant", "revoke"}) {
    auto* sub = admin->add_subcommand(verb, std::string(verb) + " the administrator role");
    sub->add_option("EMAIL", role_email, "The user's email")->required();
    sub->add_option("--config", o.config_file, "TOML configuration file")->check(CLI::ExistingFile);
    sub->add_option("--data-dir", o.data_dir, "Directory for the embedded stores");
  }

  cli.add_subcommand("version", "Print the version");

  auto* config_cmd = cli.add_subcommand("config", "Configuration tools");
  config_cmd->require_subcommand(1);
  std::string check_path;
  auto* check = config_cmd->add_subcommand("check", "Validate a configuration file and explain every problem");
  check->add_option("FILE", check_path, "TOML configuration file")->required();

  CLI11_PARSE(cli, argc, argv);

  if (cli.got_subcommand("version")) {
    std::printf("shortstack %s\n", SHORTSTACK_VERSION);
    return 0;
  }
  if (cli.got_subcommand(config_cmd)) return check_config_file(check_path);
  if (cli.got_subcommand(admin)) {
    const bool grant = admin->got_subcommand("grant");
    auto st = shortstack::app::set_role(resolve_config(o), role_email, grant ? "admin" : "user");
    if (!st) {
      std::fprintf(stderr, "admin %s failed: %s\n", grant ? "grant" : "revoke", st.error().message.c_str());
      return 1;
    }
    std::printf("%s is %s an administrator\n", role_email.c_str(), grant ? "now" : "no longer");
    return 0;
  }
  if (cli.got_subcommand(migrate)) {
    auto applied = shortstack::app::migrate(resolve_config(o));
    if (!applied) {
      std::fprintf(stderr, "migrate failed: %s\n", applied.error().message.c_str());
      return 1;
    }
    std::printf("applied %d migration%s\n", *applied, *applied == 1 ? "" : "s");
    return 0;
  }
  if (cli.got_subcommand(worker)) return shortstack::app::worker(resolve_config(o));
  return shortstack::app::serve(resolve_config(o));
}
