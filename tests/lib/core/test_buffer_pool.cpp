// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::BufferPool: buffers are recycled, never freed early or twice; the pool outlives uninit while
// buffers are out; bounded acquire blocks, fails without blocking, times out and is cancelled;
// poisoning, alignment and the custom allocator do what they say; counters add up under threads.
#include <check.h>

#include "../check_main.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "core/buffer_pool.h"

namespace {

using namespace std::chrono_literals;

struct Counting {
  std::atomic<int> allocs{0};
  std::atomic<int> frees{0};
  std::atomic<int> bad_opaque{0};
  std::atomic<size_t> last_alignment{0};
  std::mutex mu;
  std::set<void *> live;  // catches double frees and frees of foreign pointers
  std::atomic<int> bad_free{0};
};

void *counting_alloc(void *opaque, size_t size, size_t alignment) noexcept {
  auto *c = static_cast<Counting *>(opaque);
  if (!c) return nullptr;
  void *p = nullptr;
  if (posix_memalign(&p, alignment < sizeof(void *) ? sizeof(void *) : alignment, size) != 0)
    return nullptr;
  c->allocs++;
  c->last_alignment = alignment;
  std::lock_guard<std::mutex> lock(c->mu);
  c->live.insert(p);
  return p;
}

void counting_free(void *opaque, void *ptr) noexcept {
  auto *c = static_cast<Counting *>(opaque);
  if (!c) return;
  c->frees++;
  {
    std::lock_guard<std::mutex> lock(c->mu);
    if (c->live.erase(ptr) != 1) c->bad_free++;
  }
  free(ptr);
}

mk::BufferPoolConfig counting_config(Counting *c, size_t size, size_t max = 0) {
  mk::BufferPoolConfig cfg;
  cfg.size = size;
  cfg.max_buffers = max;
  cfg.allocator.opaque = c;
  cfg.allocator.alloc = counting_alloc;
  cfg.allocator.free = counting_free;
  return cfg;
}

mk::BufferPool make_pool(const mk::BufferPoolConfig &cfg) {
  auto r = mk::BufferPool::create(cfg);
  ck_assert_msg(r.isOk(), "create: %s", r.status().message().c_str());
  return std::move(r).value();
}

mk::PoolBuffer get(mk::BufferPool &pool) {
  auto r = pool.tryAcquire();
  ck_assert_msg(r.isOk(), "acquire: %s", r.status().message().c_str());
  return std::move(r).value();
}

// Waits (properly) until the pool reports `n` blocked acquirers; the bound only catches a hang.
void wait_for_waiters(const mk::BufferPool &pool, size_t n) {
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (pool.stats().waiters < n) {
    ck_assert_msg(std::chrono::steady_clock::now() < deadline, "acquirer never blocked");
    std::this_thread::yield();
  }
}

}  // namespace

START_TEST(test_create_rejects_bad_config) {
  mk::BufferPoolConfig cfg;
  auto r = mk::BufferPool::create(cfg);
  ck_assert(!r.isOk());
  ck_assert(r.status().code() == mk::Errc::kInvalidArgument);
  cfg.size = 16;
  cfg.alignment = 48;
  r = mk::BufferPool::create(cfg);
  ck_assert(r.status().code() == mk::Errc::kInvalidArgument);
  ck_assert(r.status().message().find("48") != std::string::npos);
  cfg.alignment = 16;
  cfg.allocator.alloc = counting_alloc;
  r = mk::BufferPool::create(cfg);
  ck_assert(r.status().code() == mk::Errc::kInvalidArgument);
  mk::BufferPool empty;
  ck_assert(empty.tryAcquire().status().code() == mk::Errc::kInvalidArgument);
}
END_TEST

START_TEST(test_reuse_and_counters) {
  Counting c;
  {
    mk::BufferPool pool = make_pool(counting_config(&c, 100));
    uint8_t *first;
    {
      mk::PoolBuffer b = get(pool);
      ck_assert_uint_eq(b.size(), 100);
      first = b.data();
      memset(b.data(), 1, b.size());
    }
    mk::PoolBuffer b = get(pool);
    ck_assert_ptr_eq(b.data(), first);  // the idle buffer came back, not a new one
    ck_assert_int_eq(c.allocs.load(), 1);
    mk::BufferPoolStats s = pool.stats();
    ck_assert_uint_eq(s.allocated, 1);
    ck_assert_uint_eq(s.in_use, 1);
    ck_assert_uint_eq(s.idle, 0);
    ck_assert_uint_eq(s.misses, 1);
    ck_assert_uint_eq(s.hits, 1);
    b.reset();
    s = pool.stats();
    ck_assert_uint_eq(s.in_use, 0);
    ck_assert_uint_eq(s.idle, 1);
    ck_assert_int_eq(c.frees.load(), 0);  // returned to the pool, never to the allocator
  }
  ck_assert_int_eq(c.frees.load(), 1);
  ck_assert_int_eq(c.bad_free.load(), 0);
}
END_TEST

