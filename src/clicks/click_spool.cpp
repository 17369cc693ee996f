#include "clicks/click_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "clicks/click_batch.h"
#include "core/file.h"
#include "core/siphash.h"
#include "core/thread_name.h"
#include "log/log.h"
#include "metrics/metrics.h"

namespace shortstack::clicks {
namespace {

namespace fs = std::filesystem;

constexpr SipKey kChecksumKey{0x73686f7274737461ULL, 0x636b2d73706f6f6cULL};
constexpr size_t kHeaderBytes = 4 + 8;

std::string segment_name(uint64_t n) {
  char buf[40];
  snprintf(buf, sizeof buf, "clicks-%016llx.spool", static_cast<unsigned long long>(n));
  return buf;
}

std::optional<uint64_t> segment_number(const fs::path& p) {
  const std::string name = p.filename().string();
  if (name.size() != 29 || name.rfind("clicks-", 0) != 0 || name.substr(23) != ".spool")
    return std::nullopt;
  uint64_t n = 0;
  for (char c : name.substr(7, 16)) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    n = n * 16 + static_cast<uint64_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return n;
}

void put_le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t get_le(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

void append_record(std::string& out, std::string_view payload) {
  put_le(out, payload.size(), 4);
  put_le(out, siphash24(kChecksumKey, payload), 8);
  out.append(payload);
}

// The records of one segment, up to the first damaged one.
std::vector<std::string> read_records(const fs::path& p) {
  const std::string bytes = read_whole_file(p.string()).value_or(std::string());
  std::vector<std::string> out;
  size_t at = 0;
  while (bytes.size() - at >= kHeaderBytes) {
    const size_t len = get_le(bytes.data() + at, 4);
    const uint64_t sum = get_le(bytes.data() + at + 4, 8);
    if (bytes.size() - at - kHeaderBytes < len) break;
    std::string payload = bytes.substr(at + kHeaderBytes, len);
    if (siphash24(kChecksumKey, payload) != sum) break;
    out.push_back(std::move(payload));
    at += kHeaderBytes + len;
  }
  if (at != bytes.size()) log::warn("click_spool_torn_tail", {{"segment", p.string()}, {"bytes_ignored", static_cast<int64_t>(bytes.size() - at)}});
  return out;
}

bool write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

ClickSpool::ClickSpool(Options options, std::shared_ptr<queue::Queue> queue)
    : options_(std::move(options)), queue_(std::move(queue)) {}

Result<std::shared_ptr<ClickSpool>> ClickSpool::open(Options options, std::shared_ptr<queue::Queue> queue) {
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) return internal_error("cannot create click spool dir " + options.dir + ": " + ec.message());
  std::shared_ptr<ClickSpool> spool(new ClickSpool(std::move(options), std::move(queue)));
  // New segments number after every existing one, so recover() knows which are an earlier process's.
  for (const auto& entry : fs::directory_iterator(spool->options_.dir, ec))
    if (auto n = segment_number(entry.path())) spool->segment_ = std::max(spool->segment_, *n + 1);
  if (ec) return internal_error("cannot list click spool dir: " + ec.message());
  return spool;
}

ClickSpool::~ClickSpool() {
  flush_and_stop();
  if (fd_ >= 0) ::close(fd_);
}

Result<size_t> ClickSpool::recover() {
  std::lock_guard lock(segments_mu_);
  std::vector<std::pair<uint64_t, fs::path>> old;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options_.dir, ec))
    if (auto n = segment_number(entry.path()); n && *n < segment_) old.emplace_back(*n, entry.path());
  if (ec) return internal_error("cannot list click spool dir: " + ec.message());
  std::sort(old.begin(), old.end());
  size_t replayed = 0;
  for (const auto& [n, path] : old) {
    for (std::string& payload : read_records(path)) {
      std::string id = batch_id_of(payload);
      if (id.empty() || segment_of_.count(id)) continue;
      track(id, n);
      unpublished_.push_back({std::move(id), std::move(payload)});
      ++replayed;
    }
    if (!outstanding_.count(n)) fs::remove(path, ec);
  }
  log::info("click_spool_recovered", {{"segments", static_cast<int64_t>(old.size())},
                                      {"batches", static_cast<int64_t>(replayed)}});
  // Published by the spool thread's first round, before anything new.
  return replayed;
}

void ClickSpool::start() { launch(false); }

void ClickSpool::recover_then_start() { launch(true); }

void ClickSpool::launch(bool recover_first) {
  thread_ = std::thread([this, recover_first] {
    name_this_thread("click-spool");
    run(recover_first);
  });
}

void ClickSpool::append(std::string batch_id, std::string payload) {
  std::lock_guard lock(mu_);
  pending_.push_back({std::move(batch_id), std::move(payload)});
}

