// SPDX-License-Identifier: LGPL-2.1-or-later
#include "core/buffer_pool.h"

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

#include "core/log.h"

namespace mk {

namespace {

void *heapAlloc(void *, size_t size, size_t alignment) noexcept {
  void *ptr = nullptr;
  if (alignment < sizeof(void *)) alignment = sizeof(void *);
  if (posix_memalign(&ptr, alignment, size) != 0) return nullptr;
  return ptr;
}

void heapFree(void *, void *ptr) noexcept {
  std::free(ptr);
}

}  // namespace

PoolAllocator heapAllocator() noexcept {
  PoolAllocator a;
  a.alloc = heapAlloc;
  a.free = heapFree;
  return a;
}

namespace detail {

// The free list is a Treiber stack of entry indices. Its head packs, in one 64-bit word:
//   bits 0-23  index of the top entry, or kEmpty / kClosed
//   bit  24    "someone waits": pushers then take the mutex and notify
//   bits 25-63 a pop counter, so a stale head never compares equal (ABA)
// Entries are never freed while the pool lives, so a popper that read a stale index still reads
// valid memory; its CAS then fails on the counter.
class PoolCore {
 public:
  static constexpr uint64_t kIndexMask = 0xFFFFFF;
  static constexpr uint32_t kEmpty = 0xFFFFFF;
  static constexpr uint32_t kClosed = 0xFFFFFE;
  static constexpr uint64_t kWaiterBit = uint64_t{1} << 24;
  static constexpr uint64_t kTagOne = uint64_t{1} << 25;
  // Entry storage grows in chunks of 16, 32, 64 ... entries, never moved, so indices stay valid.
  static constexpr uint32_t kFirstChunk = 16;
  static constexpr int kChunks = 20;
  static constexpr uint32_t kMaxEntries = kFirstChunk * ((1u << kChunks) - 1);

  enum class Mode { kForever, kNoWait, kUntil };

  explicit PoolCore(const BufferPoolConfig &config)
      : size_(config.size),
        alignment_(config.alignment),
        max_(config.max_buffers),
        alloc_(config.allocator.alloc ? config.allocator : heapAllocator()),
        poison_(config.poison && alloc_.host_accessible) {}

  ~PoolCore() {
    for (auto *chunk : chunks_) delete[] chunk;
  }

  PoolEntry *entryAt(uint32_t index) const noexcept {
    uint32_t v = index + kFirstChunk;
    int k = 31 - __builtin_clz(v) - 4;  // kFirstChunk == 1 << 4
    return chunks_[k] + (v - (kFirstChunk << k));
  }

  PoolEntry *pop() noexcept {
    uint64_t head = head_.load(std::memory_order_acquire);
    for (;;) {
      uint32_t top = static_cast<uint32_t>(head & kIndexMask);
      if (top == kEmpty || top == kClosed) return nullptr;
      PoolEntry *e = entryAt(top);
      uint64_t next = e->next.load(std::memory_order_relaxed);
      uint64_t desired = ((head & ~kIndexMask) + kTagOne) | next;
      if (head_.compare_exchange_weak(head, desired, std::memory_order_acquire,
                                      std::memory_order_acquire))
        return e;
    }
  }

  PoolBuffer take(PoolEntry *e) noexcept {
    e->refs.store(1, std::memory_order_relaxed);
    return PoolBuffer(e);
  }

