// SPDX-License-Identifier: LGPL-2.1-or-later
// VENC channels, simulated. Each channel has an eventfd that is readable exactly while a stream
// is ready, a six-deep input queue (NO_BUF when full), a worker thread that encodes, and a
// stream ring of buf_size bytes that stalls the worker while unreleased streams fill it. Streams
// must be released in the order they were got, with the struct get_stream filled.
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "dvppsim/sim_codec.h"
#include "dvppsim/sim_internal.h"

namespace dvppsim {
namespace {

constexpr std::size_t kQueueDepth = 6;
constexpr int kMaxChannels = 256;
constexpr auto kSlow = std::chrono::milliseconds(200);

struct Pack {
  std::size_t offset;
  std::size_t len;
  int nal_type;
};

struct Stream {
  hi_u32 seq = 0;
  int qp = -1;  // the encoder's mean QP; -1: not reported
  bool idr = false;
  hi_u64 pts = 0;
  hi_u64 input_addr = 0;
  std::vector<Pack> packs;
  std::size_t ring_size = 0;  // 0: a failed (zero-length) encode, no ring space
  bool released = false;
};

struct Frame {
  hi_video_frame_info info;
  bool idr = false;
  Fault fault = Fault::kNone;
};

struct Channel {
  int id = -1;
  hi_venc_chn_attr attr{};
  hi_venc_rc_param rc_param{};
  hi_venc_chn_param chn_param{};
  hi_venc_scene_mode scene_mode = HI_VENC_SCENE_0;
  hi_venc_intra_refresh intra_refresh{};
  int fd = -1;
  bool signalled = false;
  bool started = false;
  bool stopping = false;
  bool idr_pending = false;
  bool have_time_ref = false;
  hi_u32 last_time_ref = 0;
  hi_u32 next_seq = 0;
  std::uint32_t pending_bitrate = 0;
  int waiters = 0;
  std::deque<Frame> queue;
  std::deque<Stream> ready;
  std::deque<Stream> gotten;
  std::vector<std::uint8_t> ring;
  std::deque<std::pair<std::size_t, std::size_t>> regions;  // ring space, in allocation order
  std::condition_variable cv;
  std::thread worker;
  std::unique_ptr<SimEncoder> encoder;
};

Channel *g_channels[kMaxChannels] = {};
hi_venc_mod_param g_mod_param{};
// What each channel id produced, kept from its create_chn to the next one on that id (so a test
// can read it after the channel is gone). Under lock().
constexpr std::size_t kMaxFrameLog = 4096;
std::vector<dvppsim_frame> g_frame_log[kMaxChannels];

bool isH264(const hi_venc_chn_attr &a) {
  return a.venc_attr.type == HI_PT_H264;
}

std::uint32_t rcBitrate(const hi_venc_rc_attr &rc) {
  switch (rc.rc_mode) {
    case HI_VENC_RC_MODE_H264_CBR:
    case HI_VENC_RC_MODE_H265_CBR:
      return rc.h264_cbr.bit_rate;
    case HI_VENC_RC_MODE_H264_VBR:
    case HI_VENC_RC_MODE_H265_VBR:
    case HI_VENC_RC_MODE_H264_AVBR:
    case HI_VENC_RC_MODE_H265_AVBR:
      return rc.h264_vbr.max_bit_rate;
    case HI_VENC_RC_MODE_H264_QVBR:
    case HI_VENC_RC_MODE_H265_QVBR:
      return rc.h264_qvbr.target_bit_rate;
    case HI_VENC_RC_MODE_H264_CVBR:
    case HI_VENC_RC_MODE_H265_CVBR:
      return rc.h264_cvbr.max_bit_rate;
    default:
      return 0;
  }
}

bool inRange(hi_u32 v, hi_u32 lo, hi_u32 hi) {
  return v >= lo && v <= hi;
}

// The documented rules for a channel's attributes. Under lock().
hi_s32 checkAttr(const hi_venc_chn_attr &a) {
  const Limits lim = limitsLocked();
  const hi_venc_attr &v = a.venc_attr;
  if (v.type != HI_PT_H264 && v.type != HI_PT_H265) return HI_ERR_VENC_NOT_SUPPORT;
  if (v.type == HI_PT_H265 && !haveH265()) return HI_ERR_VENC_NOT_SUPPORT;
  for (hi_u32 size : {v.max_pic_width, v.max_pic_height, v.pic_width, v.pic_height})
    if (!inRange(size, lim.min_size, lim.max_size) || size % 2) return HI_ERR_VENC_ILLEGAL_PARAM;
  if (v.pic_width > v.max_pic_width || v.pic_height > v.max_pic_height)
    return HI_ERR_VENC_ILLEGAL_PARAM;
  if (lim.h264_area_cap && v.type == HI_PT_H264 &&
      std::uint64_t{v.max_pic_width} * v.max_pic_height > 4096ull * 2304)
    return HI_ERR_VENC_ILLEGAL_PARAM;
  if (v.buf_size % 64 || v.buf_size < 32 * 1024 || v.buf_size > (1u << 30) ||
      std::uint64_t{v.buf_size} < std::uint64_t{v.max_pic_width} * v.max_pic_height * 3 / 4)
    return HI_ERR_VENC_ILLEGAL_PARAM;
  if (v.profile > (v.type == HI_PT_H264 ? 2u : 0u)) return HI_ERR_VENC_NOT_SUPPORT;

  const hi_venc_rc_attr &rc = a.rc_attr;
  int base = v.type == HI_PT_H264 ? HI_VENC_RC_MODE_H264_CBR : HI_VENC_RC_MODE_H265_CBR;
  int mode = static_cast<int>(rc.rc_mode) - base;  // 0 CBR .. 5 FIXQP, 6 QPMAP
  if (mode < 0 || mode > 6) return HI_ERR_VENC_ILLEGAL_PARAM;
  if (mode == 6) return HI_ERR_VENC_NOT_SUPPORT;
  if (mode == 5) {
    const hi_venc_h264_fixqp &f = rc.h264_fixqp;
    if (!inRange(f.gop, 1, 65536) || !inRange(f.src_frame_rate, 1, 240) ||
        !inRange(f.dst_frame_rate, 1, f.src_frame_rate) || f.i_qp > 51 || f.p_qp > 51 ||
        f.b_qp > 51)
      return HI_ERR_VENC_ILLEGAL_PARAM;
  } else {
    const hi_venc_h264_cbr &c = rc.h264_cbr;  // the common head of every non-FIXQP mode
    if (!inRange(c.gop, 1, 65536) || !inRange(c.stats_time, 1, 60) ||
        !inRange(c.src_frame_rate, 1, 240) || !inRange(c.dst_frame_rate, 1, c.src_frame_rate) ||
        !inRange(rcBitrate(rc), 2, 614400))
      return HI_ERR_VENC_ILLEGAL_PARAM;
  }
  if (a.gop_attr.gop_mode != HI_VENC_GOP_MODE_NORMAL_P) return HI_ERR_VENC_NOT_SUPPORT;
  return HI_SUCCESS;
}

// Under lock().
Channel *findLocked(hi_venc_chn chn, hi_s32 *err) {
  if (!readyLocked()) {
    *err = HI_ERR_VENC_SYS_NOT_READY;
    return nullptr;
  }
  if (chn < 0 || chn >= limitsLocked().channels) {
    *err = HI_ERR_VENC_INVALID_CHN_ID;
    return nullptr;
  }
  Channel *c = g_channels[chn];
  if (!c) *err = HI_ERR_VENC_UNEXIST;
  return c;
}

// The eventfd is readable exactly while a stream is ready. Under lock().
void updateFdLocked(Channel *c) {
  bool want = !c->ready.empty();
  if (want && !c->signalled) {
    std::uint64_t one = 1;
    if (write(c->fd, &one, sizeof(one)) == sizeof(one)) c->signalled = true;
  } else if (!want && c->signalled) {
    std::uint64_t value;
    if (read(c->fd, &value, sizeof(value)) == sizeof(value)) c->signalled = false;
  }
}

bool ringAlloc(Channel *c, std::size_t size, std::size_t *offset) {
  const std::size_t cap = c->ring.size();
  if (c->regions.empty()) {
    *offset = 0;
    return size <= cap;
  }
  std::size_t head = c->regions.front().first;
  std::size_t tail = c->regions.back().first + c->regions.back().second;
  if (tail > head) {
    if (size <= cap - tail) {
      *offset = tail;
      return true;
    }
    if (size <= head) {
      *offset = 0;
      return true;
    }
    return false;
  }
  if (size <= head - tail) {
    *offset = tail;
    return true;
  }
  return false;
}

std::vector<Pack> splitNals(const std::uint8_t *data, std::size_t size, std::size_t base,
                            bool h264) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i + 3 <= size; i++) {
    if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
      std::size_t start = (i > 0 && data[i - 1] == 0) ? i - 1 : i;
      starts.push_back(start);
      i += 2;
    }
  }
  std::vector<Pack> packs;
  for (std::size_t n = 0; n < starts.size(); n++) {
    std::size_t end = n + 1 < starts.size() ? starts[n + 1] : size;
    std::size_t header = starts[n] + (data[starts[n] + 2] == 1 ? 3 : 4);
    int type = 0;
    if (header < size) type = h264 ? (data[header] & 0x1F) : ((data[header] >> 1) & 0x3F);
    packs.push_back(Pack{base + starts[n], end - starts[n], type});
  }
  if (packs.empty()) packs.push_back(Pack{base, size, 0});
  return packs;
}

