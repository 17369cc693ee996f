#pragma once
// The domain blocklist file (links.blocklist_file): one domain per line, '#' comments. A domain
// blocks itself and its subdomains for new links and target changes. Read at start and on SIGHUP;
// a file with any bad line is refused whole, so a typo never half-applies.
#include <string>
#include <vector>

#include "core/result.h"

namespace shortstack::links {

Result<std::vector<std::string>> read_blocklist(const std::string& path);

}  // namespace shortstack::links
