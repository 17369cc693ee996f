#pragma once
// The optional raw-click archive (clicks.archive, off by default): every applied click as one
// NDJSON line, staged per UTC hour on local disk and stored gzip-compressed in the BlobStore as
// clicks/YYYY/MM/DD/HH.ndjson.gz once the hour has closed. Rollups are what the product reads; the
// archive is for re-analysis elsewhere. It never holds an IP address, only the daily visitor hash.
//
// Lines carry their batch id: a batch redelivered after a crash can appear twice, and whoever
// reads the archive drops repeats of a batch id (the rollups never double-count either way).
#include <memory>
#include <string>

#include "analytics/user_agent.h"
#include "blobs/blob_store.h"
#include "clicks/click_batch.h"
#include "core/result.h"

namespace shortstack::clicks {

class ClickArchive {
 public:
  // How long after an hour ends before it is shipped: batches of that hour may still be in flight.
  static constexpr int64_t kGraceSeconds = 300;

  ClickArchive(std::string staging_dir, std::shared_ptr<blobs::BlobStore> blobs,
               std::shared_ptr<const analytics::UserAgentClassifier> classifier);
  // Appends the batch's events to their hours' staging files (after the batch was applied).
  Status append(const ClickBatch& batch);
  // Compresses and stores every staged hour that closed at least kGraceSeconds before now, then
  // removes its staging file. Returns how many hours it shipped.
  Result<size_t> ship_closed_hours(int64_t unix_now);

 private:
  std::string staging_dir_;
  std::shared_ptr<blobs::BlobStore> blobs_;
  std::shared_ptr<const analytics::UserAgentClassifier> classifier_;
};

// "clicks/2026/11/22/04.ndjson.gz" for the hour starting at 2026-11-22T04:00:00Z.
std::string archive_key(int64_t hour);
// One event as its archive line (with the trailing newline).
std::string archive_line(const ClickBatch& batch, const ClickEvent& e, const analytics::UserAgentClass& agent);

}  // namespace shortstack::clicks
