// SPDX-License-Identifier: LGPL-2.1-or-later
// hi_dvpp_epoll_event carries a void *: it holds our PollKey. A failed wait is retried a few
// times before it is reported, because the Looper stops for good on a reported error.
#include "dvpp/dvpp_poller.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <new>
#include <string>

#include "core/log.h"
#include "core/unique_fd.h"
#include "dvpp/runtime.h"

namespace mk {
namespace dvpp {

namespace {

constexpr const char *kLog = "dvpp";
constexpr int kMaxBatch = 32;
constexpr int kMaxWaitFailures = 3;

hi_u32 toDvpp(unsigned events) {
  hi_u32 out = 0;
  if (events & kPollIn) out |= HI_DVPP_EPOLL_IN;
  if (events & kPollOut) out |= HI_DVPP_EPOLL_OUT;
  return out;
}

unsigned fromDvpp(hi_u32 events) {
  unsigned out = 0;
  if (events & HI_DVPP_EPOLL_IN) out |= kPollIn;
  if (events & HI_DVPP_EPOLL_OUT) out |= kPollOut;
  return out;
}

class DvppPoller final : public Poller {
 public:
  DvppPoller(const Api &api, hi_s32 epoll_fd) noexcept : api_(api), epoll_fd_(epoll_fd) {}
  ~DvppPoller() override {
    if (wake_fd_.isValid()) {
      hi_dvpp_epoll_event ev{};
      (void)api_.hi_mpi_sys_ctl_epoll(epoll_fd_, HI_DVPP_EPOLL_CTL_DEL, wake_fd_.get(), &ev);
    }
    hi_s32 ret = api_.hi_mpi_sys_close_epoll(epoll_fd_);
    if (ret != HI_SUCCESS)
      MK_LOG_WARNING(kLog, "hi_mpi_sys_close_epoll: %s", hiErrorName(ret).c_str());
  }

  const char *name() const noexcept override { return "dvpp"; }

  Status add(int fd, unsigned events, PollKey key) noexcept override {
    return control(HI_DVPP_EPOLL_CTL_ADD, "add", fd, events, key);
  }
  Status modify(int fd, unsigned events, PollKey key) noexcept override {
    return control(HI_DVPP_EPOLL_CTL_MOD, "modify", fd, events, key);
  }
  Status remove(int fd) noexcept override {
    hi_dvpp_epoll_event ev{};  // some runtimes read it even for DEL
    hi_s32 ret = api_.hi_mpi_sys_ctl_epoll(epoll_fd_, HI_DVPP_EPOLL_CTL_DEL, fd, &ev);
    if (ret != HI_SUCCESS)
      return Status(Errc::kNotFound,
                    "dvpp epoll: remove fd " + std::to_string(fd) + ": " + hiErrorName(ret));
    return Status::ok();
  }

  Result<std::size_t> wait(PollEvent *out, std::size_t capacity, int timeout_ms) noexcept override {
    if (capacity == 0) return Status(Errc::kInvalidArgument, "dvpp epoll: wait with no room");
    if (!wake_fd_.isValid()) {
      if (woken_.exchange(false)) return std::size_t{0};
      timeout_ms = timeout_ms < 0 ? kPollerSliceMs : std::min(timeout_ms, kPollerSliceMs);
    }
    hi_dvpp_epoll_event events[kMaxBatch] = {};
    hi_s32 max = static_cast<hi_s32>(std::min<std::size_t>(capacity, kMaxBatch));
    hi_s32 count = 0;
    hi_s32 ret = api_.hi_mpi_sys_wait_epoll(epoll_fd_, events, max, timeout_ms, &count);
    if (ret != HI_SUCCESS) {
      if (++failures_ >= kMaxWaitFailures)
        return Status(Errc::kIo, "dvpp epoll: hi_mpi_sys_wait_epoll failed " +
                                     std::to_string(failures_) + " times: " + hiErrorName(ret));
      MK_LOG_WARNING(kLog, "hi_mpi_sys_wait_epoll: %s (retrying)", hiErrorName(ret).c_str());
      return std::size_t{0};
    }
    failures_ = 0;
    std::size_t n = 0;
    for (hi_s32 i = 0; i < count && i < max; i++) {
      auto key = reinterpret_cast<PollKey>(events[i].data);
      if (key == kPollKeyReserved) {
        drainWake();
        continue;
      }
      out[n].key = key;
      out[n].events = fromDvpp(events[i].events);
      n++;
    }
    return n;
  }

  void wake() noexcept override {
    if (!wake_fd_.isValid()) {
      woken_.store(true);
      return;
    }
    std::uint64_t one = 1;
    while (::write(wake_fd_.get(), &one, sizeof(one)) < 0 && errno == EINTR) {
    }
  }

  // Tries to put an eventfd into the DVPP epoll set; without it wait() uses slices.
  void setUpWake() noexcept {
    UniqueFd fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!fd.isValid()) return;
    hi_dvpp_epoll_event ev{};
    ev.events = HI_DVPP_EPOLL_IN;
    ev.data = reinterpret_cast<void *>(kPollKeyReserved);
    hi_s32 ret = api_.hi_mpi_sys_ctl_epoll(epoll_fd_, HI_DVPP_EPOLL_CTL_ADD, fd.get(), &ev);
    if (ret != HI_SUCCESS) {
      MK_LOG_INFO(kLog, "the DVPP epoll does not take an eventfd (%s): waking in %d ms slices",
                  hiErrorName(ret).c_str(), kPollerSliceMs);
      return;
    }
    wake_fd_ = std::move(fd);
  }

 private:
  Status control(hi_s32 op, const char *what, int fd, unsigned events, PollKey key) noexcept {
    if (key == kPollKeyReserved)
      return Status(Errc::kInvalidArgument, "dvpp epoll: the reserved key was passed");
    hi_dvpp_epoll_event ev{};
    ev.events = toDvpp(events);
    ev.data = reinterpret_cast<void *>(key);
    hi_s32 ret = api_.hi_mpi_sys_ctl_epoll(epoll_fd_, op, fd, &ev);
    if (ret != HI_SUCCESS)
      return Status(Errc::kInvalidArgument, std::string("dvpp epoll: ") + what + " fd " +
                                                std::to_string(fd) + ": " + hiErrorName(ret));
    return Status::ok();
  }

  void drainWake() noexcept {
    std::uint64_t value;
    while (::read(wake_fd_.get(), &value, sizeof(value)) < 0 && errno == EINTR) {
    }
  }

  const Api &api_;
  hi_s32 epoll_fd_;
  UniqueFd wake_fd_;
  std::atomic<bool> woken_{false};
  int failures_ = 0;  // wait() thread only
};

}  // namespace

Result<std::unique_ptr<Poller>> makeDvppPoller(const Api &api) noexcept {
  hi_s32 epoll_fd = -1;
  hi_s32 ret = api.hi_mpi_sys_create_epoll(16, &epoll_fd);  // the size is a hint (> 0)
  if (ret != HI_SUCCESS)
    return Status(Errc::kIo, "dvpp epoll: hi_mpi_sys_create_epoll: " + hiErrorName(ret));
  auto poller = std::unique_ptr<DvppPoller>(new (std::nothrow) DvppPoller(api, epoll_fd));
  if (!poller) {
    (void)api.hi_mpi_sys_close_epoll(epoll_fd);
    return Status(Errc::kNoMemory, "dvpp epoll: out of memory");
  }
  poller->setUpWake();
  return std::unique_ptr<Poller>(std::move(poller));
}

}  // namespace dvpp
}  // namespace mk