START_TEST(test_handle_copies_keep_buffer_out) {
  Counting c;
  mk::BufferPool pool = make_pool(counting_config(&c, 64));
  mk::PoolBuffer a = get(pool);
  uint8_t *data = a.data();
  mk::PoolBuffer b = a;
  mk::PoolBuffer d;
  d = b;
  ck_assert_uint_eq(a.useCount(), 3);
  a.reset();
  b.reset();
  ck_assert_uint_eq(pool.stats().in_use, 1);
  mk::PoolBuffer other = get(pool);  // the shared one is still out: a new buffer
  ck_assert_ptr_ne(other.data(), data);
  mk::PoolBuffer moved = std::move(d);
  ck_assert(!d);
  ck_assert_uint_eq(moved.useCount(), 1);
  void *opaque = moved.detach();  // as a GstMemory would hold it
  ck_assert(!moved);
  ck_assert_uint_eq(pool.stats().in_use, 2);
  mk::PoolBuffer::unrefOpaque(opaque);
  ck_assert_uint_eq(pool.stats().in_use, 1);
  ck_assert_uint_eq(pool.stats().idle, 1);
  other.reset();
  ck_assert_int_eq(c.allocs.load(), 2);
}
END_TEST

START_TEST(test_custom_allocator_counts_and_opaque) {
  Counting c;
  {
    auto cfg = counting_config(&c, 256, 8);
    cfg.alignment = 4096;
    mk::BufferPool pool = make_pool(cfg);
    ck_assert(pool.preallocate(5).isOk());
    ck_assert_int_eq(c.allocs.load(), 5);
    ck_assert_uint_eq(c.last_alignment.load(), 4096);
    ck_assert(pool.preallocate(3).isOk());  // already there: nothing new
    ck_assert_int_eq(c.allocs.load(), 5);
    ck_assert(pool.preallocate(9).code() == mk::Errc::kInvalidArgument);
    std::vector<mk::PoolBuffer> out;
    for (int i = 0; i < 7; i++) out.push_back(get(pool));
    ck_assert_int_eq(c.allocs.load(), 7);
    mk::BufferPoolStats s = pool.stats();
    ck_assert_uint_eq(s.hits, 5);
    ck_assert_uint_eq(s.misses, 2);
    ck_assert_int_eq(c.frees.load(), 0);
  }
  ck_assert_int_eq(c.frees.load(), 7);
  ck_assert_int_eq(c.bad_free.load(), 0);
  ck_assert(c.live.empty());
}
END_TEST

START_TEST(test_allocator_failure) {
  mk::BufferPoolConfig cfg = counting_config(nullptr, 32);  // opaque null: alloc fails
  mk::BufferPool pool = make_pool(cfg);
  auto r = pool.tryAcquire();
  ck_assert(r.status().code() == mk::Errc::kNoMemory);
  ck_assert(pool.preallocate(1).code() == mk::Errc::kNoMemory);
  ck_assert_uint_eq(pool.stats().allocated, 0);
}
END_TEST

START_TEST(test_alignment_honoured) {
  for (size_t align : {1u, 8u, 64u, 256u, 4096u}) {
    mk::BufferPoolConfig cfg;
    cfg.size = 33;
    cfg.alignment = align;
    mk::BufferPool pool = make_pool(cfg);
    std::vector<mk::PoolBuffer> out;
    for (int i = 0; i < 4; i++) {
      out.push_back(get(pool));
      ck_assert_uint_eq(reinterpret_cast<uintptr_t>(out.back().data()) % align, 0);
    }
  }
}
END_TEST

START_TEST(test_poisoning) {
  mk::BufferPoolConfig cfg;
  cfg.size = 128;
  cfg.poison = true;
  mk::BufferPool pool = make_pool(cfg);
  {
    mk::PoolBuffer b = get(pool);
    memset(b.data(), 0x11, b.size());
  }
  mk::PoolBuffer b = get(pool);
  for (size_t i = 0; i < b.size(); i++) ck_assert_uint_eq(b.data()[i], mk::kPoisonByte);
  b.reset();

  cfg.poison = false;
  mk::BufferPool plain = make_pool(cfg);
  {
    mk::PoolBuffer p = get(plain);
    memset(p.data(), 0x11, p.size());
  }
  mk::PoolBuffer p = get(plain);
  ck_assert_uint_eq(p.data()[0], 0x11);
  ck_assert_uint_eq(p.data()[127], 0x11);

  // Device memory is never touched by the pool.
  cfg.poison = true;
  Counting c;
  mk::BufferPoolConfig dev = counting_config(&c, 128);
  dev.poison = true;
  dev.allocator.host_accessible = false;
  mk::BufferPool device = make_pool(dev);
  {
    mk::PoolBuffer d = get(device);
    memset(d.data(), 0x22, d.size());
  }
  mk::PoolBuffer d = get(device);
  ck_assert_uint_eq(d.data()[5], 0x22);
}
END_TEST

