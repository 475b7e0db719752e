// SPDX-License-Identifier: LGPL-2.1-or-later
// libdvppsim.so: a software stand-in for the Ascend DVPP hi_mpi VENC API and the ACL calls we
// make, so that the loader, the session and the element run unchanged on any machine. It is a
// development and test tool: it never loads unless named by GST_ASCEND_MPI_LIB /
// GST_ASCEND_ACL_LIB, and is never installed. Real fds epoll can wait on, real encoders behind
// them (openh264; x265 for H.265 when built with it), the vendor's rules enforced, faults on
// request. Environment:
//   DVPPSIM_CHIP=310P|310B|310   limits and aclrtGetSocName (default 310P)
//   DVPPSIM_RUN_MODE=device|host aclrtGetRunMode (default device)
//   DVPPSIM_FAULTS=<function>[#<chn>]=<fail|timeout|empty|slow|busy|badparam>@<n>[,...]   read
//     at hi_mpi_sys_init: the n-th call of <function> (counted from then; with #<chn>, its n-th
//     call on VENC channel <chn>) fails with the vendor's error code / never signals
//     (send_frame: the frame is swallowed; get_stream: BUF_EMPTY) / returns a zero-length pack
//     (send_frame, get_stream) / takes 200 ms (send_frame: that frame's encode) / fails with
//     BUSY / with ILLEGAL_PARAM (send_frame).
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {

// Everything still held, for leak assertions (tests look it up with dlsym).
typedef struct {
  int dvpp_allocations;  // hi_mpi_dvpp_malloc'ed and not freed
  std::size_t dvpp_bytes;
  int open_channels;
  int unreleased_streams;       // got and not yet released, all channels
  int streams_lost_at_destroy;  // got and never released when their channel was destroyed
  int epoll_instances;
  int contexts;
  int sys_initialised;           // hi_mpi_sys_init minus hi_mpi_sys_exit
  std::uint64_t no_buf_returns;  // send_frame found the input queue full
  std::uint64_t frames_encoded;
  std::uint64_t frames_swallowed;  // "timeout" faults
} dvppsim_stats;

typedef void (*dvppsim_get_stats_fn)(dvppsim_stats *stats);
void dvppsim_get_stats(dvppsim_stats *stats);

// The rate-control bitrate (kbit/s) channel `chn` runs at now, or -1 if it does not exist.
typedef int (*dvppsim_get_channel_bitrate_fn)(int chn);
int dvppsim_get_channel_bitrate(int chn);

// What an open channel was configured with.
typedef struct {
  int bitrate;        // kbit/s of the rate control
  int gop;            // the rate control's GOP
  int profile;        // hi_venc_attr.profile
  int scene_mode;     // hi_venc_scene_mode
  int intra_refresh;  // 0 off, 1 rows, 2 columns
  int refresh_num;    // lines refreshed per frame
} dvppsim_channel;
// 0, or -1 if channel `chn` is not open.
typedef int (*dvppsim_get_channel_fn)(int chn, dvppsim_channel *out);
int dvppsim_get_channel(int chn, dvppsim_channel *out);

// One stream the encoder produced, as the simulator reported it in hi_venc_stream.
typedef struct {
  unsigned int seq;
  unsigned int bytes;  // the access unit (0: a failed encode)
  int qp;              // reported as start_qp and mean_qp; -1: none reported
  int idr;
} dvppsim_frame;
// The streams of the last channel opened with id `chn`, in order (kept after it is destroyed,
// up to 4096): copies up to `max` into `out`, returns how many there are, or -1 for a bad id.
typedef int (*dvppsim_get_frames_fn)(int chn, dvppsim_frame *out, int max);
int dvppsim_get_frames(int chn, dvppsim_frame *out, int max);

// 1 if H.265 is available (built with x265).
int dvppsim_has_h265(void);

}  // extern "C"