  Result<PoolBuffer> acquire(Mode mode, std::chrono::steady_clock::time_point deadline) {
    if (!flushing_.load(std::memory_order_relaxed)) {
      if (PoolEntry *e = pop()) {
        e->hits.store(e->hits.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return take(e);
      }
    }
    return acquireSlow(mode, deadline);
  }

  // After our pushes, nothing of the pool is touched: once the entry is on the list, uninit may
  // free the pool at any moment.
  void push(PoolEntry *e) noexcept {
    if (poison_) std::memset(e->data, kPoisonByte, e->size);
    e->refs.store(0, std::memory_order_relaxed);
    uint64_t head = head_.load(std::memory_order_relaxed);
    for (;;) {
      uint32_t top = static_cast<uint32_t>(head & kIndexMask);
      if (top == kClosed) return freeReturned(e);
      if (head & kWaiterBit) return pushAndNotify(e);
      e->next.store(top, std::memory_order_relaxed);
      if (head_.compare_exchange_weak(head, (head & ~kIndexMask) | e->index,
                                      std::memory_order_release, std::memory_order_relaxed))
        return;
    }
  }

  Status preallocate(size_t count) {
    std::lock_guard<std::mutex> lock(mu_);
    if (max_ != 0 && count > max_)
      return Status(Errc::kInvalidArgument, "preallocate(" + std::to_string(count) +
                                                ") is above max_buffers " + std::to_string(max_));
    while (allocated_.load(std::memory_order_relaxed) < count) {
      PoolEntry *e = nullptr;
      Status st = createEntry(&e);
      if (!st) return st;
      if (!pushLocked(e)) {  // not reached while the owner obeys the contract; keep it safe
        freeMemory(e);
        return Status(Errc::kCancelled, "the pool was uninit'ed");
      }
    }
    cv_.notify_all();
    return Status::ok();
  }

  void setFlushing(bool flushing) noexcept {
    std::lock_guard<std::mutex> lock(mu_);
    flushing_.store(flushing, std::memory_order_relaxed);
    if (flushing) cv_.notify_all();
  }

  bool isFlushing() const noexcept { return flushing_.load(std::memory_order_relaxed); }

  BufferPoolStats stats() const noexcept {
    std::lock_guard<std::mutex> lock(mu_);
    BufferPoolStats s;
    s.allocated = allocated_.load(std::memory_order_relaxed);
    for (uint32_t i = 0; i < count_; i++) {
      const PoolEntry *e = entryAt(i);
      if (e->refs.load(std::memory_order_relaxed) != 0) s.in_use++;
      s.hits += e->hits.load(std::memory_order_relaxed);
    }
    s.idle = s.allocated > s.in_use ? s.allocated - s.in_use : 0;
    s.misses = misses_;
    s.waiters = waiters_;
    return s;
  }

  // The owner lets go: close the list, wake and wait out blocked acquirers, free the idle buffers.
  void shutdown() noexcept {
    uint64_t old;
    {
      std::unique_lock<std::mutex> lock(mu_);
      old = head_.exchange(kClosed, std::memory_order_acq_rel);
      cv_.notify_all();
      cv_.wait(lock, [this] { return waiters_ == 0; });
    }
    size_t freed = 0;
    for (uint32_t i = static_cast<uint32_t>(old & kIndexMask); i != kEmpty;) {
      PoolEntry *e = entryAt(i);
      i = e->next.load(std::memory_order_relaxed);
      freeMemory(e);
      freed++;
    }
    size_t left = allocated_.load(std::memory_order_relaxed);
    MK_LOG_DEBUG("pool", "uninit: freed %zu idle buffers, %zu still out", freed, left);
    unrefCore();
  }

  size_t size_;
  size_t alignment_;
  size_t max_;

 private:
  Result<PoolBuffer> acquireSlow(Mode mode, std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    bool waiting = false;
    bool expired = false;
    Status error;
    PoolEntry *e = nullptr;
    for (;;) {
      if (flushing_.load(std::memory_order_relaxed)) {
        error = Status(Errc::kCancelled, "the pool is flushing");
        break;
      }
      if ((e = pop()) != nullptr) {
        e->hits.store(e->hits.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        break;
      }
      if ((head_.load(std::memory_order_relaxed) & kIndexMask) == kClosed) {
        error = Status(Errc::kCancelled, "the pool was uninit'ed");
        break;
      }
      if (max_ == 0 || allocated_.load(std::memory_order_relaxed) < max_) {
        error = createEntry(&e);
        if (error) misses_++;
        break;
      }
      if (mode == Mode::kNoWait) {
        error = Status(Errc::kWouldBlock, "all " + std::to_string(max_) + " buffers are in use");
        break;
      }
      if (expired) {
        error = Status(Errc::kTimeout, "no buffer came back in time");
        break;
      }
      if (!waiting) {
        waiters_++;
        waiting = true;
      }
      // Publish the waiter bit in the head itself, so a pusher either sees it (and notifies under
      // the mutex we hold until we wait) or pushed before it (and the next pop finds the buffer).
      if (!markWaiting()) continue;
      if (mode == Mode::kUntil) {
        if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) expired = true;
      } else {
        cv_.wait(lock);
      }
    }
    if (waiting && --waiters_ == 0) {
      head_.fetch_and(~kWaiterBit, std::memory_order_relaxed);
      cv_.notify_all();  // shutdown() may wait for the last waiter
    }
    if (!e) return error;
    return take(e);
  }

  bool markWaiting() noexcept {
    uint64_t head = head_.load(std::memory_order_relaxed);
    for (;;) {
      if ((head & kIndexMask) != kEmpty) return false;
      if (head & kWaiterBit) return true;
      if (head_.compare_exchange_weak(head, head | kWaiterBit, std::memory_order_acq_rel,
                                      std::memory_order_relaxed))
        return true;
    }
  }

  // With mu_ held. False if the pool was closed (the entry is not pushed).
  bool pushLocked(PoolEntry *e) noexcept {
    uint64_t head = head_.load(std::memory_order_relaxed);
    for (;;) {
      uint32_t top = static_cast<uint32_t>(head & kIndexMask);
      if (top == kClosed) return false;
      e->next.store(top, std::memory_order_relaxed);
      if (head_.compare_exchange_weak(head, (head & ~kIndexMask) | e->index,
                                      std::memory_order_release, std::memory_order_relaxed))
        return true;
    }
  }

  void pushAndNotify(PoolEntry *e) noexcept {
    bool pushed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      pushed = pushLocked(e);
      if (pushed) cv_.notify_all();
    }
    if (!pushed) freeReturned(e);
  }

