// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::dvpp::EncoderSession: one hi_mpi VENC channel (H.264/H.265), after the CANN sample's
// HmevEncoder, done right: zero-initialised attributes, channel-id probing, input frames from a
// bounded pool of DVPP memory, back-pressure instead of drops, and, on the device's looper thread
// (shared by every channel of the device, see Runtime::attachLooper), every pack copied out
// before the stream is released and only then the input recycled. Every frame sent either comes
// out (output callback) or is reported (error callback / drain timeout).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/buffer_pool.h"
#include "core/looper.h"
#include "core/result.h"
#include "dvpp/bitstream.h"
#include "dvpp/runtime.h"

namespace mk {
namespace dvpp {

enum class RcMode { kCbr, kVbr, kAvbr, kQvbr, kCvbr, kFixQp };
enum class PixelFormat { kNv12, kNv21 };
// hi_venc_scene_mode: the encoder's tuning for how the picture moves.
enum class SceneMode { kStill, kMotionHighBitrate, kMotionMediumBitrate };
enum class IntraRefresh { kOff, kRows, kColumns };

// Everything a session is made from. The options (encoderOptions(), venc_options.cpp: the one
// place that states their ranges and defaults) are the element's properties; the rest comes from
// caps. create() checks the options against the table, then the rules between fields and those
// of the chip (validate() in session.cpp); a violation is kOutOfRange naming the option as the
// element spells it ("bitrate", "gop-size" ...).
struct EncoderSettings {
  EncoderSettings() noexcept;  // encoderOptions()' defaults; the caps fields' below

  // options
  int device_id;
  int channel_id;  // -1: the first free id; otherwise the first id tried (then upward)
  RcMode rc_mode;
  std::uint32_t bitrate;      // kbit/s
  std::uint32_t max_bitrate;  // kbit/s, read by the modes with a peak rate; 0: bitrate
  std::uint32_t gop_size;     // frames from one IDR to the next; 0: IDRs on request only
  int qp_min;                 // cbr and vbr; -1: the driver's default
  int qp_max;
  std::uint32_t i_qp;  // fixqp
  std::uint32_t p_qp;
  std::uint32_t input_buffers;  // frames of DVPP memory
  int send_timeout_ms;          // longest back-pressure wait in sendFrame/acquireInputBuffer
  SceneMode scene_mode;
  std::string level;  // a name of levels.h ("4.1") written into the parameter sets, or "auto"
  IntraRefresh intra_refresh;          // an optional vendor call (hi_mpi.h)
  std::uint32_t intra_refresh_period;  // frames to refresh the whole picture

  // from caps
  Codec codec = Codec::kH264;
  int profile = -1;         // -1: high (H.264) / main (H.265); H.264: 0 baseline, 1 main, 2 high
  std::uint32_t width = 0;  // even, within the chip's limits
  std::uint32_t height = 0;
  std::uint32_t fps_n = 30;  // frame rate fps_n / fps_d; the rate control rounds it into 1..240
  std::uint32_t fps_d = 1;
  PixelFormat format = PixelFormat::kNv12;
  VuiSettings vui;  // what the parameter sets say, rewritten whatever the encoder wrote
};

// One access unit, valid only during the output callback.
struct EncodedFrame {
  const std::uint8_t *data = nullptr;  // Annex B byte stream (SPS/PPS/VPS included on IDR)
  std::size_t size = 0;
  std::uint64_t user_id = 0;  // FrameMeta::user_id of the input
  std::int64_t pts = 0;       // FrameMeta::pts of the input
  bool keyframe = false;      // IDR (H.264) or IRAP (H.265); every other frame is a P frame
  int start_qp = -1;          // as hi_venc_stream reports them; -1 when it does not
  int mean_qp = -1;
};

// Both called on the device's looper thread, which serves every channel of the device: never
// concurrently for one session, never with a session lock held. They may call
// requestIdr()/stats() but must not destroy the session or drain(), and must not block (on a
// GStreamer lock, a pad push...): every other channel of the device waits meanwhile.
struct EncoderCallbacks {
  void *opaque = nullptr;
  void (*output)(void *opaque, const EncodedFrame &frame) noexcept = nullptr;
  // `has_frame`: this frame (user_id) failed and will not be output. `fatal`: the session is
  // dead; every later call returns `status`.
  void (*error)(void *opaque, const Status &status, bool has_frame, std::uint64_t user_id,
                bool fatal) noexcept = nullptr;
};

struct FrameMeta {
  std::uint64_t user_id = 0;  // handed back with the output (e.g. system_frame_number)
  std::int64_t pts = 0;
  bool force_idr = false;  // make this frame an IDR
};

// A frame in host memory: plane 0 = Y, plane 1 = interleaved UV (NV12) or VU (NV21).
struct HostFrame {
  const std::uint8_t *planes[2] = {nullptr, nullptr};
  std::size_t strides[2] = {0, 0};
};

struct SessionStats {
  std::uint64_t sent = 0;            // frames the encoder accepted
  std::uint64_t output = 0;          // access units delivered
  std::uint64_t failed = 0;          // frames reported through the error callback
  std::uint64_t no_buf_retries = 0;  // send_frame said the input queue was full
  std::size_t in_flight = 0;         // sent and not yet back
  std::uint32_t reopens = 0;         // channel reopened (bitrate change without set_chn_attr)
  std::uint64_t bytes_out = 0;       // of the access units delivered
  std::uint64_t keyframes = 0;
  std::uint64_t qp_frames = 0;  // access units with a mean QP reported ...
  std::uint64_t qp_sum = 0;     // ... and the sum of those QPs
};

class EncoderSession final : private LooperClient {
 public:
  // Opens the runtime, the channel and its looper. Errors: kOutOfRange (a setting, named),
  // kNotFound (runtime library or device), kUnsupported (chip, codec), kBusy (no free channel),
  // kNoMemory (DVPP memory), kIo (other runtime failures).
  [[nodiscard]] static Result<std::unique_ptr<EncoderSession>> create(
      const EncoderSettings &settings, const EncoderCallbacks &callbacks) noexcept;
  // Stops and destroys the channel; frames still in flight are dropped without a callback.
  ~EncoderSession();
  EncoderSession(const EncoderSession &) = delete;
  EncoderSession &operator=(const EncoderSession &) = delete;

