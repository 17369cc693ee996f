#pragma once
// gzip (RFC 1952) through zlib: click archives are written compressed, and read back by tests and
// by anyone with `zcat`.
#include <optional>
#include <string>
#include <string_view>

namespace shortstack {

std::string gzip(std::string_view data);
std::optional<std::string> gunzip(std::string_view data);  // nullopt when it is not valid gzip

}  // namespace shortstack
