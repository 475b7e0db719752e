// SPDX-License-Identifier: LGPL-2.1-or-later
// Lock order: send_mutex_ (senders, reconfiguration) before mutex_ (in-flight table, state).
// The looper handler takes only mutex_, and never while it calls the runtime or a callback.
// A frame is entered in the in-flight table before send_frame, keyed by a sequence number that
// travels in hi_video_frame.pts, so a stream can never arrive for an unknown frame.
#include "dvpp/session.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

#include "core/log.h"
#include "dvpp/levels.h"
#include "dvpp/venc_options.h"

namespace mk {
namespace dvpp {

namespace {

constexpr const char *kLog = "dvpp";
constexpr int kSendSliceMs = 20;          // one send_frame wait; the loop enforces the deadline
constexpr int kMaxConsecutiveErrors = 3;  // then the channel is declared dead
constexpr int kStreamsPerWakeup = 8;      // keep the looper responsive to quit/remove

std::size_t align(std::size_t value, std::size_t to) {
  return (value + to - 1) / to * to;
}

Status hiStatus(const char *what, hi_s32 ret) {
  Errc code = Errc::kIo;
  switch (static_cast<hi_u32>(ret) & 0x1FFFu) {
    case MK_HI_ERRNO_INVALID_CHN_ID:
    case MK_HI_ERRNO_ILLEGAL_PARAM:
    case MK_HI_ERRNO_NULL_PTR:
    case MK_HI_ERRNO_BAD_ADDR:
      code = Errc::kInvalidArgument;
      break;
    case MK_HI_ERRNO_EXIST:
    case MK_HI_ERRNO_BUSY:
    case MK_HI_ERRNO_NO_BUF:
      code = Errc::kBusy;
      break;
    case MK_HI_ERRNO_NO_MEM:
      code = Errc::kNoMemory;
      break;
    case MK_HI_ERRNO_NOT_SUPPORT:
      code = Errc::kUnsupported;
      break;
    case MK_HI_ERRNO_TIMEOUT:
      code = Errc::kTimeout;
      break;
    default:
      break;
  }
  return Status(code, std::string(what) + " failed: " + hiErrorName(ret));
}

bool isQueueFull(hi_s32 ret) {
  return ret == HI_ERR_VENC_NO_BUF || ret == HI_ERR_VENC_BUF_FULL;
}

Status outOfRange(const char *option, long long value, const std::string &allowed) {
  return Status(Errc::kOutOfRange, std::string(option) + " " + std::to_string(value) +
                                       " is out of range (allowed: " + allowed + ")");
}

std::uint32_t frameRate(const EncoderSettings &s) {
  std::uint32_t fps = s.fps_d ? (s.fps_n + s.fps_d / 2) / s.fps_d : 0;
  return std::clamp<std::uint32_t>(fps, 1, 240);
}

// The rules encoderOptions() cannot state, create() having checked every option's range against
// it: the chip's (sizes, channel count), those between options, and those of the fields that
// come from caps.
Status validate(const EncoderSettings &s, const Runtime &runtime) {
  std::uint32_t min_size = runtime.chip() == Chip::k310B ? 114 : 128;
  std::uint32_t max_size = runtime.chip() == Chip::k310B ? 8192 : 4096;
  std::string size_range = "even, " + std::to_string(min_size) + " to " + std::to_string(max_size);
  if (s.width < min_size || s.width > max_size || s.width % 2)
    return outOfRange("width", s.width, size_range);
  if (s.height < min_size || s.height > max_size || s.height % 2)
    return outOfRange("height", s.height, size_range);
  if (runtime.chip() != Chip::k310B && s.codec == Codec::kH264 &&
      std::uint64_t{s.width} * s.height > 4096ull * 2304)
    return outOfRange("width x height", std::int64_t{s.width} * s.height,
                      "at most 4096 x 2304 pixels for H.264");
  if (s.channel_id >= runtime.maxChannels())
    return outOfRange("channel-id", s.channel_id,
                      "-1 or 0 to " + std::to_string(runtime.maxChannels() - 1) + " on this chip");
  // Only the modes with a peak rate read max-bitrate: in cbr and fixqp any value is fine.
  bool has_peak = s.rc_mode != RcMode::kCbr && s.rc_mode != RcMode::kFixQp;
  if (has_peak && s.max_bitrate != 0 && s.max_bitrate < s.bitrate)
    return outOfRange("max-bitrate", s.max_bitrate,
                      "0, or at least bitrate (" + std::to_string(s.bitrate) + " kbit/s)");
  if (s.qp_min >= 0 && s.qp_max >= 0 && s.qp_min > s.qp_max)
    return outOfRange("qp-min", s.qp_min, "at most qp-max");
  int max_profile = s.codec == Codec::kH264 ? 2 : 0;
  if (s.profile < -1 || s.profile > max_profile)
    return outOfRange(
        "profile", s.profile,
        s.codec == Codec::kH264 ? "-1 or 0 (baseline) to 2 (high)" : "-1 or 0 (main)");
  if (s.fps_n == 0 || s.fps_d == 0) return outOfRange("framerate", s.fps_n, "a positive fraction");
  if (s.level != "auto") {
    auto level = findLevel(s.codec, s.level);
    if (!level) return level.status();
    Status status = checkLevel(s.codec, (*level)->value, s.width, s.height, s.fps_n, s.fps_d);
    if (!status) return status;
  }
  return Status::ok();
}

}  // namespace

EncoderSettings::EncoderSettings() noexcept {
  encoderOptions().setDefaults(this);
}

EncoderSession::EncoderSession(const EncoderSettings &settings,
                               const EncoderCallbacks &callbacks) noexcept
    : settings_(settings), callbacks_(callbacks) {}

Result<std::unique_ptr<EncoderSession>> EncoderSession::create(
    const EncoderSettings &settings, const EncoderCallbacks &callbacks) noexcept {
  if (!callbacks.output || !callbacks.error)
    return Status(Errc::kInvalidArgument, "the session needs output and error callbacks");
  // The ranges: the table's, with the message a set of the value would give.
  Status checked = encoderOptions().check(&settings);
  if (!checked) return checked;
  std::unique_ptr<EncoderSession> session(new (std::nothrow) EncoderSession(settings, callbacks));
  if (!session) return Status(Errc::kNoMemory, "out of memory");
  Status status = session->open();
  if (!status) return status;
  return session;
}

Status EncoderSession::open() noexcept {
  auto runtime = Runtime::acquire(settings_.device_id);
  if (!runtime) return runtime.status();
  runtime_ = std::move(runtime).value();
  Status status = runtime_->bindThread();
  if (!status) return status;
  status = validate(settings_, *runtime_);
  if (!status) return status;
  if (settings_.codec == Codec::kH265) settings_.profile = 0;
  if (settings_.profile < 0) settings_.profile = 2;
  const LevelInfo *level =
      settings_.level == "auto" ? nullptr : findLevel(settings_.codec, settings_.level).value();
  const int level_value = level ? level->value : 0;
  if (VuiRewriter::needed(settings_.vui, level_value)) {
    auto rewriter = VuiRewriter::create(settings_.codec, settings_.vui, level_value);
    if (!rewriter) return rewriter.status();
    rewriter_ = std::move(rewriter).value();
  }

  // Width stride: the width rounded up to 16, as VENC requires; chroma follows the luma rows.
  stride_ = align(settings_.width, 16);
  frame_size_ = stride_ * settings_.height * 3 / 2;
  BufferPoolConfig config;
  config.size = frame_size_;
  config.alignment = 64;
  config.max_buffers = settings_.input_buffers;
  config.allocator = runtime_->allocator();
  auto pool = BufferPool::create(config);
  if (!pool) return pool.status();
  pool_ = std::move(pool).value();
  status = pool_.preallocate(settings_.input_buffers);
  if (!status)
    return Status(Errc::kNoMemory, "cannot allocate " + std::to_string(settings_.input_buffers) +
                                       " input frames of DVPP memory: " + status.message());
  if (runtime_->runMode() == RunMode::kHost) staging_.resize(frame_size_);

  auto looper = runtime_->attachLooper(this);
  if (!looper) return looper.status();
  looper_ = *looper;
  return openChannel();
}

Status EncoderSession::fillChannelAttr(hi_venc_chn_attr *attr) const noexcept {
  const EncoderSettings &s = settings_;
  std::memset(attr, 0, sizeof(*attr));  // un-zeroed attributes are the classic ILLEGAL_PARAM
  hi_venc_attr &v = attr->venc_attr;
  v.type = s.codec == Codec::kH264 ? HI_PT_H264 : HI_PT_H265;
  v.max_pic_width = s.width;
  v.max_pic_height = s.height;
  v.pic_width = s.width;
  v.pic_height = s.height;
  std::size_t buf =
      align(std::max<std::size_t>(std::size_t{s.width} * s.height * 3 / 2, 32768), 64);
  v.buf_size = static_cast<hi_u32>(buf);
  v.profile = static_cast<hi_u32>(s.profile);
  v.is_by_frame = HI_TRUE;
  v.h264_attr.rcn_ref_share_buf_en = HI_FALSE;

  hi_venc_rc_attr &rc = attr->rc_attr;
  int base = s.codec == Codec::kH264 ? HI_VENC_RC_MODE_H264_CBR : HI_VENC_RC_MODE_H265_CBR;
  rc.rc_mode = static_cast<hi_venc_rc_mode>(base + static_cast<int>(s.rc_mode));
  std::uint32_t fps = frameRate(s);
  std::uint32_t max_rate = s.max_bitrate ? s.max_bitrate : s.bitrate;
  // gop-size 0 (IDRs on request only): the longest GOP the API takes.
  static const auto kLongestGop =
      static_cast<std::uint32_t>(encoderOptions().find("gop-size")->int_max);
  std::uint32_t gop = s.gop_size ? s.gop_size : kLongestGop;
  // The H.265 members are typedefs of the H.264 ones: one layout serves both.
  switch (s.rc_mode) {
    case RcMode::kCbr:
      rc.h264_cbr = {gop, 1, fps, fps, s.bitrate};
      break;
    case RcMode::kVbr:
      rc.h264_vbr = {gop, 1, fps, fps, max_rate};
      break;
    case RcMode::kAvbr:
      rc.h264_avbr = {gop, 1, fps, fps, max_rate};
      break;
    case RcMode::kQvbr:
      rc.h264_qvbr = {gop, 1, fps, fps, s.bitrate};
      break;
    case RcMode::kCvbr:
      rc.h264_cvbr = {
          gop, 1, fps, fps, max_rate, 1, 1, max_rate, std::max<std::uint32_t>(2, s.bitrate / 2)};
      break;
    case RcMode::kFixQp:
      rc.h264_fixqp = {gop, fps, fps, s.i_qp, s.p_qp, s.p_qp};
      break;
  }
  attr->gop_attr.gop_mode = HI_VENC_GOP_MODE_NORMAL_P;
  attr->gop_attr.normal_p.ip_qp_delta = 3;
  return Status::ok();
}

Status EncoderSession::applyRcParam() noexcept {
  const EncoderSettings &s = settings_;
  if (s.qp_min < 0 && s.qp_max < 0) return Status::ok();
  if (s.rc_mode != RcMode::kCbr && s.rc_mode != RcMode::kVbr) {
    MK_LOG_INFO(kLog, "qp-min/qp-max apply to CBR and VBR only: ignored");
    return Status::ok();
  }
  hi_venc_rc_param param;
  std::memset(&param, 0, sizeof(param));
  hi_s32 ret = api().hi_mpi_venc_get_rc_param(channel_, &param);
  if (ret != HI_SUCCESS) return hiStatus("hi_mpi_venc_get_rc_param", ret);
  auto set = [&s](hi_u32 *min_qp, hi_u32 *max_qp, hi_u32 *min_i_qp, hi_u32 *max_i_qp) {
    if (s.qp_min >= 0) *min_qp = *min_i_qp = static_cast<hi_u32>(s.qp_min);
    if (s.qp_max >= 0) *max_qp = *max_i_qp = static_cast<hi_u32>(s.qp_max);
  };
  if (s.codec == Codec::kH264 && s.rc_mode == RcMode::kCbr) {
    auto &p = param.h264_cbr_param;
    set(&p.min_qp, &p.max_qp, &p.min_i_qp, &p.max_i_qp);
  } else if (s.codec == Codec::kH264) {
    auto &p = param.h264_vbr_param;
    set(&p.min_qp, &p.max_qp, &p.min_i_qp, &p.max_i_qp);
  } else if (s.rc_mode == RcMode::kCbr) {
    auto &p = param.h265_cbr_param;
    set(&p.min_qp, &p.max_qp, &p.min_i_qp, &p.max_i_qp);
  } else {
    auto &p = param.h265_vbr_param;
    set(&p.min_qp, &p.max_qp, &p.min_i_qp, &p.max_i_qp);
  }
  ret = api().hi_mpi_venc_set_rc_param(channel_, &param);
  if (ret != HI_SUCCESS) return hiStatus("hi_mpi_venc_set_rc_param", ret);
  return Status::ok();
}

// Only when the user asks for it: the call and its struct are unverified (hi_mpi.h).
Status EncoderSession::applyIntraRefresh(int chn) noexcept {
  const EncoderSettings &s = settings_;
  if (s.intra_refresh == IntraRefresh::kOff) return Status::ok();
  const Api &a = api();
  if (!a.hi_mpi_venc_set_intra_refresh)
    return Status(Errc::kUnsupported,
                  "intra-refresh needs hi_mpi_venc_set_intra_refresh, which this runtime does not "
                  "export (" +
                      a.mpi_path + ")");
  hi_venc_intra_refresh refresh;
  std::memset(&refresh, 0, sizeof(refresh));
  refresh.request_i_qp = 30;  // what HiSilicon's samples use, if the runtime cannot tell
  if (a.hi_mpi_venc_get_intra_refresh &&
      a.hi_mpi_venc_get_intra_refresh(chn, &refresh) != HI_SUCCESS)
    refresh.request_i_qp = 30;
  bool rows = s.intra_refresh == IntraRefresh::kRows;
  std::uint32_t unit = s.codec == Codec::kH264 ? 16 : 64;  // macroblock or CTU (unverified)
  std::uint32_t lines = ((rows ? s.height : s.width) + unit - 1) / unit;
  std::uint32_t period = std::max<std::uint32_t>(1, std::min(s.intra_refresh_period, lines));
  refresh.enable = HI_TRUE;
  refresh.mode = rows ? HI_VENC_INTRA_REFRESH_ROW : HI_VENC_INTRA_REFRESH_COLUMN;
  refresh.refresh_num = (lines + period - 1) / period;
  hi_s32 ret = a.hi_mpi_venc_set_intra_refresh(chn, &refresh);
  if (ret != HI_SUCCESS) return hiStatus("hi_mpi_venc_set_intra_refresh", ret);
  MK_LOG_INFO(kLog, "channel %d: intra refresh, %u %s of %u per frame", chn, refresh.refresh_num,
              rows ? "rows" : "columns", lines);
  return Status::ok();
}

Status EncoderSession::openChannel() noexcept {
  hi_venc_chn_attr attr;
  Status status = fillChannelAttr(&attr);
  if (!status) return status;
  // Channel ids are device-wide and shared across processes: EXIST means taken, try the next.
  int first = settings_.channel_id < 0 ? 0 : settings_.channel_id;
  int chn = first;
  for (; chn < runtime_->maxChannels(); chn++) {
    hi_s32 ret = api().hi_mpi_venc_create_chn(chn, &attr);
    if (ret == HI_SUCCESS) break;
    if (ret == HI_ERR_VENC_EXIST) continue;
    if (ret == HI_ERR_VENC_INVALID_CHN_ID) {
      chn = runtime_->maxChannels();  // the chip has fewer channels than we assumed
      break;
    }
    return hiStatus("hi_mpi_venc_create_chn", ret);
  }
  if (chn >= runtime_->maxChannels())
    return Status(Errc::kBusy, "every VENC channel from " + std::to_string(first) +
                                   " up is taken (by this or another process)");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    channel_ = chn;
  }
  MK_LOG_INFO(kLog, "channel %d: %s %ux%u, %u kbit/s", chn,
              settings_.codec == Codec::kH264 ? "H.264" : "H.265", settings_.width,
              settings_.height, settings_.bitrate);

