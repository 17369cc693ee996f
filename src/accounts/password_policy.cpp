#include "accounts/password_policy.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "core/ascii.h"

namespace shortstack::embedded {
std::string_view common_passwords_txt();
}

namespace shortstack::accounts {
namespace {

const std::unordered_set<std::string>& common_passwords() {
  static const auto set = [] {
    std::unordered_set<std::string> out;
    std::string_view text = embedded::common_passwords_txt();
    while (!text.empty()) {
      const size_t eol = text.find('\n');
      const std::string_view line = text.substr(0, eol);
      text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
      if (!line.empty() && line.front() != '#') out.insert(ascii_lower(line));
    }
    return out;
  }();
  return set;
}

bool one_repeated_character(std::string_view p) {
  return std::all_of(p.begin(), p.end(), [&](char c) { return c == p.front(); });
}

// Every character one more (or one less) than the one before: 0123456789, abcdefghij, 9876543210.
bool simple_run(std::string_view p) {
  auto steps_by = [&](int step) {
    for (size_t i = 1; i < p.size(); ++i)
      if (static_cast<unsigned char>(p[i]) - static_cast<unsigned char>(p[i - 1]) != step) return false;
    return true;
  };
  return steps_by(1) || steps_by(-1);
}

}  // namespace

std::optional<std::string> password_problem(std::string_view password, std::string_view email) {
  if (password.size() < kMinPasswordLength) return "password must be at least 10 characters";
  // Argon2 happily hashes megabytes; a cap keeps a login request from becoming a CPU sink.
  if (password.size() > kMaxPasswordLength) return "password must be at most 256 characters";
  const std::string folded = ascii_lower(password);
  if (common_passwords().count(folded)) return "password is on the list of commonly used passwords";
  if (one_repeated_character(folded) || simple_run(folded)) return "password is too easy to guess";
  const std::string local = ascii_lower(email.substr(0, email.find('@')));
  if (local.size() >= 4 && folded.find(local) != std::string::npos) return "password must not contain the email's name";
  return std::nullopt;
}

}  // namespace shortstack::accounts
