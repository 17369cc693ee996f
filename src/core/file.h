#pragma once
// Reading a small file whole (data lists, spool segments, staged archive hours, blobs).
#include <optional>
#include <string>

namespace shortstack {

// nullopt when the file cannot be opened.
std::optional<std::string> read_whole_file(const std::string& path);

}  // namespace shortstack
