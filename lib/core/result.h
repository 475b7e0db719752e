// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::Status and mk::Result<T>: how lib/ reports failure without exceptions. A Status carries a
// code a caller can branch on and a message a person can act on; gst/ turns both into a
// GST_ELEMENT_ERROR or a flow return.
#pragma once

#include <string>
#include <utility>
#include <optional>

namespace mk {

enum class Errc {
  kOk = 0,
  kInvalidArgument,  // a caller passed a value outside what is allowed
  kOutOfRange,       // a value is outside an option's or a format's range
  kNotFound,         // no such option, fd, channel ...
  kBusy,             // the resource is taken (try another or later)
  kWouldBlock,       // a non-blocking call found nothing ready
  kCancelled,        // a blocking call was cancelled
  kNoMemory,         // an allocator returned nothing
  kCorruptData,      // untrusted input does not follow its format
  kTruncated,        // untrusted input ended early
  kUnsupported,      // valid, but not something we handle
  kTimeout,          // a bounded wait ran out
  kIo,               // the system said no (errno in the message)
  kInternal,         // a bug: a promise of ours was broken
};

const char *errcName(Errc code) noexcept;

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Errc code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status ok() { return Status(); }

  bool isOk() const noexcept { return code_ == Errc::kOk; }
  explicit operator bool() const noexcept { return isOk(); }
  Errc code() const noexcept { return code_; }
  const std::string &message() const noexcept { return message_; }

 private:
  Errc code_ = Errc::kOk;
  std::string message_;
};

// A value or the Status saying why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool isOk() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return isOk(); }
  const Status &status() const noexcept { return status_; }
  T &value() & { return *value_; }
  const T &value() const & { return *value_; }
  T &&value() && { return std::move(*value_); }
  T *operator->() { return &*value_; }
  const T *operator->() const { return &*value_; }
  T &operator*() & { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace mk
