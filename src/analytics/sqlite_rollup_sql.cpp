#include "analytics/sqlite_rollup_sql.h"

#include <memory>

namespace shortstack::analytics {
namespace {

std::string_view text_of(sqlite3_value* v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return {p ? p : "", static_cast<size_t>(sqlite3_value_bytes(v))};
}

std::string_view blob_of(sqlite3_value* v) {
  const auto* p = static_cast<const char*>(sqlite3_value_blob(v));
  return {p ? p : "", static_cast<size_t>(sqlite3_value_bytes(v))};
}

void result_text(sqlite3_context* ctx, const std::string& s) {
  sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

void result_blob(sqlite3_context* ctx, const std::string& s) {
  sqlite3_result_blob(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

// Adds a stored breakdown's entries to `into`; false when it does not decode.
bool add_breakdown(HourRollup& into, std::string_view text) {
  auto entries = HourRollup::decode_breakdown(text);
  if (!entries) return false;
  for (const BreakdownEntry& e : *entries) into.add_to(e.dimension, e.key, e.clicks);
  return true;
}

void merge_breakdown(sqlite3_context* ctx, int, sqlite3_value** argv) {
  HourRollup r;
  if (!add_breakdown(r, text_of(argv[0])) || !add_breakdown(r, text_of(argv[1])))
    return sqlite3_result_error(ctx, "corrupt click breakdown", -1);
  result_text(ctx, r.encode_breakdown());
}

void merge_visitors(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto a = VisitorSketch::decode(blob_of(argv[0]));
  auto b = VisitorSketch::decode(blob_of(argv[1]));
  if (!a || !b) return sqlite3_result_error(ctx, "corrupt visitor sketch", -1);
  a->merge(*b);
  result_blob(ctx, a->encode());
}

// Aggregate state lives behind a pointer in SQLite's per-group context; a failed step marks it bad.
template <class T>
struct Accumulator {
  T value;
  bool bad = false;
};

template <class T>
Accumulator<T>* accumulator(sqlite3_context* ctx, bool create) {
  auto** slot = static_cast<Accumulator<T>**>(sqlite3_aggregate_context(ctx, create ? sizeof(void*) : 0));
  if (!slot) return nullptr;
  if (!*slot && create) *slot = new Accumulator<T>();
  return *slot;
}

template <class T>
std::unique_ptr<Accumulator<T>> take_accumulator(sqlite3_context* ctx) {
  auto** slot = static_cast<Accumulator<T>**>(sqlite3_aggregate_context(ctx, 0));
  return std::unique_ptr<Accumulator<T>>(slot ? *slot : nullptr);
}

// A group of one row (most link-hours, when clicks spread over many links) passes its value through
// as stored, checked but not decoded; decoding and summing start only at the second row.
template <class Sum>
struct PassOrSum {
  std::string first;
  size_t rows = 0;
  Sum sum;
};

template <class Sum, bool (*Valid)(std::string_view), bool (*Add)(Sum&, std::string_view)>
void pass_or_sum_step(sqlite3_context* ctx, std::string_view value) {
  auto* acc = accumulator<PassOrSum<Sum>>(ctx, true);
  if (!acc) return sqlite3_result_error_nomem(ctx);
  PassOrSum<Sum>& p = acc->value;
  if (p.rows++ == 0) {
    if (!Valid(value)) acc->bad = true;
    p.first = value;
    return;
  }
  if (p.rows == 2 && !Add(p.sum, p.first)) acc->bad = true;
  if (!Add(p.sum, value)) acc->bad = true;
}

bool add_sketch(VisitorSketch& into, std::string_view bytes) {
  auto s = VisitorSketch::decode(bytes);
  if (!s) return false;
  into.merge(*s);
  return true;
}

void sum_breakdown_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  pass_or_sum_step<HourRollup, HourRollup::valid_breakdown, add_breakdown>(ctx, text_of(argv[0]));
}

void sum_breakdown_final(sqlite3_context* ctx) {
  auto acc = take_accumulator<PassOrSum<HourRollup>>(ctx);
  if (acc && acc->bad) return sqlite3_result_error(ctx, "corrupt click breakdown", -1);
  if (!acc) return result_text(ctx, std::string());
  result_text(ctx, acc->value.rows == 1 ? acc->value.first : acc->value.sum.encode_breakdown());
}

void union_visitors_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  pass_or_sum_step<VisitorSketch, VisitorSketch::valid, add_sketch>(ctx, blob_of(argv[0]));
}

void union_visitors_final(sqlite3_context* ctx) {
  auto acc = take_accumulator<PassOrSum<VisitorSketch>>(ctx);
  if (acc && acc->bad) return sqlite3_result_error(ctx, "corrupt visitor sketch", -1);
  if (!acc) return result_blob(ctx, VisitorSketch().encode());
  result_blob(ctx, acc->value.rows == 1 ? acc->value.first : acc->value.sum.encode());
}

// ss_slot(link, hour) and ss_recent_slot(link, hour): the keys of the two hourly tables.
template <Result<int64_t> (*Key)(int64_t, int64_t)>
void key_function(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto key = Key(sqlite3_value_int64(argv[0]), sqlite3_value_int64(argv[1]));
  if (!key) return sqlite3_result_error(ctx, "click hour or link id out of range", -1);
  sqlite3_result_int64(ctx, *key);
}

}  // namespace

namespace {
constexpr int64_t kFirstHour = 438'288;  // 2020-01-01T00:00:00Z / 3600

bool in_range(int64_t link_id, int64_t hour) {
  const int64_t offset = hour - kFirstHour;
  return offset >= 0 && offset < (int64_t{1} << kSlotHourBits) && link_id > 0 && link_id < (int64_t{1} << kRecentLinkBits);
}

Error out_of_range() { return make_error(400, "bad_click_hour", "click hour or link id out of range"); }
}  // namespace

Result<int64_t> slot_of(int64_t link_id, int64_t hour) {
  if (!in_range(link_id, hour)) return out_of_range();
  return (link_id << kSlotHourBits) | (hour - kFirstHour);
}

Result<int64_t> recent_slot_of(int64_t link_id, int64_t hour) {
  if (!in_range(link_id, hour)) return out_of_range();
  return first_recent_slot_of_hour(hour) | link_id;
}

int64_t first_recent_slot_of_hour(int64_t hour) { return (hour - kFirstHour) << kRecentLinkBits; }
int64_t hour_of_recent_slot(int64_t slot) { return (slot >> kRecentLinkBits) + kFirstHour; }

Result<HourRollup> read_rollup(const store::Stmt& s, int first_col) {
  HourRollup r;
  r.owner_id = s.int64(first_col);
  r.clicks = s.int64(first_col + 1);
  r.bots = s.int64(first_col + 2);
  auto breakdown = HourRollup::decode_breakdown(s.text(first_col + 3));
  auto visitors = VisitorSketch::decode(s.blob(first_col + 4));
  if (!breakdown || !visitors) return make_error(500, "corrupt_rollup", "stored click rollup does not decode");
  r.breakdown = std::move(*breakdown);
  r.visitors = std::move(*visitors);
  return r;
}

Status register_rollup_functions(store::SqliteConn& c) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  sqlite3* db = c.raw();
  const bool ok =
      sqlite3_create_function_v2(db, "ss_merge_breakdown", 2, flags, nullptr, merge_breakdown, nullptr, nullptr,
                                 nullptr) == SQLITE_OK &&
      sqlite3_create_function_v2(db, "ss_merge_visitors", 2, flags, nullptr, merge_visitors, nullptr, nullptr,
                                 nullptr) == SQLITE_OK &&
      sqlite3_create_function_v2(db, "ss_sum_breakdown", 1, flags, nullptr, nullptr, sum_breakdown_step,
                                 sum_breakdown_final, nullptr) == SQLITE_OK &&
      sqlite3_create_function_v2(db, "ss_union_visitors", 1, flags, nullptr, nullptr, union_visitors_step,
                                 union_visitors_final, nullptr) == SQLITE_OK &&
      sqlite3_create_function_v2(db, "ss_slot", 2, flags, nullptr, key_function<slot_of>, nullptr, nullptr,
                                 nullptr) == SQLITE_OK &&
      sqlite3_create_function_v2(db, "ss_recent_slot", 2, flags, nullptr, key_function<recent_slot_of>, nullptr,
                                 nullptr, nullptr) == SQLITE_OK;
  if (!ok) return c.last_error();
  return ok_status();
}

}  // namespace shortstack::analytics
