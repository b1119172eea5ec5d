// Errors as values at module boundaries: a Result<T> holds either a T or an Error.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace cells {

// A failure a caller can act on: `code` is a short machine-readable word
// (for protocol errors, the RFC error code), `message` is for humans.
struct Error {
  std::string code;
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that return nothing on success.
struct Ok {};
using Status = Result<Ok>;
inline Status ok() { return Ok{}; }

inline Error err(std::string code, std::string message) { return Error{std::move(code), std::move(message)}; }

}  // namespace cells
