// SPDX-License-Identifier: LGPL-2.1-or-later
// How the removal promise is kept: the looper thread looks an event's key up and marks the entry
// as running in one critical section, so remove() either erases it first (the event is skipped)
// or sees it running and, from another thread, waits on cond_ until the handler returns. Events
// carry a key, not the fd, so a stale event for a removed fd never reaches a new registration
// that reuses the fd number.
#include "core/looper.h"

#include <cstdlib>
#include <cstring>
#include <utility>

#include "core/log.h"

namespace mk {

namespace {

constexpr std::size_t kBatch = 32;
constexpr std::size_t kThreadNameMax = 15;  // TASK_COMM_LEN - 1

thread_local const Looper *t_current_looper = nullptr;

}  // namespace

Looper::Looper(std::string name, std::unique_ptr<Poller> poller) noexcept
    : name_(std::move(name)), poller_(std::move(poller)) {
  if (!poller_) {
    auto made = makeEpollPoller();
    if (made)
      poller_ = std::move(made).value();
    else
      init_status_ = made.status();
  }
}

Looper::~Looper() {
  if (isLooperThread()) {
    MK_LOG_ERROR("looper", "looper '%s' destroyed from its own thread", name_.c_str());
    std::abort();
  }
  quit();
}

bool Looper::isLooperThread() const noexcept {
  return t_current_looper == this;
}

Status Looper::start(StartHook on_start, StopHook on_stop) noexcept {
  if (!init_status_) return init_status_;
  if (isLooperThread())
    return Status(Errc::kBusy, "looper '" + name_ + "': start() from its own thread");
  std::lock_guard<std::mutex> lifecycle(lifecycle_mutex_);
  if (joinable_) return Status(Errc::kBusy, "looper '" + name_ + "' is already running");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = false;
    start_done_ = false;
    start_status_ = Status::ok();
  }
  on_start_ = std::move(on_start);
  on_stop_ = std::move(on_stop);

  int err = pthread_create(&thread_, nullptr, &Looper::threadMain, this);
  if (err != 0) {
    return Status(Errc::kNoMemory,
                  "looper '" + name_ + "': cannot create thread: " + std::strerror(err));
  }
  joinable_ = true;

  Status status;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    cond_.wait(lock, [this] { return start_done_; });
    status = start_status_;
  }
  if (!status) {
    pthread_join(thread_, nullptr);
    joinable_ = false;
  }
  return status;
}

void Looper::quit() noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
  }
  if (poller_) poller_->wake();
  if (isLooperThread()) return;  // a handler or task asked: the thread exits after it returns
  std::lock_guard<std::mutex> lifecycle(lifecycle_mutex_);
  if (joinable_) {
    pthread_join(thread_, nullptr);
    joinable_ = false;
  }
}

Status Looper::add(int fd, unsigned events, Handler handler) noexcept {
  if (!init_status_) return init_status_;
  if (fd < 0) return Status(Errc::kInvalidArgument, "looper '" + name_ + "': negative fd");
  if (!handler)
    return Status(Errc::kInvalidArgument,
                  "looper '" + name_ + "': empty handler for fd " + std::to_string(fd));
  if ((events & (kPollIn | kPollOut)) == 0)
    return Status(Errc::kInvalidArgument,
                  "looper '" + name_ + "': no events for fd " + std::to_string(fd));
  auto entry = std::make_shared<Entry>(Entry{fd, 0, events, std::move(handler)});
  std::lock_guard<std::mutex> lock(mutex_);
  if (by_fd_.count(fd) != 0)
    return Status(Errc::kBusy,
                  "looper '" + name_ + "': fd " + std::to_string(fd) + " is already registered");
  entry->key = next_key_++;
  if (next_key_ == kPollKeyReserved) next_key_ = 1;
  Status status = poller_->add(fd, events, entry->key);
  if (!status) return status;
  by_fd_.emplace(fd, entry);
  by_key_.emplace(entry->key, std::move(entry));
  return Status::ok();
}

