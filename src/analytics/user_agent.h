#pragma once
// What a User-Agent says about a click: bot or human, and for humans the device class, browser and
// operating system. The bot list is data (data/bots.txt, built in; clicks.bots_file overrides it)
// because preview fetchers appear faster than releases.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shortstack::analytics {

struct UserAgentClass {
  bool bot = false;
  std::string_view device;   // desktop, mobile, tablet
  std::string_view browser;  // Chrome, Safari, Firefox, Edge, ...; "Other"
  std::string_view os;       // Windows, macOS, iOS, Android, Linux, ChromeOS; "Other"
};

class UserAgentClassifier {
 public:
  // `bot_list`: one lower-case fragment per line; blank lines and '#' comments are skipped.
  explicit UserAgentClassifier(std::string_view bot_list);
  // The list built into the binary.
  static std::shared_ptr<const UserAgentClassifier> builtin();

  UserAgentClass classify(std::string_view user_agent) const;
  bool is_bot(std::string_view user_agent) const;
  size_t bot_fragments() const { return bot_fragments_.size(); }

 private:
  std::vector<std::string> bot_fragments_;
};

}  // namespace shortstack::analytics
