#pragma once
// Short codes. A generated code is 7 base62 characters whose value carries a 14-bit bucket in its low
// bits and 27 random bits above it, so a later sharded store finds a link's shard from the code alone.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shortstack::links {

inline constexpr int kBucketBits = 14;
inline constexpr uint32_t kBucketCount = 1u << kBucketBits;
inline constexpr size_t kCodeLength = 7;

std::string encode_code(uint32_t bucket, uint64_t random_bits);
std::string generate_code(uint32_t bucket);
// The bucket a generated code carries; nullopt for aliases and anything not a generated code.
std::optional<uint32_t> bucket_of(std::string_view code);
// An owner's links live in the owner's bucket, so listing them later touches one shard.
uint32_t bucket_for_owner(int64_t owner_id);

// Syntax shared by codes and aliases in a redirect path: [A-Za-z0-9_-], 1 to 64 characters.
bool is_code_syntax(std::string_view s);

}  // namespace shortstack::links
