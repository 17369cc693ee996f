#include "links/link_resolver.h"

#include "metrics/metrics.h"

namespace shortstack::links {

LinkResolver::LinkResolver(std::shared_ptr<LinkStore> store, ResolverOptions options)
    : store_(std::move(store)), options_(options), l1_(options.l1_entries) {}

bool LinkResolver::render_cached(std::string_view code, Clock::time_point now, int64_t unix_now,
                                 std::string_view date_line, bool keep_alive, bool head, bool wants_html,
                                 std::string& out, int64_t* link_id) {
  auto& m = metrics::registry();
  const bool hit = l1_.visit(code, now, [&](const RedirectEntry& e) {
    render_entry(e, unix_now, date_line, keep_alive, head, wants_html, out);
    *link_id = live_at(e, unix_now) ? e.link_id : 0;
    if (e.kind == RedirectEntry::Kind::Missing) m.cache_negative_hits.inc();
  });
  (hit ? m.cache_hits : m.cache_misses).inc();
  return hit;
}

Result<RedirectEntry> LinkResolver::load(std::string_view code) {
  // Read the generation before the store: if the link changes while we read, the insert is skipped.
  const uint64_t generation = l1_.generation(code);
  auto found = store_->find_by_code(code);
  if (!found) return found.error();
  RedirectEntry entry = found->has_value() ? make_redirect_entry(**found) : missing_entry();
  const auto ttl = entry.kind == RedirectEntry::Kind::Missing ? options_.negative_ttl : options_.positive_ttl;
  l1_.insert_if_unchanged(code, entry, Clock::now() + ttl, generation);
  return entry;
}

Result<size_t> LinkResolver::warm(size_t limit) {
  const auto snapshot = l1_.generations();
  const auto expires = Clock::now() + options_.positive_ttl;
  size_t added = 0;
  auto st = store_->scan_recent(limit, [&](const Link& link) {
    added += l1_.insert_if_absent_since(snapshot, link.code, make_redirect_entry(link), expires) ? 1 : 0;
  });
  if (!st) return st.error();
  return added;
}

void LinkResolver::invalidate(std::string_view code) { l1_.erase(code); }

}  // namespace shortstack::links