void workerMain(Channel *c) {
  // Named, so that benchmarks can tell the simulated encoder's CPU from the session's.
  pthread_setname_np(pthread_self(), "dvppsim-venc");
  std::vector<std::uint8_t> planes;
  std::vector<std::uint8_t> au;
  const int w = static_cast<int>(c->attr.venc_attr.pic_width);
  const int h = static_cast<int>(c->attr.venc_attr.pic_height);
  const bool h264 = isH264(c->attr);
  std::unique_lock<std::mutex> lk(lock());
  for (;;) {
    c->cv.wait(lk, [c] { return c->stopping || (c->started && !c->queue.empty()); });
    if (c->stopping) break;
    Frame f = c->queue.front();
    c->queue.pop_front();
    c->cv.notify_all();  // room in the input queue
    if (f.fault == Fault::kTimeout) {
      statsLocked().frames_swallowed++;
      continue;
    }
    std::uint32_t new_rate = std::exchange(c->pending_bitrate, 0);
    lk.unlock();

    if (f.fault == Fault::kSlow) std::this_thread::sleep_for(kSlow);
    if (new_rate) c->encoder->setBitrate(new_rate);
    // NV12/NV21 at width_stride → I420. The caller must keep the frame until its stream is got.
    const hi_video_frame &v = f.info.v_frame;
    const auto *y = static_cast<const std::uint8_t *>(v.virt_addr[0]);
    const auto *uv = static_cast<const std::uint8_t *>(v.virt_addr[1]);
    std::size_t stride = v.width_stride[0];
    planes.resize(static_cast<std::size_t>(w) * h * 3 / 2);
    std::uint8_t *py = planes.data();
    std::uint8_t *pu = py + static_cast<std::size_t>(w) * h;
    std::uint8_t *pv = pu + static_cast<std::size_t>(w / 2) * (h / 2);
    bool nv21 = v.pixel_format == HI_PIXEL_FORMAT_YVU_SEMIPLANAR_420;
    for (int row = 0; row < h; row++) std::memcpy(py + row * w, y + row * stride, w);
    for (int row = 0; row < h / 2; row++) {
      const std::uint8_t *src = uv + row * v.width_stride[1];
      for (int col = 0; col < w / 2; col++) {
        pu[row * (w / 2) + col] = src[2 * col + (nv21 ? 1 : 0)];
        pv[row * (w / 2) + col] = src[2 * col + (nv21 ? 0 : 1)];
      }
    }
    const std::uint8_t *in[3] = {py, pu, pv};
    const int strides[3] = {w, w / 2, w / 2};
    au.clear();
    bool ok =
        f.fault != Fault::kEmpty && c->encoder->encode(in, strides, f.idr, &au) && !au.empty();

    lk.lock();
    Stream s;
    s.pts = v.pts;
    s.input_addr = reinterpret_cast<std::uintptr_t>(v.virt_addr[0]);
    if (ok && au.size() > c->ring.size()) {
      warn("channel %d: a %zu-byte frame does not fit buf_size %zu: lost", c->id, au.size(),
           c->ring.size());
      ok = false;
    }
    if (ok) {
      std::size_t offset = 0;
      // The stream buffer is full of unreleased streams: stall, as VENC does.
      c->cv.wait(lk, [&] { return c->stopping || ringAlloc(c, au.size(), &offset); });
      if (c->stopping) break;
      std::memcpy(c->ring.data() + offset, au.data(), au.size());
      c->regions.emplace_back(offset, au.size());
      s.ring_size = au.size();
      s.packs = splitNals(au.data(), au.size(), offset, h264);
      s.qp = c->encoder->lastQp();
      for (const Pack &p : s.packs)
        s.idr = s.idr || (h264 ? p.nal_type == 5 : (p.nal_type >= 16 && p.nal_type <= 21));
    } else {
      s.packs.push_back(Pack{0, 0, 0});
    }
    s.seq = c->next_seq++;
    if (g_frame_log[c->id].size() < kMaxFrameLog)
      g_frame_log[c->id].push_back(
          dvppsim_frame{s.seq, static_cast<hi_u32>(s.ring_size), s.qp, s.idr ? 1 : 0});
    c->ready.push_back(std::move(s));
    statsLocked().frames_encoded++;
    updateFdLocked(c);
    c->cv.notify_all();
  }
}

