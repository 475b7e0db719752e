// SPDX-License-Identifier: LGPL-2.1-or-later
// dvpp-probe: what scripts/check-on-board prints about the DVPP runtime on a board. It loads the
// runtime as ascendvenc does, prints the library paths, the runtime's version, which optional
// symbols exist, the chip and run mode of a device, and the struct sizes and offsets our
// restated hi_mpi.h assumes, for comparison with the vendor headers (hi_dvpp_*.h) of that CANN.
// Exit status: 0 runtime usable, 2 runtime not loadable, 3 device not usable.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "dvpp/loader.h"
#include "dvpp/runtime.h"

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

}  // namespace

int main(int argc, char **argv) {
  int device = argc > 1 ? std::atoi(argv[1]) : 0;
  printLayout();

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
  return 0;
}
