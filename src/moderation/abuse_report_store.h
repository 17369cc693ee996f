#pragma once
// The AbuseReportStore seam: reports that a link is phishing, malware or spam, and what moderation
// did about them. Backends: SQLite (stage 1, in the main database); PostgreSQL later. The contract
// suite in abuse_report_store_contract.h is the definition of what a backend must do.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace shortstack::moderation {

struct AbuseReport {
  int64_t id = 0;
  int64_t link_id = 0;
  std::string code;
  std::string reason;                 // as the reporter wrote it; escape it wherever it is shown
  std::optional<int64_t> reporter_id; // the signed-in reporter, if any; addresses are never stored
  int64_t created_at = 0;
  std::optional<int64_t> resolved_at;
  std::string resolution;             // "quarantined", "disabled" or "dismissed" once resolved
};

struct NewAbuseReport {
  int64_t link_id = 0;
  std::string code;
  std::string reason;
  std::optional<int64_t> reporter_id;
  int64_t now = 0;
};

class AbuseReportStore {
 public:
  virtual ~AbuseReportStore() = default;
  virtual Result<AbuseReport> file(const NewAbuseReport& report) = 0;
  // Unresolved reports, newest first; with before_id, only those older than that one.
  virtual Result<std::vector<AbuseReport>> list_open(std::optional<int64_t> before_id, size_t limit) = 0;
  // Resolves every open report about the link; returns how many it resolved.
  virtual Result<size_t> resolve_for_link(int64_t link_id, std::string_view resolution, int64_t now) = 0;
};

}  // namespace shortstack::moderation