  // With mu_ held.
  Status createEntry(PoolEntry **out) {
    if (count_ >= kMaxEntries) return Status(Errc::kNoMemory, "too many buffers in one pool");
    uint32_t index = count_;
    uint32_t v = index + kFirstChunk;
    int k = 31 - __builtin_clz(v) - 4;
    if (!chunks_[k]) {
      chunks_[k] = new (std::nothrow) PoolEntry[kFirstChunk << k];
      if (!chunks_[k]) return Status(Errc::kNoMemory, "no memory for pool bookkeeping");
    }
    void *mem = alloc_.alloc(alloc_.opaque, size_, alignment_);
    if (!mem) {
      MK_LOG_WARNING("pool", "allocator returned nothing for %zu bytes", size_);
      return Status(Errc::kNoMemory,
                    "the allocator returned nothing for " + std::to_string(size_) + " bytes");
    }
    PoolEntry *e = entryAt(index);
    e->index = index;
    e->data = static_cast<uint8_t *>(mem);
    e->size = size_;
    e->core = this;
    count_++;
    allocated_.fetch_add(1, std::memory_order_relaxed);
    refs_.fetch_add(1, std::memory_order_relaxed);
    *out = e;
    return Status::ok();
  }

  void freeMemory(PoolEntry *e) noexcept {
    alloc_.free(alloc_.opaque, e->data);
    allocated_.fetch_sub(1, std::memory_order_relaxed);
    // Each allocated buffer holds the core; the owner's reference is dropped by shutdown().
    refs_.fetch_sub(1, std::memory_order_acq_rel);
  }

  // A buffer came back to a closed pool: free it, and the pool too if it was the last.
  void freeReturned(PoolEntry *e) noexcept {
    alloc_.free(alloc_.opaque, e->data);
    allocated_.fetch_sub(1, std::memory_order_relaxed);
    unrefCore();
  }