  auto undo = [this](Status why) {
    closeChannel();
    return why;
  };
  hi_s32 ret = api().hi_mpi_venc_set_scene_mode(
      chn, static_cast<hi_venc_scene_mode>(static_cast<int>(settings_.scene_mode)));
  if (ret != HI_SUCCESS) {
    // The default (SCENE_0) was set blindly before scene-mode existed, and its failure ignored.
    if (settings_.scene_mode != SceneMode::kStill)
      return undo(hiStatus("hi_mpi_venc_set_scene_mode", ret));
    MK_LOG_DEBUG(kLog, "set_scene_mode: %s", hiErrorName(ret).c_str());
  }
  status = applyRcParam();
  if (!status) return undo(status);
  status = applyIntraRefresh(chn);
  if (!status) return undo(status);
  int fd = api().hi_mpi_venc_get_fd(chn);
  if (fd < 0) return undo(hiStatus("hi_mpi_venc_get_fd", fd));
  status = looper_->add(fd, kPollIn, [this](int, unsigned) { onReadable(); });
  if (!status) return undo(status);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fd_ = fd;
  }
  hi_venc_start_param start{};
  start.recv_pic_num = -1;
  ret = api().hi_mpi_venc_start_chn(chn, &start);
  if (ret != HI_SUCCESS) return undo(hiStatus("hi_mpi_venc_start_chn", ret));
  return Status::ok();
}

