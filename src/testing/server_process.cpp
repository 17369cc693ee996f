#include "testing/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace shortstack::testing {

std::string binary_path() {
  const char* p = std::getenv("SHORTSTACK_BIN");
  return p ? p : "build/shortstack";
}

ServerProcess::ServerProcess(Settings settings, std::string data_dir, std::string command)
    : settings_(std::move(settings)), command_(std::move(command)), data_dir_(data_dir.empty() ? scratch_.file("data") : std::move(data_dir)) {
  settings_.emplace("drain.grace_ms", "200");
  // Argon2 at its production cost makes each sign-up ~25 ms; tests sign up a lot, so they use less.
  settings_.emplace("auth.argon2_memory_kib", "1024");
  settings_.emplace("auth.argon2_iterations", "1");
  // Every test client comes from 127.0.0.1; tests of the limits themselves set these explicitly.
  settings_.emplace("limits.signup_per_minute_per_ip", "100000");
  settings_.emplace("limits.login_per_minute_per_ip", "100000");
  settings_.emplace("limits.create_per_second_per_ip", "100000");
  settings_.emplace("limits.create_burst_per_ip", "100000");
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
}

std::string ServerProcess::log() const {
  std::ifstream in(scratch_.file("stderr.log"));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void ServerProcess::start() {
  port_ = free_port();
  admin_port_ = free_port();
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (std::string_view(*e).rfind("SHORTSTACK_", 0) != 0) env.emplace_back(*e);
  for (const auto& [k, v] : settings_) {
    std::string name = "SHORTSTACK_";
    for (char c : k) name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    env.push_back(name + "=" + v);
  }
  const std::string bin = binary_path();
  std::vector<std::string> args = {bin, command_, "--admin-listen", "127.0.0.1:" + std::to_string(admin_port_),
                                   "--data-dir", data_dir_};
  if (command_ == "serve") args.insert(args.end(), {"--listen", "127.0.0.1:" + std::to_string(port_)});
  const std::string log_path = scratch_.file("stderr.log");
  pid_ = ::fork();
  if (pid_ == 0) {
    // If the test process dies (a failed assertion under ASan aborts it), the server dies with it:
    // a test must never leave a server behind, nor hold the test runner's output pipe open.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    ::execve(bin.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  // Wait for readiness: bounded, and it fails loudly with the server's own log.
  for (int i = 0; i < 200; ++i) {
    int status;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("server exited during start:\n" + log());
    }
    HttpConnection c(admin_port_);
    if (c.connected()) {
      c.send_raw(render_request({"GET", "/readyz", "", {}}));
      auto r = c.read_response();
      if (r && r->status == 200) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("server did not become ready:\n" + log());
}

void ServerProcess::send_signal(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

int ServerProcess::stop(int signal) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  int status = 0;
  // Bounded: a server that does not exit within 30 s is killed and the test sees a failure code.
  for (int i = 0; i < 600; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return -2;
}

int run_binary(const std::vector<std::string>& args, std::string* output) {
  int pipefd[2];
  if (::pipe(pipefd) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(pipefd[1], 1);
    ::dup2(pipefd[1], 2);
    ::close(pipefd[0]);
    std::vector<std::string> copy = args;
    copy.insert(copy.begin(), binary_path());
    std::vector<char*> argv;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipefd[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

double admin_metric(const ServerProcess& s, const std::string& name) {
  const auto r = http(s.admin_port(), {"GET", "/metrics", "", {}});
  double sum = 0;
  std::istringstream lines(r.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name, 0) != 0 || line.size() <= name.size()) continue;
    if (line[name.size()] != ' ' && line[name.size()] != '{') continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

}  // namespace shortstack::testing
