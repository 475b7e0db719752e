// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::Poller: the wait-for-ready-fds primitive under mk::Looper, kept small so that it can be
// implemented over Linux epoll (here) or the DVPP hi_mpi_sys_*_epoll family (lib/dvpp). A Poller
// reports readiness and can be woken from any thread; it promises nothing about handlers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/result.h"

namespace mk {

// Event bits, in requests (add/modify) and in results (wait). kPollErr and kPollHup are only
// reported, never requested; a poller reports them whether asked or not.
inline constexpr unsigned kPollIn = 1u << 0;   // readable (EPOLLIN, HI_DVPP_EPOLL_IN)
inline constexpr unsigned kPollOut = 1u << 1;  // writable (EPOLLOUT, HI_DVPP_EPOLL_OUT)
inline constexpr unsigned kPollErr = 1u << 2;  // error condition on the fd
inline constexpr unsigned kPollHup = 1u << 3;  // peer hung up

// Chosen by the caller at add(), handed back by wait(). It fits the `void *data` of
// hi_dvpp_epoll_event, and lets the caller tell a stale event for a reused fd number from a new
// registration. kPollKeyReserved is never passed to add(): pollers may use it internally.
using PollKey = std::uintptr_t;
inline constexpr PollKey kPollKeyReserved = ~PollKey{0};

struct PollEvent {
  PollKey key = 0;
  unsigned events = 0;
};

// Level-triggered: an fd stays ready, and is reported by every wait(), until its condition is
// consumed. add/modify/remove/wake may be called from any thread, also while another thread is
// blocked in wait(); wait() itself is called by one thread at a time. mk::Looper calls
// add/modify/remove with its lock held: a Poller never calls back into its user.
class Poller {
 public:
  virtual ~Poller() = default;

  // A short name for logs ("epoll", "dvpp").
  virtual const char *name() const noexcept = 0;

  // Errors: kInvalidArgument for a bad or closed fd, kBusy if `fd` is already registered,
  // kUnsupported if the fd cannot be polled (a regular file), kNoMemory, kIo.
  virtual Status add(int fd, unsigned events, PollKey key) noexcept = 0;
  virtual Status modify(int fd, unsigned events, PollKey key) noexcept = 0;
  // kNotFound if `fd` is not registered.
  virtual Status remove(int fd) noexcept = 0;

  // Blocks until a registered fd is ready, wake() is called or `timeout_ms` passes (-1: no
  // limit), then stores up to `capacity` events in `out` and returns how many. 0 means woken,
  // timed out or interrupted (EINTR): the caller just decides whether to wait again. A poller
  // that cannot block without limit may return 0 early. An error is returned only for a
  // failure that waiting again would repeat.
  virtual Result<std::size_t> wait(PollEvent *out, std::size_t capacity,
                                   int timeout_ms) noexcept = 0;

  // Makes the wait() in progress, or else the next one, return promptly. Cheap and callable
  // from any thread; several calls before a wait() may wake it only once.
  virtual void wake() noexcept = 0;
};

// The Linux epoll poller, the default of mk::Looper. Fails only if the kernel refuses an epoll
// instance or an eventfd (out of fds or memory).
Result<std::unique_ptr<Poller>> makeEpollPoller() noexcept;

}  // namespace mk