// The documented order: stop, leave the epoll set, destroy. The fd is claimed under mutex_
// (markFailed may claim it first): on the shared looper, removing an fd number this session no
// longer owns would unregister another session that got the number since.
void EncoderSession::closeChannel() noexcept {
  int chn;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    chn = channel_;
  }
  if (chn < 0) return;
  // A failed stop or destroy is tried once more: a channel left open stays taken on the
  // device until the process ends (destroy refuses a channel that was not stopped).
  hi_s32 ret = api().hi_mpi_venc_stop_chn(chn);
  if (ret != HI_SUCCESS) {
    MK_LOG_WARNING(kLog, "stop_chn %d: %s; trying again", chn, hiErrorName(ret).c_str());
    ret = api().hi_mpi_venc_stop_chn(chn);
    if (ret != HI_SUCCESS) MK_LOG_WARNING(kLog, "stop_chn %d: %s", chn, hiErrorName(ret).c_str());
  }
  int fd;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fd = std::exchange(fd_, -1);
  }
  if (fd >= 0) (void)looper_->remove(fd);  // waits for a running handler
  ret = api().hi_mpi_venc_destroy_chn(chn);
  if (ret != HI_SUCCESS) {
    MK_LOG_WARNING(kLog, "destroy_chn %d: %s; trying again", chn, hiErrorName(ret).c_str());
    ret = api().hi_mpi_venc_destroy_chn(chn);
    if (ret != HI_SUCCESS)
      MK_LOG_WARNING(kLog, "destroy_chn %d: %s", chn, hiErrorName(ret).c_str());
  }
  std::lock_guard<std::mutex> lock(mutex_);
  channel_ = -1;
}