START_TEST(test_uninit_with_buffers_out) {
  Counting c;
  std::vector<mk::PoolBuffer> out;
  {
    mk::BufferPool pool = make_pool(counting_config(&c, 512));
    ck_assert(pool.preallocate(6).isOk());
    for (int i = 0; i < 4; i++) out.push_back(get(pool));
    mk::PoolBuffer copy = out[0];
    pool.uninit();  // 2 idle buffers go now
    ck_assert(!pool.valid());
    ck_assert_int_eq(c.frees.load(), 2);
    copy.reset();
    ck_assert_int_eq(c.frees.load(), 2);  // out[0] still holds it
    pool.uninit();                        // idempotent
  }
  ck_assert_int_eq(c.frees.load(), 2);
  // Returns from other threads, some with copies, each freed once: the last frees the pool
  // (ASan would report the pool's memory as leaked otherwise, or a use after free).
  std::thread t1([b = std::move(out[1])]() mutable { b.reset(); });
  std::thread t2([b = std::move(out[2]), b2 = out[2]]() mutable {
    b.reset();
    b2.reset();
  });
  t1.join();
  t2.join();
  ck_assert_int_eq(c.frees.load(), 4);
  for (auto &b : out)
    if (b) memset(b.data(), 0, b.size());  // still valid memory while held
  out.clear();
  ck_assert_int_eq(c.frees.load(), 6);
  ck_assert_int_eq(c.allocs.load(), 6);
  ck_assert_int_eq(c.bad_free.load(), 0);
}
END_TEST

START_TEST(test_bounded_nonblocking_and_timed) {
  Counting c;
  mk::BufferPool pool = make_pool(counting_config(&c, 64, 2));
  mk::PoolBuffer a = get(pool);
  mk::PoolBuffer b = get(pool);
  auto r = pool.tryAcquire();
  ck_assert(!r.isOk());
  ck_assert(r.status().code() == mk::Errc::kWouldBlock);
  auto t = pool.acquireFor(1ms);
  ck_assert(t.status().code() == mk::Errc::kTimeout);
  ck_assert_uint_eq(pool.stats().waiters, 0);
  ck_assert_int_eq(c.allocs.load(), 2);
  a.reset();
  auto again = pool.acquireFor(1ms);
  ck_assert(again.isOk());
}
END_TEST

START_TEST(test_bounded_blocking_wakes_on_release) {
  Counting c;
  mk::BufferPool pool = make_pool(counting_config(&c, 64, 1));
  mk::PoolBuffer held = get(pool);
  uint8_t *data = held.data();
  std::atomic<bool> got{false};
  uint8_t *got_data = nullptr;
  std::thread waiter([&] {
    auto r = pool.acquire();
    ck_assert(r.isOk());
    got_data = r->data();
    got = true;
  });
  wait_for_waiters(pool, 1);
  ck_assert(!got.load());
  held.reset();
  waiter.join();
  ck_assert(got.load());
  ck_assert_ptr_eq(got_data, data);
  ck_assert_uint_eq(pool.stats().waiters, 0);
  ck_assert_int_eq(c.allocs.load(), 1);
}
END_TEST

START_TEST(test_cancel_wakes_blocked_acquirers) {
  Counting c;
  mk::BufferPool pool = make_pool(counting_config(&c, 64, 1));
  mk::PoolBuffer held = get(pool);
  constexpr int kWaiters = 3;
  std::atomic<int> cancelled{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWaiters; i++)
    threads.emplace_back([&, i] {
      auto r = (i == 0) ? pool.acquireFor(600s) : pool.acquire();
      if (!r.isOk() && r.status().code() == mk::Errc::kCancelled) cancelled++;
    });
  wait_for_waiters(pool, kWaiters);
  auto start = std::chrono::steady_clock::now();
  pool.setFlushing(true);
  for (auto &t : threads) t.join();
  ck_assert_int_eq(cancelled.load(), kWaiters);
  ck_assert(std::chrono::steady_clock::now() - start < 30s);  // promptly, not at a timeout
  // Sticky: even with a buffer idle, acquire is refused until flushing is cleared.
  held.reset();
  ck_assert(pool.isFlushing());
  ck_assert(pool.tryAcquire().status().code() == mk::Errc::kCancelled);
  pool.setFlushing(false);
  ck_assert(pool.tryAcquire().isOk());
}
END_TEST

