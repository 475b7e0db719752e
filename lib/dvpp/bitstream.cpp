// SPDX-License-Identifier: LGPL-2.1-or-later
// The parameter sets of an access unit are gathered in order, filtered together as one packet
// (hevc_metadata reads the SPS against its VPS), split again and put back in place of the
// originals. The SPS walk for fixed_frame_rate_flag reads the RBSP (emulation prevention bytes
// removed) with a bounds-checked bit reader and escapes it again after the one-bit change.
#include "dvpp/bitstream.h"

#include "dvpp/rbsp.h"

extern "C" {
#include <libavcodec/bsf.h>
#include <libavutil/error.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
}

#include <climits>
#include <cstring>
#include <new>
#include <string>

namespace mk {
namespace dvpp {

namespace {

constexpr int kH264Sps = 7;
constexpr int kH265Vps = 32;
constexpr int kH265Sps = 33;

bool isParameterSetToRewrite(int type, Codec codec) {
  return codec == Codec::kH264 ? type == kH264Sps : (type == kH265Vps || type == kH265Sps);
}

std::string avError(int err) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, text, sizeof(text));
  return text;
}

void skipScalingList(RbspReader &r, int size) {
  int last = 8, next = 8;
  for (int j = 0; j < size && !r.failed; j++) {
    if (next != 0) next = (last + r.se() + 256) % 256;
    last = next == 0 ? last : next;
  }
}

// Walks an H.264 SPS RBSP (after the header byte) to fixed_frame_rate_flag; returns its bit
// position, or -1 without VUI timing info.
long fixedFrameRateBit(const std::vector<std::uint8_t> &rbsp) {
  RbspReader r(rbsp);
  std::uint32_t profile = r.bits(8);
  r.bits(16);  // constraint flags, level_idc
  r.ue();      // seq_parameter_set_id
  switch (profile) {
    case 100:
    case 110:
    case 122:
    case 244:
    case 44:
    case 83:
    case 86:
    case 118:
    case 128:
    case 138:
    case 139:
    case 134:
    case 135: {
      std::uint32_t chroma_format = r.ue();
      if (chroma_format == 3) r.bit();  // separate_colour_plane_flag
      r.ue();                           // bit_depth_luma_minus8
      r.ue();                           // bit_depth_chroma_minus8
      r.bit();                          // qpprime_y_zero_transform_bypass_flag
      if (r.bit()) {                    // seq_scaling_matrix_present_flag
        int lists = chroma_format != 3 ? 8 : 12;
        for (int i = 0; i < lists && !r.failed; i++)
          if (r.bit()) skipScalingList(r, i < 6 ? 16 : 64);
      }
      break;
    }
    default:
      break;
  }
  r.ue();  // log2_max_frame_num_minus4
  std::uint32_t poc_type = r.ue();
  if (poc_type == 0) {
    r.ue();
  } else if (poc_type == 1) {
    r.bit();
    r.se();
    r.se();
    std::uint32_t cycle = r.ue();
    if (cycle > 255) return -1;
    for (std::uint32_t i = 0; i < cycle && !r.failed; i++) r.se();
  }
  r.ue();                 // max_num_ref_frames
  r.bit();                // gaps_in_frame_num_value_allowed_flag
  r.ue();                 // pic_width_in_mbs_minus1
  r.ue();                 // pic_height_in_map_units_minus1
  if (!r.bit()) r.bit();  // frame_mbs_only_flag, mb_adaptive_frame_field_flag
  r.bit();                // direct_8x8_inference_flag
  if (r.bit())            // frame_cropping_flag
    for (int i = 0; i < 4; i++) r.ue();
  if (!r.bit() || r.failed) return -1;  // vui_parameters_present_flag
  if (r.bit()) {                        // aspect_ratio_info_present_flag
    if (r.bits(8) == 255) r.bits(32);   // Extended_SAR: sar_width, sar_height
  }
  if (r.bit()) r.bit();  // overscan_info_present_flag, overscan_appropriate_flag
  if (r.bit()) {         // video_signal_type_present_flag
    r.bits(4);           // video_format, video_full_range_flag
    if (r.bit()) r.bits(24);
  }
  if (r.bit()) {  // chroma_loc_info_present_flag
    r.ue();
    r.ue();
  }
  if (!r.bit() || r.failed) return -1;  // timing_info_present_flag
  r.bits(32);                           // num_units_in_tick
  r.bits(32);                           // time_scale
  if (r.failed) return -1;
  return static_cast<long>(r.position());
}

}  // namespace

