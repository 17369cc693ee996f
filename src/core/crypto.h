#pragma once
// Randomness and hashing for secrets. Secrets with 256 bits of entropy (session ids, API keys) are stored
// as SHA-256: a slow hash adds nothing there. Passwords, which have little entropy, use Argon2id (password_hash.h).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shortstack {

std::string random_bytes(size_t n);
uint64_t random_u64();
std::string sha256(std::string_view data);        // raw 32 bytes
std::string sha1(std::string_view data);          // raw 20 bytes; only to name things (Redis script ids), never for security
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string base64url(std::string_view raw);       // no padding
std::optional<std::string> base64url_decode(std::string_view text);  // nullopt on a character outside the alphabet
std::string hex(std::string_view raw);
// A fresh secret for cookies and keys: 32 random bytes, base64url.
std::string new_secret_token();
// Compares in time independent of where the inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace shortstack
