// SPDX-License-Identifier: LGPL-2.1-or-later
// One mutex guards the device map, every reference count and open/close, so a runtime is never
// closed while another thread acquires it. aclInit runs once per process and aclFinalize never:
// ACL allows a single aclInit per process, and another component may be using ACL too.
// The device's looper has its own lock (looper_mutex_), taken by attach/detach and by the
// looper's stop hook: close() joins the looper without it, attach only joins a looper whose stop
// hook is done.
#include "dvpp/runtime.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <new>

#include "core/log.h"
#include "dvpp/dvpp_poller.h"

namespace mk {
namespace dvpp {

namespace {

constexpr const char *kLog = "dvpp";

std::mutex g_mutex;
std::map<int, Runtime *> g_runtimes;  // open runtimes by device
bool g_acl_initialised = false;
int g_sys_users = 0;  // runtimes that called hi_mpi_sys_init
std::atomic<std::uint64_t> g_next_generation{1};
thread_local std::uint64_t t_bound_generation = 0;

std::string hex(hi_s32 code) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08X", static_cast<unsigned>(code));
  return text;
}

Status aclFailure(const char *what, aclError err) {
  return Status(Errc::kIo, std::string(what) + " failed with ACL error " + std::to_string(err));
}

void *dvppAlloc(void *opaque, size_t size, size_t alignment) noexcept {
  auto *runtime = static_cast<Runtime *>(opaque);
  if (!runtime->bindThread()) return nullptr;
  void *ptr = nullptr;
  hi_s32 ret = runtime->api().hi_mpi_dvpp_malloc(static_cast<hi_u32>(runtime->deviceId()), &ptr,
                                                 static_cast<hi_u64>(size));
  if (ret != HI_SUCCESS || !ptr) {
    MK_LOG_WARNING(kLog, "hi_mpi_dvpp_malloc(%zu) failed: %s", size, hiErrorName(ret).c_str());
    return nullptr;
  }
  if (alignment > 1 && reinterpret_cast<std::uintptr_t>(ptr) % alignment != 0) {
    MK_LOG_WARNING(kLog, "hi_mpi_dvpp_malloc returned %p, not %zu-aligned", ptr, alignment);
    (void)runtime->api().hi_mpi_dvpp_free(ptr);
    return nullptr;
  }
  runtime->ref();
  return ptr;
}

void dvppFree(void *opaque, void *ptr) noexcept {
  auto *runtime = static_cast<Runtime *>(opaque);
  if (!runtime->bindThread())
    MK_LOG_WARNING(kLog, "freeing DVPP memory %p on a thread without a context", ptr);
  hi_s32 ret = runtime->api().hi_mpi_dvpp_free(ptr);
  if (ret != HI_SUCCESS)
    MK_LOG_WARNING(kLog, "hi_mpi_dvpp_free(%p) failed: %s", ptr, hiErrorName(ret).c_str());
  runtime->unref();
}

}  // namespace

std::string hiErrorName(hi_s32 code) {
  auto bits = static_cast<hi_u32>(code);
  if ((bits & 0xFF00E000u) != 0xA0008000u) return hex(code);
  const char *name = nullptr;
  switch (bits & 0x1FFFu) {
    case MK_HI_ERRNO_INVALID_CHN_ID:
      name = "INVALID_CHN_ID: channel id out of range";
      break;
    case MK_HI_ERRNO_ILLEGAL_PARAM:
      name = "ILLEGAL_PARAM: a parameter is invalid";
      break;
    case MK_HI_ERRNO_EXIST:
      name = "EXIST: already exists";
      break;
    case MK_HI_ERRNO_UNEXIST:
      name = "UNEXIST: does not exist";
      break;
    case MK_HI_ERRNO_NULL_PTR:
      name = "NULL_PTR";
      break;
    case MK_HI_ERRNO_NOT_CFG:
      name = "NOT_CFG: not configured";
      break;
    case MK_HI_ERRNO_NOT_SUPPORT:
      name = "NOT_SUPPORT: not supported";
      break;
    case MK_HI_ERRNO_NOT_PERM:
      name = "NOT_PERM: not permitted now";
      break;
    case MK_HI_ERRNO_NO_MEM:
      name = "NO_MEM: out of memory";
      break;
    case MK_HI_ERRNO_NO_BUF:
      name = "NO_BUF: queue full";
      break;
    case MK_HI_ERRNO_BUF_EMPTY:
      name = "BUF_EMPTY: nothing available";
      break;
    case MK_HI_ERRNO_BUF_FULL:
      name = "BUF_FULL";
      break;
    case MK_HI_ERRNO_SYS_NOT_READY:
      name = "SYS_NOT_READY: system not initialised";
      break;
    case MK_HI_ERRNO_BAD_ADDR:
      name = "BAD_ADDR: bad address";
      break;
    case MK_HI_ERRNO_BUSY:
      name = "BUSY";
      break;
    case MK_HI_ERRNO_TIMEOUT:
      name = "TIMEOUT";
      break;
    case MK_HI_ERRNO_SYS_ERROR:
      name = "SYS_ERROR: system error";
      break;
    default:
      break;
  }
  return name ? hex(code) + " (" + name + ")" : hex(code);
}

Result<RuntimeRef> Runtime::acquire(int device_id) noexcept {
  auto api = loadApi();
  if (!api) return api.status();
  if (device_id < 0)
    return Status(Errc::kOutOfRange, "device-id " + std::to_string(device_id) + " is negative");
  std::lock_guard<std::mutex> lock(g_mutex);
  auto it = g_runtimes.find(device_id);
  if (it != g_runtimes.end()) {
    it->second->refs_++;
    return RuntimeRef(it->second);
  }
  auto *runtime = new (std::nothrow) Runtime();
  if (!runtime) return Status(Errc::kNoMemory, "out of memory");
  runtime->api_ = *api;
  Status status = runtime->open(device_id);
  if (!status) {
    delete runtime;
    return status;
  }
  runtime->refs_ = 1;
  g_runtimes.emplace(device_id, runtime);
  return RuntimeRef(runtime);
}

// Under g_mutex.
Status Runtime::open(int device_id) noexcept {
  const Api &api = *api_;
  device_id_ = device_id;
  if (!g_acl_initialised) {
    aclError err = api.aclInit(nullptr);
    if (err != ACL_SUCCESS && err != ACL_ERROR_REPEAT_INITIALIZE) return aclFailure("aclInit", err);
    g_acl_initialised = true;
  }
  // The chip first: refuse before touching the device.
  const char *soc = api.aclrtGetSocName ? api.aclrtGetSocName() : nullptr;
  soc_name_ = soc ? soc : "";
  if (soc_name_.rfind("Ascend310B", 0) == 0) {
    chip_ = Chip::k310B;
  } else if (soc_name_.rfind("Ascend310P", 0) == 0) {
    chip_ = Chip::k310P;
  } else if (soc_name_.rfind("Ascend310", 0) == 0) {
    return Status(Errc::kUnsupported,
                  "the first-generation " + soc_name_ +
                      " has no hi_mpi video encoder (only the older aclvenc API, which this "
                      "plugin does not implement); an Ascend 310B or 310P is needed");
  } else if (soc_name_.rfind("Ascend910", 0) == 0) {
    return Status(Errc::kUnsupported,
                  soc_name_ +
                      " has no video encoder (its DVPP encodes JPEG only); an Ascend "
                      "310B or 310P is needed");
  } else {
    MK_LOG_WARNING(kLog, "unknown chip '%s': assuming it has the hi_mpi VENC API",
                   soc_name_.c_str());
  }

  aclError err = api.aclrtSetDevice(device_id);
  if (err != ACL_SUCCESS)
    return Status(Errc::kNotFound, "cannot open device " + std::to_string(device_id) +
                                       " (aclrtSetDevice error " + std::to_string(err) + ")");
  err = api.aclrtCreateContext(&context_, device_id);
  if (err != ACL_SUCCESS) {
    (void)api.aclrtResetDevice(device_id);
    return aclFailure("aclrtCreateContext", err);
  }
  generation_ = g_next_generation.fetch_add(1);
  t_bound_generation = generation_;  // aclrtCreateContext made it current here
  aclrtRunMode mode = ACL_DEVICE;
  err = api.aclrtGetRunMode(&mode);
  if (err != ACL_SUCCESS) {
    (void)api.aclrtDestroyContext(context_);
    (void)api.aclrtResetDevice(device_id);
    t_bound_generation = 0;
    return aclFailure("aclrtGetRunMode", err);
  }
  run_mode_ = mode == ACL_HOST ? RunMode::kHost : RunMode::kDevice;
  if (g_sys_users == 0) {
    hi_s32 ret = api.hi_mpi_sys_init();
    if (ret != HI_SUCCESS) {
      (void)api.aclrtDestroyContext(context_);
      (void)api.aclrtResetDevice(device_id);
      t_bound_generation = 0;
      return Status(Errc::kIo, "hi_mpi_sys_init failed: " + hiErrorName(ret));
    }
  }
  g_sys_users++;
  MK_LOG_INFO(kLog, "device %d open: chip '%s', %s mode", device_id, soc_name_.c_str(),
              run_mode_ == RunMode::kHost ? "host (PCIe)" : "device");
  return Status::ok();
}

// Under g_mutex. No session is left (each holds a reference), so no fd is registered and no
// handler runs: the looper thread waits, and quits at once.
void Runtime::close() noexcept {
  const Api &api = *api_;
  if (!bindThread())
    MK_LOG_WARNING(kLog, "device %d: cannot bind the context to close", device_id_);
  std::unique_ptr<Looper> looper;
  {
    std::lock_guard<std::mutex> lock(looper_mutex_);
    looper = std::move(looper_);
  }
  looper.reset();  // joins the thread (its stop hook takes looper_mutex_), closes the DVPP epoll
  if (--g_sys_users == 0) {
    hi_s32 ret = api.hi_mpi_sys_exit();
    if (ret != HI_SUCCESS) MK_LOG_WARNING(kLog, "hi_mpi_sys_exit: %s", hiErrorName(ret).c_str());
  }
  aclError err = api.aclrtDestroyContext(context_);
  if (err != ACL_SUCCESS) MK_LOG_WARNING(kLog, "aclrtDestroyContext: error %d", err);
  err = api.aclrtResetDevice(device_id_);
  if (err != ACL_SUCCESS) MK_LOG_WARNING(kLog, "aclrtResetDevice: error %d", err);
  t_bound_generation = 0;
  MK_LOG_INFO(kLog, "device %d closed", device_id_);
}

Status Runtime::bindThread() noexcept {
  if (t_bound_generation == generation_) return Status::ok();
  aclError err = api_->aclrtSetCurrentContext(context_);
  if (err != ACL_SUCCESS) return aclFailure("aclrtSetCurrentContext", err);
  t_bound_generation = generation_;
  return Status::ok();
}

Result<Looper *> Runtime::attachLooper(LooperClient *client) noexcept {
  std::lock_guard<std::mutex> lock(looper_mutex_);
  if (looper_ && looper_stopped_) {
    // Its thread left the stop hook (which set the flag under this lock): the join is quick.
    looper_.reset();
  }
  if (!looper_) {
    auto poller = makeDvppPoller(*api_);
    if (!poller) return poller.status();
    std::unique_ptr<Looper> looper(new (std::nothrow) Looper(
        "mk-dvpp-dev" + std::to_string(device_id_), std::move(poller).value()));
    if (!looper) return Status(Errc::kNoMemory, "out of memory");
    Status status = looper->start([this] { return bindThread(); }, [this] { onLooperStopped(); });
    if (!status) return status;
    looper_ = std::move(looper);
    looper_stopped_ = false;
  }
  clients_.push_back(client);
  return looper_.get();
}

void Runtime::detachLooper(LooperClient *client) noexcept {
  std::lock_guard<std::mutex> lock(looper_mutex_);
  clients_.erase(std::remove(clients_.begin(), clients_.end(), client), clients_.end());
}

// The looper's stop hook, on its thread: after close() asked it to (no client is left), or
// because waiting failed for good (every client is told).
void Runtime::onLooperStopped() noexcept {
  std::lock_guard<std::mutex> lock(looper_mutex_);
  looper_stopped_ = true;
  if (clients_.empty()) return;
  Status why(Errc::kIo,
             "waiting for encoder events (hi_mpi_sys_wait_epoll) failed for good on "
             "device " +
                 std::to_string(device_id_) +
                 ": no channel of the device can deliver streams any more");
  MK_LOG_ERROR(kLog, "%s", why.message().c_str());
  for (LooperClient *client : clients_) client->onLooperStopped(why);
}

PoolAllocator Runtime::allocator() noexcept {
  PoolAllocator a;
  a.opaque = this;
  a.alloc = dvppAlloc;
  a.free = dvppFree;
  a.host_accessible = run_mode_ == RunMode::kDevice;
  return a;
}

void Runtime::ref() noexcept {
  std::lock_guard<std::mutex> lock(g_mutex);
  refs_++;
}

void Runtime::unref() noexcept {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (--refs_ > 0) return;
  close();
  g_runtimes.erase(device_id_);
  delete this;
}

}  // namespace dvpp
}  // namespace mk
