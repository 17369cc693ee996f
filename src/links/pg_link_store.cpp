#include "links/pg_link_store.h"

#include <unordered_map>

#include "metrics/metrics.h"

namespace shortstack::links {
namespace {

using store::pg::Param;
using store::pg::PgResult;

#define LINK_COLUMNS \
  "id, code, owner_id, bucket, url, redirect, created_at, updated_at, expires_at, disabled, deleted_at, " \
  "COALESCE(password_hash, ''), moderation"

Link read_link(const PgResult& r, int row) {
  Link l;
  l.id = r.int64(row, 0);
  l.code = r.text(row, 1);
  l.owner_id = r.int64(row, 2);
  l.bucket = static_cast<uint32_t>(r.int64(row, 3));
  l.url = r.text(row, 4);
  l.redirect = static_cast<int>(r.int64(row, 5));
  l.created_at = r.int64(row, 6);
  l.updated_at = r.int64(row, 7);
  l.expires_at = r.optional_int64(row, 8);
  l.disabled = r.boolean(row, 9);
  l.deleted = !r.is_null(row, 10);
  l.password_hash = r.text(row, 11);
  l.moderation = r.text(row, 12);
  return l;
}

Result<std::optional<Link>> first_link(Result<PgResult> r) {
  if (!r) return r.error();
  if (r->rows() == 0) return std::optional<Link>();
  return std::optional<Link>(read_link(*r, 0));
}

Param optional_text(const std::optional<std::string>& s) { return s ? Param(*s) : Param(std::nullopt); }

// The owner in a RETURNING LINK_COLUMNS row, when a row came back.
std::optional<int64_t> returned_owner(const PgResult& r) {
  if (r.rows() == 0) return std::nullopt;
  return r.int64(0, 2);
}

}  // namespace

Result<PgResult> PgLinkStore::write(std::string_view sql, const std::vector<Param>& params,
                                    const std::function<std::optional<int64_t>(const PgResult&)>& owner_of) {
  struct Written {
    PgResult rows;
    std::optional<store::pg::Lsn> position;
  };
  const bool track = routing_.marks != nullptr;
  auto w = pool_->run<Written>([&](store::pg::PgConn& c, store::pg::Clock::time_point deadline) -> Result<Written> {
    auto r = c.exec(sql, params, deadline);
    if (!r) return r.error();
    Written out{*r, std::nullopt};
    if (!track) return out;
    // The statement committed on its own (autocommit), so the insert position now is past its
    // commit record (the write position may not be, with synchronous_commit off). Failing to learn
    // it is not failing the write: the mark just stays where it was.
    if (auto p = c.exec("SELECT pg_current_wal_insert_lsn()::text", {}, deadline); p && p->rows() == 1)
      out.position = store::pg::parse_lsn(p->text(0, 0));
    return out;
  });
  if (!w) return w.error();
  if (w->position)
    if (const auto owner = owner_of(w->rows)) routing_.marks->record(*owner, *w->position);
  return w->rows;
}

store::pg::PgPool& PgLinkStore::read_pool(std::optional<store::pg::Lsn> must_see) {
  auto& m = metrics::registry();
  if (routing_.replicas && must_see)
    if (auto replica = routing_.replicas->pick(*must_see)) {
      m.pg_replica_reads.inc();
      return *replica;
    }
  if (routing_.replicas) m.pg_primary_reads.inc();
  return *pool_;
}

Result<std::optional<Link>> PgLinkStore::find_on(store::pg::PgPool& pool, std::string_view code) {
  return first_link(pool.exec("SELECT " LINK_COLUMNS " FROM links WHERE code = $1", {code}));
}

Result<Link> PgLinkStore::create(const NewLink& n) {
  auto r = write(
      "INSERT INTO links(code, owner_id, bucket, url, redirect, created_at, updated_at, expires_at, password_hash) "
      "VALUES($1, $2, $3, $4, $5, $6, $6, $7, NULLIF($8, '')) RETURNING " LINK_COLUMNS,
      {n.code, n.owner_id, int64_t{n.bucket}, n.url, n.redirect, n.now, n.expires_at, n.password_hash},
      returned_owner);
  if (!r) {
    if (r.error().code == "unique_violation") return make_error(409, "code_taken", "that code is already in use");
    return r.error();
  }
  return read_link(*r, 0);
}

Result<std::optional<Link>> PgLinkStore::find_by_code(std::string_view code) { return find_on(*pool_, code); }

Result<std::optional<Link>> PgLinkStore::find_by_code_relaxed(std::string_view code) {
  store::pg::PgPool& pool = read_pool(store::pg::Lsn{0});
  if (&pool == pool_.get()) return find_on_primary_or_outage_replica(code);
  // A replica that errs or lacks the link is asked no further: the primary answers, and a link
  // created a moment ago (the common miss) is found there.
  auto found = find_on(pool, code);
  if (found && found->has_value()) return found;
  metrics::registry().pg_replica_miss_retries.inc();
  return find_on_primary_or_outage_replica(code);
}

Result<std::optional<Link>> PgLinkStore::find_on_primary_or_outage_replica(std::string_view code) {
  auto found = find_on(*pool_, code);
  if (found || found.error().http_status != 503 || !routing_.replicas) return found;
  // The primary is away (a failover): a replica that was fit when it was last seen may answer a
  // link it holds. Its "no such link" is not trusted (the link may be newer than its replay).
  auto replica = routing_.replicas->pick_during_outage();
  if (!replica) return found;
  auto on_replica = find_on(*replica, code);
  if (!on_replica || !on_replica->has_value()) return found;
  metrics::registry().pg_replica_outage_reads.inc();
  return on_replica;
}

Result<LinkPage> PgLinkStore::list_by_owner(int64_t owner_id, std::optional<int64_t> before_id, size_t limit) {
  const auto must_see = routing_.marks ? routing_.marks->must_see(owner_id) : std::nullopt;
  store::pg::PgPool& pool = read_pool(must_see);
  // One row more than asked tells whether another page follows.
  auto page_from = [&](store::pg::PgPool& p) {
    return p.exec("SELECT " LINK_COLUMNS " FROM links WHERE owner_id = $1 AND deleted_at IS NULL AND id < $2 "
                  "ORDER BY id DESC LIMIT $3",
                  {owner_id, before_id.value_or(INT64_MAX), static_cast<int64_t>(limit + 1)});
  };
  auto r = page_from(pool);
  if (!r && &pool != pool_.get()) r = page_from(*pool_);  // a failing replica is not the caller's problem
  if (!r) return r.error();
  LinkPage page;
  for (int i = 0; i < r->rows(); ++i) page.links.push_back(read_link(*r, i));
  if (page.links.size() > limit) {
    page.links.pop_back();
    page.next_before_id = page.links.back().id;
  }
  return page;
}

Status PgLinkStore::scan_recent(size_t limit, const std::function<void(const Link&)>& visit) {
  // Pages of 10,000 by id, each its own short statement: a million links never sit in one result,
  // and no statement runs into statement_timeout.
  constexpr size_t kPage = 10'000;
  int64_t before = INT64_MAX;
  for (size_t seen = 0; seen < limit;) {
    const size_t want = std::min(kPage, limit - seen);
    auto r = pool_->exec("SELECT " LINK_COLUMNS " FROM links WHERE deleted_at IS NULL AND id < $1 ORDER BY id DESC LIMIT $2",
                         {before, static_cast<int64_t>(want)});
    if (!r) return r.error();
    for (int i = 0; i < r->rows(); ++i) {
      const Link l = read_link(*r, i);
      visit(l);
      before = l.id;
    }
    seen += static_cast<size_t>(r->rows());
    if (static_cast<size_t>(r->rows()) < want) break;
  }
  return ok_status();
}

Result<std::optional<Link>> PgLinkStore::update(std::string_view code, int64_t owner_id, const LinkPatch& p) {
  // COALESCE keeps a column the patch leaves out; expires_at and the password need flags because
  // null is a value for them.
  return first_link(write(
      "UPDATE links SET url = COALESCE($1, url), redirect = COALESCE($2::smallint, redirect), "
      "disabled = COALESCE($3::boolean, disabled), "
      "expires_at = CASE WHEN $4::boolean THEN $5::bigint ELSE expires_at END, "
      "password_hash = CASE WHEN $6::boolean THEN NULLIF($7, '') ELSE password_hash END, updated_at = $8 "
      "WHERE code = $9 AND owner_id = $10 AND deleted_at IS NULL RETURNING " LINK_COLUMNS,
      {optional_text(p.url), p.redirect ? Param(*p.redirect) : Param(std::nullopt),
       p.disabled ? Param(*p.disabled) : Param(std::nullopt), p.expires_at.has_value(),
       p.expires_at ? Param(*p.expires_at) : Param(std::nullopt), p.password_hash.has_value(),
       optional_text(p.password_hash), p.now, code, owner_id},
      returned_owner));
}

Result<bool> PgLinkStore::remove(std::string_view code, int64_t owner_id, int64_t now) {
  auto r = write("UPDATE links SET deleted_at = $1, updated_at = $1 WHERE code = $2 AND owner_id = $3 AND deleted_at IS NULL",
                 {now, code, owner_id}, [owner_id](const PgResult& done) {
                   return done.affected() > 0 ? std::optional<int64_t>(owner_id) : std::nullopt;
                 });
  if (!r) return r.error();
  return r->affected() > 0;
}

Result<std::optional<Link>> PgLinkStore::moderate(std::string_view code, std::string_view moderation, int64_t now) {
  return first_link(write("UPDATE links SET moderation = $1, updated_at = $2 WHERE code = $3 AND deleted_at IS NULL "
                          "RETURNING " LINK_COLUMNS,
                          {moderation, now, code}, returned_owner));
}

Result<std::vector<Link>> PgLinkStore::find_by_ids(const std::vector<int64_t>& ids) {
  std::vector<Link> out;
  if (ids.empty()) return out;
  std::string array = "{";
  for (size_t i = 0; i < ids.size(); ++i) array += (i ? "," : "") + std::to_string(ids[i]);
  array += "}";
  auto r = pool_->exec("SELECT " LINK_COLUMNS " FROM links WHERE id = ANY($1::bigint[])", {array});
  if (!r) return r.error();
  std::unordered_map<int64_t, Link> by_id;
  for (int i = 0; i < r->rows(); ++i) {
    Link l = read_link(*r, i);
    by_id.emplace(l.id, std::move(l));
  }
  for (int64_t id : ids)
    if (auto it = by_id.find(id); it != by_id.end()) out.push_back(it->second);
  return out;
}

}  // namespace shortstack::links
