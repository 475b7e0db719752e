// SPDX-License-Identifier: LGPL-2.1-or-later
// ACL, hi_mpi_sys (init, the epoll family) and DVPP memory, simulated. The epoll family wraps
// Linux epoll; HI_DVPP_EPOLL_OUT (2) and EPOLLOUT (4) differ, so events are translated both ways.
#include <sys/epoll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "dvppsim/sim_internal.h"

namespace dvppsim {

namespace {

constexpr aclError kAclUninitialised = 100001;
constexpr aclError kAclBadParam = 100000;
constexpr aclError kAclBadDevice = 107001;
constexpr aclError kAclBadContext = 107002;
constexpr aclError kAclFailure = 507000;
constexpr int kDevices = 2;

struct FaultRule {
  std::string function;
  Fault kind;
  long nth;
};

struct State {
  std::mutex mutex;
  dvppsim_stats stats{};
  bool acl_initialised = false;
  std::set<int> devices;
  std::set<void *> contexts;
  std::map<std::uintptr_t, std::size_t> allocations;
  std::set<int> epolls;
  std::vector<FaultRule> faults;
  std::atomic<bool> any_faults{false};  // faults is not empty: calls without faults skip the lock
  std::map<std::string, long> calls;
  ChipKind chip = ChipKind::k310P;
};

State &state() {
  static State *s = new State();  // never destroyed: worker threads may outlive static dtors
  return *s;
}

thread_local void *t_context = nullptr;

ChipKind chipFromEnv() {
  const char *value = std::getenv("DVPPSIM_CHIP");
  std::string chip = value ? value : "310P";
  if (chip == "310B") return ChipKind::k310B;
  if (chip == "310") return ChipKind::k310;
  return ChipKind::k310P;
}

Fault faultFromName(const std::string &name) {
  if (name == "fail") return Fault::kFail;
  if (name == "timeout") return Fault::kTimeout;
  if (name == "empty") return Fault::kEmpty;
  if (name == "slow") return Fault::kSlow;
  if (name == "busy") return Fault::kBusy;
  if (name == "badparam") return Fault::kBadParam;
  return Fault::kNone;
}

bool contextOk() {
  return t_context && state().contexts.count(t_context) != 0;
}

}  // namespace

std::mutex &lock() {
  return state().mutex;
}
dvppsim_stats &statsLocked() {
  return state().stats;
}

void warn(const char *format, ...) {
  char text[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof(text), format, args);
  va_end(args);
  std::fprintf(stderr, "dvppsim: %s\n", text);
}

void configureLocked() {
  State &s = state();
  s.chip = chipFromEnv();
  s.faults.clear();
  s.calls.clear();
  const char *env = std::getenv("DVPPSIM_FAULTS");
  std::string spec = env ? env : "";
  std::size_t at = 0;
  while (at < spec.size()) {
    std::size_t end = spec.find(',', at);
    if (end == std::string::npos) end = spec.size();
    std::string item = spec.substr(at, end - at);
    at = end + 1;
    std::size_t eq = item.find('=');
    std::size_t amp = item.find('@');
    if (eq == std::string::npos || amp == std::string::npos || amp < eq) {
      warn("DVPPSIM_FAULTS: cannot parse '%s' (want function=kind@n)", item.c_str());
      continue;
    }
    FaultRule rule{item.substr(0, eq), faultFromName(item.substr(eq + 1, amp - eq - 1)),
                   std::strtol(item.c_str() + amp + 1, nullptr, 10)};
    if (rule.kind == Fault::kNone || rule.nth < 1) {
      warn("DVPPSIM_FAULTS: bad kind or count in '%s'", item.c_str());
      continue;
    }
    s.faults.push_back(rule);
  }
  s.any_faults.store(!s.faults.empty(), std::memory_order_release);
}

Fault takeFault(const char *function, int chn) {
  State &s = state();
  if (!s.any_faults.load(std::memory_order_acquire)) return Fault::kNone;
  std::lock_guard<std::mutex> guard(lock());
  if (s.faults.empty()) return Fault::kNone;
  long n = ++s.calls[function];
  std::string on_channel;
  long n_channel = 0;
  if (chn >= 0) {
    on_channel = std::string(function) + "#" + std::to_string(chn);
    n_channel = ++s.calls[on_channel];
  }
  for (const auto &rule : s.faults) {
    if (rule.nth == n && rule.function == function) return rule.kind;
    if (chn >= 0 && rule.nth == n_channel && rule.function == on_channel) return rule.kind;
  }
  return Fault::kNone;
}

ChipKind chipLocked() {
  return state().chip;
}

Limits limitsLocked() {
  switch (chipLocked()) {
    case ChipKind::k310B:
      return Limits{128, 114, 8192, false};
    default:
      return Limits{256, 128, 4096, true};
  }
}

bool readyLocked() {
  return contextOk() && state().stats.sys_initialised > 0;
}

bool isDvppMemoryLocked(const void *ptr, std::size_t size) {
  auto &allocs = state().allocations;
  auto addr = reinterpret_cast<std::uintptr_t>(ptr);
  auto it = allocs.upper_bound(addr);
  if (it == allocs.begin()) return false;
  --it;
  return addr >= it->first && addr + size <= it->first + it->second;
}

}  // namespace dvppsim

