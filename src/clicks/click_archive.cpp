#include "clicks/click_archive.h"

#include <filesystem>
#include <fstream>
#include <map>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/crypto.h"
#include "core/file.h"
#include "core/gzip.h"
#include "core/time_format.h"

namespace shortstack::clicks {
namespace {

namespace fs = std::filesystem;

std::string staging_name(int64_t hour) { return std::to_string(hour) + ".ndjson"; }

std::string hex64(uint64_t v) {
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string archive_key(int64_t hour) {
  const std::string t = format_rfc3339(hour * 3600);  // 2026-11-22T04:00:00Z
  return "clicks/" + t.substr(0, 4) + "/" + t.substr(5, 2) + "/" + t.substr(8, 2) + "/" + t.substr(11, 2) + ".ndjson.gz";
}

std::string archive_line(const ClickBatch& batch, const ClickEvent& e, const analytics::UserAgentClass& agent) {
  boost::json::object o{{"batch", batch.id},
                        {"t", format_rfc3339(e.at)},
                        {"link_id", e.link_id},
                        {"owner_id", e.owner_id},
                        {"bot", agent.bot},
                        {"user_agent", batch.strings[e.user_agent]},
                        {"referrer", batch.strings[e.referrer]},
                        {"country", e.country[0] ? std::string(e.country.data(), 2) : std::string()},
                        {"visitor", hex64(e.visitor)}};
  if (!agent.bot) {
    o["device"] = agent.device;
    o["browser"] = agent.browser;
    o["os"] = agent.os;
  }
  return boost::json::serialize(o) + "\n";
}

ClickArchive::ClickArchive(std::string staging_dir, std::shared_ptr<blobs::BlobStore> blobs,
                           std::shared_ptr<const analytics::UserAgentClassifier> classifier)
    : staging_dir_(std::move(staging_dir)), blobs_(std::move(blobs)), classifier_(std::move(classifier)) {}

Status ClickArchive::append(const ClickBatch& batch) {
  std::map<int64_t, std::string> by_hour;
  std::vector<std::optional<analytics::UserAgentClass>> agents(batch.strings.size());
  for (const ClickEvent& e : batch.events) {
    auto& agent = agents[e.user_agent];
    if (!agent) agent = classifier_->classify(batch.strings[e.user_agent]);
    by_hour[e.at / 3600] += archive_line(batch, e, *agent);
  }
  std::error_code ec;
  fs::create_directories(staging_dir_, ec);
  if (ec) return internal_error("cannot create archive staging dir: " + ec.message());
  for (const auto& [hour, lines] : by_hour) {
    std::ofstream out(fs::path(staging_dir_) / staging_name(hour), std::ios::binary | std::ios::app);
    out << lines;
    if (!out) return internal_error("cannot append to the click archive staging file");
  }
  return ok_status();
}

Result<size_t> ClickArchive::ship_closed_hours(int64_t unix_now) {
  std::error_code ec;
  size_t shipped = 0;
  for (const auto& entry : fs::directory_iterator(staging_dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 8 || name.substr(name.size() - 7) != ".ndjson") continue;
    int64_t hour = 0;
    try {
      hour = std::stoll(name.substr(0, name.size() - 7));
    } catch (const std::exception&) {
      continue;
    }
    if ((hour + 1) * 3600 + kGraceSeconds > unix_now) continue;
    auto staged = read_whole_file(entry.path().string());
    if (!staged) return internal_error("cannot read " + entry.path().string());
    // Lines for an hour already shipped (late batches, or a crash between the put and the removal)
    // are added to what is there, never put in its place.
    auto existing = blobs_->get(archive_key(hour));
    if (!existing) return existing.error();
    std::string lines;
    if (*existing) {
      auto old = gunzip(**existing);
      if (!old) return internal_error("archived hour " + archive_key(hour) + " is not gzip");
      lines = std::move(*old);
    }
    lines += *staged;
    if (auto st = blobs_->put(archive_key(hour), gzip(lines), "application/gzip"); !st) return st.error();
    fs::remove(entry.path(), ec);
    ++shipped;
  }
  return shipped;
}

}  // namespace shortstack::clicks
