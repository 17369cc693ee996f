#pragma once
// The LinkStore seam. Backends: SQLite (stage 1); PostgreSQL (stage 2 on; read replicas at stage 5). The contract suite in
// link_store_contract.h is the definition of what a backend must do.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace shortstack::links {

struct Link {
  int64_t id = 0;
  std::string code;
  int64_t owner_id = 0;
  uint32_t bucket = 0;
  std::string url;
  int redirect = 302;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> expires_at;
  bool disabled = false;
  bool deleted = false;
  std::string password_hash;  // Argon2id; empty when the link has no password
  std::string moderation;     // the service's decision, which the owner cannot undo: "", kQuarantined or kDisabled
};

// The owner of links created without an account (links.anonymous_create); no user has this id.
inline constexpr int64_t kAnonymousOwner = 0;

inline constexpr std::string_view kQuarantined = "quarantined";  // the redirect shows a warning page
inline constexpr std::string_view kModeratedOff = "disabled";    // the redirect answers 410

struct NewLink {
  std::string code;
  int64_t owner_id = 0;
  uint32_t bucket = 0;
  std::string url;
  int redirect = 302;
  std::optional<int64_t> expires_at;
  int64_t now = 0;
  std::string password_hash;  // empty: none
};

struct LinkPatch {
  std::optional<std::string> url;
  std::optional<std::optional<int64_t>> expires_at;  // set to nullopt inside to clear the expiry
  std::optional<int> redirect;
  std::optional<bool> disabled;
  std::optional<std::string> password_hash;  // an empty string removes the password
  int64_t now = 0;
};

struct LinkPage {
  std::vector<Link> links;
  std::optional<int64_t> next_before_id;  // pass back to continue; nullopt at the end
};

class LinkStore {
 public:
  virtual ~LinkStore() = default;
  // Error "code_taken" (409) when the code exists, deleted links included: codes are never reused.
  virtual Result<Link> create(const NewLink& link) = 0;
  // Any link with this code, deleted ones included (the redirect answers 410 for those).
  virtual Result<std::optional<Link>> find_by_code(std::string_view code) = 0;
  // The same, for callers that know no change to this code is recent enough to matter (the
  // redirect path, when the shared cache holds no change marker for it): a backend with read
  // replicas may answer from one that is at most its staleness limit behind, and asks the primary
  // again when the replica has no such link (it may be new). Backends without replicas read as
  // find_by_code does.
  virtual Result<std::optional<Link>> find_by_code_relaxed(std::string_view code) { return find_by_code(code); }
  // The owner's live links, newest first; with before_id, only links older than that one. The
  // owner's own changes always show (read-your-writes), whichever server answers.
  virtual Result<LinkPage> list_by_owner(int64_t owner_id, std::optional<int64_t> before_id, size_t limit) = 0;
  // Visits up to `limit` links that are not deleted, newest first (used to warm caches at start).
  virtual Status scan_recent(size_t limit, const std::function<void(const Link&)>& visit) = 0;
  // nullopt when the code is not one of the owner's live links.
  virtual Result<std::optional<Link>> update(std::string_view code, int64_t owner_id, const LinkPatch& patch) = 0;
  virtual Result<bool> remove(std::string_view code, int64_t owner_id, int64_t now) = 0;
  // Sets any live link's moderation ("" clears it), whoever owns it; nullopt when no live link has
  // this code. For administrators only: callers check the role.
  virtual Result<std::optional<Link>> moderate(std::string_view code, std::string_view moderation, int64_t now) = 0;
  // The links with these ids, deleted ones included, in the order given; unknown ids are skipped.
  // Click counts are not here: they live in the analytics ClickStore.
  virtual Result<std::vector<Link>> find_by_ids(const std::vector<int64_t>& ids) = 0;
};

}  // namespace shortstack::links
