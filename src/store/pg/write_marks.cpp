#include "store/pg/write_marks.h"

#include <charconv>
#include <string>

#include "log/log.h"

namespace shortstack::store::pg {
namespace {

std::string key_of(int64_t account) { return "wlsn:" + std::to_string(account); }

std::optional<Lsn> decode(const cache::CacheValue& v) {
  Lsn out = 0;
  const auto* end = v.value.data() + v.value.size();
  if (v.negative || std::from_chars(v.value.data(), end, out).ptr != end) return std::nullopt;
  return out;
}

}  // namespace

void WriteMarks::record(int64_t account, Lsn position) {
  const std::string key = key_of(account);
  const cache::CacheValue mine{false, std::to_string(position)};
  // A compare-and-set loop: a rival write may land between the read and the set. Three rounds are
  // plenty for one account's writes; losing them all only costs the bound documented above.
  for (int round = 0; round < 3; ++round) {
    auto current = cache_->get(key);
    if (!current) break;
    const std::optional<Lsn> held = *current ? decode(**current) : std::nullopt;
    if (held && *held >= position) return;
    auto stored = *current && !(*current)->negative ? cache_->replace(key, (*current)->value, mine, lifetime_)
                                                    : cache_->add(key, mine, lifetime_);
    if (!stored) break;
    if (*stored) return;
  }
  log::warn("write_mark_not_recorded", {{"account", account}});
}

std::optional<Lsn> WriteMarks::must_see(int64_t account) {
  auto current = cache_->get(key_of(account));
  if (!current) return std::nullopt;
  if (!*current) return Lsn{0};
  return decode(**current);  // a value this version cannot read: be safe, read the primary
}

}  // namespace shortstack::store::pg
