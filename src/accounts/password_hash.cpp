#include "accounts/password_hash.h"

#include <argon2.h>

#include "core/crypto.h"

namespace shortstack::accounts {

Result<std::string> hash_password(std::string_view password, const Argon2Params& p) {
  const std::string salt = random_bytes(16);
  const size_t len = argon2_encodedlen(p.t_cost, p.m_cost_kib, p.parallelism, static_cast<uint32_t>(salt.size()), 32,
                                       Argon2_id);
  std::string encoded(len, '\0');
  const int rc = argon2id_hash_encoded(p.t_cost, p.m_cost_kib, p.parallelism, password.data(), password.size(),
                                       salt.data(), salt.size(), 32, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return internal_error(std::string("argon2: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool verify_password(std::string_view password, const std::string& encoded) {
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace shortstack::accounts
