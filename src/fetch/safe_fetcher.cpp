#include "fetch/safe_fetcher.h"

#include <curl/curl.h>
#include <netdb.h>

#include <memory>
#include <mutex>

namespace shortstack::fetch {
namespace {

using Clock = std::chrono::steady_clock;

struct CurlUrl {
  CURLU* h = curl_url();
  ~CurlUrl() { curl_url_cleanup(h); }
  std::optional<std::string> get(CURLUPart part) const {
    char* out = nullptr;
    if (curl_url_get(h, part, &out, 0) != CURLUE_OK) return std::nullopt;
    std::string s(out);
    curl_free(out);
    return s;
  }
};

struct Target {
  std::string url;   // normalised by curl's parser
  std::string host;  // as curl will look it up: brackets stripped from IPv6 literals
  int port = 0;
};

Result<Target> parse_target(const std::string& url) {
  CurlUrl u;
  if (curl_url_set(u.h, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return make_error(400, "invalid_url", "not a URL curl can parse");
  const auto scheme = u.get(CURLUPART_SCHEME);
  if (!scheme || (*scheme != "http" && *scheme != "https"))
    return make_error(400, "invalid_url", "only http and https can be fetched");
  auto host = u.get(CURLUPART_HOST);
  auto full = u.get(CURLUPART_URL);
  if (!host || host->empty() || !full) return make_error(400, "invalid_url", "the URL has no host");
  if (u.get(CURLUPART_USER)) return make_error(400, "invalid_url", "credentials in URLs are not fetched");
  int port = *scheme == "https" ? 443 : 80;
  if (auto p = u.get(CURLUPART_PORT)) port = std::stoi(*p);
  if (host->front() == '[' && host->back() == ']') host = host->substr(1, host->size() - 2);
  return Target{*full, *host, port};
}

// Resolves the host and checks every address: one forbidden address refuses the fetch, since the
// resolver's order is not ours to rely on. Returns the first address, to pin the connection to.
Result<IpAddress> resolve_checked(const Target& t, const AddressPolicy& policy) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(t.host.c_str(), nullptr, &hints, &found); rc != 0)
    return make_error(502, "fetch_failed", "cannot resolve " + t.host + ": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, freeaddrinfo);
  std::optional<IpAddress> first;
  for (const addrinfo* a = found; a; a = a->ai_next) {
    auto ip = IpAddress::from_sockaddr(a->ai_addr);
    if (!ip) continue;
    if (auto why = policy.refuse(*ip)) return make_error(403, "forbidden_address", t.host + " resolves to " + *why);
    if (!first) first = ip;
  }
  if (!first) return make_error(502, "fetch_failed", "no address for " + t.host);
  return *first;
}

struct Transfer {
  const FetchOptions* options;
  std::string body;
  bool too_large = false;
  std::optional<std::string> refused;  // set by the connect check
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->body.size() + size * n > t->options->max_body_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->body.append(data, size * n);
  return size * n;
}

// The last look before connect(): the address curl is about to use, whatever led it there.
curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* addr) {
  auto* t = static_cast<Transfer*>(user);
  auto ip = IpAddress::from_sockaddr(&addr->addr);
  if (!ip) {
    t->refused = "an address family that cannot be checked";
    return CURL_SOCKET_BAD;
  }
  if (auto why = t->options->policy.refuse(*ip)) {
    t->refused = *why;
    return CURL_SOCKET_BAD;
  }
  return socket(addr->family, addr->socktype, addr->protocol);
}

struct Hop {
  int status = 0;
  std::string content_type;
  std::string location;  // absolute, when the response redirects
};

Result<Hop> fetch_one(const Target& t, const IpAddress& pinned, Clock::time_point deadline, Transfer& transfer) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return make_error(504, "fetch_timeout", "the fetch took too long");
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return internal_error("curl_easy_init failed");
  CURL* c = curl.get();
  const std::string ip_text = pinned.is_v4() ? pinned.text() : "[" + pinned.text() + "]";
  curl_slist* resolve = curl_slist_append(nullptr, (t.host + ":" + std::to_string(t.port) + ":" + ip_text).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> resolve_guard(resolve, curl_slist_free_all);
  curl_easy_setopt(c, CURLOPT_URL, t.url.c_str());
  curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, transfer.options->user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // the size cap applies to what we decode
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(transfer.options->max_body_bytes));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &transfer);
  const CURLcode rc = curl_easy_perform(c);
  if (transfer.refused) return make_error(403, "forbidden_address", "refused to connect: " + *transfer.refused);
  if (transfer.too_large || rc == CURLE_FILESIZE_EXCEEDED)
    return make_error(413, "too_large", "the response is larger than " + std::to_string(transfer.options->max_body_bytes) + " bytes");
  if (rc == CURLE_OPERATION_TIMEDOUT) return make_error(504, "fetch_timeout", "the fetch took too long");
  if (rc != CURLE_OK) return make_error(502, "fetch_failed", curl_easy_strerror(rc));
  Hop hop;
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  hop.status = static_cast<int>(status);
  char* type = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type) hop.content_type = type;
  char* location = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) hop.location = location;
  return hop;
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

Result<Fetched> fetch(const std::string& url, const FetchOptions& options) {
  init_curl_once();
  const auto deadline = Clock::now() + options.timeout;
  std::string next = url;
  for (size_t redirects = 0;; ++redirects) {
    auto target = parse_target(next);
    if (!target) return target.error();
    auto pinned = resolve_checked(*target, options.policy);
    if (!pinned) return pinned.error();
    Transfer transfer{&options, {}, false, std::nullopt};
    auto hop = fetch_one(*target, *pinned, deadline, transfer);
    if (!hop) return hop.error();
    const bool redirect = hop->status >= 300 && hop->status < 400 && !hop->location.empty();
    if (!redirect) return Fetched{hop->status, target->url, hop->content_type, std::move(transfer.body), redirects};
    if (redirects == options.max_redirects)
      return make_error(508, "too_many_redirects", "more than " + std::to_string(options.max_redirects) + " redirects");
    next = hop->location;
  }
}

}  // namespace shortstack::fetch
