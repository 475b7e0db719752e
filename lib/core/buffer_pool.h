// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::BufferPool: fixed-size buffers recycled through a free list. The interface follows FFmpeg's
// AVBufferPool (reference-counted handles, a pluggable allocator, a pool that outlives uninit()
// while buffers are out); the free list does not: FFmpeg's is a linked list under a mutex, ours is
// a lock-free Treiber stack of indices with an ABA counter (buffer_pool.cpp), and the mutex is
// taken only to wait on a bounded pool. Dropping the last reference returns the buffer to the
// pool, never to the allocator. uninit() frees idle buffers at once; buffers still
// out keep the pool alive and are freed when they come back. Thread-safe; never throws.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "core/result.h"

namespace mk {

// Where buffer memory comes from. `alloc` returns `size` bytes aligned to `alignment` (a power of
// two) or nullptr; `free` gives them back. Both may be called from any thread, concurrently.
struct PoolAllocator {
  void *opaque = nullptr;
  void *(*alloc)(void *opaque, size_t size, size_t alignment) noexcept = nullptr;
  void (*free)(void *opaque, void *ptr) noexcept = nullptr;
  bool host_accessible = true;  // false (device memory): the pool never touches the bytes
};

// The default: aligned heap memory (posix_memalign / free).
PoolAllocator heapAllocator() noexcept;

#ifdef NDEBUG
inline constexpr bool kPoisonByDefault = false;
#else
inline constexpr bool kPoisonByDefault = true;
#endif
// Returned buffers are filled with this byte when poisoning is on, so a use after release shows.
inline constexpr uint8_t kPoisonByte = 0xA5;

struct BufferPoolConfig {
  size_t size = 0;          // bytes per buffer, > 0
  size_t alignment = 64;    // power of two
  size_t max_buffers = 0;   // 0: unbounded; otherwise acquire waits (or fails) at the bound
  PoolAllocator allocator;  // alloc == nullptr: heapAllocator()
  bool poison = kPoisonByDefault;
};

// A snapshot: exact when the pool is quiet, approximate while other threads use it.
struct BufferPoolStats {
  size_t allocated = 0;  // buffers holding memory (idle + in use)
  size_t idle = 0;       // on the free list
  size_t in_use = 0;     // held by at least one PoolBuffer (or a detached reference)
  uint64_t hits = 0;     // acquires served from the free list
  uint64_t misses = 0;   // acquires that had to allocate
  size_t waiters = 0;    // acquirers blocked at max_buffers right now
};

class BufferPool;

namespace detail {
class PoolCore;

// One buffer's bookkeeping, kept apart from its memory (which may be device memory). A cache line
// each, so threads working on different buffers do not share lines.
struct alignas(64) PoolEntry {
  std::atomic<uint32_t> refs{0};
  std::atomic<uint32_t> next{0};  // free-list link (an index); read racily by poppers
  uint32_t index = 0;
  std::atomic<uint64_t> hits{0};  // written only by the thread that popped it
  uint8_t *data = nullptr;
  size_t size = 0;
  PoolCore *core = nullptr;
};

// Back to the free list (or freed, if the pool was uninit'ed). Called when refs reach zero.
void recycle(PoolEntry *entry) noexcept;
}  // namespace detail

// A counted reference to one pool buffer. Copies share the buffer; the last one to go returns it.
class PoolBuffer {
 public:
  PoolBuffer() noexcept = default;
  PoolBuffer(const PoolBuffer &other) noexcept : e_(other.e_) {
    if (e_) e_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  PoolBuffer(PoolBuffer &&other) noexcept : e_(other.e_) { other.e_ = nullptr; }
  PoolBuffer &operator=(const PoolBuffer &other) noexcept {
    PoolBuffer copy(other);
    swap(copy);
    return *this;
  }
  PoolBuffer &operator=(PoolBuffer &&other) noexcept {
    PoolBuffer moved(std::move(other));
    swap(moved);
    return *this;
  }
  ~PoolBuffer() { reset(); }

  void reset() noexcept {
    detail::PoolEntry *e = e_;
    e_ = nullptr;
    if (e) unref(e);
  }
  void swap(PoolBuffer &other) noexcept {
    detail::PoolEntry *e = e_;
    e_ = other.e_;
    other.e_ = e;
  }

  explicit operator bool() const noexcept { return e_ != nullptr; }
  uint8_t *data() const noexcept { return e_ ? e_->data : nullptr; }
  size_t size() const noexcept { return e_ ? e_->size : 0; }
  // References to this buffer, this one included (a hint while other threads hold copies).
  uint32_t useCount() const noexcept { return e_ ? e_->refs.load(std::memory_order_relaxed) : 0; }

  // For C code (a GstMemory destroy-notify): gives up this handle's reference as an opaque
  // pointer, to be dropped later with unrefOpaque(). The handle is empty afterwards.
  [[nodiscard]] void *detach() noexcept {
    void *opaque = e_;
    e_ = nullptr;
    return opaque;
  }
  // A new handle to the buffer behind an opaque pointer from detach() that is still held (e.g. by
  // a GstMemory): takes one more reference; the opaque pointer keeps its own.
  static PoolBuffer refOpaque(void *opaque) noexcept {
    auto *e = static_cast<detail::PoolEntry *>(opaque);
    if (e) e->refs.fetch_add(1, std::memory_order_relaxed);
    return PoolBuffer(e);
  }
  // Drops a reference obtained from detach(). Matches GDestroyNotify.
  static void unrefOpaque(void *opaque) noexcept {
    if (opaque) unref(static_cast<detail::PoolEntry *>(opaque));
  }

 private:
  friend class detail::PoolCore;
  explicit PoolBuffer(detail::PoolEntry *e) noexcept : e_(e) {}

  static void unref(detail::PoolEntry *e) noexcept {
    // A count of 1 seen with acquire means no other holder exists (copying needs a reference),
    // so the usual case skips the read-modify-write.
    if (e->refs.load(std::memory_order_acquire) == 1 ||
        e->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
      detail::recycle(e);
  }

  detail::PoolEntry *e_ = nullptr;
};

// The owner's handle. Move-only; destroying it uninits the pool. acquire*() and uninit() must not
// run concurrently with uninit() or the destructor; releasing buffers may happen at any time.
class BufferPool {
 public:
  [[nodiscard]] static Result<BufferPool> create(const BufferPoolConfig &config);

  BufferPool() noexcept = default;  // empty: acquire fails with kInvalidArgument
  BufferPool(BufferPool &&other) noexcept : core_(other.core_) { other.core_ = nullptr; }
  BufferPool &operator=(BufferPool &&other) noexcept;
  BufferPool(const BufferPool &) = delete;
  BufferPool &operator=(const BufferPool &) = delete;
  ~BufferPool() { uninit(); }

  // Blocks while a bounded pool has every buffer out; kCancelled while flushing.
  [[nodiscard]] Result<PoolBuffer> acquire();
  // Never blocks: kWouldBlock at the bound.
  [[nodiscard]] Result<PoolBuffer> tryAcquire();
  // Blocks at most `timeout`: kTimeout when it runs out.
  [[nodiscard]] Result<PoolBuffer> acquireFor(std::chrono::nanoseconds timeout);

  // Allocates until `count` buffers exist (idle ones are kept on the free list).
  [[nodiscard]] Status preallocate(size_t count);

  // Flushing is sticky: while set, every acquire returns kCancelled at once and blocked acquirers
  // wake with kCancelled; setFlushing(false) makes the pool usable again (as GstBufferPool).
  void setFlushing(bool flushing) noexcept;
  bool isFlushing() const noexcept;

  BufferPoolStats stats() const noexcept;

  // Frees idle buffers now and lets go of the pool; buffers still out are freed as they return.
  // Blocked acquirers wake with kCancelled first. Idempotent.
  void uninit() noexcept;

  bool valid() const noexcept { return core_ != nullptr; }
  size_t bufferSize() const noexcept;
  size_t alignment() const noexcept;
  size_t maxBuffers() const noexcept;

 private:
  explicit BufferPool(detail::PoolCore *core) noexcept : core_(core) {}
  detail::PoolCore *core_ = nullptr;
};

}  // namespace mk