EncoderSession::~EncoderSession() {
  if (runtime_) {
    if (!runtime_->bindThread()) MK_LOG_WARNING(kLog, "closing without a bound context");
    if (looper_) {
      closeChannel();
      runtime_->detachLooper(this);
    }
  }
  std::map<std::uint64_t, InFlight> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    dropped.swap(in_flight_);
  }
  if (!dropped.empty()) MK_LOG_INFO(kLog, "closed with %zu frame(s) in flight", dropped.size());
  dropped.clear();  // the channel is gone: nothing reads these buffers any more
  pool_.uninit();
}

int EncoderSession::channelId() const noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  return channel_;
}

bool EncoderSession::inputIsHostAccessible() const noexcept {
  return runtime_->runMode() == RunMode::kDevice;
}

SessionStats EncoderSession::stats() const noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  SessionStats s = stats_;
  s.in_flight = in_flight_.size();
  return s;
}

Status EncoderSession::failure() const noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  return failure_;
}

Status EncoderSession::acquireUntil(std::chrono::steady_clock::time_point deadline,
                                    PoolBuffer *out) noexcept {
  auto left = deadline - std::chrono::steady_clock::now();
  auto got =
      pool_.acquireFor(std::max<std::chrono::nanoseconds>(left, std::chrono::nanoseconds(0)));
  if (got) {
    *out = std::move(got).value();
    return Status::ok();
  }
  if (got.status().code() == Errc::kTimeout)
    return Status(Errc::kTimeout, "no input buffer came back from the encoder within " +
                                      std::to_string(settings_.send_timeout_ms) + " ms");
  return got.status();
}