void ClickSpool::run(bool recover_first) {
  // A segment that cannot be read stays on disk for the next start; new clicks go on meanwhile.
  if (recover_first)
    if (auto replayed = recover(); !replayed)
      log::error("click_spool_recover_failed", {{"error", replayed.error().message}});
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, options_.sync_interval, [this] { return stop_; });
      if (stop_) return;  // flush_and_stop() writes the last group itself
    }
    sync_now();
  }
}

void ClickSpool::sync_now() {
  std::vector<Pending> group;
  {
    std::lock_guard lock(mu_);
    group.swap(pending_);
  }
  write_group(group);
}

Status ClickSpool::open_segment() {
  const std::string path = (fs::path(options_.dir) / segment_name(segment_)).string();
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) return internal_error("cannot open click spool segment " + path + ": " + std::strerror(errno));
  segment_size_ = 0;
  // The new file's directory entry must be durable too, or a crash could lose the whole segment.
  if (int dir = ::open(options_.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return ok_status();
}

bool ClickSpool::write_group(std::vector<Pending>& group) {
  std::lock_guard lock(segments_mu_);
  bool durable = true;
  if (!group.empty()) {
    if (fd_ >= 0 && segment_size_ >= options_.segment_bytes) {
      ::close(fd_);
      fd_ = -1;
      const uint64_t full = segment_++;
      delete_if_done(full);
    }
    std::string bytes;
    for (const Pending& p : group) append_record(bytes, p.payload);
    Status opened = fd_ >= 0 ? ok_status() : open_segment();
    durable = opened && write_all(fd_, bytes) && ::fdatasync(fd_) == 0;
    if (durable) {
      segment_size_ += bytes.size();
      ++syncs_;
      metrics::registry().click_spool_syncs.inc();
      for (const Pending& p : group) track(p.id, segment_);
    } else {
      // Counting goes on without the crash guarantee rather than stopping: the error says so loudly.
      metrics::registry().click_spool_errors.inc();
      log::error("click_spool_write_failed", {{"error", opened ? std::string(std::strerror(errno)) : opened.error().message},
                                              {"batches", static_cast<int64_t>(group.size())}});
    }
    for (Pending& p : group) unpublished_.push_back(std::move(p));
  }
  size_t done = 0;
  for (; done < unpublished_.size(); ++done) {
    if (auto st = queue_->publish(kClickSubject, unpublished_[done].payload); !st) {
      log::warn("click_batch_publish_failed", {{"error", st.error().message}});
      break;
    }
    metrics::registry().click_batches_published.inc();
  }
  std::vector<std::string> published;
  if (options_.release_on_publish)
    for (size_t i = 0; i < done; ++i) published.push_back(unpublished_[i].id);
  unpublished_.erase(unpublished_.begin(), unpublished_.begin() + static_cast<std::ptrdiff_t>(done));
  for (const std::string& id : published) {
    auto it = segment_of_.find(id);
    if (it == segment_of_.end()) continue;
    const uint64_t seg = it->second;
    segment_of_.erase(it);
    --outstanding_[seg];
    delete_if_done(seg);
  }
  return durable;
}

void ClickSpool::track(const std::string& id, uint64_t segment) {
  segment_of_[id] = segment;
  ++outstanding_[segment];
}

void ClickSpool::release(std::string_view batch_id) {
  std::lock_guard lock(segments_mu_);
  auto it = segment_of_.find(std::string(batch_id));
  if (it == segment_of_.end()) return;
  const uint64_t seg = it->second;
  segment_of_.erase(it);
  --outstanding_[seg];
  delete_if_done(seg);
}

void ClickSpool::delete_if_done(uint64_t segment) {
  auto it = outstanding_.find(segment);
  if (it != outstanding_.end() && it->second > 0) return;
  if (it != outstanding_.end()) outstanding_.erase(it);
  if (segment == segment_) {
    if (fd_ < 0) return;
    // Everything written to the current segment is released: retire it now rather than at rotation,
    // so a quiet spool holds no stale batches to replay after a crash.
    ::close(fd_);
    fd_ = -1;
    ++segment_;
  }
  std::error_code ec;
  fs::remove(fs::path(options_.dir) / segment_name(segment), ec);
}

void ClickSpool::flush_and_stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  sync_now();
}

size_t ClickSpool::segments_on_disk() {
  size_t n = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options_.dir, ec)) n += segment_number(entry.path()).has_value();
  return n;
}

uint64_t ClickSpool::syncs() const {
  std::lock_guard lock(segments_mu_);
  return syncs_;
}

}  // namespace shortstack::clicks
