// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::UniqueFd: sole owner of a POSIX file descriptor (after libcamera's UniqueFD). The fd is
// closed exactly once, when the owner is destroyed or reset; moving transfers ownership.
#pragma once

#include <unistd.h>

#include <utility>

namespace mk {

class UniqueFd {
 public:
  UniqueFd() noexcept = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd &&other) noexcept : fd_(other.release()) {}
  UniqueFd &operator=(UniqueFd &&other) noexcept {
    reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd &) = delete;
  UniqueFd &operator=(const UniqueFd &) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  bool isValid() const noexcept { return fd_ >= 0; }

  // Gives up ownership without closing.
  [[nodiscard]] int release() noexcept { return std::exchange(fd_, -1); }

  // Closes the owned fd (if any) and takes `fd`. close() is not retried on EINTR: on Linux the
  // fd is released even then, and a retry could close an fd another thread just opened.
  void reset(int fd = -1) noexcept {
    int old = std::exchange(fd_, fd);
    if (old >= 0 && old != fd) ::close(old);
  }

 private:
  int fd_ = -1;
};

}  // namespace mk