Result<PoolBuffer> EncoderSession::acquireInputBuffer() noexcept {
  Status status = failure();
  if (!status) return status;
  PoolBuffer buffer;
  status = acquireUntil(
      std::chrono::steady_clock::now() + std::chrono::milliseconds(settings_.send_timeout_ms),
      &buffer);
  if (!status) return status;
  return buffer;
}

Status EncoderSession::sendFrame(const HostFrame &frame, const FrameMeta &meta) noexcept {
  if (!frame.planes[0] || !frame.planes[1] || frame.strides[0] < settings_.width ||
      frame.strides[1] < settings_.width)
    return Status(Errc::kInvalidArgument, "sendFrame needs two planes of at least width bytes");
  Status status = runtime_->bindThread();
  if (!status) return status;
  std::lock_guard<std::mutex> send_lock(send_mutex_);
  status = failure();
  if (!status) return status;
  PoolBuffer buffer;
  status = acquireUntil(
      std::chrono::steady_clock::now() + std::chrono::milliseconds(settings_.send_timeout_ms),
      &buffer);
  if (!status) return status;

  bool direct = runtime_->runMode() == RunMode::kDevice;
  std::uint8_t *dst = direct ? buffer.data() : staging_.data();
  const std::size_t w = settings_.width;
  const std::size_t h = settings_.height;
  for (std::size_t y = 0; y < h; y++)
    std::memcpy(dst + y * stride_, frame.planes[0] + y * frame.strides[0], w);
  std::uint8_t *chroma = dst + stride_ * h;
  for (std::size_t y = 0; y < h / 2; y++)
    std::memcpy(chroma + y * stride_, frame.planes[1] + y * frame.strides[1], w);
  if (!direct) {
    aclError err = api().aclrtMemcpy(buffer.data(), frame_size_, staging_.data(), frame_size_,
                                     ACL_MEMCPY_HOST_TO_DEVICE);
    if (err != ACL_SUCCESS)
      return Status(Errc::kIo,
                    "aclrtMemcpy to the device failed: ACL error " + std::to_string(err));
  }
  return sendLocked(std::move(buffer), meta);
}

Status EncoderSession::sendBuffer(PoolBuffer buffer, const FrameMeta &meta) noexcept {
  if (!buffer || buffer.size() != frame_size_)
    return Status(Errc::kInvalidArgument, "sendBuffer needs a buffer from acquireInputBuffer()");
  Status status = runtime_->bindThread();
  if (!status) return status;
  std::lock_guard<std::mutex> send_lock(send_mutex_);
  status = failure();
  if (!status) return status;
  return sendLocked(std::move(buffer), meta);
}

