// SPDX-License-Identifier: LGPL-2.1-or-later
// dvpp-probe: what scripts/check-on-board prints about the DVPP runtime on a board. It loads the
// runtime as ascendvenc does, prints the library paths, the runtime's version, which optional
// symbols exist, the chip and run mode of a device, and the struct sizes and offsets our
// restated hi_mpi.h assumes, for comparison with the vendor headers (hi_dvpp_*.h) of that CANN.
// With --session it also encodes 30 frames through mk::dvpp::EncoderSession and prints what the
// runtime reports per frame (size, key frame, start/mean QP), and checks the unverified calls
// (hi_mpi.h) against the runtime: how many bytes hi_mpi_venc_get_intra_refresh writes (into a
// canary-filled buffer) against the size we assume, and whether set/get round-trip.
// Exit status: 0 runtime usable, 2 runtime not loadable, 3 device not usable, 4 --session
// failed, 5 an unverified layout disagrees.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <chrono>
#include <vector>

#include "dvpp/loader.h"
#include "dvpp/runtime.h"
#include "dvpp/session.h"

namespace {

#define MK_PROBE_SIZE(type) std::printf("  sizeof(%s) = %zu\n", #type, sizeof(type))
#define MK_PROBE_OFFSET(type, field) \
  std::printf("  offsetof(%s, %s) = %zu\n", #type, #field, offsetof(type, field))

void printLayout() {
  std::printf("struct layout assumed by ascendvenc (LP64; compare with the CANN headers):\n");
  MK_PROBE_SIZE(hi_dvpp_epoll_event);
  MK_PROBE_SIZE(hi_video_frame);
  MK_PROBE_OFFSET(hi_video_frame, virt_addr);
  MK_PROBE_OFFSET(hi_video_frame, pts);
  MK_PROBE_OFFSET(hi_video_frame, supplement);
  MK_PROBE_SIZE(hi_video_frame_info);
  MK_PROBE_SIZE(hi_venc_attr);
  MK_PROBE_SIZE(hi_venc_rc_attr);
  MK_PROBE_SIZE(hi_venc_gop_attr);
  MK_PROBE_SIZE(hi_venc_chn_attr);
  MK_PROBE_OFFSET(hi_venc_chn_attr, rc_attr);
  MK_PROBE_OFFSET(hi_venc_chn_attr, gop_attr);
  MK_PROBE_SIZE(hi_venc_pack);
  MK_PROBE_OFFSET(hi_venc_pack, addr);
  MK_PROBE_OFFSET(hi_venc_pack, len);
  MK_PROBE_OFFSET(hi_venc_pack, pts);
  MK_PROBE_OFFSET(hi_venc_pack, offset);
  MK_PROBE_SIZE(hi_venc_stream);
  MK_PROBE_OFFSET(hi_venc_stream, pack_cnt);
  MK_PROBE_SIZE(hi_venc_chn_status);
  MK_PROBE_SIZE(hi_venc_rc_param);
  MK_PROBE_SIZE(hi_venc_mod_param);
  MK_PROBE_SIZE(hi_venc_chn_param);
}

void printUnverifiedLayout() {
  std::printf("unverified structs (no public CANN header; see hi_mpi.h):\n");
  MK_PROBE_SIZE(hi_venc_intra_refresh);
  MK_PROBE_OFFSET(hi_venc_intra_refresh, refresh_num);
}

struct Collected {
  int frames = 0, errors = 0;
};

void onOutput(void *opaque, const mk::dvpp::EncodedFrame &f) noexcept {
  auto *c = static_cast<Collected *>(opaque);
  std::printf("  frame %2d: %6zu bytes%s, start_qp %d, mean_qp %d\n", static_cast<int>(f.user_id),
              f.size, f.keyframe ? " (IDR)" : "      ", f.start_qp, f.mean_qp);
  c->frames++;
}

void onError(void *opaque, const mk::Status &status, bool, std::uint64_t, bool) noexcept {
  std::printf("  error: %s\n", status.message().c_str());
  static_cast<Collected *>(opaque)->errors++;
}

// The bytes of `buffer` that no longer hold the canary, as a count from the start.
std::size_t writtenBytes(const std::vector<unsigned char> &buffer, unsigned char canary) {
  std::size_t n = buffer.size();
  while (n > 0 && buffer[n - 1] == canary) n--;
  return n;
}

// 4 if the session fails, 5 if an unverified layout disagrees, else 0.
int probeSession(const mk::dvpp::Api &api, int device) {
  mk::dvpp::EncoderSettings s;
  s.device_id = device;
  s.width = 320;
  s.height = 240;
  s.gop_size = 10;
  Collected collected;
  mk::dvpp::EncoderCallbacks cb;
  cb.opaque = &collected;
  cb.output = onOutput;
  cb.error = onError;
  std::printf("session: 30 frames of 320x240 H.264, gop-size 10\n");
  auto session = mk::dvpp::EncoderSession::create(s, cb);
  if (!session) {
    std::printf("  cannot open: %s\n", session.status().message().c_str());
    return 4;
  }
  std::vector<std::uint8_t> y(320 * 240, 0x80), uv(320 * 120, 0x80);
  mk::dvpp::HostFrame frame;
  frame.planes[0] = y.data();
  frame.planes[1] = uv.data();
  frame.strides[0] = frame.strides[1] = 320;
  for (int i = 0; i < 30; i++) {
    y[static_cast<std::size_t>(i) * 320 % y.size()] ^= 0xff;  // not all frames alike
    mk::dvpp::FrameMeta meta;
    meta.user_id = static_cast<std::uint64_t>(i);
    mk::Status sent = (*session)->sendFrame(frame, meta);
    if (!sent) {
      std::printf("  send: %s\n", sent.message().c_str());
      return 4;
    }
  }
  mk::Status drained = (*session)->drain(std::chrono::milliseconds(10000));
  if (!drained || collected.frames != 30) {
    std::printf("  %d of 30 frames out: %s\n", collected.frames, drained.message().c_str());
    return 4;
  }

  int rc = 0;
  int chn = (*session)->channelId();
  if (!api.hi_mpi_venc_get_intra_refresh || !api.hi_mpi_venc_set_intra_refresh) {
    std::printf(
        "intra refresh: not exported (the intra-refresh property fails with a clear "
        "error on this runtime)\n");
    return rc;
  }
  const unsigned char kCanary = 0xA5;
  std::vector<unsigned char> buffer(256, kCanary);
  hi_s32 ret = api.hi_mpi_venc_get_intra_refresh(
      chn, reinterpret_cast<hi_venc_intra_refresh *>(buffer.data()));
  std::size_t written = writtenBytes(buffer, kCanary);
  std::printf("intra refresh: get returned %s, wrote %zu bytes; hi_mpi.h assumes %zu\n",
              mk::dvpp::hiErrorName(ret).c_str(), written, sizeof(hi_venc_intra_refresh));
  if (ret == HI_SUCCESS && written > sizeof(hi_venc_intra_refresh)) {
    std::printf("  MISMATCH: the runtime's struct is larger than ours\n");
    rc = 5;
  }
  hi_venc_intra_refresh want{};
  want.enable = HI_TRUE;
  want.mode = HI_VENC_INTRA_REFRESH_ROW;
  want.refresh_num = 3;
  want.request_i_qp = 30;
  ret = api.hi_mpi_venc_set_intra_refresh(chn, &want);
  hi_venc_intra_refresh got{};
  hi_s32 back = api.hi_mpi_venc_get_intra_refresh(chn, &got);
  bool same = back == HI_SUCCESS && got.enable == want.enable && got.mode == want.mode &&
              got.refresh_num == want.refresh_num && got.request_i_qp == want.request_i_qp;
  std::printf("  set (rows, 3 a frame, I QP 30): %s; read back: %s\n",
              mk::dvpp::hiErrorName(ret).c_str(),
              ret != HI_SUCCESS ? "-"
              : same            ? "the same"
                                : "DIFFERENT (layout mismatch?)");
  if (ret == HI_SUCCESS && !same) rc = 5;
  return rc;
}

}  // namespace

int main(int argc, char **argv) {
  int device = 0;
  bool session = false;
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--session") == 0)
      session = true;
    else
      device = std::atoi(argv[i]);
  }
  printLayout();
  printUnverifiedLayout();

