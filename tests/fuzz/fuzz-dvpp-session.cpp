// SPDX-License-Identifier: LGPL-2.1-or-later
// Fuzz target: the bytes are a call sequence against an mk::dvpp::EncoderSession on libdvppsim
// (create / send / zero-copy send / IDR / bitrate / drain / destroy). Nothing may crash or hang,
// every drain must complete, and once the session is gone the simulator must hold nothing.
// Needs GST_ASCEND_MPI_LIB / GST_ASCEND_ACL_LIB naming libdvppsim.so (or MK_DVPPSIM_PATH at
// build time); without a runtime every input is a no-op.
#include <dlfcn.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "dvpp/loader.h"
#include "dvpp/session.h"
#include "dvppsim/dvppsim.h"

namespace {

struct Bytes {
  const uint8_t *data;
  size_t size;
  size_t at = 0;
  bool empty() const { return at >= size; }
  uint8_t next() { return at < size ? data[at++] : 0; }
};

void onOutput(void *, const mk::dvpp::EncodedFrame &frame) noexcept {
  if (frame.size == 0 || !frame.data) std::abort();
}
void onError(void *, const mk::Status &, bool, std::uint64_t, bool) noexcept {}

void checkNothingLeaked() {
  const char *path = std::getenv("GST_ASCEND_MPI_LIB");
  void *handle = path ? dlopen(path, RTLD_NOW | RTLD_NOLOAD) : nullptr;
  if (!handle) return;
  auto get = reinterpret_cast<dvppsim_get_stats_fn>(dlsym(handle, "dvppsim_get_stats"));
  dlclose(handle);
  if (!get) return;
  dvppsim_stats s{};
  get(&s);
  if (s.dvpp_allocations || s.open_channels || s.unreleased_streams || s.epoll_instances ||
      s.contexts || s.sys_initialised) {
    std::fprintf(stderr, "leak: %d allocations, %d channels, %d streams, %d epolls, %d contexts\n",
                 s.dvpp_allocations, s.open_channels, s.unreleased_streams, s.epoll_instances,
                 s.contexts);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
#ifdef MK_DVPPSIM_PATH
  setenv("GST_ASCEND_MPI_LIB", MK_DVPPSIM_PATH, 0);
  setenv("GST_ASCEND_ACL_LIB", MK_DVPPSIM_PATH, 0);
#endif
  if (!mk::dvpp::loadApi()) return 0;
  static const std::uint32_t kWidths[] = {128, 130, 192, 202};
  static const std::uint32_t kHeights[] = {128, 130, 144};
  static std::vector<uint8_t> y(208 * 144, 0x40);
  static std::vector<uint8_t> uv(208 * 72, 0x80);

  Bytes in{data, size};
  mk::dvpp::EncoderCallbacks callbacks;
  callbacks.output = onOutput;
  callbacks.error = onError;
  std::unique_ptr<mk::dvpp::EncoderSession> session;
  std::uint64_t next_id = 0;
  int frames = 0;
  for (int op = 0; op < 64 && !in.empty(); op++) {
    uint8_t b = in.next();
    switch (b % 8) {
      case 0: {
        if (session) break;
        mk::dvpp::EncoderSettings s;
        s.width = kWidths[in.next() % 4];
        s.height = kHeights[in.next() % 3];
        s.rc_mode = static_cast<mk::dvpp::RcMode>(in.next() % 6);
        s.gop_size = 1 + in.next() % 30;
        s.input_buffers = 1 + in.next() % 8;
        s.bitrate = 2 + in.next() * 50u;
        s.profile = static_cast<int>(in.next() % 4) - 1;
        s.channel_id = static_cast<int>(in.next() % 4) - 1;
        s.send_timeout_ms = 5000;
        auto made = mk::dvpp::EncoderSession::create(s, callbacks);
        if (made) session = std::move(made).value();
        break;
      }
      case 1:
      case 2: {
        if (!session || frames >= 24) break;
        mk::dvpp::HostFrame f;
        f.planes[0] = y.data();
        f.planes[1] = uv.data();
        f.strides[0] = f.strides[1] = 208;
        mk::dvpp::FrameMeta meta;
        meta.user_id = next_id++;
        meta.force_idr = (b & 0x80) != 0;
        if (session->sendFrame(f, meta)) frames++;
        break;
      }
      case 3:
        if (session) (void)session->requestIdr();
        break;
      case 4:
        if (session) {
          mk::dvpp::EncoderSettings live = session->settings();
          live.bitrate = in.next() * 100u;
          live.max_bitrate = (b & 0x40) ? 30000 : 0;
          (void)session->reconfigure(live);
        }
        break;
      case 5:
        if (session && !session->drain(std::chrono::milliseconds(20000))) std::abort();
        break;
      case 6:
        session.reset();
        checkNothingLeaked();
        break;
      case 7: {
        if (!session || frames >= 24) break;
        auto buffer = session->acquireInputBuffer();
        if (!buffer) break;
        if (b & 0x80) break;  // dropped unsent
        mk::dvpp::FrameMeta meta;
        meta.user_id = next_id++;
        if (session->sendBuffer(std::move(buffer).value(), meta)) frames++;
        break;
      }
    }
  }
  session.reset();
  checkNothingLeaked();
  return 0;
}