std::vector<NalUnit> splitNalUnits(const std::uint8_t *data, std::size_t size, Codec codec) {
  std::vector<NalUnit> nals;
  for (std::size_t i = 0; i + 3 < size; i++) {
    if (data[i] != 0 || data[i + 1] != 0 || data[i + 2] != 1) continue;
    NalUnit nal;
    nal.start = (i > 0 && data[i - 1] == 0) ? i - 1 : i;
    nal.header = i + 3;
    std::uint8_t h = data[nal.header];
    nal.type = codec == Codec::kH264 ? (h & 0x1F) : ((h >> 1) & 0x3F);
    if (!nals.empty()) nals.back().end = nal.start;
    nals.push_back(nal);
    i += 2;
  }
  if (!nals.empty()) nals.back().end = size;
  return nals;
}

bool hasKeyframeNal(const std::uint8_t *data, std::size_t size, Codec codec) {
  for (const NalUnit &nal : splitNalUnits(data, size, codec)) {
    if (codec == Codec::kH264 && nal.type == 5) return true;
    if (codec == Codec::kH265 && nal.type >= 16 && nal.type <= 21) return true;
  }
  return false;
}

bool setH264FixedFrameRate(std::vector<std::uint8_t> *nal) noexcept {
  if (nal->size() < 2) return false;
  std::vector<std::uint8_t> rbsp = unescapeRbsp(nal->data() + 1, nal->size() - 1);
  long at = fixedFrameRateBit(rbsp);
  if (at < 0) return false;
  rbsp[static_cast<std::size_t>(at) / 8] |= static_cast<std::uint8_t>(0x80u >> (at % 8));
  std::vector<std::uint8_t> escaped = escapeRbsp(rbsp);
  nal->resize(1);
  nal->insert(nal->end(), escaped.begin(), escaped.end());
  return true;
}

struct VuiRewriter::Filter {
  AVBSFContext *context = nullptr;
  AVPacket *packet = nullptr;
  ~Filter() {
    av_packet_free(&packet);
    av_bsf_free(&context);
  }
};

VuiRewriter::VuiRewriter(Codec codec, const VuiSettings &vui) noexcept : codec_(codec), vui_(vui) {}

VuiRewriter::~VuiRewriter() = default;

bool VuiRewriter::needed(const VuiSettings &vui, int level) noexcept {
  return vui.colour_primaries >= 0 || vui.transfer_characteristics >= 0 ||
         vui.matrix_coefficients >= 0 || vui.full_range >= 0 || (vui.sar_n && vui.sar_d) ||
         (vui.fps_n && vui.fps_d) || level > 0;
}

Result<std::unique_ptr<VuiRewriter>> VuiRewriter::create(Codec codec, const VuiSettings &vui,
                                                         int level) noexcept {
  const char *name = codec == Codec::kH264 ? "h264_metadata" : "hevc_metadata";
  const AVBitStreamFilter *bsf = av_bsf_get_by_name(name);
  if (!bsf)
    return Status(Errc::kUnsupported, std::string("this libavcodec has no ") + name + " filter");
  std::unique_ptr<VuiRewriter> self(new (std::nothrow) VuiRewriter(codec, vui));
  if (self) self->filter_.reset(new (std::nothrow) Filter());
  if (!self || !self->filter_) return Status(Errc::kNoMemory, "out of memory");
  Filter &f = *self->filter_;
  int err = av_bsf_alloc(bsf, &f.context);
  f.packet = av_packet_alloc();
  if (err < 0 || !f.packet) return Status(Errc::kNoMemory, std::string(name) + ": out of memory");
  f.context->par_in->codec_type = AVMEDIA_TYPE_VIDEO;
  f.context->par_in->codec_id = codec == Codec::kH264 ? AV_CODEC_ID_H264 : AV_CODEC_ID_HEVC;

  void *opts = f.context->priv_data;
  auto set_int = [&](const char *option, int value) {
    if (err >= 0 && value >= 0) err = av_opt_set_int(opts, option, value, 0);
  };
  set_int("colour_primaries", vui.colour_primaries);
  set_int("transfer_characteristics", vui.transfer_characteristics);
  set_int("matrix_coefficients", vui.matrix_coefficients);
  set_int("video_full_range_flag", vui.full_range);
  if (err >= 0 && vui.sar_n && vui.sar_d) {
    AVRational sar;
    av_reduce(&sar.num, &sar.den, vui.sar_n, vui.sar_d, 65535);
    err = av_opt_set_q(opts, "sample_aspect_ratio", sar, 0);
  }
  if (err >= 0 && vui.fps_n && vui.fps_d) {
    // H.264 counts fields: a frame lasts two ticks. H.265 counts pictures.
    std::int64_t ticks = codec == Codec::kH264 ? 2 * std::int64_t{vui.fps_n} : vui.fps_n;
    AVRational tick_rate;
    av_reduce(&tick_rate.num, &tick_rate.den, ticks, vui.fps_d, INT_MAX);
    err = av_opt_set_q(opts, "tick_rate", tick_rate, 0);
  }
  if (level > 0) set_int("level", codec == Codec::kH264 ? level : level * 3);
  if (err < 0)
    return Status(Errc::kInvalidArgument,
                  std::string(name) + " refused a setting: " + avError(err));
  err = av_bsf_init(f.context);
  if (err < 0) return Status(Errc::kInvalidArgument, std::string(name) + ": " + avError(err));
  return self;
}

