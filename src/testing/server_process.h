#pragma once
// Runs the real `shortstack serve` binary (path from $SHORTSTACK_BIN) on free loopback ports with its
// own data directory, and always stops it: the destructor sends SIGKILL if it is still running.
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "testing/http_client.h"
#include "testing/temp_dir.h"

namespace shortstack::testing {

class ServerProcess {
 public:
  // `settings` are passed as SHORTSTACK_* environment variables (key "drain.grace_ms" and so on).
  using Settings = std::map<std::string, std::string>;
  // `command` "worker" runs `shortstack worker`: only the admin listener, which start() waits on.
  explicit ServerProcess(Settings settings = {}, std::string data_dir = "", std::string command = "serve");
  ~ServerProcess();

  void start();                    // returns once /readyz answers 200
  int stop(int signal = 15);       // sends the signal, waits for exit, returns the exit status
  void send_signal(int signal);    // and returns at once (SIGHUP, say)
  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  int admin_port() const { return admin_port_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string log() const;         // everything the process wrote to stderr

 private:
  std::map<std::string, std::string> settings_;
  std::string command_;
  TempDir scratch_;
  std::string data_dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int admin_port_ = 0;
};

// A counter or gauge from the process's admin /metrics, summed over its label sets (0 when absent).
double admin_metric(const ServerProcess& s, const std::string& name);

// Runs the binary with arguments to completion; returns its exit status and captures stdout+stderr.
int run_binary(const std::vector<std::string>& args, std::string* output);
std::string binary_path();

}  // namespace shortstack::testing
