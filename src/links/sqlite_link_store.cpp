#include "links/sqlite_link_store.h"

#include <unordered_map>

namespace shortstack::links {
namespace {

using store::SqliteConn;
using store::Stmt;

Link read_link(const Stmt& s) {
  Link l;
  l.id = s.int64(0);
  l.code = s.text(1);
  l.owner_id = s.int64(2);
  l.bucket = static_cast<uint32_t>(s.int64(3));
  l.url = s.text(4);
  l.redirect = static_cast<int>(s.int64(5));
  l.created_at = s.int64(6);
  l.updated_at = s.int64(7);
  l.expires_at = s.optional_int64(8);
  l.disabled = s.int64(9) != 0;
  l.deleted = !s.is_null(10);
  l.password_hash = s.text(11);
  l.moderation = s.text(12);
  return l;
}

#define SELECT_LINKS                                                                                 \
  "SELECT l.id, l.code, l.owner_id, l.bucket, l.url, l.redirect, l.created_at, l.updated_at, l.expires_at, " \
  "l.disabled, l.deleted_at, l.password_hash, l.moderation FROM links l "

Result<std::optional<Link>> select_by_code(SqliteConn& c, std::string_view code) {
  SHORTSTACK_PREPARE(q, c, SELECT_LINKS "WHERE l.code = ?");
  q.bind(1, code);
  if (q.step()) return std::optional<Link>(read_link(q));
  if (q.failed()) return q.error();
  return std::optional<Link>();
}

}  // namespace

Result<Link> SqliteLinkStore::create(const NewLink& n) {
  return db_->write<Link>([&n](SqliteConn& c) -> Result<Link> {
    SHORTSTACK_PREPARE(ins, c,
                       "INSERT INTO links(code, owner_id, bucket, url, redirect, created_at, updated_at, expires_at, "
                       "password_hash) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, n.code).bind(2, n.owner_id).bind(3, int64_t{n.bucket}).bind(4, n.url).bind(5, int64_t{n.redirect});
    ins.bind(6, n.now).bind(7, n.now).bind_optional(8, n.expires_at);
    if (n.password_hash.empty()) ins.bind_null(9);
    else ins.bind(9, std::string_view(n.password_hash));
    if (auto st = ins.run(); !st) {
      if (ins.unique_violation()) return make_error(409, "code_taken", "that code is already in use");
      return st.error();
    }
    Link l;
    l.id = sqlite3_last_insert_rowid(c.raw());
    l.code = n.code;
    l.owner_id = n.owner_id;
    l.bucket = n.bucket;
    l.url = n.url;
    l.redirect = n.redirect;
    l.created_at = l.updated_at = n.now;
    l.expires_at = n.expires_at;
    l.password_hash = n.password_hash;
    return l;
  });
}

Result<std::optional<Link>> SqliteLinkStore::find_by_code(std::string_view code) {
  return db_->read([code](SqliteConn& c) { return select_by_code(c, code); });
}

Result<LinkPage> SqliteLinkStore::list_by_owner(int64_t owner_id, std::optional<int64_t> before_id, size_t limit) {
  return db_->read([&](SqliteConn& c) -> Result<LinkPage> {
    SHORTSTACK_PREPARE(q, c, SELECT_LINKS "WHERE l.owner_id = ? AND l.deleted_at IS NULL AND l.id < ? ORDER BY l.id DESC LIMIT ?");
    // One row more than asked tells whether another page follows.
    q.bind(1, owner_id).bind(2, before_id.value_or(INT64_MAX)).bind(3, static_cast<int64_t>(limit + 1));
    LinkPage page;
    while (q.step()) page.links.push_back(read_link(q));
    if (q.failed()) return q.error();
    if (page.links.size() > limit) {
      page.links.pop_back();
      page.next_before_id = page.links.back().id;
    }
    return page;
  });
}

Status SqliteLinkStore::scan_recent(size_t limit, const std::function<void(const Link&)>& visit) {
  return db_->read([&](SqliteConn& c) -> Status {
    SHORTSTACK_PREPARE(q, c, SELECT_LINKS "WHERE l.deleted_at IS NULL ORDER BY l.id DESC LIMIT ?");
    q.bind(1, static_cast<int64_t>(limit));
    while (q.step()) visit(read_link(q));
    if (q.failed()) return q.error();
    return ok_status();
  });
}

Result<std::optional<Link>> SqliteLinkStore::update(std::string_view code, int64_t owner_id, const LinkPatch& p) {
  return db_->write<std::optional<Link>>([&](SqliteConn& c) -> Result<std::optional<Link>> {
    // COALESCE keeps a column when the patch leaves it out; expires_at needs a flag because null is a value.
    SHORTSTACK_PREPARE(u, c,
                       "UPDATE links SET url = COALESCE(?, url), redirect = COALESCE(?, redirect), "
                       "disabled = COALESCE(?, disabled), expires_at = CASE WHEN ? THEN ? ELSE expires_at END, "
                       "password_hash = CASE WHEN ? THEN NULLIF(?, '') ELSE password_hash END, "
                       "updated_at = ? WHERE code = ? AND owner_id = ? AND deleted_at IS NULL");
    if (p.url) u.bind(1, *p.url); else u.bind_null(1);
    u.bind_optional(2, p.redirect ? std::optional<int64_t>(*p.redirect) : std::nullopt);
    u.bind_optional(3, p.disabled ? std::optional<int64_t>(*p.disabled ? 1 : 0) : std::nullopt);
    u.bind(4, int64_t{p.expires_at.has_value()});
    u.bind_optional(5, p.expires_at ? *p.expires_at : std::nullopt);
    u.bind(6, int64_t{p.password_hash.has_value()});
    if (p.password_hash) u.bind(7, std::string_view(*p.password_hash)); else u.bind_null(7);
    u.bind(8, p.now).bind(9, code).bind(10, owner_id);
    if (auto st = u.run(); !st) return st.error();
    if (sqlite3_changes(c.raw()) == 0) return std::optional<Link>();
    return select_by_code(c, code);
  });
}

Result<std::optional<Link>> SqliteLinkStore::moderate(std::string_view code, std::string_view moderation, int64_t now) {
  return db_->write<std::optional<Link>>([&](SqliteConn& c) -> Result<std::optional<Link>> {
    SHORTSTACK_PREPARE(u, c, "UPDATE links SET moderation = ?, updated_at = ? WHERE code = ? AND deleted_at IS NULL");
    u.bind(1, moderation).bind(2, now).bind(3, code);
    if (auto st = u.run(); !st) return st.error();
    if (sqlite3_changes(c.raw()) == 0) return std::optional<Link>();
    return select_by_code(c, code);
  });
}

Result<bool> SqliteLinkStore::remove(std::string_view code, int64_t owner_id, int64_t now) {
  return db_->write<bool>([&](SqliteConn& c) -> Result<bool> {
    SHORTSTACK_PREPARE(u, c, "UPDATE links SET deleted_at = ?, updated_at = ? WHERE code = ? AND owner_id = ? AND deleted_at IS NULL");
    u.bind(1, now).bind(2, now).bind(3, code).bind(4, owner_id);
    if (auto st = u.run(); !st) return st.error();
    return sqlite3_changes(c.raw()) > 0;
  });
}

Result<std::vector<Link>> SqliteLinkStore::find_by_ids(const std::vector<int64_t>& ids) {
  return db_->read([&ids](SqliteConn& c) -> Result<std::vector<Link>> {
    SHORTSTACK_PREPARE(q, c, SELECT_LINKS "WHERE l.id = ?");
    std::vector<Link> out;
    for (int64_t id : ids) {
      q.bind(1, id);
      if (q.step()) out.push_back(read_link(q));
      else if (q.failed()) return q.error();
      q.reset();
    }
    return out;
  });
}

}  // namespace shortstack::links