using namespace dvppsim;

// ---- ACL ----------------------------------------------------------------------------------------

DVPPSIM_EXPORT aclError aclInit(const char *) {
  if (takeFault(__func__) != Fault::kNone) return kAclFailure;
  std::lock_guard<std::mutex> guard(lock());
  if (state().acl_initialised) return ACL_ERROR_REPEAT_INITIALIZE;
  state().acl_initialised = true;
  configureLocked();  // so that faults reach the ACL calls before hi_mpi_sys_init too
  return ACL_SUCCESS;
}

DVPPSIM_EXPORT aclError aclFinalize(void) {
  std::lock_guard<std::mutex> guard(lock());
  if (!state().acl_initialised) return ACL_ERROR_REPEAT_FINALIZE;
  state().acl_initialised = false;
  return ACL_SUCCESS;
}

DVPPSIM_EXPORT aclError aclrtSetDevice(int32_t device_id) {
  if (takeFault(__func__) != Fault::kNone) return kAclFailure;
  std::lock_guard<std::mutex> guard(lock());
  if (!state().acl_initialised) return kAclUninitialised;
  if (device_id < 0 || device_id >= kDevices) return kAclBadDevice;
  state().devices.insert(device_id);
  return ACL_SUCCESS;
}

DVPPSIM_EXPORT aclError aclrtResetDevice(int32_t device_id) {
  std::lock_guard<std::mutex> guard(lock());
  if (state().devices.erase(device_id) == 0) return kAclBadDevice;
  return ACL_SUCCESS;
}

DVPPSIM_EXPORT aclError aclrtCreateContext(aclrtContext *context, int32_t device_id) {
  if (takeFault(__func__) != Fault::kNone) return kAclFailure;
  if (!context) return kAclBadParam;
  std::lock_guard<std::mutex> guard(lock());
  if (state().devices.count(device_id) == 0) return kAclBadDevice;
  void *ctx = new int(device_id);
  state().contexts.insert(ctx);
  state().stats.contexts++;
  t_context = ctx;  // as ACL does: the new context is current on this thread
  *context = ctx;
  return ACL_SUCCESS;
}

DVPPSIM_EXPORT aclError aclrtDestroyContext(aclrtContext context) {
  std::lock_guard<std::mutex> guard(lock());
  if (state().contexts.erase(context) == 0) return kAclBadContext;
  state().stats.contexts--;
  if (t_context == context) t_context = nullptr;
  delete static_cast<int *>(context);
  return ACL_SUCCESS;
}

DVPPSIM_EXPORT aclError aclrtSetCurrentContext(aclrtContext context) {
  std::lock_guard<std::mutex> guard(lock());
  if (state().contexts.count(context) == 0) return kAclBadContext;
  t_context = context;
  return ACL_SUCCESS;
}

DVPPSIM_EXPORT aclError aclrtGetCurrentContext(aclrtContext *context) {
  if (!context) return kAclBadParam;
  std::lock_guard<std::mutex> guard(lock());
  if (!contextOk()) return kAclBadContext;
  *context = t_context;
  return ACL_SUCCESS;
}

