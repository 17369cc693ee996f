#pragma once
// Errors are values at the seams: every tier returns Result<T>, never throws across the event loop.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace shortstack {

// The stable, machine-readable part of an error; `code` is what API clients switch on.
struct Error {
  int http_status = 500;
  std::string code;
  std::string message;
};

inline Error make_error(int status, std::string code, std::string message) {
  return Error{status, std::move(code), std::move(message)};
}
inline Error internal_error(std::string message) {
  return Error{500, "internal", std::move(message)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, like std::expected
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void> spelled as Result<Ok>, to keep one template.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace shortstack