// With send_mutex_ held.
Status EncoderSession::sendLocked(PoolBuffer buffer, const FrameMeta &meta) noexcept {
  std::uint64_t seq = next_seq_++;
  hi_video_frame_info info;
  std::memset(&info, 0, sizeof(info));
  hi_video_frame &f = info.v_frame;
  f.width = settings_.width;
  f.height = settings_.height;
  f.field = HI_VIDEO_FIELD_FRAME;
  f.pixel_format = settings_.format == PixelFormat::kNv12 ? HI_PIXEL_FORMAT_YUV_SEMIPLANAR_420
                                                          : HI_PIXEL_FORMAT_YVU_SEMIPLANAR_420;
  f.video_format = HI_VIDEO_FORMAT_LINEAR;
  f.compress_mode = HI_COMPRESS_MODE_NONE;
  f.dynamic_range = HI_DYNAMIC_RANGE_SDR8;
  f.color_gamut = HI_COLOR_GAMUT_BT709;
  f.width_stride[0] = f.width_stride[1] = static_cast<hi_u32>(stride_);
  f.height_stride[0] = f.height_stride[1] = settings_.height;
  f.virt_addr[0] = buffer.data();
  f.virt_addr[1] = buffer.data() + stride_ * settings_.height;
  f.time_ref = static_cast<hi_u32>(seq * 2);  // even and increasing, as VENC wants
  f.pts = seq;
  info.mod_id = HI_ID_VENC;

  int chn;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    chn = channel_;
    in_flight_.emplace(seq, InFlight{meta.user_id, meta.pts, std::move(buffer)});
  }
  auto forget = [this, seq](Status why) {
    PoolBuffer dropped;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = in_flight_.find(seq);
    if (it != in_flight_.end()) {
      dropped = std::move(it->second.buffer);
      in_flight_.erase(it);
    }
    return why;
  };
  if (meta.force_idr) {
    hi_s32 ret = api().hi_mpi_venc_request_idr(chn, HI_TRUE);
    if (ret != HI_SUCCESS) return forget(hiStatus("hi_mpi_venc_request_idr", ret));
  }
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(settings_.send_timeout_ms);
  for (;;) {
    hi_s32 ret = api().hi_mpi_venc_send_frame(chn, &info, kSendSliceMs);
    if (ret == HI_SUCCESS) break;
    if (!isQueueFull(ret)) return forget(hiStatus("hi_mpi_venc_send_frame", ret));
    // The input queue is full: wait for the encoder to move on, never drop.
    std::unique_lock<std::mutex> lock(mutex_);
    stats_.no_buf_retries++;
    if (!failure_.isOk()) {
      Status why = failure_;
      lock.unlock();
      return forget(why);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      lock.unlock();
      return forget(Status(Errc::kTimeout, "the encoder's input queue stayed full for " +
                                               std::to_string(settings_.send_timeout_ms) + " ms"));
    }
    cond_.wait_for(lock, std::chrono::milliseconds(kSendSliceMs));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.sent++;
  return Status::ok();
}

Status EncoderSession::drain(std::chrono::milliseconds timeout) noexcept {
  std::lock_guard<std::mutex> send_lock(send_mutex_);
  return drainLocked(timeout);
}

// With send_mutex_ held, so nothing new is sent meanwhile.
Status EncoderSession::drainLocked(std::chrono::milliseconds timeout) noexcept {
  std::unique_lock<std::mutex> lock(mutex_);
  bool done = cond_.wait_for(lock, timeout, [this] {
    return (in_flight_.empty() && delivering_ == 0) || !failure_.isOk();
  });
  if (!failure_.isOk()) return failure_;
  if (done) return Status::ok();
  std::string ids;
  int listed = 0;
  for (const auto &entry : in_flight_) {
    if (listed++ == 8) {
      ids += " ...";
      break;
    }
    ids += (ids.empty() ? "" : ", ") + std::to_string(entry.second.user_id);
  }
  return Status(Errc::kTimeout, std::to_string(in_flight_.size()) +
                                    " frame(s) did not come back from the encoder within " +
                                    std::to_string(timeout.count()) + " ms (user ids " + ids + ")");
}

Status EncoderSession::requestIdr() noexcept {
  Status status = runtime_->bindThread();
  if (!status) return status;
  status = failure();
  if (!status) return status;
  hi_s32 ret = api().hi_mpi_venc_request_idr(channelId(), HI_TRUE);
  if (ret != HI_SUCCESS) return hiStatus("hi_mpi_venc_request_idr", ret);
  return Status::ok();
}

