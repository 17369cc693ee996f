#pragma once
// What sign-up refuses as a password: too short or too long, on the bundled list of common ones
// (data/common-passwords.txt), one repeated character, a run such as 0123456789, or the email's own
// name. The rules stop the guesses an attacker tries first; the rate limits stop the rest.
#include <optional>
#include <string>
#include <string_view>

namespace shortstack::accounts {

inline constexpr size_t kMinPasswordLength = 10;
inline constexpr size_t kMaxPasswordLength = 256;

// nullopt when acceptable; otherwise the reason, fit to show the user.
std::optional<std::string> password_problem(std::string_view password, std::string_view email = {});

}  // namespace shortstack::accounts
