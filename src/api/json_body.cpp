#include "api/json_body.h"

#include <boost/json/parse.hpp>

#include "core/time_format.h"

namespace shortstack::api {

Error invalid_field(std::string_view key, std::string_view expectation) {
  return make_error(400, "invalid_argument", std::string(key) + " " + std::string(expectation));
}

Result<JsonBody> JsonBody::parse(std::string_view body) {
  if (body.empty()) return make_error(400, "invalid_json", "request body must be a JSON object");
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 16;  // nothing here nests deeper; a cap stops stack-hungry inputs early
  boost::json::value v = boost::json::parse(body, ec, {}, opts);
  if (ec) return make_error(400, "invalid_json", "request body is not valid JSON: " + ec.message());
  if (!v.is_object()) return make_error(400, "invalid_json", "request body must be a JSON object");
  return JsonBody(std::move(v.as_object()));
}

Status JsonBody::only(std::initializer_list<std::string_view> allowed) const {
  for (const auto& kv : obj_) {
    bool known = false;
    for (auto a : allowed) known = known || kv.key() == a;
    if (!known) return make_error(400, "unknown_field", "unknown field '" + std::string(kv.key()) + "'");
  }
  return ok_status();
}

bool JsonBody::is_null(std::string_view key) const {
  auto it = obj_.find(key);
  return it != obj_.end() && it->value().is_null();
}

Result<std::string> JsonBody::required_string(std::string_view key) const {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) return invalid_field(key, "is required");
  if (!it->value().is_string()) return invalid_field(key, "must be a string");
  return std::string(it->value().as_string());
}

Result<std::optional<std::string>> JsonBody::optional_string(std::string_view key) const {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) return std::optional<std::string>();
  if (!it->value().is_string()) return invalid_field(key, "must be a string");
  return std::optional<std::string>(std::string(it->value().as_string()));
}

Result<std::optional<int64_t>> JsonBody::optional_int(std::string_view key) const {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) return std::optional<int64_t>();
  if (it->value().is_int64()) return std::optional<int64_t>(it->value().as_int64());
  if (it->value().is_uint64() && it->value().as_uint64() <= INT64_MAX)
    return std::optional<int64_t>(static_cast<int64_t>(it->value().as_uint64()));
  return invalid_field(key, "must be an integer");
}

Result<std::optional<bool>> JsonBody::optional_bool(std::string_view key) const {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) return std::optional<bool>();
  if (!it->value().is_bool()) return invalid_field(key, "must be true or false");
  return std::optional<bool>(it->value().as_bool());
}

Result<std::optional<std::optional<int64_t>>> JsonBody::optional_timestamp(std::string_view key) const {
  using R = std::optional<std::optional<int64_t>>;
  auto it = obj_.find(key);
  if (it == obj_.end()) return R();
  if (it->value().is_null()) return R(std::optional<int64_t>());
  if (!it->value().is_string()) return invalid_field(key, "must be an RFC 3339 timestamp such as 2030-01-01T00:00:00Z");
  auto t = parse_rfc3339(it->value().as_string());
  if (!t) return invalid_field(key, "must be an RFC 3339 timestamp such as 2030-01-01T00:00:00Z");
  return R(std::optional<int64_t>(*t));
}

}  // namespace shortstack::api