Status EncoderSession::reconfigure(const EncoderSettings &wanted) noexcept {
  Status status = runtime_->bindThread();
  if (!status) return status;
  std::lock_guard<std::mutex> send_lock(send_mutex_);
  status = failure();
  if (!status) return status;
  // The live options of `wanted` over the current settings, whatever their types.
  const OptionTable &table = encoderOptions();
  EncoderSettings next = settings_;
  bool changed = false;
  for (const Option &option : table) {
    if (!(option.flags & kOptionMutablePlaying)) continue;
    auto want = table.getAsString(&wanted, option.name);
    auto have = table.getAsString(&next, option.name);
    if (!want) return want.status();
    if (have && *have == *want) continue;
    status = table.setFromString(&next, option.name, *want);
    if (!status) return status;
    changed = true;
  }
  if (!changed) return Status::ok();
  status = validate(next, *runtime_);
  if (!status) return status;

  const EncoderSettings previous = settings_;
  settings_ = next;
  const Api &a = api();
  if (a.hi_mpi_venc_set_chn_attr) {
    hi_venc_chn_attr attr;
    status = fillChannelAttr(&attr);
    int chn = channelId();
    if (status && a.hi_mpi_venc_get_chn_attr) {
      // Keep what the driver holds; change only the rate control.
      hi_venc_chn_attr current;
      std::memset(&current, 0, sizeof(current));
      if (a.hi_mpi_venc_get_chn_attr(chn, &current) == HI_SUCCESS) {
        current.rc_attr = attr.rc_attr;
        attr = current;
      }
    }
    hi_s32 ret = a.hi_mpi_venc_set_chn_attr(chn, &attr);
    if (ret != HI_SUCCESS) {
      settings_ = previous;  // refused: the channel still runs on the previous attributes
      return hiStatus("hi_mpi_venc_set_chn_attr", ret);
    }
    // Changing the rate control resets its advanced parameters: apply ours again.
    return applyRcParam();
  }
  // No set_chn_attr: finish what is in flight, then reopen with the new settings.
  status = drainLocked(std::chrono::milliseconds(settings_.send_timeout_ms));
  if (!status) {
    settings_ = previous;
    return status;
  }
  closeChannel();
  status = openChannel();
  Status reopened = status;
  if (!status) {
    MK_LOG_WARNING(kLog, "reopening with the new settings failed (%s): back to the last good ones",
                   status.message().c_str());
    settings_ = previous;
    reopened = openChannel();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.reopens++;
    if (!reopened && failure_.isOk()) failure_ = reopened;
  }
  cond_.notify_all();
  return status;
}

void EncoderSession::onReadable() noexcept {
  for (int i = 0; i < kStreamsPerWakeup; i++)
    if (!collectOne()) break;
}

