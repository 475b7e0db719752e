// SPDX-License-Identifier: LGPL-2.1-or-later
// Acquire + release of an idle buffer: mk::BufferPool beside GstBufferPool and FFmpeg's
// AVBufferPool, 1 and 2 threads, same buffer size, all in one run. One line per row:
//   bench=pool impl=<mk|gst|av> threads=<n> ops_per_s=<number>
// --quick runs each row for a short time (a smoke test, not a measurement).
#include <gst/gst.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

extern "C" {
#include <libavutil/buffer.h>
}

#include "core/buffer_pool.h"

namespace {

constexpr size_t kSize = 4096;
constexpr int kBatch = 1024;  // iterations between clock reads

using Clock = std::chrono::steady_clock;

// Runs `cycle` on `threads` threads for about `seconds`; returns total cycles per second.
template <typename Cycle>
double run(int threads, double seconds, Cycle cycle) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::vector<uint64_t> counts(threads, 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; t++)
    pool.emplace_back([&, t] {
      ready++;
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < kBatch; i++) cycle();
        n += kBatch;
      }
      counts[t] = n;
    });
  while (ready.load() < threads) std::this_thread::yield();
  auto start = Clock::now();
  go.store(true, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto &th : pool) th.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  return total / elapsed;
}

void report(const char *impl, int threads, double ops) {
  printf("bench=pool impl=%s threads=%d ops_per_s=%.0f\n", impl, threads, ops);
  fflush(stdout);
}

bool bench_mk(int threads, double seconds) {
  mk::BufferPoolConfig cfg;
  cfg.size = kSize;
  cfg.poison = false;  // the peers do not poison either
  auto created = mk::BufferPool::create(cfg);
  if (!created) return false;
  mk::BufferPool pool = std::move(created).value();
  if (!pool.preallocate(threads)) return false;
  std::atomic<int> failures{0};
  double ops = run(threads, seconds, [&] {
    auto r = pool.tryAcquire();
    if (!r) failures.fetch_add(1, std::memory_order_relaxed);
  });
  report("mk", threads, ops);
  return failures.load() == 0;
}

bool bench_gst(int threads, double seconds) {
  GstBufferPool *pool = gst_buffer_pool_new();
  GstStructure *config = gst_buffer_pool_get_config(pool);
  gst_buffer_pool_config_set_params(config, nullptr, kSize, threads, threads);
  if (!gst_buffer_pool_set_config(pool, config) || !gst_buffer_pool_set_active(pool, TRUE)) {
    gst_object_unref(pool);
    return false;
  }
  std::atomic<int> failures{0};
  double ops = run(threads, seconds, [&] {
    GstBuffer *buf = nullptr;
    if (gst_buffer_pool_acquire_buffer(pool, &buf, nullptr) != GST_FLOW_OK) {
      failures.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    gst_buffer_unref(buf);
  });
  report("gst", threads, ops);
  gst_buffer_pool_set_active(pool, FALSE);
  gst_object_unref(pool);
  return failures.load() == 0;
}

bool bench_av(int threads, double seconds) {
  AVBufferPool *pool = av_buffer_pool_init(kSize, nullptr);
  if (!pool) return false;
  {  // preallocate as many as threads, like the others
    std::vector<AVBufferRef *> refs;
    for (int i = 0; i < threads; i++) refs.push_back(av_buffer_pool_get(pool));
    for (auto *r : refs) av_buffer_unref(&r);
  }
  std::atomic<int> failures{0};
  double ops = run(threads, seconds, [&] {
    AVBufferRef *ref = av_buffer_pool_get(pool);
    if (!ref) {
      failures.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    av_buffer_unref(&ref);
  });
  report("av", threads, ops);
  av_buffer_pool_uninit(&pool);
  return failures.load() == 0;
}

}  // namespace

int main(int argc, char **argv) {
  double seconds = 0.5;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quick") == 0) {
      seconds = 0.02;
    } else {
      fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
      return 2;
    }
  }
  gst_init(nullptr, nullptr);
  bool ok = true;
  for (int threads : {1, 2}) {
    ok = bench_mk(threads, seconds) && ok;
    ok = bench_gst(threads, seconds) && ok;
    ok = bench_av(threads, seconds) && ok;
  }
  if (!ok) fprintf(stderr, "bench_pool: an acquire failed\n");
  return ok ? 0 : 1;
}
