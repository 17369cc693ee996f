#include "analytics/user_agent.h"

#include <algorithm>
#include <cctype>

#include "core/ascii.h"

namespace shortstack::embedded {
std::string_view bots_txt();
}

namespace shortstack::analytics {
namespace {

bool has(std::string_view ua, std::string_view token) { return ua.find(token) != std::string_view::npos; }

// Order matters: most browsers claim to be several others ("... Chrome/120 Safari/537.36 Edg/120").
std::string_view browser_of(std::string_view ua) {
  if (has(ua, "FBAN") || has(ua, "FBAV")) return "Facebook";
  if (has(ua, "Instagram")) return "Instagram";
  if (has(ua, "Edg/") || has(ua, "EdgA/") || has(ua, "EdgiOS/")) return "Edge";
  if (has(ua, "OPR/") || has(ua, "Opera")) return "Opera";
  if (has(ua, "SamsungBrowser/")) return "Samsung Internet";
  if (has(ua, "Firefox/") || has(ua, "FxiOS/")) return "Firefox";
  if (has(ua, "CriOS/") || has(ua, "Chrome/") || has(ua, "Chromium/")) return "Chrome";
  if (has(ua, "Safari/")) return "Safari";
  return "Other";
}

std::string_view os_of(std::string_view ua) {
  if (has(ua, "Windows")) return "Windows";
  if (has(ua, "iPhone") || has(ua, "iPad") || has(ua, "iPod")) return "iOS";
  if (has(ua, "Android")) return "Android";
  if (has(ua, "CrOS")) return "ChromeOS";
  if (has(ua, "Macintosh") || has(ua, "Mac OS X")) return "macOS";
  if (has(ua, "Linux")) return "Linux";
  return "Other";
}

std::string_view device_of(std::string_view ua) {
  if (has(ua, "iPad") || has(ua, "Tablet")) return "tablet";
  // Android phones say "Mobile"; Android tablets do not.
  if (has(ua, "Android")) return has(ua, "Mobile") ? "mobile" : "tablet";
  if (has(ua, "Mobi") || has(ua, "iPhone") || has(ua, "iPod")) return "mobile";
  return "desktop";
}

}  // namespace

UserAgentClassifier::UserAgentClassifier(std::string_view bot_list) {
  while (!bot_list.empty()) {
    const size_t eol = bot_list.find('\n');
    std::string_view line = trim_space(bot_list.substr(0, eol));
    bot_list.remove_prefix(eol == std::string_view::npos ? bot_list.size() : eol + 1);
    if (line.empty() || line.front() == '#') continue;
    bot_fragments_.push_back(ascii_lower(line));
  }
}

std::shared_ptr<const UserAgentClassifier> UserAgentClassifier::builtin() {
  static const auto instance = std::make_shared<const UserAgentClassifier>(embedded::bots_txt());
  return instance;
}

bool UserAgentClassifier::is_bot(std::string_view user_agent) const {
  // A request without a User-Agent is a script, not a person following a link.
  if (trim_space(user_agent).empty()) return true;
  const std::string ua = ascii_lower(user_agent);
  return std::any_of(bot_fragments_.begin(), bot_fragments_.end(),
                     [&](const std::string& fragment) { return has(ua, fragment); });
}

UserAgentClass UserAgentClassifier::classify(std::string_view user_agent) const {
  if (is_bot(user_agent)) return {true, {}, {}, {}};
  return {false, device_of(user_agent), browser_of(user_agent), os_of(user_agent)};
}

}  // namespace shortstack::analytics