Status Looper::setEvents(int fd, unsigned events) noexcept {
  if (!init_status_) return init_status_;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_fd_.find(fd);
  if (it == by_fd_.end())
    return Status(Errc::kNotFound,
                  "looper '" + name_ + "': fd " + std::to_string(fd) + " is not registered");
  Status status = poller_->modify(fd, events, it->second->key);
  if (status) it->second->events = events;
  return status;
}

Status Looper::remove(int fd) noexcept {
  if (!init_status_) return init_status_;
  std::shared_ptr<Entry> victim;  // destroyed after the lock is released: its captures may
                                  // call back into this Looper
  std::unique_lock<std::mutex> lock(mutex_);
  auto it = by_fd_.find(fd);
  if (it == by_fd_.end())
    return Status(Errc::kNotFound,
                  "looper '" + name_ + "': fd " + std::to_string(fd) + " is not registered");
  victim = std::move(it->second);
  by_fd_.erase(it);
  by_key_.erase(victim->key);
  // An fd the caller already closed has left the epoll set by itself: nothing to report.
  Status status = poller_->remove(fd);
  if (!status) MK_LOG_DEBUG("looper", "%s: %s", name_.c_str(), status.message().c_str());
  if (!isLooperThread()) cond_.wait(lock, [&] { return current_ != victim.get(); });
  lock.unlock();
  return Status::ok();
}

Status Looper::post(Task task) noexcept {
  if (!task) return Status(Errc::kInvalidArgument, "looper '" + name_ + "': empty task");
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (quit_) return Status(Errc::kCancelled, "looper '" + name_ + "' is quitting");
    was_empty = tasks_.empty();
    tasks_.push_back(std::move(task));
  }
  // The looper takes the whole queue at once, so only the first task after that needs a wake.
  if (was_empty && poller_) poller_->wake();
  return Status::ok();
}

void *Looper::threadMain(void *opaque) noexcept {
  static_cast<Looper *>(opaque)->run();
  return nullptr;
}

void Looper::run() noexcept {
  t_current_looper = this;
  char thread_name[kThreadNameMax + 1] = {};
  std::strncpy(thread_name, name_.c_str(), kThreadNameMax);
  pthread_setname_np(pthread_self(), thread_name);

  Status status = on_start_ ? on_start_() : Status::ok();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    start_status_ = status;
    start_done_ = true;
  }
  cond_.notify_all();
  if (!status) {
    MK_LOG_WARNING("looper", "%s: start hook failed: %s", name_.c_str(), status.message().c_str());
    on_start_ = nullptr;
    on_stop_ = nullptr;
    t_current_looper = nullptr;
    return;
  }
  MK_LOG_DEBUG("looper", "%s: running on %s", name_.c_str(), poller_->name());

  PollEvent events[kBatch];
  for (;;) {
    runTasks();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (quit_) break;
    }
    auto ready = poller_->wait(events, kBatch, -1);
    if (!ready) {
      // Waiting again would fail again: stop rather than spin.
      MK_LOG_ERROR("looper", "%s: %s; stopping", name_.c_str(), ready.status().message().c_str());
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
      break;
    }
    for (std::size_t i = 0; i < *ready; i++) dispatch(events[i]);
  }

  runTasks();  // tasks accepted before quit(); post() refuses new ones now
  if (on_stop_) on_stop_();
  on_start_ = nullptr;
  on_stop_ = nullptr;
  MK_LOG_DEBUG("looper", "%s: stopped", name_.c_str());
  t_current_looper = nullptr;
}

void Looper::dispatch(const PollEvent &event) noexcept {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (quit_) return;
    auto it = by_key_.find(event.key);
    if (it == by_key_.end()) return;  // removed earlier in this batch
    entry = it->second;
    current_ = entry.get();
  }
  entry->handler(entry->fd, event.events);
  // Drop our reference before a waiting remove() can return, so that it destroys the handler
  // (unless the handler removed itself: then it is destroyed here, on this thread).
  entry.reset();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = nullptr;
  }
  cond_.notify_all();
}

void Looper::runTasks() noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (tasks_.empty()) return;
    running_tasks_.swap(tasks_);
  }
  for (auto &task : running_tasks_) task();
  running_tasks_.clear();
}

}  // namespace mk
