// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/workers.h"

#include <new>
#include <system_error>

namespace mk::gif {

Workers::Workers(int threads) noexcept {
  for (int i = 1; i < threads; i++) {
    try {
      pool_.emplace_back([this, i] { loop(i); });
    } catch (const std::system_error &) {
      break;  // fewer threads: slower, same output
    } catch (const std::bad_alloc &) {
      break;
    }
  }
}

Workers::~Workers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread &t : pool_) t.join();
}

int Workers::resolve(int requested) noexcept {
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : 1;
}

void Workers::start(Job &job) noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &job;
    generation_++;
    busy_ = static_cast<int>(pool_.size());
  }
  wake_.notify_all();
}

void Workers::work(Job &job, int thread) noexcept {
  for (int t = job.next.fetch_add(1, std::memory_order_relaxed); t < job.count;
       t = job.next.fetch_add(1, std::memory_order_relaxed))
    job.call(job.fn, t, thread);
}

void Workers::finish(Job &job) noexcept {
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return busy_ == 0; });
  if (job_ == &job) job_ = nullptr;
}

void Workers::loop(int thread) noexcept {
  uint64_t seen = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    Job *job = job_;
    lock.unlock();
    work(*job, thread);
    lock.lock();
    if (--busy_ == 0) done_.notify_one();
  }
}

}  // namespace mk::gif