Status VuiRewriter::filter(const std::vector<std::uint8_t> &in,
                           std::vector<std::uint8_t> *out) noexcept {
  Filter &f = *filter_;
  const char *name = codec_ == Codec::kH264 ? "h264_metadata" : "hevc_metadata";
  int err = av_new_packet(f.packet, static_cast<int>(in.size()));
  if (err < 0) return Status(Errc::kNoMemory, std::string(name) + ": out of memory");
  std::memcpy(f.packet->data, in.data(), in.size());
  err = av_bsf_send_packet(f.context, f.packet);
  if (err >= 0) err = av_bsf_receive_packet(f.context, f.packet);
  if (err < 0) {
    av_packet_unref(f.packet);
    av_bsf_flush(f.context);
    return Status(Errc::kInvalidArgument,
                  std::string(name) + " could not rewrite the parameter sets: " + avError(err));
  }
  out->assign(f.packet->data, f.packet->data + f.packet->size);
  av_packet_unref(f.packet);
  return Status::ok();
}

Status VuiRewriter::rewrite(const std::uint8_t *au, std::size_t size,
                            std::vector<std::uint8_t> *out, bool *rewritten) noexcept {
  *rewritten = false;
  std::vector<NalUnit> nals = splitNalUnits(au, size, codec_);
  params_.clear();
  for (const NalUnit &nal : nals)
    if (isParameterSetToRewrite(nal.type, codec_))
      params_.insert(params_.end(), au + nal.start, au + nal.end);
  if (params_.empty()) return Status::ok();

  if (params_ != last_in_) {
    std::vector<std::uint8_t> filtered;
    Status status = filter(params_, &filtered);
    if (!status) return status;
    if (codec_ == Codec::kH264 && vui_.fps_n && vui_.fps_d) {
      // The one VUI field h264_metadata cannot set (see setH264FixedFrameRate).
      std::vector<std::uint8_t> with_flag;
      for (const NalUnit &nal : splitNalUnits(filtered.data(), filtered.size(), codec_)) {
        std::vector<std::uint8_t> unit(filtered.begin() + static_cast<long>(nal.header),
                                       filtered.begin() + static_cast<long>(nal.end));
        while (!unit.empty() && unit.back() == 0) unit.pop_back();  // byte-stream padding
        if (nal.type == kH264Sps) setH264FixedFrameRate(&unit);
        static const std::uint8_t kStartCode[] = {0, 0, 0, 1};
        with_flag.insert(with_flag.end(), kStartCode, kStartCode + 4);
        with_flag.insert(with_flag.end(), unit.begin(), unit.end());
      }
      filtered.swap(with_flag);
    }
    last_in_ = params_;
    last_out_ = std::move(filtered);
  }

  std::vector<NalUnit> replaced = splitNalUnits(last_out_.data(), last_out_.size(), codec_);
  std::size_t next = 0;
  out->clear();
  out->reserve(size + last_out_.size());
  out->insert(out->end(), au, au + (nals.empty() ? size : nals.front().start));
  for (const NalUnit &nal : nals) {
    if (!isParameterSetToRewrite(nal.type, codec_)) {
      out->insert(out->end(), au + nal.start, au + nal.end);
      continue;
    }
    if (next >= replaced.size())
      return Status(Errc::kInvalidArgument,
                    "the rewritten parameter sets do not match the access unit's");
    const NalUnit &r = replaced[next++];
    out->insert(out->end(), last_out_.data() + r.start, last_out_.data() + r.end);
  }
  *rewritten = true;
  return Status::ok();
}

}  // namespace dvpp
}  // namespace mk
