#include "app/click_pipeline.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "analytics/redis_leaderboard.h"
#include "analytics/pg_click_store.h"
#include "blobs/s3_blob_store.h"
#include "analytics/sqlite_click_store.h"
#include "blobs/disk_blob_store.h"
#include "clicks/click_archive.h"
#include "core/crypto.h"
#include "core/file.h"
#include "log/log.h"

namespace shortstack::app {
namespace {

namespace fs = std::filesystem;

Result<std::string> read_file(const std::string& path) {
  auto text = read_whole_file(path);
  if (!text) return internal_error("cannot read " + path);
  return std::move(*text);
}

Result<std::shared_ptr<const analytics::UserAgentClassifier>> classifier_for(const config::Config& c) {
  if (c.clicks.bots_file.empty()) return analytics::UserAgentClassifier::builtin();
  auto text = read_file(c.clicks.bots_file);
  if (!text) return text.error();
  auto classifier = std::make_shared<const analytics::UserAgentClassifier>(*text);
  log::info("bots_file_loaded", {{"path", c.clicks.bots_file}, {"fragments", static_cast<int64_t>(classifier->bot_fragments())}});
  return std::shared_ptr<const analytics::UserAgentClassifier>(classifier);
}

}  // namespace

Result<std::string> visitor_secret(const config::Config& c) {
  if (!c.clicks.visitor_secret.empty()) return c.clicks.visitor_secret;
  const std::string path = (fs::path(c.storage.data_dir) / "visitor.secret").string();
  if (fs::exists(path)) {
    auto text = read_file(path);
    if (!text) return text.error();
    if (text->size() < 16) return internal_error(path + " is shorter than 16 bytes; delete it to make a new one");
    return *text;
  }
  const std::string secret = new_secret_token();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return internal_error("cannot create " + path);
  const bool written = ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return internal_error("cannot write " + path);
  return secret;
}

namespace {

// Where archives go: the instance's disk at stage 1, the shared object store from stage 3.
std::shared_ptr<blobs::BlobStore> blob_store_for(const config::Config& c) {
  if (c.storage.blobs != "s3") return std::make_shared<blobs::DiskBlobStore>(fs::path(c.storage.data_dir) / "blobs");
  blobs::S3Options o;
  o.endpoint = c.s3.endpoint;
  o.region = c.s3.region;
  o.bucket = c.s3.bucket;
  o.access_key = c.s3.access_key;
  o.secret_key = c.s3.secret_key;
  o.path_style = c.s3.path_style;
  return std::make_shared<blobs::S3BlobStore>(o);
}

}  // namespace

Result<std::unique_ptr<ClickPipeline>> ClickPipeline::build(const config::Config& c,
                                                            std::shared_ptr<store::SqliteDb> analytics_db,
                                                            std::shared_ptr<store::pg::PgPool> analytics_pg,
                                                            std::shared_ptr<queue::Queue> queue,
                                                            std::shared_ptr<store::redis::RedisPool> redis,
                                                            size_t loops, Role role) {
  const bool durable_queue = c.storage.queue != "memory";
  auto classifier = classifier_for(c);
  if (!classifier) return classifier.error();
  auto p = std::make_unique<ClickPipeline>();
  if (analytics_pg) {
    p->store_ = std::make_shared<analytics::PgClickStore>(std::move(analytics_pg));
  } else {
    analytics::SqliteClickStore::Options so;
    so.compact_interval = std::chrono::milliseconds(c.clicks.compact_interval_ms);
    so.compact_max_deltas = static_cast<size_t>(c.clicks.compact_max_deltas);
    auto store = analytics::SqliteClickStore::open(std::move(analytics_db), so);
    if (!store) return store.error();
    p->store_ = *store;
  }
  if (c.storage.leaderboard == "redis")
    p->leaderboard_ = std::make_shared<analytics::RedisLeaderboard>(std::move(redis), p->store_);
  else
    p->leaderboard_ = std::make_shared<analytics::StoreLeaderboard>(p->store_);
  if (role == Role::Serve) {
    auto secret = visitor_secret(c);  // only where clicks are recorded
    if (!secret) return secret.error();
    p->recorder_ = std::make_shared<clicks::ClickRecorder>(queue, loops, *secret);
  }
  if (role == Role::Serve && c.clicks.spool) {
    clicks::ClickSpool::Options o;
    o.dir = (fs::path(c.storage.data_dir) / "spool").string();
    o.sync_interval = std::chrono::milliseconds(c.clicks.spool_sync_ms);
    o.release_on_publish = durable_queue;
    auto spool = clicks::ClickSpool::open(o, queue);
    if (!spool) return spool.error();
    p->spool_ = *spool;
    p->recorder_->use_spool(p->spool_);
  }
  clicks::ClickAggregator::Options ao;
  if (c.clicks.archive) {
    auto blob_store = blob_store_for(c);
    ao.archive = std::make_shared<clicks::ClickArchive>((fs::path(c.storage.data_dir) / "archive").string(),
                                                         blob_store, *classifier);
  }
  ao.interval = std::chrono::milliseconds(c.clicks.aggregate_interval_ms);
  ao.round.spread_max_age = std::chrono::milliseconds(config::spread_round_max_ms(c));
  ao.round.max_link_hours = static_cast<size_t>(c.clicks.round_max_link_hours);
  ao.classifier = *classifier;
  if (c.storage.leaderboard == "redis") ao.leaderboard = p->leaderboard_;
  if (role == Role::Serve && durable_queue) return p;  // workers aggregate
  ao.spool = durable_queue ? nullptr : p->spool_;
  p->aggregator_ = std::make_unique<clicks::ClickAggregator>(std::move(queue), p->store_, std::move(ao));
  return p;
}

Status ClickPipeline::start() {
  if (spool_) spool_->recover_then_start();
  if (aggregator_) aggregator_->start();
  return ok_status();
}

void ClickPipeline::drain() {
  if (spool_) spool_->flush_and_stop();
  if (aggregator_) aggregator_->drain_and_stop();
}

void ClickPipeline::stop() { aggregator_.reset(); }

}  // namespace shortstack::app
