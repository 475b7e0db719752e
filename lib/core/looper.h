// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::Looper: one named thread that waits on a set of fds through a Poller and calls the handler
// registered for each ready fd, and runs tasks posted to it (after HmevLooper in the CANN venc
// sample). It promises: when remove(fd) returns, that fd's handler is not running and never runs
// again; quit() wakes the thread at once instead of after a poll timeout.
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/poller.h"
#include "core/result.h"

namespace mk {

class Looper {
 public:
  // Called on the looper thread with the fd and the ready kPoll* bits. Handlers must not throw
  // (the thread is noexcept: a throw terminates) and must consume what made the fd ready, or they
  // are called again at once (level-triggered).
  using Handler = std::function<void(int fd, unsigned events)>;
  using Task = std::function<void()>;
  // Run on the looper thread: StartHook before anything else (bind per-thread state such as a
  // device context; a failure aborts start()), StopHook last, after the final handler or task.
  using StartHook = std::function<Status()>;
  using StopHook = std::function<void()>;

  // `name` names the thread (cut to 15 bytes, the kernel's limit). A null `poller` means an
  // epoll poller; if it cannot be created, start() and add() report why.
  explicit Looper(std::string name, std::unique_ptr<Poller> poller = nullptr) noexcept;
  // quit()s. Destroying a Looper from its own thread is a bug and aborts.
  ~Looper();
  Looper(const Looper &) = delete;
  Looper &operator=(const Looper &) = delete;

  // Starts the thread and returns once `on_start` has run there: its failure is returned (the
  // thread has then exited, `on_stop` is not called, and start() may be tried again). kBusy if
  // already running. A Looper may be started again after quit().
  Status start(StartHook on_start = nullptr, StopHook on_stop = nullptr) noexcept;

  // Asks the thread to stop: it finishes the handler or task in progress, runs the tasks already
  // posted, then the stop hook, and exits. From any other thread quit() also waits for the exit;
  // from the looper thread (a handler or task) it only asks, and the next quit() from another
  // thread, or the destructor, joins. Registered fds stay registered.
  void quit() noexcept;

  // Registers `fd` for `events` (kPollIn, kPollOut). Allowed before start() and from handlers.
  // kInvalidArgument for fd < 0, an empty handler, no events, or an fd the poller rejects;
  // kBusy if `fd` is already registered.
  Status add(int fd, unsigned events, Handler handler) noexcept;
  // Changes the events `fd` waits for. kNotFound if not registered.
  Status setEvents(int fd, unsigned events) noexcept;
  // Unregisters `fd`. When it returns, the handler is not running and will never run again:
  // from another thread it blocks while the handler runs, so that handler must not wait for the
  // caller; from the looper thread (any handler, this fd's own included, or a task) it does not
  // wait. The handler is destroyed before remove() returns, except when removed from within
  // itself: then right after it returns. kNotFound if not registered.
  Status remove(int fd) noexcept;

  // Runs `task` on the looper thread, in post() order, before the next wait. Tasks accepted
  // before quit() still run before the thread exits. kCancelled once quit() was called (until
  // the next start()). Tasks must not throw.
  Status post(Task task) noexcept;

  const std::string &name() const noexcept { return name_; }
  // True on this Looper's thread (in a hook, handler or task).
  bool isLooperThread() const noexcept;

 private:
  struct Entry {
    int fd;
    PollKey key;
    unsigned events;
    Handler handler;
  };

  static void *threadMain(void *opaque) noexcept;
  void run() noexcept;
  void dispatch(const PollEvent &event) noexcept;
  void runTasks() noexcept;

  std::string name_;
  std::unique_ptr<Poller> poller_;
  Status init_status_;

  // Serialises start() and the join in quit(); never taken by the looper thread.
  std::mutex lifecycle_mutex_;
  pthread_t thread_{};
  bool joinable_ = false;  // under lifecycle_mutex_
  StartHook on_start_;     // handed to the thread by start()
  StopHook on_stop_;

  // Guards everything below. Never held while a handler, task or hook runs.
  std::mutex mutex_;
  std::condition_variable cond_;  // handler finished; start hook finished
  bool quit_ = false;
  bool start_done_ = false;
  Status start_status_;
  std::unordered_map<int, std::shared_ptr<Entry>> by_fd_;
  std::unordered_map<PollKey, std::shared_ptr<Entry>> by_key_;
  PollKey next_key_ = 1;
  const Entry *current_ = nullptr;  // the entry whose handler is running
  std::vector<Task> tasks_;
  std::vector<Task> running_tasks_;  // looper thread only; swapped with tasks_ to keep capacity
};

}  // namespace mk
