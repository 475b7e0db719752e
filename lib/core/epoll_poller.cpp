// SPDX-License-Identifier: LGPL-2.1-or-later
// The Linux epoll Poller. wake() writes an eventfd registered in the same epoll set under the
// reserved key, so a wait() without a timeout still returns at once.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <string>

#include "core/log.h"
#include "core/poller.h"
#include "core/unique_fd.h"

namespace mk {

namespace {

// epoll_wait fills a stack array: no allocation per wait, and a looper rarely has more ready.
constexpr int kMaxBatch = 64;

Status errnoStatus(int err, const char *what, int fd) {
  Errc code = Errc::kIo;
  switch (err) {
    case EBADF:
    case EINVAL:
      code = Errc::kInvalidArgument;
      break;
    case EEXIST:
      code = Errc::kBusy;
      break;
    case ENOENT:
      code = Errc::kNotFound;
      break;
    case EPERM:
      code = Errc::kUnsupported;  // regular files and directories cannot be polled
      break;
    case ENOMEM:
    case ENOSPC:
      code = Errc::kNoMemory;
      break;
    default:
      break;
  }
  std::string message = std::string("epoll: ") + what;
  if (fd >= 0) message += " fd " + std::to_string(fd);
  message += ": ";
  message += std::strerror(err);
  return Status(code, std::move(message));
}

std::uint32_t toEpoll(unsigned events) {
  std::uint32_t out = 0;
  if (events & kPollIn) out |= EPOLLIN;
  if (events & kPollOut) out |= EPOLLOUT;
  return out;
}

unsigned fromEpoll(std::uint32_t events) {
  unsigned out = 0;
  if (events & EPOLLIN) out |= kPollIn;
  if (events & EPOLLOUT) out |= kPollOut;
  if (events & EPOLLERR) out |= kPollErr;
  if (events & (EPOLLHUP | EPOLLRDHUP)) out |= kPollHup;
  return out;
}

class EpollPoller final : public Poller {
 public:
  EpollPoller(UniqueFd epoll_fd, UniqueFd wake_fd) noexcept
      : epoll_fd_(std::move(epoll_fd)), wake_fd_(std::move(wake_fd)) {}

  const char *name() const noexcept override { return "epoll"; }

  Status add(int fd, unsigned events, PollKey key) noexcept override {
    return control(EPOLL_CTL_ADD, "add", fd, events, key);
  }

  Status modify(int fd, unsigned events, PollKey key) noexcept override {
    return control(EPOLL_CTL_MOD, "modify", fd, events, key);
  }

  Status remove(int fd) noexcept override {
    if (epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, fd, nullptr) < 0)
      return errnoStatus(errno, "remove", fd);
    return Status::ok();
  }

  Result<std::size_t> wait(PollEvent *out, std::size_t capacity, int timeout_ms) noexcept override {
    epoll_event events[kMaxBatch];
    int max = static_cast<int>(std::min<std::size_t>(capacity, kMaxBatch));
    if (max <= 0) return Status(Errc::kInvalidArgument, "epoll: wait with no room for events");
    int n = epoll_wait(epoll_fd_.get(), events, max, timeout_ms);
    if (n < 0) {
      if (errno == EINTR) return std::size_t{0};
      return errnoStatus(errno, "wait", -1);
    }
    std::size_t count = 0;
    for (int i = 0; i < n; i++) {
      if (events[i].data.u64 == kWakeKey) {
        drainWake();
        continue;
      }
      out[count].key = static_cast<PollKey>(events[i].data.u64);
      out[count].events = fromEpoll(events[i].events);
      count++;
    }
    return count;
  }

  void wake() noexcept override {
    std::uint64_t one = 1;
    // EAGAIN means the counter is saturated: a wake-up is pending anyway.
    while (::write(wake_fd_.get(), &one, sizeof(one)) < 0 && errno == EINTR) {
    }
  }

  Status registerWake() noexcept {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeKey;
    if (epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, wake_fd_.get(), &ev) < 0)
      return errnoStatus(errno, "add wake eventfd", wake_fd_.get());
    return Status::ok();
  }

 private:
  static constexpr std::uint64_t kWakeKey = static_cast<std::uint64_t>(kPollKeyReserved);

  Status control(int op, const char *what, int fd, unsigned events, PollKey key) noexcept {
    if (key == kPollKeyReserved)
      return Status(Errc::kInvalidArgument, "epoll: the reserved key was passed to add/modify");
    epoll_event ev{};
    ev.events = toEpoll(events);
    ev.data.u64 = key;
    if (epoll_ctl(epoll_fd_.get(), op, fd, &ev) < 0) return errnoStatus(errno, what, fd);
    return Status::ok();
  }

  void drainWake() noexcept {
    std::uint64_t value;
    // Non-blocking: a concurrent reader cannot exist, but never risk blocking the loop.
    while (::read(wake_fd_.get(), &value, sizeof(value)) < 0 && errno == EINTR) {
    }
  }

  UniqueFd epoll_fd_;
  UniqueFd wake_fd_;
};

}  // namespace

Result<std::unique_ptr<Poller>> makeEpollPoller() noexcept {
  UniqueFd epoll_fd(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_fd.isValid()) return errnoStatus(errno, "epoll_create1", -1);
  UniqueFd wake_fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_fd.isValid()) return errnoStatus(errno, "eventfd", -1);
  auto poller = std::unique_ptr<EpollPoller>(
      new (std::nothrow) EpollPoller(std::move(epoll_fd), std::move(wake_fd)));
  if (!poller) return Status(Errc::kNoMemory, "epoll: out of memory");
  Status status = poller->registerWake();
  if (!status) return status;
  MK_LOG_DEBUG("looper", "epoll poller ready");
  return std::unique_ptr<Poller>(std::move(poller));
}

}  // namespace mk