hi_s32 failCode(Fault fault) {
  return fault == Fault::kNone ? HI_SUCCESS : HI_ERR_VENC_SYS_ERROR;
}

}  // namespace
}  // namespace dvppsim

using namespace dvppsim;

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_create_chn(hi_venc_chn chn, const hi_venc_chn_attr *attr) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  if (!attr) return HI_ERR_VENC_NULL_PTR;
  auto c = std::make_unique<Channel>();
  {
    std::lock_guard<std::mutex> guard(lock());
    hi_s32 err = HI_SUCCESS;
    if (findLocked(chn, &err)) return HI_ERR_VENC_EXIST;
    if (err != HI_ERR_VENC_UNEXIST) return err;
    if ((err = checkAttr(*attr)) != HI_SUCCESS) return err;
    g_channels[chn] = c.get();  // reserve the id while the encoder starts
    statsLocked().open_channels++;
    g_frame_log[chn].clear();
  }
  c->id = chn;
  c->attr = *attr;
  c->rc_param.first_frame_start_qp = -1;
  c->rc_param.h264_cbr_param = {80, 1, 51, 10, 51, 10, 2, HI_FALSE};
  if (attr->rc_attr.rc_mode == HI_VENC_RC_MODE_H264_VBR)
    c->rc_param.h264_vbr_param = {90, 80, 1, 2, HI_FALSE, 51, 10, 51, 10};
  if (attr->rc_attr.rc_mode == HI_VENC_RC_MODE_H265_VBR)
    c->rc_param.h265_vbr_param = {90, 80, 1,  2,        51,
                                  10, 51, 10, HI_FALSE, HI_VENC_RC_QPMAP_MODE_MEAN_QP};
  c->chn_param.max_stream_cnt = 200;
  c->ring.resize(attr->venc_attr.buf_size);

  CodecConfig config;
  config.width = static_cast<int>(attr->venc_attr.pic_width);
  config.height = static_cast<int>(attr->venc_attr.pic_height);
  config.fps = static_cast<int>(attr->rc_attr.h264_cbr.dst_frame_rate);
  config.gop = attr->rc_attr.h264_cbr.gop;
  config.bitrate_kbps = rcBitrate(attr->rc_attr);
  config.profile = static_cast<int>(attr->venc_attr.profile);
  bool fixqp = attr->rc_attr.rc_mode == HI_VENC_RC_MODE_H264_FIXQP ||
               attr->rc_attr.rc_mode == HI_VENC_RC_MODE_H265_FIXQP;
  if (fixqp) {
    config.fixed_qp = true;
    config.fps = static_cast<int>(attr->rc_attr.h264_fixqp.dst_frame_rate);
    config.gop = attr->rc_attr.h264_fixqp.gop;
    config.i_qp = static_cast<int>(attr->rc_attr.h264_fixqp.i_qp);
    config.bitrate_kbps = 1000;
  }
  std::string error;
  c->encoder = isH264(*attr) ? makeH264Encoder(config, &error) : makeH265Encoder(config, &error);
  c->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (!c->encoder || c->fd < 0) {
    warn("create_chn %d: %s", chn, c->encoder ? "no eventfd" : error.c_str());
    if (c->fd >= 0) close(c->fd);
    std::lock_guard<std::mutex> guard(lock());
    g_channels[chn] = nullptr;
    statsLocked().open_channels--;
    return c->encoder ? HI_ERR_VENC_NO_MEM : HI_ERR_VENC_NOT_SUPPORT;
  }
  Channel *raw = c.release();
  raw->worker = std::thread(workerMain, raw);
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_destroy_chn(hi_venc_chn chn) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  std::unique_ptr<Channel> c;
  {
    std::lock_guard<std::mutex> guard(lock());
    hi_s32 err = HI_SUCCESS;
    Channel *found = findLocked(chn, &err);
    if (!found) return err;
    if (found->started) return HI_ERR_VENC_NOT_PERM;  // stop_chn first
    c.reset(found);
    g_channels[chn] = nullptr;
    c->stopping = true;
    statsLocked().open_channels--;
    int out = 0;
    for (const auto &s : c->gotten) out += s.released ? 0 : 1;
    statsLocked().unreleased_streams -= out;
    statsLocked().streams_lost_at_destroy += out;
    c->cv.notify_all();
  }
  c->worker.join();
  std::unique_lock<std::mutex> lk(lock());
  c->cv.wait(lk, [&] { return c->waiters == 0; });
  close(c->fd);
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_start_chn(hi_venc_chn chn, const hi_venc_start_param *param) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  if (!param) return HI_ERR_VENC_NULL_PTR;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  c->started = true;  // repeated starts are tolerated, as on hardware
  c->cv.notify_all();
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_stop_chn(hi_venc_chn chn) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  c->started = false;
  c->cv.notify_all();
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_get_fd(hi_venc_chn chn) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  return c ? c->fd : err;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_close_fd(hi_venc_chn chn) {
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  return findLocked(chn, &err) ? HI_SUCCESS : err;  // the fd lives until destroy_chn
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_query_status(hi_venc_chn chn, hi_venc_chn_status *status) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  if (!status) return HI_ERR_VENC_NULL_PTR;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  std::memset(status, 0, sizeof(*status));
  status->left_pics = static_cast<hi_u32>(c->queue.size());
  status->left_enc_pics = static_cast<hi_u32>(c->queue.size());
  status->left_stream_frames = static_cast<hi_u32>(c->ready.size());
  for (const auto &s : c->ready) status->left_stream_bytes += static_cast<hi_u32>(s.ring_size);
  status->cur_packs = c->ready.empty() ? 0 : static_cast<hi_u32>(c->ready.front().packs.size());
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_get_stream(hi_venc_chn chn, hi_venc_stream *stream,
                                             hi_s32 milli_sec) {
  Fault fault = takeFault(__func__, chn);
  if (fault == Fault::kFail) return HI_ERR_VENC_SYS_ERROR;
  if (fault == Fault::kSlow) std::this_thread::sleep_for(kSlow);
  if (!stream || !stream->pack) return HI_ERR_VENC_NULL_PTR;
  std::unique_lock<std::mutex> lk(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  if (fault == Fault::kTimeout) return HI_ERR_VENC_BUF_EMPTY;
  if (c->ready.empty() && milli_sec != 0) {
    c->waiters++;
    auto ready = [c] { return c->stopping || !c->ready.empty(); };
    if (milli_sec < 0)
      c->cv.wait(lk, ready);
    else
      c->cv.wait_for(lk, std::chrono::milliseconds(milli_sec), ready);
    c->waiters--;
    c->cv.notify_all();
    if (c->stopping) return HI_ERR_VENC_UNEXIST;
  }
  if (c->ready.empty()) return HI_ERR_VENC_BUF_EMPTY;
  Stream &s = c->ready.front();
  if (stream->pack_cnt < s.packs.size()) return HI_ERR_VENC_ILLEGAL_PARAM;
  const bool h264 = isH264(c->attr);
  hi_u32 total = 0;
  for (std::size_t i = 0; i < s.packs.size(); i++) {
    hi_venc_pack &p = stream->pack[i];
    std::memset(&p, 0, sizeof(p));
    p.input_addr = s.input_addr;
    p.addr = c->ring.data() + s.packs[i].offset;
    p.len = fault == Fault::kEmpty ? 0 : static_cast<hi_u32>(s.packs[i].len);
    p.pts = s.pts;
    p.is_frame_end = i + 1 == s.packs.size() ? HI_TRUE : HI_FALSE;
    if (h264)
      p.data_type.h264_type = static_cast<hi_venc_h264_nalu_type>(s.packs[i].nal_type);
    else
      p.data_type.h265_type = static_cast<hi_venc_h265_nalu_type>(s.packs[i].nal_type);
    p.data_num = 1;
    p.pack_info[0].pack_type = p.data_type;
    p.pack_info[0].pack_len = p.len;
    total += p.len;
  }
  stream->pack_cnt = static_cast<hi_u32>(s.packs.size());
  stream->seq = s.seq;
  // The stream info: the bytes, the reference type, and the QP (openh264: its first slice's QP;
  // x265: its mean QP) as both start and mean QP.
  hi_u32 qp = s.qp >= 0 ? static_cast<hi_u32>(s.qp) : 0;
  hi_venc_ref_type ref = s.idr ? HI_VENC_BASE_IDR_SLICE : HI_VENC_BASE_P_SLICE_REF_BASE;
  if (h264) {
    stream->h264_info.pic_bytes = total;
    stream->h264_info.ref_type = ref;
    stream->h264_info.start_qp = stream->h264_info.mean_qp = qp;
  } else {
    stream->h265_info.pic_bytes = total;
    stream->h265_info.ref_type = ref;
    stream->h265_info.start_qp = stream->h265_info.mean_qp = qp;
  }
  c->gotten.push_back(std::move(s));
  c->ready.pop_front();
  statsLocked().unreleased_streams++;
  updateFdLocked(c);
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_release_stream(hi_venc_chn chn, hi_venc_stream *stream) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  if (!stream || !stream->pack) return HI_ERR_VENC_NULL_PTR;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  if (c->gotten.empty()) {
    warn("release_stream on channel %d: no stream is out", chn);
    return HI_ERR_VENC_ILLEGAL_PARAM;
  }
  Stream *match = nullptr;
  for (auto &s : c->gotten)
    if (!s.released && stream->seq == s.seq && stream->pack_cnt == s.packs.size() &&
        stream->pack[0].addr == c->ring.data() + s.packs[0].offset)
      match = &s;
  if (!match) {
    warn("release_stream on channel %d: seq %u is not a stream that is out", chn, stream->seq);
    return HI_ERR_VENC_ILLEGAL_PARAM;
  }
  match->released = true;
  statsLocked().unreleased_streams--;
  // Ring space comes back in order: a stream still out holds up everything after it.
  while (!c->gotten.empty() && c->gotten.front().released) {
    if (c->gotten.front().ring_size) c->regions.pop_front();
    c->gotten.pop_front();
  }
  c->cv.notify_all();  // ring space for a stalled worker
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_send_frame(hi_venc_chn chn, const hi_video_frame_info *frame,
                                             hi_s32 milli_sec) {
  Fault fault = takeFault(__func__, chn);
  if (fault == Fault::kFail) return HI_ERR_VENC_SYS_ERROR;
  if (fault == Fault::kBusy) return HI_ERR_VENC_BUSY;
  if (fault == Fault::kBadParam) return HI_ERR_VENC_ILLEGAL_PARAM;
  if (!frame) return HI_ERR_VENC_NULL_PTR;
  std::unique_lock<std::mutex> lk(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  if (!c->started) return HI_ERR_VENC_NOT_PERM;
  const hi_video_frame &v = frame->v_frame;
  if (v.pixel_format != HI_PIXEL_FORMAT_YUV_SEMIPLANAR_420 &&
      v.pixel_format != HI_PIXEL_FORMAT_YVU_SEMIPLANAR_420) {
    warn("send_frame: pixel format %d (only NV12 = 1 and NV21 = 2)", v.pixel_format);
    return HI_ERR_VENC_ILLEGAL_PARAM;
  }
  if (v.width != c->attr.venc_attr.pic_width || v.height != c->attr.venc_attr.pic_height) {
    warn("send_frame: %ux%u into a %ux%u channel", v.width, v.height, c->attr.venc_attr.pic_width,
         c->attr.venc_attr.pic_height);
    return HI_ERR_VENC_ILLEGAL_PARAM;
  }
  hi_u32 stride = v.width_stride[0];
  if (stride % 16 || stride < v.width || v.width_stride[1] != stride) {
    warn("send_frame: width_stride %u/%u (want equal, >= width, a multiple of 16)", stride,
         v.width_stride[1]);
    return HI_ERR_VENC_ILLEGAL_PARAM;
  }
  if (v.time_ref % 2 || (c->have_time_ref && v.time_ref <= c->last_time_ref)) {
    warn("send_frame: time_ref %u after %u (want even and increasing)", v.time_ref,
         c->last_time_ref);
    return HI_ERR_VENC_ILLEGAL_PARAM;
  }
  std::size_t luma = std::size_t{stride} * v.height;
  if (!isDvppMemoryLocked(v.virt_addr[0], luma) || !isDvppMemoryLocked(v.virt_addr[1], luma / 2)) {
    warn("send_frame: planes %p/%p are not inside DVPP memory", v.virt_addr[0], v.virt_addr[1]);
    return HI_ERR_VENC_BAD_ADDR;
  }
  if (c->queue.size() >= kQueueDepth && milli_sec != 0) {
    auto room = [c] { return c->stopping || c->queue.size() < kQueueDepth; };
    c->waiters++;
    if (milli_sec < 0)
      c->cv.wait(lk, room);
    else
      c->cv.wait_for(lk, std::chrono::milliseconds(milli_sec), room);
    c->waiters--;
    c->cv.notify_all();
    if (c->stopping) return HI_ERR_VENC_UNEXIST;
  }
  if (c->queue.size() >= kQueueDepth) {
    statsLocked().no_buf_returns++;
    return HI_ERR_VENC_NO_BUF;
  }
  Frame f;
  f.info = *frame;
  f.idr = std::exchange(c->idr_pending, false);
  f.fault = fault;
  c->have_time_ref = true;
  c->last_time_ref = v.time_ref;
  c->queue.push_back(f);
  c->cv.notify_all();
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_request_idr(hi_venc_chn chn, hi_bool) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  c->idr_pending = true;  // applies to the next frame sent
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_set_mod_param(const hi_venc_mod_param *param) {
  if (hi_s32 e = failCode(takeFault(__func__))) return e;
  if (!param) return HI_ERR_VENC_NULL_PTR;
  std::lock_guard<std::mutex> guard(lock());
  if (!readyLocked()) return HI_ERR_VENC_SYS_NOT_READY;
  if (statsLocked().open_channels > 0) return HI_ERR_VENC_NOT_PERM;  // once any channel exists
  g_mod_param = *param;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_get_mod_param(hi_venc_mod_param *param) {
  if (!param) return HI_ERR_VENC_NULL_PTR;
  std::lock_guard<std::mutex> guard(lock());
  if (!readyLocked()) return HI_ERR_VENC_SYS_NOT_READY;
  hi_venc_mod_type type = param->mod_type;
  *param = g_mod_param;
  param->mod_type = type;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_get_rc_param(hi_venc_chn chn, hi_venc_rc_param *param) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  if (!param) return HI_ERR_VENC_NULL_PTR;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  *param = c->rc_param;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_set_rc_param(hi_venc_chn chn, const hi_venc_rc_param *param) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  if (!param) return HI_ERR_VENC_NULL_PTR;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  hi_u32 min_qp = 0, max_qp = 51, min_i = 0, max_i = 51;
  switch (c->attr.rc_attr.rc_mode) {
    case HI_VENC_RC_MODE_H264_CBR:
      min_qp = param->h264_cbr_param.min_qp, max_qp = param->h264_cbr_param.max_qp;
      min_i = param->h264_cbr_param.min_i_qp, max_i = param->h264_cbr_param.max_i_qp;
      break;
    case HI_VENC_RC_MODE_H264_VBR:
      min_qp = param->h264_vbr_param.min_qp, max_qp = param->h264_vbr_param.max_qp;
      min_i = param->h264_vbr_param.min_i_qp, max_i = param->h264_vbr_param.max_i_qp;
      break;
    case HI_VENC_RC_MODE_H265_CBR:
      min_qp = param->h265_cbr_param.min_qp, max_qp = param->h265_cbr_param.max_qp;
      min_i = param->h265_cbr_param.min_i_qp, max_i = param->h265_cbr_param.max_i_qp;
      break;
    case HI_VENC_RC_MODE_H265_VBR:
      min_qp = param->h265_vbr_param.min_qp, max_qp = param->h265_vbr_param.max_qp;
      min_i = param->h265_vbr_param.min_i_qp, max_i = param->h265_vbr_param.max_i_qp;
      break;
    default:
      break;
  }
  if (min_qp > max_qp || max_qp > 51 || min_i > max_i || max_i > 51 ||
      param->first_frame_start_qp < -1 || param->first_frame_start_qp > 51 ||
      param->direction > 16 || param->row_qp_delta > 10)
    return HI_ERR_VENC_ILLEGAL_PARAM;
  c->rc_param = *param;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_set_scene_mode(hi_venc_chn chn, const hi_venc_scene_mode mode) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  if (mode < HI_VENC_SCENE_0 || mode > HI_VENC_SCENE_2) return HI_ERR_VENC_ILLEGAL_PARAM;
  c->scene_mode = mode;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_set_chn_param(hi_venc_chn chn, const hi_venc_chn_param *param) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  if (!param) return HI_ERR_VENC_NULL_PTR;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  if (param->priority > 1) return HI_ERR_VENC_ILLEGAL_PARAM;
  c->chn_param = *param;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_get_chn_param(hi_venc_chn chn, hi_venc_chn_param *param) {
  if (!param) return HI_ERR_VENC_NULL_PTR;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  *param = c->chn_param;
  return HI_SUCCESS;
}

#ifndef DVPPSIM_NO_CHN_ATTR
DVPPSIM_EXPORT hi_s32 hi_mpi_venc_get_chn_attr(hi_venc_chn chn, hi_venc_chn_attr *attr) {
  if (!attr) return HI_ERR_VENC_NULL_PTR;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  *attr = c->attr;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_set_chn_attr(hi_venc_chn chn, const hi_venc_chn_attr *attr) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  if (!attr) return HI_ERR_VENC_NULL_PTR;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  if ((err = checkAttr(*attr)) != HI_SUCCESS) return err;
  const hi_venc_attr &now = c->attr.venc_attr;
  const hi_venc_attr &want = attr->venc_attr;
  // Only the picture size is dynamic, and the simulator does not resize.
  if (want.type != now.type || want.max_pic_width != now.max_pic_width ||
      want.max_pic_height != now.max_pic_height || want.buf_size != now.buf_size ||
      want.profile != now.profile || want.pic_width != now.pic_width ||
      want.pic_height != now.pic_height)
    return HI_ERR_VENC_NOT_SUPPORT;
  c->attr.rc_attr = attr->rc_attr;
  c->attr.gop_attr = attr->gop_attr;
  c->pending_bitrate = rcBitrate(attr->rc_attr);
  return HI_SUCCESS;
}
#endif

#ifndef DVPPSIM_NO_CHN_ATTR
// The unverified intra-refresh calls (lib/dvpp/hi_mpi.h), with the rules of HiSilicon's MPP
// documentation: a known mode, 1 to all the lines (16 pixels for H.264, 64 for H.265) refreshed
// per frame, an I-frame QP of at most 51.
DVPPSIM_EXPORT hi_s32 hi_mpi_venc_set_intra_refresh(hi_venc_chn chn,
                                                    const hi_venc_intra_refresh *refresh) {
  if (hi_s32 e = failCode(takeFault(__func__, chn))) return e;
  if (!refresh) return HI_ERR_VENC_NULL_PTR;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  if (refresh->enable != HI_TRUE && refresh->enable != HI_FALSE) return HI_ERR_VENC_ILLEGAL_PARAM;
  if (refresh->enable) {
    const hi_venc_attr &v = c->attr.venc_attr;
    hi_u32 unit = isH264(c->attr) ? 16 : 64;
    hi_u32 lines = refresh->mode == HI_VENC_INTRA_REFRESH_ROW ? (v.pic_height + unit - 1) / unit
                                                              : (v.pic_width + unit - 1) / unit;
    if (refresh->mode != HI_VENC_INTRA_REFRESH_ROW && refresh->mode != HI_VENC_INTRA_REFRESH_COLUMN)
      return HI_ERR_VENC_ILLEGAL_PARAM;
    if (!inRange(refresh->refresh_num, 1, lines) || refresh->request_i_qp > 51)
      return HI_ERR_VENC_ILLEGAL_PARAM;
  }
  c->intra_refresh = *refresh;
  return HI_SUCCESS;
}

DVPPSIM_EXPORT hi_s32 hi_mpi_venc_get_intra_refresh(hi_venc_chn chn,
                                                    hi_venc_intra_refresh *refresh) {
  if (!refresh) return HI_ERR_VENC_NULL_PTR;
  std::lock_guard<std::mutex> guard(lock());
  hi_s32 err = HI_SUCCESS;
  Channel *c = findLocked(chn, &err);
  if (!c) return err;
  *refresh = c->intra_refresh;
  return HI_SUCCESS;
}
#endif

DVPPSIM_EXPORT int dvppsim_get_channel(int chn, dvppsim_channel *out) {
  std::lock_guard<std::mutex> guard(lock());
  if (!out || chn < 0 || chn >= kMaxChannels || !g_channels[chn]) return -1;
  const Channel &c = *g_channels[chn];
  out->bitrate = static_cast<int>(rcBitrate(c.attr.rc_attr));
  out->gop = static_cast<int>(c.attr.rc_attr.rc_mode == HI_VENC_RC_MODE_H264_FIXQP ||
                                      c.attr.rc_attr.rc_mode == HI_VENC_RC_MODE_H265_FIXQP
                                  ? c.attr.rc_attr.h264_fixqp.gop
                                  : c.attr.rc_attr.h264_cbr.gop);
  out->profile = static_cast<int>(c.attr.venc_attr.profile);
  out->scene_mode = static_cast<int>(c.scene_mode);
  out->intra_refresh = c.intra_refresh.enable ? 1 + static_cast<int>(c.intra_refresh.mode) : 0;
  out->refresh_num = static_cast<int>(c.intra_refresh.refresh_num);
  return 0;
}

DVPPSIM_EXPORT int dvppsim_get_frames(int chn, dvppsim_frame *out, int max) {
  std::lock_guard<std::mutex> guard(lock());
  if (chn < 0 || chn >= kMaxChannels) return -1;
  const auto &log = g_frame_log[chn];
  int n = static_cast<int>(std::min<std::size_t>(log.size(), max > 0 ? max : 0));
  for (int i = 0; i < n; i++) out[i] = log[i];
  return static_cast<int>(log.size());
}

DVPPSIM_EXPORT int dvppsim_get_channel_bitrate(int chn) {
  std::lock_guard<std::mutex> guard(lock());
  if (chn < 0 || chn >= kMaxChannels || !g_channels[chn]) return -1;
  return static_cast<int>(rcBitrate(g_channels[chn]->attr.rc_attr));
}

DVPPSIM_EXPORT int dvppsim_has_h265(void) {
  return haveH265() ? 1 : 0;
}
