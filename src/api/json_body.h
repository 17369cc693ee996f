#pragma once
// Typed access to a JSON request body, with errors that name the offending field.
#include <boost/json/object.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace shortstack::api {

class JsonBody {
 public:
  // The body must be a JSON object. An empty body is an error.
  static Result<JsonBody> parse(std::string_view body);

  Status only(std::initializer_list<std::string_view> allowed) const;  // unknown fields are refused
  bool has(std::string_view key) const { return obj_.contains(key); }
  bool is_null(std::string_view key) const;

  Result<std::string> required_string(std::string_view key) const;
  Result<std::optional<std::string>> optional_string(std::string_view key) const;
  Result<std::optional<int64_t>> optional_int(std::string_view key) const;
  Result<std::optional<bool>> optional_bool(std::string_view key) const;
  // An RFC 3339 timestamp, or null (returned as an engaged optional holding nullopt).
  Result<std::optional<std::optional<int64_t>>> optional_timestamp(std::string_view key) const;

 private:
  explicit JsonBody(boost::json::object obj) : obj_(std::move(obj)) {}
  boost::json::object obj_;
};

Error invalid_field(std::string_view key, std::string_view expectation);

}  // namespace shortstack::api
