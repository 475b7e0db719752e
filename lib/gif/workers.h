// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::Workers: a fixed set of threads for the GIF encoder's data-parallel steps (stripes of
// a frame, segments of its LZW stream). run(count, fn) calls fn(task, thread) once for every task
// in [0, count), spread over the threads, the calling thread included, and returns when all have
// run. Which thread runs which task varies; callers make the result independent of it (every
// task writes only its own output, per-thread scratch is only a cache), so the encoder's output
// is the same bytes for any thread count.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace mk::gif {

class Workers {
 public:
  // `threads` in all, the caller included (at least 1). Threads that cannot be started are
  // done without: threads() says how many there are.
  explicit Workers(int threads) noexcept;
  ~Workers();
  Workers(const Workers &) = delete;
  Workers &operator=(const Workers &) = delete;

  int threads() const noexcept { return static_cast<int>(pool_.size()) + 1; }

  // Runs fn(task, thread) for task in [0, count); thread is in [0, threads()), 0 = the caller.
  // fn must not throw. Not reentrant: one run() at a time.
  template <typename Fn>
  void run(int count, Fn &&fn) noexcept {
    if (count <= 0) return;
    if (pool_.empty() || count == 1) {
      for (int t = 0; t < count; t++) fn(t, 0);
      return;
    }
    Job job{&fn, [](void *f, int task, int thread) { (*static_cast<Fn *>(f))(task, thread); },
            count};
    start(job);
    work(job, 0);
    finish(job);
  }

  // The number of threads `requested` stands for: 0 = the machine's cores.
  static int resolve(int requested) noexcept;

 private:
  struct Job {
    void *fn;
    void (*call)(void *, int, int);
    int count;
    std::atomic<int> next{0};
    Job(void *f, void (*c)(void *, int, int), int n) : fn(f), call(c), count(n) {}
  };
  void start(Job &job) noexcept;
  void work(Job &job, int thread) noexcept;
  void finish(Job &job) noexcept;
  void loop(int thread) noexcept;

  std::vector<std::thread> pool_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  Job *job_ = nullptr;
  uint64_t generation_ = 0;
  int busy_ = 0;  // pool threads still inside the current job
  bool stop_ = false;
};

}  // namespace mk::gif