// Gets one stream, copies every pack out, releases the stream, then recycles the input and
// delivers. Returns false when there is nothing more to get now.
bool EncoderSession::collectOne() noexcept {
  int chn;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    chn = channel_;
    if (chn < 0 || !failure_.isOk()) return false;
  }
  hi_venc_chn_status status;
  std::memset(&status, 0, sizeof(status));
  hi_s32 ret = api().hi_mpi_venc_query_status(chn, &status);
  if (ret != HI_SUCCESS) {
    transientError(hiStatus("hi_mpi_venc_query_status", ret));
    return false;
  }
  if (status.cur_packs == 0) return false;  // woken with nothing ready: happens, skip

  packs_.assign(status.cur_packs, hi_venc_pack{});
  hi_venc_stream stream;
  std::memset(&stream, 0, sizeof(stream));
  stream.pack = packs_.data();
  stream.pack_cnt = status.cur_packs;
  ret = api().hi_mpi_venc_get_stream(chn, &stream, 0);
  if (ret == HI_ERR_VENC_BUF_EMPTY) return false;
  if (ret != HI_SUCCESS) {
    transientError(hiStatus("hi_mpi_venc_get_stream", ret));
    return false;
  }
  consecutive_errors_ = 0;

  // Copy out before release: the packs point into VENC's stream buffer.
  bool empty_pack = stream.pack_cnt == 0;
  out_.clear();
  const bool host = runtime_->runMode() == RunMode::kHost;
  for (hi_u32 i = 0; i < stream.pack_cnt && i < packs_.size(); i++) {
    const hi_venc_pack &pack = packs_[i];
    if (pack.len == 0 || pack.len <= pack.offset || !pack.addr) {
      empty_pack = true;
      continue;
    }
    std::size_t size = pack.len - pack.offset;
    std::size_t at = out_.size();
    out_.resize(at + size);
    if (host) {
      aclError err = api().aclrtMemcpy(out_.data() + at, size, pack.addr + pack.offset, size,
                                       ACL_MEMCPY_DEVICE_TO_HOST);
      if (err != ACL_SUCCESS) empty_pack = true;
    } else {
      std::memcpy(out_.data() + at, pack.addr + pack.offset, size);
    }
  }
  std::uint64_t seq = stream.pack_cnt ? packs_[0].pts : ~std::uint64_t{0};
  // The QPs, where the runtime reports them (pic_bytes 0: the stream info is not filled in).
  const bool h264 = settings_.codec == Codec::kH264;
  int start_qp = -1, mean_qp = -1;
  if (h264 ? stream.h264_info.pic_bytes : stream.h265_info.pic_bytes) {
    start_qp = static_cast<int>(h264 ? stream.h264_info.start_qp : stream.h265_info.start_qp);
    mean_qp = static_cast<int>(h264 ? stream.h264_info.mean_qp : stream.h265_info.mean_qp);
  }
  ret = api().hi_mpi_venc_release_stream(chn, &stream);
  if (ret != HI_SUCCESS) {
    // Once more: an unreleased stream would hold its part of the stream buffer for good.
    MK_LOG_WARNING(kLog, "release_stream: %s; retrying", hiErrorName(ret).c_str());
    ret = api().hi_mpi_venc_release_stream(chn, &stream);
    if (ret != HI_SUCCESS) transientError(hiStatus("hi_mpi_venc_release_stream", ret));
  }

  // What the caps say, in the parameter sets (IDRs only; cached while they repeat).
  const std::vector<std::uint8_t> *au = &out_;
  if (rewriter_ && !empty_pack) {
    bool rewritten = false;
    Status status = rewriter_->rewrite(out_.data(), out_.size(), &rewritten_, &rewritten);
    if (rewritten) au = &rewritten_;
    if (!status && !rewrite_failed_) {
      // Best effort: the frame goes out with the encoder's own parameter sets.
      rewrite_failed_ = true;
      callbacks_.error(
          callbacks_.opaque,
          Status(status.code(), status.message() + "; the stream keeps the encoder's own VUI"),
          false, 0, false);
    }
  }
  const bool keyframe = hasKeyframeNal(au->data(), au->size(), settings_.codec);

  InFlight frame{0, 0, PoolBuffer()};
  bool known = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = in_flight_.find(seq);
    if (it != in_flight_.end()) {
      frame = std::move(it->second);
      in_flight_.erase(it);
      known = true;
      delivering_++;
      if (empty_pack) {
        stats_.failed++;
      } else {
        stats_.output++;
        stats_.bytes_out += au->size();
        stats_.keyframes += keyframe ? 1 : 0;
        if (mean_qp >= 0) {
          stats_.qp_frames++;
          stats_.qp_sum += static_cast<std::uint64_t>(mean_qp);
        }
      }
    }
  }
  frame.buffer.reset();  // the input goes back to the pool only now
  if (!known) {
    callbacks_.error(callbacks_.opaque,
                     Status(Errc::kInternal, "a stream for an unknown frame (pts " +
                                                 std::to_string(seq) + ") was dropped"),
                     false, 0, false);
  } else if (empty_pack) {
    callbacks_.error(callbacks_.opaque,
                     Status(Errc::kIo, "the encoder failed on frame " +
                                           std::to_string(frame.user_id) + " (empty stream)"),
                     true, frame.user_id, false);
  } else {
    EncodedFrame encoded;
    encoded.data = au->data();
    encoded.size = au->size();
    encoded.user_id = frame.user_id;
    encoded.pts = frame.pts;
    encoded.keyframe = keyframe;
    encoded.start_qp = start_qp;
    encoded.mean_qp = mean_qp;
    callbacks_.output(callbacks_.opaque, encoded);
  }
  if (known) {
    std::lock_guard<std::mutex> lock(mutex_);
    delivering_--;
  }
  cond_.notify_all();
  return true;
}

// A failed call on the looper thread: reported; repeated failures kill the session rather than
// spin on a level-triggered fd.
void EncoderSession::transientError(Status status) noexcept {
  MK_LOG_WARNING(kLog, "%s", status.message().c_str());
  if (++consecutive_errors_ >= kMaxConsecutiveErrors) {
    markFailed(Status(status.code(), status.message() + " (" + std::to_string(consecutive_errors_) +
                                         " times in a row; the encoder is stopped)"));
    return;
  }
  callbacks_.error(callbacks_.opaque, status, false, 0, false);
}

// Looper thread: the session is dead. Stop listening (remove() does not wait on the looper
// thread, so the fd is claimed and removed under mutex_: see closeChannel), wake every waiter,
// tell the user.
void EncoderSession::markFailed(Status status) noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failure_.isOk()) return;
    failure_ = status;
    int fd = std::exchange(fd_, -1);
    if (fd >= 0) (void)looper_->remove(fd);
  }
  cond_.notify_all();
  MK_LOG_ERROR(kLog, "%s", status.message().c_str());
  callbacks_.error(callbacks_.opaque, status, false, 0, true);
}

// The device's looper stopped by itself: nothing will come back.
void EncoderSession::onLooperStopped(const Status &why) noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failure_.isOk()) return;
    failure_ = why;
  }
  cond_.notify_all();
  callbacks_.error(callbacks_.opaque, why, false, 0, true);
}

}  // namespace dvpp
}  // namespace mk
