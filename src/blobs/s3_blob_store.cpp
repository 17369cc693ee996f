#include "blobs/s3_blob_store.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include "core/ascii.h"
#include "core/crypto.h"

namespace shortstack::blobs {
namespace {

size_t collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

Error bad_key(std::string_view key) {
  return make_error(400, "invalid_key", "blob key '" + std::string(key) + "' is not allowed");
}

// Percent-encodes everything but unreserved characters (RFC 3986), as SigV4 canonical queries need.
std::string encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else append_percent_escape(out, c);
  }
  return out;
}

// The text between <tag> and </tag> from `from`; npos when absent.
std::string_view element(std::string_view xml, std::string_view tag, size_t& from) {
  const std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  const size_t start = xml.find(open, from);
  if (start == std::string_view::npos) return {};
  const size_t end = xml.find(close, start);
  if (end == std::string_view::npos) return {};
  from = end + close.size();
  return xml.substr(start + open.size(), end - start - open.size());
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

std::string S3BlobStore::url_for(std::string_view key, const std::string& query) const {
  const std::string& e = options_.endpoint;
  std::string base;
  if (options_.path_style) {
    base = e + "/" + options_.bucket;
  } else {
    const size_t scheme_end = e.find("://");
    base = e.substr(0, scheme_end + 3) + options_.bucket + "." + e.substr(scheme_end + 3);
  }
  if (!key.empty()) base += "/" + std::string(key);  // keys are [A-Za-z0-9._/-]: nothing to escape
  return query.empty() ? base : base + "?" + query;
}

Result<S3BlobStore::Response> S3BlobStore::request(const std::string& method, std::string_view key,
                                                   const std::string& query, std::string_view body,
                                                   std::string_view content_type) {
  init_curl_once();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return internal_error("curl_easy_init failed");
  CURL* c = curl.get();
  const std::string url = url_for(key, query), sigv4 = "aws:amz:" + options_.region + ":s3";
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("x-amz-content-sha256: " + hex(sha256(body))).c_str());
  if (!content_type.empty()) headers = curl_slist_append(headers, ("Content-Type: " + std::string(content_type)).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers, curl_slist_free_all);
  Response r;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4.c_str());
  // Separately: access keys may hold ':' (Swift's "account:user"), which USERPWD would split on.
  curl_easy_setopt(c, CURLOPT_USERNAME, options_.access_key.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, options_.secret_key.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  if (method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "PUT") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
  }
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK)
    return make_error(503, "blob_store_unavailable", std::string("S3 ") + method + " failed: " + curl_easy_strerror(rc));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

Status S3BlobStore::put(std::string_view key, std::string_view data, std::string_view content_type) {
  if (!valid_blob_key(key)) return bad_key(key);
  auto r = request("PUT", key, "", data, content_type);
  if (!r) return r.error();
  if (r->status != 200) return make_error(502, "blob_store_error", "S3 PUT answered " + std::to_string(r->status));
  return ok_status();
}

Result<std::optional<std::string>> S3BlobStore::get(std::string_view key) {
  if (!valid_blob_key(key)) return bad_key(key);
  auto r = request("GET", key, "", "", "");
  if (!r) return r.error();
  if (r->status == 404) return std::optional<std::string>();
  if (r->status != 200) return make_error(502, "blob_store_error", "S3 GET answered " + std::to_string(r->status));
  return std::optional<std::string>(std::move(r->body));
}

Result<bool> S3BlobStore::remove(std::string_view key) {
  if (!valid_blob_key(key)) return bad_key(key);
  // S3 answers DELETE with 204 whether or not the object existed; HEAD first tells which.
  auto head = request("HEAD", key, "", "", "");
  if (!head) return head.error();
  if (head->status == 404) return false;
  auto r = request("DELETE", key, "", "", "");
  if (!r) return r.error();
  if (r->status != 204 && r->status != 200) return make_error(502, "blob_store_error", "S3 DELETE answered " + std::to_string(r->status));
  return true;
}

Result<std::vector<BlobInfo>> S3BlobStore::list(std::string_view prefix) {
  std::vector<BlobInfo> out;
  std::string token;
  for (int page = 0; page < 10'000; ++page) {
    // Parameters in name order: the SigV4 canonical query is sorted.
    std::string query;
    if (!token.empty()) query += "continuation-token=" + encode(token) + "&";
    query += "list-type=2&max-keys=" + std::to_string(options_.list_page_size) + "&prefix=" + encode(prefix);
    auto r = request("GET", "", query, "", "");
    if (!r) return r.error();
    if (r->status != 200) return make_error(502, "blob_store_error", "S3 list answered " + std::to_string(r->status));
    const std::string_view xml = r->body;
    size_t at = 0;
    for (;;) {
      size_t next = at;
      const std::string_view contents = element(xml, "Contents", next);
      if (contents.data() == nullptr) break;
      at = next;
      size_t pos = 0;
      const std::string_view k = element(contents, "Key", pos);
      pos = 0;
      const std::string_view size = element(contents, "Size", pos);
      out.push_back({std::string(k), static_cast<size_t>(std::stoull(std::string(size.empty() ? "0" : size)))});
    }
    size_t pos = 0;
    if (element(xml, "IsTruncated", pos) != "true") break;
    pos = 0;
    token = std::string(element(xml, "NextContinuationToken", pos));
    if (token.empty()) break;
  }
  std::sort(out.begin(), out.end(), [](const BlobInfo& a, const BlobInfo& b) { return a.key < b.key; });
  return out;
}

Status S3BlobStore::create_bucket() {
  auto r = request("PUT", "", "", "", "");
  if (!r) return r.error();
  if (r->status != 200 && r->status != 409) return make_error(502, "blob_store_error", "S3 create bucket answered " + std::to_string(r->status));
  return ok_status();
}

}  // namespace shortstack::blobs
