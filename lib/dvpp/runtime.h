// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::dvpp::Runtime: the process-wide, reference-counted owner of one device's ACL state (aclInit,
// device, context), of hi_mpi_sys_init, of the device's looper (one thread that waits on every
// channel of the device with hi_mpi_sys_wait_epoll), and of the per-thread context binding every
// thread that calls the API needs. Also knows the chip and the run mode. It refuses chips without
// the hi_mpi VENC API (first-generation Ascend 310) with a message that says so.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/buffer_pool.h"
#include "core/looper.h"
#include "core/result.h"
#include "dvpp/loader.h"

namespace mk {
namespace dvpp {

enum class RunMode {
  kDevice,  // on the Ascend's own CPUs: DVPP memory is CPU-addressable
  kHost,    // a PCIe card: DVPP memory is on the device, copied with aclrtMemcpy
};

enum class Chip { kUnknown, k310B, k310P };

class RuntimeRef;

// A user of the device's looper (an encoder session), told when the looper stops by itself
// because its wait failed for good: nothing more will come from any channel of the device.
class LooperClient {
 public:
  // On the looper thread, with the runtime's looper lock held: must not attach or detach.
  virtual void onLooperStopped(const Status &why) noexcept = 0;

 protected:
  ~LooperClient() = default;
};

class Runtime {
 public:
  // Opens the runtime for `device_id`, or shares the one already open. Loads the API first.
  // Errors: what loadApi() says (kNotFound); kUnsupported for a chip without hi_mpi VENC;
  // kNotFound for a device ACL does not know; kIo for other ACL/hi_mpi failures.
  [[nodiscard]] static Result<RuntimeRef> acquire(int device_id) noexcept;

  // Makes this runtime's context current on the calling thread (aclrtSetCurrentContext). Cheap
  // when already bound. Call it on every thread before any hi_mpi/ACL call.
  [[nodiscard]] Status bindThread() noexcept;

  const Api &api() const noexcept { return *api_; }
  int deviceId() const noexcept { return device_id_; }
  RunMode runMode() const noexcept { return run_mode_; }
  Chip chip() const noexcept { return chip_; }
  const std::string &socName() const noexcept { return soc_name_; }
  // VENC channel ids are [0, maxChannels()) (device-wide, shared across processes).
  int maxChannels() const noexcept { return chip_ == Chip::k310B ? 128 : 256; }

  // The looper every channel of this device registers its fd with: one thread, named
  // "mk-dvpp-dev<id>", whose Poller waits with hi_mpi_sys_wait_epoll. Started by the first
  // attach (and again by the next attach after it stopped by itself); stopped when the runtime
  // closes. `client` is told if the looper stops by itself, until it detaches. Handlers run on
  // that one thread for every channel: they must never block on anything but the runtime.
  [[nodiscard]] Result<Looper *> attachLooper(LooperClient *client) noexcept;
  // After it returns, `client` is not told anything any more.
  void detachLooper(LooperClient *client) noexcept;

  // A PoolAllocator over hi_mpi_dvpp_malloc/free on this device. Every allocation holds a
  // reference to the runtime, so buffers outliving their session still free correctly; free
  // binds the calling thread first. host_accessible is false in host run mode.
  PoolAllocator allocator() noexcept;

  void ref() noexcept;
  void unref() noexcept;

 private:
  Runtime() = default;
  ~Runtime() = default;
  Status open(int device_id) noexcept;
  void close() noexcept;
  void onLooperStopped() noexcept;

  const Api *api_ = nullptr;
  int device_id_ = 0;
  aclrtContext context_ = nullptr;
  RunMode run_mode_ = RunMode::kDevice;
  Chip chip_ = Chip::kUnknown;
  std::string soc_name_;
  std::uint64_t generation_ = 0;  // tells a stale per-thread binding from a current one
  int refs_ = 0;                  // under the global runtime mutex

  // The device's looper. Never held while the looper is joined (its stop hook takes it).
  std::mutex looper_mutex_;
  std::unique_ptr<Looper> looper_;
  bool looper_stopped_ = false;  // it stopped by itself; the next attach starts a new one
  std::vector<LooperClient *> clients_;
};

// An owning reference to a Runtime (move-only).
class RuntimeRef {
 public:
  RuntimeRef() noexcept = default;
  explicit RuntimeRef(Runtime *runtime) noexcept : runtime_(runtime) {}  // adopts a reference
  RuntimeRef(RuntimeRef &&other) noexcept : runtime_(other.runtime_) { other.runtime_ = nullptr; }
  RuntimeRef &operator=(RuntimeRef &&other) noexcept {
    if (this != &other) {
      reset();
      runtime_ = other.runtime_;
      other.runtime_ = nullptr;
    }
    return *this;
  }
  RuntimeRef(const RuntimeRef &) = delete;
  RuntimeRef &operator=(const RuntimeRef &) = delete;
  ~RuntimeRef() { reset(); }

  void reset() noexcept {
    if (runtime_) runtime_->unref();
    runtime_ = nullptr;
  }
  Runtime *get() const noexcept { return runtime_; }
  Runtime *operator->() const noexcept { return runtime_; }
  Runtime &operator*() const noexcept { return *runtime_; }
  explicit operator bool() const noexcept { return runtime_ != nullptr; }

 private:
  Runtime *runtime_ = nullptr;
};

// hi_s32 → a readable "0xA008800D (NO_BUF: ...)" for messages.
std::string hiErrorName(hi_s32 code);

}  // namespace dvpp
}  // namespace mk