  auto loaded = mk::dvpp::loadApi();
  if (!loaded) {
    std::printf("runtime: not loadable: %s\n", loaded.status().message().c_str());
    return 2;
  }
  const mk::dvpp::Api &api = *loaded.value();
  std::printf("runtime: %s\n         %s\n", api.mpi_path.c_str(), api.acl_path.c_str());
  if (api.hi_mpi_dvpp_get_version) {
    hi_s32 major = 0, minor = 0, patch = 0;
    hi_s32 ret = api.hi_mpi_dvpp_get_version(&major, &minor, &patch);
    if (ret == HI_SUCCESS)
      std::printf("hi_mpi_dvpp_get_version: %d.%d.%d\n", major, minor, patch);
    else
      std::printf("hi_mpi_dvpp_get_version: %s\n", mk::dvpp::hiErrorName(ret).c_str());
  } else {
    std::printf("hi_mpi_dvpp_get_version: not exported by this runtime\n");
  }
  std::printf("optional symbols:");
#define MK_PROBE_OPTIONAL(name) std::printf(" %s%s", api.name ? "" : "-", #name);
  MK_DVPP_MPI_OPTIONAL(MK_PROBE_OPTIONAL)
  MK_DVPP_ACL_OPTIONAL(MK_PROBE_OPTIONAL)
#undef MK_PROBE_OPTIONAL
  std::printf("\n  ('-' = absent; without set_chn_attr a bitrate change reopens the channel)\n");

  auto runtime = mk::dvpp::Runtime::acquire(device);
  if (!runtime) {
    std::printf("device %d: %s\n", device, runtime.status().message().c_str());
    return 3;
  }
  const mk::dvpp::Runtime &rt = *runtime.value();
  const char *chip = rt.chip() == mk::dvpp::Chip::k310B   ? "310B"
                     : rt.chip() == mk::dvpp::Chip::k310P ? "310P"
                                                          : "unknown";
  std::printf("device %d: soc %s (%s), %s run mode, VENC channels 0..%d\n", device,
              rt.socName().c_str(), chip,
              rt.runMode() == mk::dvpp::RunMode::kDevice ? "device" : "host (PCIe)",
              rt.maxChannels() - 1);
  std::printf(
      "VUI: written by ascendvenc into the stream (h264_metadata/hevc_metadata); the "
      "runtime's own VUI calls are %s and not used\n",
      api.hi_mpi_venc_set_h264_vui ? "exported" : "absent");
  return session ? probeSession(api, device) : 0;
}