  // Copies `frame` into a DVPP input buffer and sends it. Blocks while every input buffer is
  // out or the encoder's input queue is full (never drops); kTimeout after send_timeout_ms.
  [[nodiscard]] Status sendFrame(const HostFrame &frame, const FrameMeta &meta) noexcept;

  // Zero copy: an input buffer in DVPP memory (NV12/NV21 at stride() x height(), chroma at
  // stride() * height()), to fill and pass to sendBuffer(), or just drop. Blocks like sendFrame.
  // Host-writable only in device run mode (inputIsHostAccessible()).
  [[nodiscard]] Result<PoolBuffer> acquireInputBuffer() noexcept;
  [[nodiscard]] Status sendBuffer(PoolBuffer buffer, const FrameMeta &meta) noexcept;

  // Waits until every frame sent has come back (output or error). kTimeout names the frames
  // (user ids) still out; the failure status if the session died.
  [[nodiscard]] Status drain(std::chrono::milliseconds timeout) noexcept;

  // Changes, all at once, the settings that may change while running (the options flagged
  // kOptionMutablePlaying in encoderOptions(): bitrate, max-bitrate) to those of `wanted`; its
  // other fields are ignored. Nothing changed: kOk at once. The new settings are checked as
  // create() checks them first; a refused change (kOutOfRange, or the runtime refusing it) leaves
  // the channel encoding with the last good settings, and no frame in flight is lost. Applied
  // through set_chn_attr when the runtime has it; otherwise the frames in flight are drained and
  // the channel is reopened (may then block up to send_timeout_ms), and reopened with the last
  // good settings if the new ones fail. Only a channel that cannot be reopened at all kills the
  // session (failure() then says why).
  [[nodiscard]] Status reconfigure(const EncoderSettings &wanted) noexcept;

  // The next frame sent becomes an IDR.
  [[nodiscard]] Status requestIdr() noexcept;

  int channelId() const noexcept;
  std::size_t stride() const noexcept { return stride_; }
  std::size_t frameSize() const noexcept { return frame_size_; }
  bool inputIsHostAccessible() const noexcept;
  const EncoderSettings &settings() const noexcept { return settings_; }
  SessionStats stats() const noexcept;
  // kOk, or why the session died.
  Status failure() const noexcept;

 private:
  struct InFlight {
    std::uint64_t user_id;
    std::int64_t pts;
    PoolBuffer buffer;
  };

  EncoderSession(const EncoderSettings &settings, const EncoderCallbacks &callbacks) noexcept;
  Status open() noexcept;
  Status openChannel() noexcept;
  void closeChannel() noexcept;
  Status fillChannelAttr(hi_venc_chn_attr *attr) const noexcept;
  Status applyRcParam() noexcept;
  Status applyIntraRefresh(int chn) noexcept;
  Status acquireUntil(std::chrono::steady_clock::time_point deadline, PoolBuffer *out) noexcept;
  Status sendLocked(PoolBuffer buffer, const FrameMeta &meta) noexcept;
  Status drainLocked(std::chrono::milliseconds timeout) noexcept;
  void onReadable() noexcept;
  bool collectOne() noexcept;
  void transientError(Status status) noexcept;
  void markFailed(Status status) noexcept;
  void onLooperStopped(const Status &why) noexcept override;
  const Api &api() const noexcept { return runtime_->api(); }

  EncoderSettings settings_;
  EncoderCallbacks callbacks_;
  RuntimeRef runtime_;
  BufferPool pool_;
  Looper *looper_ = nullptr;  // the device's (runtime_ owns it); attached from open() on
  std::size_t stride_ = 0;
  std::size_t frame_size_ = 0;

  // Serialises senders and channel reconfiguration (taken before mutex_).
  std::mutex send_mutex_;
  std::vector<std::uint8_t> staging_;  // host mode: the frame before its H2D copy
  std::uint64_t next_seq_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable cond_;  // a frame came back; the session failed
  int channel_ = -1;
  int fd_ = -1;
  std::map<std::uint64_t, InFlight> in_flight_;  // by seq (carried in hi_video_frame.pts)
  // Frames taken out of in_flight_ whose callback has not returned yet: drain() waits for them
  // too, so that after it returns no output callback is still running or about to run.
  int delivering_ = 0;
  Status failure_;
  SessionStats stats_;

  // Looper thread only.
  std::vector<hi_venc_pack> packs_;
  std::vector<std::uint8_t> out_;
  std::unique_ptr<VuiRewriter> rewriter_;  // null when the caps ask for nothing to rewrite
  std::vector<std::uint8_t> rewritten_;
  bool rewrite_failed_ = false;  // reported once
  int consecutive_errors_ = 0;
};

}  // namespace dvpp
}  // namespace mk