START_TEST(test_uninit_wakes_blocked_acquirer) {
  Counting c;
  mk::BufferPool pool = make_pool(counting_config(&c, 64, 1));
  mk::PoolBuffer held = get(pool);
  std::atomic<int> code{-1};
  std::thread waiter([&] { code = static_cast<int>(pool.acquire().status().code()); });
  wait_for_waiters(pool, 1);
  pool.uninit();
  waiter.join();
  ck_assert_int_eq(code.load(), static_cast<int>(mk::Errc::kCancelled));
  ck_assert_int_eq(c.frees.load(), 0);
  held.reset();
  ck_assert_int_eq(c.frees.load(), 1);
}
END_TEST

START_TEST(test_threads_million_cycles) {
  Counting c;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 125000;  // a million in total
  constexpr size_t kMax = 6;
  mk::BufferPool pool = make_pool(counting_config(&c, 64, kMax));
  std::atomic<int> failures{0};
  std::atomic<int> corrupt{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++)
    threads.emplace_back([&, t] {
      mk::PoolBuffer keep;
      for (int i = 0; i < kPerThread; i++) {
        // Block only with nothing held, or threads holding `keep` could starve each other.
        if (i % 3 == 0) keep.reset();
        auto r = (i % 3 == 0) ? pool.acquire() : pool.tryAcquire();
        if (!r.isOk()) {
          if (r.status().code() != mk::Errc::kWouldBlock) failures++;
          keep.reset();  // let the others through rather than spin holding a buffer
          i--;           // count only successful cycles
          continue;
        }
        mk::PoolBuffer b = std::move(r).value();
        // Each holder stamps the buffer; another holder at the same time would overwrite it.
        uint32_t stamp = static_cast<uint32_t>(t * kPerThread + i);
        memcpy(b.data(), &stamp, sizeof stamp);
        if (i % 7 == 0) keep = b;  // sometimes a second reference outlives this iteration
        uint32_t back;
        memcpy(&back, b.data(), sizeof back);
        if (back != stamp) corrupt++;
        if (i % 11 == 0) keep.reset();
      }
    });
  for (auto &t : threads) t.join();
  ck_assert_int_eq(failures.load(), 0);
  ck_assert_int_eq(corrupt.load(), 0);
  mk::BufferPoolStats s = pool.stats();
  ck_assert_uint_eq(s.hits + s.misses, uint64_t{kThreads} * kPerThread);
  ck_assert_uint_eq(s.misses, s.allocated);
  ck_assert_uint_le(s.allocated, kMax);
  ck_assert_uint_eq(s.in_use, 0);
  ck_assert_uint_eq(s.idle, s.allocated);
  ck_assert_uint_eq(s.waiters, 0);
  ck_assert_int_eq(c.allocs.load(), static_cast<int>(s.allocated));
  pool.uninit();
  ck_assert_int_eq(c.frees.load(), c.allocs.load());
  ck_assert_int_eq(c.bad_free.load(), 0);
}
END_TEST

START_TEST(test_release_races_uninit) {
  // Buffers come back on other threads while the owner uninits: each is freed exactly once.
  for (int round = 0; round < 50; round++) {
    Counting c;
    std::vector<mk::PoolBuffer> out;
    mk::BufferPool pool = make_pool(counting_config(&c, 32));
    for (int i = 0; i < 8; i++) out.push_back(get(pool));
    std::atomic<bool> go{false};
    std::thread releaser([&] {
      while (!go.load()) std::this_thread::yield();
      for (auto &b : out) b.reset();
    });
    go = true;
    pool.uninit();
    releaser.join();
    ck_assert_int_eq(c.frees.load(), 8);
    ck_assert_int_eq(c.bad_free.load(), 0);
  }
}
END_TEST

int main() {
  Suite *s = suite_create("core-buffer-pool");
  TCase *tc = tcase_create("pool");
  tcase_add_test(tc, test_create_rejects_bad_config);
  tcase_add_test(tc, test_reuse_and_counters);
  tcase_add_test(tc, test_handle_copies_keep_buffer_out);
  tcase_add_test(tc, test_custom_allocator_counts_and_opaque);
  tcase_add_test(tc, test_allocator_failure);
  tcase_add_test(tc, test_alignment_honoured);
  tcase_add_test(tc, test_poisoning);
  tcase_add_test(tc, test_uninit_with_buffers_out);
  tcase_add_test(tc, test_bounded_nonblocking_and_timed);
  tcase_add_test(tc, test_bounded_blocking_wakes_on_release);
  tcase_add_test(tc, test_cancel_wakes_blocked_acquirers);
  tcase_add_test(tc, test_uninit_wakes_blocked_acquirer);
  tcase_add_test(tc, test_threads_million_cycles);
  tcase_add_test(tc, test_release_races_uninit);
  suite_add_tcase(s, tc);
  return mktest::runSuite(s);
}
