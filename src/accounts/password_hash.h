#pragma once
// Argon2id password hashing. Parameters follow OWASP's minimum (19 MiB, t=2, p=1): about 25 ms per hash
// on this machine kind, slow for an attacker with a stolen table, bearable for a login.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace shortstack::accounts {

struct Argon2Params {
  uint32_t t_cost = 2;
  uint32_t m_cost_kib = 19 * 1024;
  uint32_t parallelism = 1;
};

Result<std::string> hash_password(std::string_view password, const Argon2Params& params = {});
bool verify_password(std::string_view password, const std::string& encoded);

}  // namespace shortstack::accounts
