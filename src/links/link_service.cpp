#include "links/link_service.h"

#include <algorithm>

#include "core/ascii.h"
#include "links/code.h"

namespace shortstack::links {
namespace {

// Paths the service uses or may use; an alias may never shadow them. Compared case-insensitively.
const std::unordered_set<std::string>& reserved_words() {
  static const std::unordered_set<std::string> words = {
      "api", "admin", "healthz", "readyz", "metrics", "static", "assets", "login", "logout", "signup", "register",
      "auth", "account", "settings", "dashboard", "app", "www", "help", "about", "docs", "status", "robots",
      "favicon", "qr", "stats", "abuse", "report", "terms", "privacy", "security", "well-known", "_next"};
  return words;
}

Error not_found() { return make_error(404, "not_found", "no link with this code"); }

constexpr int kCodeAttempts = 8;

}  // namespace

std::optional<std::string> alias_problem(std::string_view alias) {
  if (alias.size() < 3 || alias.size() > 64) return "alias must be 3 to 64 characters";
  if (!is_code_syntax(alias)) return "alias may only contain letters, digits, '_' and '-'";
  if (reserved_words().count(ascii_lower(alias))) return "alias '" + std::string(alias) + "' is reserved";
  return std::nullopt;
}

bool valid_redirect_status(int s) { return s == 301 || s == 302 || s == 307 || s == 308; }

LinkService::LinkService(std::shared_ptr<LinkStore> store, std::shared_ptr<LinkResolver> resolver, UrlPolicy policy)
    : store_(std::move(store)), resolver_(std::move(resolver)), policy_(std::move(policy)) {}

void LinkService::set_policy(UrlPolicy policy) {
  std::lock_guard lock(policy_mu_);
  policy_ = std::move(policy);
}

UrlPolicy LinkService::policy() const {
  std::lock_guard lock(policy_mu_);
  return policy_;
}

Result<std::string> LinkService::checked_url(const std::string& url) {
  auto normalized = normalize_url(url, policy());
  if (!normalized) return normalized.error();
  return std::move(normalized->url);
}

Result<Link> LinkService::create(int64_t owner_id, CreateLink req, int64_t now) {
  auto url = checked_url(req.url);
  if (!url) return url.error();
  if (!valid_redirect_status(req.redirect))
    return make_error(400, "invalid_redirect", "redirect must be one of 301, 302, 307, 308");
  if (req.expires_at && *req.expires_at <= now)
    return make_error(400, "invalid_expires_at", "expires_at must be in the future");

  NewLink n{{}, owner_id, bucket_for_owner(owner_id), std::move(*url), req.redirect, req.expires_at, now, {}};
  if (req.password) {
    auto hash = link_password_hash(*req.password);
    if (!hash) return hash.error();
    n.password_hash = std::move(*hash);
  }
  if (req.alias) {
    if (auto p = alias_problem(*req.alias)) return make_error(400, "invalid_alias", *p);
    n.code = *req.alias;
    auto created = store_->create(n);
    if (!created && created.error().code == "code_taken")
      return make_error(409, "alias_taken", "alias '" + *req.alias + "' is already taken");
    if (created) resolver_->invalidate(n.code);
    return created;
  }
  // Random codes collide rarely (27 random bits per bucket); the unique index catches it and we retry.
  for (int attempt = 0; attempt < kCodeAttempts; ++attempt) {
    n.code = generate_code(n.bucket);
    auto created = store_->create(n);
    if (created || created.error().code != "code_taken") {
      if (created) resolver_->invalidate(n.code);
      return created;
    }
  }
  return internal_error("could not find a free code");
}

Result<Link> LinkService::get(int64_t owner_id, std::string_view code) {
  auto found = store_->find_by_code(code);
  if (!found) return found.error();
  // Another owner's link answers exactly as a missing one does, so codes cannot be probed for owners.
  if (!found->has_value() || (*found)->owner_id != owner_id || (*found)->deleted) return not_found();
  return std::move(**found);
}

Result<LinkPage> LinkService::list(int64_t owner_id, std::optional<int64_t> before_id, size_t limit) {
  return store_->list_by_owner(owner_id, before_id, std::clamp<size_t>(limit, 1, 100));
}

Result<std::string> LinkService::link_password_hash(const std::string& password) {
  if (password.size() < 6 || password.size() > 256)
    return make_error(400, "invalid_password", "password must be 6 to 256 characters");
  return accounts::hash_password(password, password_params_);
}

Result<Link> LinkService::update(int64_t owner_id, std::string_view code, LinkPatch patch, std::optional<std::string> password) {
  if (password) {
    // null in the request clears the password; a string sets a new one.
    if (password->empty()) {
      patch.password_hash = "";
    } else {
      auto hash = link_password_hash(*password);
      if (!hash) return hash.error();
      patch.password_hash = std::move(*hash);
    }
  }
  if (patch.url) {
    auto url = checked_url(*patch.url);
    if (!url) return url.error();
    patch.url = std::move(*url);
  }
  if (patch.redirect && !valid_redirect_status(*patch.redirect))
    return make_error(400, "invalid_redirect", "redirect must be one of 301, 302, 307, 308");
  auto updated = store_->update(code, owner_id, patch);
  if (!updated) return updated.error();
  if (!updated->has_value()) return not_found();
  resolver_->invalidate(code);
  return std::move(**updated);
}

Result<Link> LinkService::unlock(std::string_view code, std::string_view password, int64_t now) {
  auto found = store_->find_by_code(code);
  if (!found) return found.error();
  if (!found->has_value() || (*found)->password_hash.empty()) return not_found();
  Link& l = **found;
  if (l.deleted || l.disabled || l.moderation == kModeratedOff || (l.expires_at && *l.expires_at <= now))
    return make_error(410, "gone", "this link is disabled, expired or deleted");
  if (!accounts::verify_password(password, l.password_hash))
    return make_error(401, "wrong_password", "that is not this link's password");
  return std::move(l);
}

Result<Link> LinkService::moderate(std::string_view code, std::string_view moderation, int64_t now) {
  auto moderated = store_->moderate(code, moderation, now);
  if (!moderated) return moderated.error();
  if (!moderated->has_value()) return not_found();
  resolver_->invalidate(code);
  return std::move(**moderated);
}

Result<Link> LinkService::find_any(std::string_view code) {
  auto found = store_->find_by_code(code);
  if (!found) return found.error();
  if (!found->has_value() || (*found)->deleted) return not_found();
  return std::move(**found);
}

Status LinkService::remove(int64_t owner_id, std::string_view code, int64_t now) {
  auto removed = store_->remove(code, owner_id, now);
  if (!removed) return removed.error();
  if (!*removed) return not_found();
  resolver_->invalidate(code);
  return ok_status();
}

}  // namespace shortstack::links
