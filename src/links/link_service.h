#pragma once
// The rules for creating and changing links, independent of HTTP and JSON. Every change is committed
// to the store first and then invalidated in the resolver, so the next redirect sees it.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include "accounts/password_hash.h"
#include "links/link_resolver.h"
#include "links/link_store.h"
#include "links/url_validator.h"

namespace shortstack::links {

struct CreateLink {
  std::string url;
  std::optional<std::string> alias;
  std::optional<int64_t> expires_at;
  int redirect = 302;
  std::optional<std::string> password;  // protects the link; stored only as an Argon2id hash
};

class LinkService {
 public:
  LinkService(std::shared_ptr<LinkStore> store, std::shared_ptr<LinkResolver> resolver, UrlPolicy policy);

  Result<Link> create(int64_t owner_id, CreateLink request, int64_t now);
  Result<Link> get(int64_t owner_id, std::string_view code);
  Result<LinkPage> list(int64_t owner_id, std::optional<int64_t> before_id, size_t limit);
  // Any owner's links, deleted ones included: callers filter (the leaderboard resolves its ids here).
  Result<std::vector<Link>> by_ids(const std::vector<int64_t>& ids) { return store_->find_by_ids(ids); }
  // `password`: nullopt leaves it, an empty string removes it, anything else replaces it.
  Result<Link> update(int64_t owner_id, std::string_view code, LinkPatch patch,
                      std::optional<std::string> password = std::nullopt);
  // Administrators only (callers check the role): any owner's live link.
  Result<Link> moderate(std::string_view code, std::string_view moderation, int64_t now);
  // Any owner's live link, for abuse reports and administrators.
  Result<Link> find_any(std::string_view code);
  Status remove(int64_t owner_id, std::string_view code, int64_t now);
  // A visitor's password for a protected link: the live link when it is right; 401 wrong_password
  // when wrong; 404 or 410 like the redirect when there is no such live protected link.
  Result<Link> unlock(std::string_view code, std::string_view password, int64_t now);
  void set_password_params(accounts::Argon2Params params) { password_params_ = params; }

  // Any thread, any time: the blocklist is reloaded on SIGHUP while requests are being served.
  void set_policy(UrlPolicy policy);
  UrlPolicy policy() const;

 private:
  Result<std::string> checked_url(const std::string& url);
  Result<std::string> link_password_hash(const std::string& password);

  std::shared_ptr<LinkStore> store_;
  std::shared_ptr<LinkResolver> resolver_;
  mutable std::mutex policy_mu_;
  UrlPolicy policy_;
  accounts::Argon2Params password_params_;
};

std::optional<std::string> alias_problem(std::string_view alias);
bool valid_redirect_status(int status);

}  // namespace shortstack::links
