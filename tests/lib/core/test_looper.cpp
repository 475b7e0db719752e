// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::Looper: every write from several threads reaches its handler, in order per fd; remove()
// never returns while the handler runs, and a removed handler never runs again (from another
// thread, from itself, from a handler of the same batch, with the fd number reused); quit() wakes
// a looper that would wait forever; hooks run on the named looper thread; post() keeps order.
#include <check.h>

#include "../check_main.h"
#include <fcntl.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/looper.h"
#include "core/poller.h"
#include "core/unique_fd.h"

namespace {

// Bound on any wait in these tests: only a hang gets near it.
constexpr auto kHang = std::chrono::seconds(30);

class Latch {
 public:
  explicit Latch(int count = 1) : count_(count) {}
  void countDown() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (count_ > 0 && --count_ == 0) cond_.notify_all();
  }
  bool wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    return cond_.wait_for(lock, kHang, [this] { return count_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cond_;
  int count_;
};

mk::UniqueFd makeEventfd() {
  mk::UniqueFd fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  ck_assert(fd.isValid());
  return fd;
}

void signalFd(int fd, std::uint64_t value = 1) {
  ck_assert_int_eq(write(fd, &value, sizeof(value)), (ssize_t)sizeof(value));
}

std::uint64_t drainFd(int fd) {
  std::uint64_t value = 0;
  if (read(fd, &value, sizeof(value)) != (ssize_t)sizeof(value)) return 0;
  return value;
}

// An eventfd whose handler counts down the latch armed by roundTrip(). Level-triggered polling
// reports every still-ready fd in the same wait, so once the probe's handler ran, a removed but
// still readable fd would have run too.
class Probe {
 public:
  explicit Probe(mk::Looper &looper) : fd_(makeEventfd()) {
    mk::Status status = looper.add(fd_.get(), mk::kPollIn, [this](int fd, unsigned) {
      drainFd(fd);
      std::lock_guard<std::mutex> lock(mutex_);
      handled_++;
      cond_.notify_all();
    });
    ck_assert_msg(status.isOk(), "%s", status.message().c_str());
  }
  // Two full waits of the looper, so a handler removed during the first is surely not run.
  void roundTrip() {
    for (int i = 0; i < 2; i++) {
      std::unique_lock<std::mutex> lock(mutex_);
      int target = handled_ + 1;
      signalFd(fd_.get());
      ck_assert(cond_.wait_for(lock, kHang, [&] { return handled_ >= target; }));
    }
  }

 private:
  mk::UniqueFd fd_;
  std::mutex mutex_;
  std::condition_variable cond_;
  int handled_ = 0;
};

// Wraps the epoll poller to observe the Looper's calls into it.
class HookPoller final : public mk::Poller {
 public:
  HookPoller(std::unique_ptr<mk::Poller> inner, std::function<void(int)> on_remove)
      : inner_(std::move(inner)), on_remove_(std::move(on_remove)) {}
  const char *name() const noexcept override { return "hook"; }
  mk::Status add(int fd, unsigned events, mk::PollKey key) noexcept override {
    return inner_->add(fd, events, key);
  }
  mk::Status modify(int fd, unsigned events, mk::PollKey key) noexcept override {
    return inner_->modify(fd, events, key);
  }
  mk::Status remove(int fd) noexcept override {
    mk::Status status = inner_->remove(fd);
    on_remove_(fd);
    return status;
  }
  mk::Result<std::size_t> wait(mk::PollEvent *out, std::size_t capacity,
                               int timeout_ms) noexcept override {
    return inner_->wait(out, capacity, timeout_ms);
  }
  void wake() noexcept override { inner_->wake(); }

 private:
  std::unique_ptr<mk::Poller> inner_;
  std::function<void(int)> on_remove_;
};

std::unique_ptr<mk::Poller> epoll() {
  auto poller = mk::makeEpollPoller();
  ck_assert_msg(poller.isOk(), "%s", poller.status().message().c_str());
  return std::move(poller).value();
}

void checkOk(const mk::Status &status) {
  ck_assert_msg(status.isOk(), "%s: %s", mk::errcName(status.code()), status.message().c_str());
}

void expectCode(const mk::Status &status, mk::Errc code) {
  ck_assert_msg(status.code() == code, "expected %s, got %s: %s", mk::errcName(code),
                mk::errcName(status.code()), status.message().c_str());
}

}  // namespace

START_TEST(test_dispatch_counts_under_load) {
  constexpr int kStreams = 4;
  constexpr std::uint32_t kWrites = 5000;
  mk::Looper looper("load");
  Latch all_done;
  int finished = 0;  // looper thread only
  std::atomic<int> wrong_thread{0};

  // Eventfds: the counters read by the handler must add up to the number of writes.
  std::vector<mk::UniqueFd> efds;
  std::vector<std::uint64_t> sums(kStreams, 0);
  for (int s = 0; s < kStreams; s++) {
    efds.push_back(makeEventfd());
    checkOk(looper.add(efds[s].get(), mk::kPollIn, [&, s](int fd, unsigned events) {
      if (!looper.isLooperThread() || !(events & mk::kPollIn)) wrong_thread++;
      sums[s] += drainFd(fd);
      if (sums[s] == kWrites && ++finished == 2 * kStreams) all_done.countDown();
    }));
  }

  // Pipes: 4-byte sequence numbers (atomic writes) must arrive in order and complete.
  struct PipeStream {
    mk::UniqueFd rd, wr;
    std::uint32_t expected = 0;
    int out_of_order = 0;
    std::vector<unsigned char> partial;
  };
  std::vector<PipeStream> pipes(kStreams);
  for (int s = 0; s < kStreams; s++) {
    int p[2];
    ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
    pipes[s].rd.reset(p[0]);
    pipes[s].wr.reset(p[1]);
    ck_assert_int_eq(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
    checkOk(looper.add(p[0], mk::kPollIn, [&, s](int fd, unsigned) {
      PipeStream &ps = pipes[s];
      unsigned char buf[4096];
      ssize_t n = read(fd, buf, sizeof(buf));
      if (n <= 0) return;
      ps.partial.insert(ps.partial.end(), buf, buf + n);
      std::size_t whole = ps.partial.size() / 4 * 4;
      for (std::size_t i = 0; i < whole; i += 4) {
        std::uint32_t seq;
        std::memcpy(&seq, &ps.partial[i], 4);
        if (seq != ps.expected) ps.out_of_order++;
        ps.expected = seq + 1;
      }
      ps.partial.erase(ps.partial.begin(), ps.partial.begin() + whole);
      if (ps.expected == kWrites && ++finished == 2 * kStreams) all_done.countDown();
    }));
  }

  checkOk(looper.start());
  std::vector<std::thread> writers;
  for (int s = 0; s < kStreams; s++) {
    writers.emplace_back([&, s] {
      for (std::uint32_t i = 0; i < kWrites; i++) signalFd(efds[s].get());
    });
    writers.emplace_back([&, s] {
      for (std::uint32_t i = 0; i < kWrites; i++) {
        ssize_t n;
        do {
          n = write(pipes[s].wr.get(), &i, sizeof(i));
        } while (n < 0 && errno == EINTR);
        ck_assert_int_eq(n, 4);
      }
    });
  }
  for (auto &w : writers) w.join();
  ck_assert_msg(all_done.wait(), "not every write reached its handler");
  looper.quit();

  for (int s = 0; s < kStreams; s++) {
    ck_assert_uint_eq(sums[s], kWrites);
    ck_assert_uint_eq(pipes[s].expected, kWrites);
    ck_assert_int_eq(pipes[s].out_of_order, 0);
    ck_assert(pipes[s].partial.empty());
  }
  ck_assert_int_eq(wrong_thread.load(), 0);
}
END_TEST

START_TEST(test_remove_blocks_while_handler_runs) {
  Latch entered, remove_called;
  mk::UniqueFd fd_b = makeEventfd();
  const int b = fd_b.get();
  mk::Looper looper("remove-wait", std::make_unique<HookPoller>(epoll(), [&](int fd) {
                      if (fd == b) remove_called.countDown();
                    }));
  Probe probe(looper);
  std::atomic<int> calls{0};
  std::atomic<bool> handler_done{false}, remove_returned{false};
  std::atomic<bool> returned_during_handler{false}, latch_timed_out{false};

  checkOk(looper.add(b, mk::kPollIn, [&](int, unsigned) {
    calls++;
    entered.countDown();
    // Hold the handler until remove() has unregistered the fd and must now wait for us.
    if (!remove_called.wait()) latch_timed_out = true;
    if (remove_returned) returned_during_handler = true;
    handler_done = true;  // the fd stays readable: only remove() can stop further calls
  }));
  checkOk(looper.start());
  signalFd(b);

  bool done_when_remove_returned = false;
  mk::Status remove_status;
  std::thread remover([&] {
    entered.wait();
    remove_status = looper.remove(b);
    done_when_remove_returned = handler_done;
    remove_returned = true;
  });
  remover.join();
  probe.roundTrip();
  looper.quit();

  checkOk(remove_status);
  ck_assert(!latch_timed_out);
  ck_assert_msg(done_when_remove_returned, "remove() returned while the handler ran");
  ck_assert(!returned_during_handler);
  ck_assert_int_eq(calls.load(), 1);
}
END_TEST

START_TEST(test_remove_self_in_handler) {
  mk::Looper looper("remove-self");
  Probe probe(looper);
  mk::UniqueFd fd_a = makeEventfd();
  auto token = std::make_shared<int>(0);
  int calls = 0;
  mk::Status inner_status(mk::Errc::kInternal, "not run");
  checkOk(looper.add(fd_a.get(), mk::kPollIn, [&, token](int fd, unsigned) {
    calls++;
    inner_status = looper.remove(fd);  // from itself: must not wait for itself
  }));
  signalFd(fd_a.get());  // never drained: only the removal stops the calls
  checkOk(looper.start());
  probe.roundTrip();
  ck_assert_int_eq(calls, 1);
  checkOk(inner_status);
  // Destroyed right after it returned, on the looper thread: only our reference is left.
  ck_assert_int_eq(token.use_count(), 1);
  expectCode(looper.remove(fd_a.get()), mk::Errc::kNotFound);
  looper.quit();
}
END_TEST

START_TEST(test_remove_other_in_same_batch) {
  mk::Looper looper("same-batch");
  Probe probe(looper);
  mk::UniqueFd a = makeEventfd(), b = makeEventfd();
  int calls_a = 0, calls_b = 0;
  checkOk(looper.add(a.get(), mk::kPollIn, [&](int fd, unsigned) {
    drainFd(fd);
    calls_a++;
    checkOk(looper.remove(b.get()));
  }));
  checkOk(looper.add(b.get(), mk::kPollIn, [&](int fd, unsigned) {
    drainFd(fd);
    calls_b++;
    checkOk(looper.remove(a.get()));
  }));
  // Both ready before the first wait, so both are in its batch.
  signalFd(a.get());
  signalFd(b.get());
  checkOk(looper.start());
  probe.roundTrip();
  looper.quit();
  ck_assert_int_eq(calls_a + calls_b, 1);
}
END_TEST

START_TEST(test_removed_fd_number_reused_in_batch) {
  mk::Looper looper("fd-reuse");
  Probe probe(looper);
  int fds[2] = {eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
  ck_assert(fds[0] >= 0 && fds[1] >= 0);
  bool swapped = false, same_number = false;
  int reused_fd = -1, stale_calls = 0, first_calls = 0;

  // Whichever handler runs first removes and closes the other fd, then registers a new, idle
  // eventfd that gets the freed number. The batch still holds the old fd's event: it must not
  // reach the new handler.
  auto make_handler = [&](int other) {
    return [&, other](int fd, unsigned) {
      drainFd(fd);
      first_calls++;
      if (swapped) return;
      swapped = true;
      checkOk(looper.remove(fds[other]));
      close(fds[other]);
      // Force the freed number even if a lower one is free.
      int fresh = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
      reused_fd = fresh;
      if (fresh != fds[other]) {
        reused_fd = dup3(fresh, fds[other], O_CLOEXEC);
        close(fresh);
      }
      same_number = reused_fd == fds[other];
      fds[other] = -1;
      checkOk(looper.add(reused_fd, mk::kPollIn, [&](int, unsigned) { stale_calls++; }));
    };
  };
  checkOk(looper.add(fds[0], mk::kPollIn, make_handler(1)));
  checkOk(looper.add(fds[1], mk::kPollIn, make_handler(0)));
  signalFd(fds[0]);
  signalFd(fds[1]);
  checkOk(looper.start());
  probe.roundTrip();
  looper.quit();

  ck_assert(swapped);
  ck_assert_int_eq(first_calls, 1);
  ck_assert_msg(same_number, "the kernel did not reuse the fd number; the test proves nothing");
  ck_assert_int_eq(stale_calls, 0);
  for (int fd : fds)
    if (fd >= 0) close(fd);
  close(reused_fd);
}
END_TEST

START_TEST(test_quit_wakes_at_once) {
  mk::Looper looper("quit");
  mk::UniqueFd idle = makeEventfd();
  checkOk(looper.add(idle.get(), mk::kPollIn, [](int, unsigned) {}));
  Latch running;
  checkOk(looper.post([&] { running.countDown(); }));
  checkOk(looper.start());
  ck_assert(running.wait());  // the looper now waits with no timeout
  auto t0 = std::chrono::steady_clock::now();
  looper.quit();
  auto elapsed = std::chrono::steady_clock::now() - t0;
  // The looper waits with no timeout: if quit() did not wake it, quit() would not return and the
  // test's timeout would end it. The bound is kHang, not a few seconds: a busy machine may stall
  // a thread for seconds, and no test may fail because the machine is busy.
  ck_assert_msg(elapsed < kHang, "quit() waited for a timeout");
  expectCode(looper.post([] {}), mk::Errc::kCancelled);
  looper.quit();  // twice is harmless
}
END_TEST

START_TEST(test_quit_from_handler) {
  mk::Looper looper("quit-inside");
  mk::UniqueFd fd = makeEventfd();
  Latch stopped;
  bool stop_on_looper = false;
  int calls = 0;
  checkOk(looper.add(fd.get(), mk::kPollIn, [&](int, unsigned) {
    calls++;
    looper.quit();  // asks, does not join itself
  }));
  signalFd(fd.get());
  checkOk(looper.start(nullptr, [&] {
    stop_on_looper = looper.isLooperThread();
    stopped.countDown();
  }));
  ck_assert(stopped.wait());
  looper.quit();  // joins
  ck_assert_int_eq(calls, 1);
  ck_assert(stop_on_looper);
  // Restartable after a quit; the fd is still registered and readable.
  checkOk(looper.start());
  looper.quit();
}
END_TEST

START_TEST(test_hooks_and_thread_name) {
  mk::Looper looper("mk-looper-with-a-long-name");
  mk::UniqueFd fd = makeEventfd();
  std::atomic<int> order{0};
  int hook_seq = 0, handler_seq = 0, stop_seq = 0;
  std::thread::id hook_tid, handler_tid, stop_tid;
  char pthread_name[32] = {};
  std::string comm;
  Latch handled;

  checkOk(looper.add(fd.get(), mk::kPollIn, [&](int fd_in, unsigned) {
    drainFd(fd_in);
    if (handler_seq == 0) handler_seq = ++order;
    handler_tid = std::this_thread::get_id();
    handled.countDown();
  }));
  signalFd(fd.get());  // ready before start: the first wait would dispatch it at once
  checkOk(looper.start(
      [&]() -> mk::Status {
        hook_seq = ++order;
        hook_tid = std::this_thread::get_id();
        pthread_getname_np(pthread_self(), pthread_name, sizeof(pthread_name));
        long tid = syscall(SYS_gettid);
        std::string path = "/proc/self/task/" + std::to_string(tid) + "/comm";
        if (FILE *f = std::fopen(path.c_str(), "r")) {
          char line[32] = {};
          if (std::fgets(line, sizeof(line), f)) comm.assign(line, std::strcspn(line, "\n"));
          std::fclose(f);
        }
        return mk::Status::ok();
      },
      [&] {
        stop_seq = ++order;
        stop_tid = std::this_thread::get_id();
      }));
  ck_assert(handled.wait());
  looper.quit();

  ck_assert_int_eq(hook_seq, 1);
  ck_assert_int_eq(handler_seq, 2);
  ck_assert_int_eq(stop_seq, 3);
  ck_assert(hook_tid == handler_tid);
  ck_assert(stop_tid == handler_tid);
  ck_assert(hook_tid != std::this_thread::get_id());
  ck_assert_str_eq(pthread_name, "mk-looper-with-");
  ck_assert_str_eq(comm.c_str(), "mk-looper-with-");
}
END_TEST

START_TEST(test_start_hook_failure) {
  mk::Looper looper("hook-fails");
  mk::UniqueFd fd = makeEventfd();
  std::atomic<int> calls{0}, stops{0}, tasks{0};
  checkOk(looper.add(fd.get(), mk::kPollIn, [&](int, unsigned) { calls++; }));
  checkOk(looper.post([&] { tasks++; }));
  signalFd(fd.get());
  mk::Status status = looper.start([] { return mk::Status(mk::Errc::kBusy, "device 0 is busy"); },
                                   [&] { stops++; });
  expectCode(status, mk::Errc::kBusy);
  ck_assert_str_eq(status.message().c_str(), "device 0 is busy");
  // start() joined the thread: nothing can run any more.
  ck_assert_int_eq(calls.load(), 0);
  ck_assert_int_eq(stops.load(), 0);
  ck_assert_int_eq(tasks.load(), 0);

  Latch handled;
  checkOk(looper.setEvents(fd.get(), mk::kPollIn));
  checkOk(looper.remove(fd.get()));
  checkOk(looper.add(fd.get(), mk::kPollIn, [&](int fd_in, unsigned) {
    drainFd(fd_in);
    handled.countDown();
  }));
  checkOk(looper.start(nullptr, [&] { stops++; }));
  expectCode(looper.start(), mk::Errc::kBusy);
  ck_assert(handled.wait());
  looper.quit();
  ck_assert_int_eq(tasks.load(), 1);  // the task queued before the failed start ran now
  ck_assert_int_eq(stops.load(), 1);
}
END_TEST

START_TEST(test_add_errors) {
  mk::Looper looper("errors");
  mk::UniqueFd fd = makeEventfd();
  auto noop = [](int, unsigned) {};
  expectCode(looper.add(-1, mk::kPollIn, noop), mk::Errc::kInvalidArgument);
  expectCode(looper.add(fd.get(), mk::kPollIn, nullptr), mk::Errc::kInvalidArgument);
  expectCode(looper.add(fd.get(), 0, noop), mk::Errc::kInvalidArgument);
  checkOk(looper.add(fd.get(), mk::kPollIn, noop));
  expectCode(looper.add(fd.get(), mk::kPollIn, noop), mk::Errc::kBusy);

  int closed = eventfd(0, 0);
  close(closed);
  mk::Status status = looper.add(closed, mk::kPollIn, noop);
  expectCode(status, mk::Errc::kInvalidArgument);
  ck_assert(status.message().find(std::to_string(closed)) != std::string::npos);

  mk::UniqueFd file(open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  ck_assert(file.isValid());
  expectCode(looper.add(file.get(), mk::kPollIn, noop), mk::Errc::kUnsupported);

  expectCode(looper.remove(12345), mk::Errc::kNotFound);
  expectCode(looper.setEvents(12345, mk::kPollIn), mk::Errc::kNotFound);
  expectCode(looper.post(nullptr), mk::Errc::kInvalidArgument);
  checkOk(looper.remove(fd.get()));
  expectCode(looper.remove(fd.get()), mk::Errc::kNotFound);
}
END_TEST

START_TEST(test_post_in_order) {
  constexpr int kThreads = 3, kTasks = 2000;
  mk::Looper looper("post");
  std::vector<int> seen_main;           // looper thread only
  std::vector<int> last(kThreads, -1);  // looper thread only
  int out_of_order = 0, total = 0;
  std::atomic<int> refused{0};
  bool hook_first = false, all_on_looper = true;
  for (int i = 0; i < 100; i++)
    checkOk(looper.post([&, i] {
      seen_main.push_back(i);
      all_on_looper = all_on_looper && looper.isLooperThread();
    }));
  checkOk(looper.start([&] {
    hook_first = seen_main.empty();
    return mk::Status::ok();
  }));
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; t++) {
    posters.emplace_back([&, t] {
      for (int i = 0; i < kTasks; i++) {
        mk::Status status = looper.post([&, t, i] {
          if (i != last[t] + 1) out_of_order++;
          last[t] = i;
          total++;
        });
        if (!status) refused++;
      }
    });
  }
  for (int i = 100; i < 1000; i++) checkOk(looper.post([&, i] { seen_main.push_back(i); }));
  for (auto &p : posters) p.join();
  Latch done;
  checkOk(looper.post([&] { done.countDown(); }));
  ck_assert(done.wait());
  looper.quit();

  ck_assert(hook_first);
  ck_assert(all_on_looper);
  ck_assert_int_eq(out_of_order, 0);
  ck_assert_int_eq(refused.load(), 0);
  ck_assert_int_eq(total, kThreads * kTasks);
  ck_assert_int_eq((int)seen_main.size(), 1000);
  for (int i = 0; i < 1000; i++) ck_assert_int_eq(seen_main[i], i);
}
END_TEST

START_TEST(test_quit_runs_accepted_tasks) {
  mk::Looper looper("drain");
  bool second_ran = false;
  mk::Status post_after_quit;
  int stop_saw_tasks = -1, tasks = 0;
  checkOk(looper.post([&] {
    tasks++;
    looper.quit();
  }));
  checkOk(looper.post([&] {
    tasks++;
    second_ran = true;
    post_after_quit = looper.post([&] { tasks++; });
  }));
  Latch stopped;
  checkOk(looper.start(nullptr, [&] {
    stop_saw_tasks = tasks;
    stopped.countDown();
  }));
  ck_assert(stopped.wait());
  looper.quit();
  ck_assert(second_ran);
  expectCode(post_after_quit, mk::Errc::kCancelled);
  ck_assert_int_eq(stop_saw_tasks, 2);
  ck_assert_int_eq(tasks, 2);
}
END_TEST

START_TEST(test_writable_and_set_events) {
  mk::Looper looper("writable");
  Probe probe(looper);
  int p[2];
  ck_assert_int_eq(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
  mk::UniqueFd rd(p[0]), wr(p[1]);
  int calls = 0;
  unsigned seen = 0;
  // An empty pipe is writable at once and stays so: switching to kPollIn stops the calls.
  checkOk(looper.add(wr.get(), mk::kPollOut, [&](int fd, unsigned events) {
    calls++;
    seen |= events;
    checkOk(looper.setEvents(fd, mk::kPollIn));
  }));
  checkOk(looper.start());
  probe.roundTrip();
  looper.quit();
  ck_assert_int_eq(calls, 1);
  ck_assert(seen & mk::kPollOut);
}
END_TEST

START_TEST(test_destructor_quits) {
  auto token = std::make_shared<int>(0);
  bool stopped = false;
  {
    mk::Looper looper("dtor");
    mk::UniqueFd fd = makeEventfd();
    checkOk(looper.add(fd.get(), mk::kPollIn, [token](int, unsigned) {}));
    checkOk(looper.start(nullptr, [&] { stopped = true; }));
    ck_assert_int_eq(token.use_count(), 2);
  }
  ck_assert(stopped);
  ck_assert_int_eq(token.use_count(), 1);
}
END_TEST

static Suite *looper_suite() {
  Suite *s = suite_create("core-looper");
  TCase *tc = tcase_create("looper");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_dispatch_counts_under_load);
  tcase_add_test(tc, test_remove_blocks_while_handler_runs);
  tcase_add_test(tc, test_remove_self_in_handler);
  tcase_add_test(tc, test_remove_other_in_same_batch);
  tcase_add_test(tc, test_removed_fd_number_reused_in_batch);
  tcase_add_test(tc, test_quit_wakes_at_once);
  tcase_add_test(tc, test_quit_from_handler);
  tcase_add_test(tc, test_hooks_and_thread_name);
  tcase_add_test(tc, test_start_hook_failure);
  tcase_add_test(tc, test_add_errors);
  tcase_add_test(tc, test_post_in_order);
  tcase_add_test(tc, test_quit_runs_accepted_tasks);
  tcase_add_test(tc, test_writable_and_set_events);
  tcase_add_test(tc, test_destructor_quits);
  suite_add_tcase(s, tc);
  return s;
}

int main() {
  return mktest::runSuite(looper_suite());
}