  void unrefCore() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      MK_LOG_DEBUG("pool", "last buffer back: pool freed");
      delete this;
    }
  }

  alignas(64) std::atomic<uint64_t> head_{kEmpty};
  alignas(64) std::atomic<bool> flushing_{false};
  PoolAllocator alloc_;
  bool poison_;
  PoolEntry *chunks_[kChunks] = {};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint32_t count_ = 0;   // entries created (mu_)
  uint64_t misses_ = 0;  // mu_
  size_t waiters_ = 0;   // mu_
  std::atomic<size_t> allocated_{0};
  std::atomic<size_t> refs_{1};  // the owner + one per allocated buffer
};

void recycle(PoolEntry *entry) noexcept {
  entry->core->push(entry);
}

}  // namespace detail

Result<BufferPool> BufferPool::create(const BufferPoolConfig &config) {
  if (config.size == 0) return Status(Errc::kInvalidArgument, "buffer size must be > 0");
  if (config.alignment == 0 || (config.alignment & (config.alignment - 1)) != 0)
    return Status(Errc::kInvalidArgument,
                  "alignment " + std::to_string(config.alignment) + " is not a power of two");
  if (config.max_buffers > detail::PoolCore::kMaxEntries)
    return Status(Errc::kOutOfRange, "max_buffers " + std::to_string(config.max_buffers) +
                                         " is above " +
                                         std::to_string(detail::PoolCore::kMaxEntries));
  if (config.allocator.alloc && !config.allocator.free)
    return Status(Errc::kInvalidArgument, "a custom allocator needs a free function");
  auto *core = new (std::nothrow) detail::PoolCore(config);
  if (!core) return Status(Errc::kNoMemory, "no memory for the pool");
  MK_LOG_DEBUG("pool", "created: %zu bytes x %zu max, alignment %zu", config.size,
               config.max_buffers, config.alignment);
  return BufferPool(core);
}

BufferPool &BufferPool::operator=(BufferPool &&other) noexcept {
  if (this != &other) {
    uninit();
    core_ = other.core_;
    other.core_ = nullptr;
  }
  return *this;
}

Result<PoolBuffer> BufferPool::acquire() {
  if (!core_) return Status(Errc::kInvalidArgument, "acquire on an empty pool");
  return core_->acquire(detail::PoolCore::Mode::kForever, {});
}

Result<PoolBuffer> BufferPool::tryAcquire() {
  if (!core_) return Status(Errc::kInvalidArgument, "acquire on an empty pool");
  return core_->acquire(detail::PoolCore::Mode::kNoWait, {});
}

Result<PoolBuffer> BufferPool::acquireFor(std::chrono::nanoseconds timeout) {
  if (!core_) return Status(Errc::kInvalidArgument, "acquire on an empty pool");
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout);
  return core_->acquire(detail::PoolCore::Mode::kUntil, deadline);
}

Status BufferPool::preallocate(size_t count) {
  if (!core_) return Status(Errc::kInvalidArgument, "preallocate on an empty pool");
  return core_->preallocate(count);
}

void BufferPool::setFlushing(bool flushing) noexcept {
  if (core_) core_->setFlushing(flushing);
}

bool BufferPool::isFlushing() const noexcept {
  return core_ && core_->isFlushing();
}

BufferPoolStats BufferPool::stats() const noexcept {
  return core_ ? core_->stats() : BufferPoolStats{};
}

void BufferPool::uninit() noexcept {
  detail::PoolCore *core = core_;
  core_ = nullptr;
  if (core) core->shutdown();
}

size_t BufferPool::bufferSize() const noexcept {
  return core_ ? core_->size_ : 0;
}
size_t BufferPool::alignment() const noexcept {
  return core_ ? core_->alignment_ : 0;
}
size_t BufferPool::maxBuffers() const noexcept {
  return core_ ? core_->max_ : 0;
}

}  // namespace mk