DVPPSIM_EXPORT aclError aclrtGetRunMode(aclrtRunMode *mode) {
  if (!mode) return kAclBadParam;
  const char *env = std::getenv("DVPPSIM_RUN_MODE");
  *mode = (env && std::strcmp(env, "host") == 0) ? ACL_HOST : ACL_DEVICE;
  return ACL_SUCCESS;
}

DVPPSIM_EXPORT aclError aclrtMemcpy(void *dst, size_t dest_max, const void *src, size_t count,
                                    aclrtMemcpyKind kind) {
  if (!dst || !src || count > dest_max) return kAclBadParam;
  {
    std::lock_guard<std::mutex> guard(lock());
    if (!contextOk()) return kAclBadContext;
    if (kind == ACL_MEMCPY_HOST_TO_DEVICE && !isDvppMemoryLocked(dst, count)) {
      warn("aclrtMemcpy: host-to-device into %p, which is not DVPP memory", dst);
      return kAclBadParam;
    }
  }
  std::memcpy(dst, src, count);
  return ACL_SUCCESS;
}

DVPPSIM_EXPORT const char *aclrtGetSocName(void) {
  switch (chipFromEnv()) {
    case ChipKind::k310B:
      return "Ascend310B4";
    case ChipKind::k310:
      return "Ascend310";
    default:
      return "Ascend310P3";
  }
}

// ---- sys ----------------------------------------------------------------------------------------

