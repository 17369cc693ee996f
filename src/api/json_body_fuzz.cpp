// libFuzzer target: every API body goes through JsonBody. Whatever the bytes, parsing and the typed
// accessors must never crash, and every refusal must be a 400 with a code (never a 5xx).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/json_body.h"

namespace {

template <class R>
void expect_clean(const R& r) {
  if (!r && (r.error().http_status != 400 || r.error().code.empty())) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using shortstack::api::JsonBody;
  auto body = JsonBody::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  expect_clean(body);
  if (!body) return 0;
  expect_clean(body->only({"url", "alias", "expires_at", "redirect", "disabled", "password"}));
  expect_clean(body->required_string("url"));
  expect_clean(body->optional_string("alias"));
  expect_clean(body->optional_int("redirect"));
  expect_clean(body->optional_bool("disabled"));
  expect_clean(body->optional_timestamp("expires_at"));
  (void)body->is_null("url");
  return 0;
}
