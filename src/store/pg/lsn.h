#pragma once
// PostgreSQL write-ahead-log positions ("16/B374D848": two hex halves of a 64-bit byte offset).
// Positions only grow, across failovers too (a promoted standby continues the numbering on a new
// timeline), so comparing two of them says which one has seen more of the history.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shortstack::store::pg {

using Lsn = uint64_t;

// nullopt for anything that is not HEX/HEX with 1 to 8 digits each.
std::optional<Lsn> parse_lsn(std::string_view text);
std::string format_lsn(Lsn lsn);

}  // namespace shortstack::store::pg