DVPPSIM_EXPORT hi_s32 hi_mpi_sys_init(void) {
  std::lock_guard<std::mutex> guard(lock());
  if (!contextOk()) return HI_ERR_SYS_NOT_READY;
  if (state().stats.sys_initialised == 0) configureLocked();
  state().stats.sys_initialised++;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_sys_exit(void) {
  std::lock_guard<std::mutex> guard(lock());
  if (state().stats.sys_initialised == 0) return HI_ERR_SYS_NOT_PERM;
  if (--state().stats.sys_initialised == 0 && state().stats.open_channels > 0)
    warn("hi_mpi_sys_exit with %d channel(s) still open", state().stats.open_channels);
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_dvpp_malloc(hi_u32 dev_id, void **dev_ptr, hi_u64 size) {
  if (takeFault(__func__) != Fault::kNone) return HI_ERR_SYS_NO_MEM;
  if (!dev_ptr) return HI_ERR_SYS_NULL_PTR;
  if (size == 0 || dev_id >= static_cast<hi_u32>(kDevices)) return HI_ERR_SYS_ILLEGAL_PARAM;
  std::lock_guard<std::mutex> guard(lock());
  if (!readyLocked()) return HI_ERR_SYS_NOT_READY;
  std::size_t rounded = (size + 127) / 128 * 128;
  void *ptr = std::aligned_alloc(128, rounded);
  if (!ptr) return HI_ERR_SYS_NO_MEM;
  state().allocations.emplace(reinterpret_cast<std::uintptr_t>(ptr), size);
  state().stats.dvpp_allocations++;
  state().stats.dvpp_bytes += size;
  *dev_ptr = ptr;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_dvpp_free(void *dev_ptr) {
  std::lock_guard<std::mutex> guard(lock());
  if (!contextOk()) return HI_ERR_SYS_NOT_READY;
  auto it = state().allocations.find(reinterpret_cast<std::uintptr_t>(dev_ptr));
  if (it == state().allocations.end()) {
    warn("hi_mpi_dvpp_free(%p): not a live DVPP allocation", dev_ptr);
    return HI_ERR_SYS_ILLEGAL_PARAM;
  }
  state().stats.dvpp_allocations--;
  state().stats.dvpp_bytes -= it->second;
  state().allocations.erase(it);
  std::free(dev_ptr);
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_sys_create_epoll(hi_s32 size, hi_s32 *epoll_fd) {
  if (takeFault(__func__) != Fault::kNone) return HI_ERR_SYS_SYS_ERROR;
  if (!epoll_fd) return HI_ERR_SYS_NULL_PTR;
  if (size <= 0) return HI_ERR_SYS_ILLEGAL_PARAM;
  std::lock_guard<std::mutex> guard(lock());
  if (!readyLocked()) return HI_ERR_SYS_NOT_READY;
  int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return HI_ERR_SYS_NO_MEM;
  state().epolls.insert(fd);
  state().stats.epoll_instances++;
  *epoll_fd = fd;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_sys_ctl_epoll(hi_s32 epoll_fd, hi_s32 op, hi_s32 fd,
                                           hi_dvpp_epoll_event *event) {
  if (takeFault(__func__) != Fault::kNone) return HI_ERR_SYS_SYS_ERROR;
  {
    std::lock_guard<std::mutex> guard(lock());
    if (!readyLocked()) return HI_ERR_SYS_NOT_READY;
    if (state().epolls.count(epoll_fd) == 0) return HI_ERR_SYS_ILLEGAL_PARAM;
  }
  epoll_event ev{};
  int linux_op;
  switch (op) {
    case HI_DVPP_EPOLL_CTL_ADD:
      linux_op = EPOLL_CTL_ADD;
      break;
    case HI_DVPP_EPOLL_CTL_MOD:
      linux_op = EPOLL_CTL_MOD;
      break;
    case HI_DVPP_EPOLL_CTL_DEL:
      linux_op = EPOLL_CTL_DEL;
      break;
    default:
      return HI_ERR_SYS_ILLEGAL_PARAM;
  }
  if (linux_op != EPOLL_CTL_DEL) {
    if (!event) return HI_ERR_SYS_NULL_PTR;
    if (event->events & HI_DVPP_EPOLL_IN) ev.events |= EPOLLIN;
    if (event->events & HI_DVPP_EPOLL_OUT) ev.events |= EPOLLOUT;
    if (event->events & HI_DVPP_EPOLL_ET) ev.events |= EPOLLET;
    ev.data.ptr = event->data;
  }
  if (epoll_ctl(epoll_fd, linux_op, fd, &ev) < 0)
    return errno == EEXIST ? HI_ERR_SYS_NOT_PERM : HI_ERR_SYS_ILLEGAL_PARAM;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_sys_wait_epoll(hi_s32 epoll_fd, hi_dvpp_epoll_event *events,
                                            hi_s32 max_events, hi_s32 timeout_ms,
                                            hi_s32 *event_num) {
  Fault fault = takeFault(__func__);
  if (fault == Fault::kFail) return HI_ERR_SYS_SYS_ERROR;
  if (!events || !event_num) return HI_ERR_SYS_NULL_PTR;
  if (max_events <= 0) return HI_ERR_SYS_ILLEGAL_PARAM;
  {
    std::lock_guard<std::mutex> guard(lock());
    if (!readyLocked()) return HI_ERR_SYS_NOT_READY;
    if (state().epolls.count(epoll_fd) == 0) return HI_ERR_SYS_ILLEGAL_PARAM;
  }
  if (fault == Fault::kSlow) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  if (fault == Fault::kTimeout || fault == Fault::kEmpty) {
    *event_num = 0;  // as if nothing came
    return HI_SUCCESS;
  }
  std::vector<epoll_event> ready(static_cast<std::size_t>(max_events));
  int n;
  do {
    n = epoll_wait(epoll_fd, ready.data(), max_events, timeout_ms);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return HI_ERR_SYS_SYS_ERROR;
  for (int i = 0; i < n; i++) {
    hi_u32 out = 0;
    if (ready[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) out |= HI_DVPP_EPOLL_IN;
    if (ready[i].events & EPOLLOUT) out |= HI_DVPP_EPOLL_OUT;
    events[i].events = out;
    events[i].data = ready[i].data.ptr;
  }
  *event_num = n;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_sys_close_epoll(hi_s32 epoll_fd) {
  std::lock_guard<std::mutex> guard(lock());
  if (!readyLocked()) return HI_ERR_SYS_NOT_READY;
  if (state().epolls.erase(epoll_fd) == 0) return HI_ERR_SYS_ILLEGAL_PARAM;
  state().stats.epoll_instances--;
  close(epoll_fd);
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_dvpp_get_version(hi_s32 *major, hi_s32 *minor, hi_s32 *patch) {
  if (!major || !minor || !patch) return HI_ERR_SYS_NULL_PTR;
  *major = 0;
  *minor = 0;
  *patch = 0;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT void dvppsim_get_stats(dvppsim_stats *stats) {
  if (!stats) return;
  std::lock_guard<std::mutex> guard(lock());
  *stats = state().stats;
}
