// Status and Result<T>: errors as values, with the context added where they are born.
//
// A Status is either ok or carries a code and a message. Code tells the caller what it can do
// about it: `invalid` input will fail again unchanged (terminal), `unavailable` may succeed on
// retry (a database or Git remote that is down), `internal` is a bug of ours. Exceptions from
// libraries are caught at module boundaries and turned into a Status there.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace c4 {

class [[nodiscard]] Status {
 public:
  enum class Code { ok, invalid, not_found, unavailable, internal };

  Status() = default;  // ok
  static Status ok() { return Status(); }
  static Status invalid(std::string msg) { return Status(Code::invalid, std::move(msg)); }
  static Status not_found(std::string msg) { return Status(Code::not_found, std::move(msg)); }
  static Status unavailable(std::string msg) { return Status(Code::unavailable, std::move(msg)); }
  static Status internal(std::string msg) { return Status(Code::internal, std::move(msg)); }

  bool is_ok() const { return code_ == Code::ok; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // True for errors worth retrying with backoff (the world may change), false for terminal ones.
  bool retryable() const { return code_ == Code::unavailable; }

  // Returns a copy whose message is "context: message", keeping the code.
  Status with_context(const std::string& context) const {
    if (is_ok()) return *this;
    return Status(code_, context + ": " + message_);
  }
  std::string to_string() const;

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::ok;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}                    // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {}            // REQUIRES: !status.is_ok()
  bool is_ok() const { return value_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace c4
