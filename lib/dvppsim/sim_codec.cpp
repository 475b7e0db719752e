// SPDX-License-Identifier: LGPL-2.1-or-later
// openh264 with frame skipping off, so every frame in gives an access unit out (VENC's 1:1);
// x265 with zerolatency (no lookahead, no B-frames) for the same reason. Each makes the profile
// the channel asks for, or the channel is refused: the stream must be what the caps say.
// DVPPSIM_NULL_ENCODER=1 (benchmarks only) swaps either for a null encoder that costs next to
// nothing per frame, so that the cost of everything around the encoder can be measured.
#include "dvppsim/sim_codec.h"

#include <wels/codec_api.h>
#ifdef DVPPSIM_HAVE_X265
#include <x265.h>
#endif

#include <cstdlib>
#include <cstring>
#include <utility>

#include "dvpp/rbsp.h"

namespace dvppsim {

namespace {

// Encodes one grey frame with the real encoder when it is made, and replays that access unit
// (real parameter sets, in the profile asked for, and a real IDR picture) on every IDR; any
// other frame is a tiny fake P slice. Not a decodable stream past the first GOP, but its
// parameter sets are the real encoder's, so what reads them (the session's VUI rewrite,
// h264parse) sees what the caps say.
class NullEncoder final : public SimEncoder {
 public:
  NullEncoder(const CodecConfig &c, bool h264, std::vector<std::uint8_t> idr)
      : gop_(c.gop ? c.gop : 1), h264_(h264), idr_(std::move(idr)) {}

  bool encode(const std::uint8_t *const[3], const int[3], bool force_idr,
              std::vector<std::uint8_t> *out) override {
    static const std::uint8_t kH264P[] = {0, 0, 0, 1, 0x41, 0x9a, 0x02};
    static const std::uint8_t kH265P[] = {0, 0, 0, 1, 0x02, 0x01, 0xd0};
    bool idr = force_idr || frames_ % gop_ == 0;
    if (force_idr) frames_ = 0;
    frames_++;
    if (idr) {
      out->insert(out->end(), idr_.begin(), idr_.end());
    } else if (h264_) {
      out->insert(out->end(), kH264P, kH264P + sizeof(kH264P));
    } else {
      out->insert(out->end(), kH265P, kH265P + sizeof(kH265P));
    }
    return true;
  }

  void setBitrate(std::uint32_t) override {}

 private:
  std::uint64_t gop_;
  std::uint64_t frames_ = 0;
  bool h264_;
  std::vector<std::uint8_t> idr_;
};

// The first access unit of `encoder` for a grey frame of the configured size.
bool greyIdr(SimEncoder &encoder, const CodecConfig &c, std::vector<std::uint8_t> *au) {
  std::vector<std::uint8_t> y(static_cast<std::size_t>(c.width) * c.height, 128);
  std::vector<std::uint8_t> uv(static_cast<std::size_t>(c.width / 2) * (c.height / 2), 128);
  const std::uint8_t *planes[3] = {y.data(), uv.data(), uv.data()};
  const int strides[3] = {c.width, c.width / 2, c.width / 2};
  return encoder.encode(planes, strides, true, au) && !au->empty();
}

// The QP of an H.264 access unit's first slice (26 + pic_init_qp_minus26 + slice_qp_delta), read
// from its bytes with the SPS and PPS fields the slice header depends on (kept from the last
// IDR). openh264 keeps no per-frame QP of its own outside its rate control.
class SliceQpReader {
 public:
  int qp(const std::vector<std::uint8_t> &au) {
    int qp = -1;
    for (std::size_t i = 0; i + 3 < au.size(); i++) {
      if (au[i] != 0 || au[i + 1] != 0 || au[i + 2] != 1) continue;
      std::size_t end = i + 3;
      while (end + 2 < au.size() && !(au[end] == 0 && au[end + 1] == 0 && au[end + 2] == 1)) end++;
      if (end + 2 >= au.size()) end = au.size();
      std::vector<std::uint8_t> rbsp = mk::dvpp::unescapeRbsp(au.data() + i + 4, end - (i + 4));
      int type = au[i + 3] & 0x1F, ref_idc = (au[i + 3] >> 5) & 3;
      if (type == 7) readSps(rbsp);
      if (type == 8) readPps(rbsp);
      if ((type == 1 || type == 5) && qp < 0) qp = readSliceQp(rbsp, type == 5, ref_idc);
      i = end - 1;
    }
    return qp;
  }

 private:
  void readSps(const std::vector<std::uint8_t> &rbsp) {
    mk::dvpp::RbspReader b(rbsp);
    std::uint32_t profile = b.bits(8);
    b.bits(16);
    b.ue();
    if (profile == 100 || profile == 110 || profile == 122 || profile == 244) {
      if (b.ue() == 3) b.bit();
      b.ue();
      b.ue();
      b.bit();
      if (b.bit()) return;  // scaling matrices: openh264 writes none
    }
    log2_max_frame_num_ = static_cast<int>(b.ue()) + 4;
    poc_type_ = static_cast<int>(b.ue());
    if (poc_type_ == 0) log2_max_poc_lsb_ = static_cast<int>(b.ue()) + 4;
    if (poc_type_ == 1) return;  // not written by openh264
    b.ue();
    b.bit();
    b.ue();
    b.ue();
    frame_mbs_only_ = b.bit() != 0;
  }

  void readPps(const std::vector<std::uint8_t> &rbsp) {
    mk::dvpp::RbspReader b(rbsp);
    b.ue();
    b.ue();
    cabac_ = b.bit() != 0;
    bottom_field_poc_ = b.bit() != 0;
    if (b.ue() != 0) return;  // slice groups: not written by openh264
    b.ue();
    b.ue();
    weighted_ = b.bit() != 0 || b.bits(2) != 0;
    pic_init_qp_ = 26 + b.se();
    b.se();
    b.se();
    b.bit();
    b.bit();
    redundant_pic_cnt_ = b.bit() != 0;
  }

  int readSliceQp(const std::vector<std::uint8_t> &rbsp, bool idr, int ref_idc) {
    if (log2_max_frame_num_ == 0 || !frame_mbs_only_ || weighted_) return -1;
    mk::dvpp::RbspReader b(rbsp);
    b.ue();  // first_mb_in_slice
    std::uint32_t slice_type = b.ue() % 5;
    b.ue();  // pic_parameter_set_id
    b.bits(log2_max_frame_num_);
    if (idr) b.ue();
    if (poc_type_ == 0) {
      b.bits(log2_max_poc_lsb_);
      if (bottom_field_poc_) b.se();
    }
    if (redundant_pic_cnt_) b.ue();
    bool p = slice_type == 0;
    if (slice_type == 1) return -1;  // B slices: not written by openh264
    if (p) {
      if (b.bit()) b.ue();  // num_ref_idx_active_override_flag
      if (b.bit()) {        // ref_pic_list_modification_flag_l0
        for (std::uint32_t idc = b.ue(); idc != 3 && !b.failed; idc = b.ue()) b.ue();
      }
    }
    if (ref_idc) {
      if (idr) {
        b.bits(2);
      } else if (b.bit()) {  // adaptive_ref_pic_marking_mode_flag
        for (std::uint32_t op = b.ue(); op != 0 && !b.failed; op = b.ue()) {
          if (op == 1 || op == 3) b.ue();
          if (op == 2) b.ue();
          if (op == 3 || op == 6) b.ue();
          if (op == 4) b.ue();
        }
      }
    }
    if (cabac_ && p) b.ue();  // cabac_init_idc
    int qp = pic_init_qp_ + b.se();
    return b.failed ? -1 : qp;
  }

  int log2_max_frame_num_ = 0;
  int poc_type_ = 0;
  int log2_max_poc_lsb_ = 0;
  bool frame_mbs_only_ = true;
  bool cabac_ = false;
  bool bottom_field_poc_ = false;
  bool weighted_ = false;
  bool redundant_pic_cnt_ = false;
  int pic_init_qp_ = 26;
};

bool nullEncoderWanted() {
  const char *v = std::getenv("DVPPSIM_NULL_ENCODER");
  return v && std::strcmp(v, "1") == 0;
}

class H264Encoder final : public SimEncoder {
 public:
  ~H264Encoder() override {
    if (encoder_) {
      encoder_->Uninitialize();
      WelsDestroySVCEncoder(encoder_);
    }
  }

  bool init(const CodecConfig &c, std::string *error) {
    if (WelsCreateSVCEncoder(&encoder_) != 0 || !encoder_) {
      *error = "openh264: cannot create an encoder";
      return false;
    }
    config_ = c;
    int quiet = WELS_LOG_QUIET;
    encoder_->SetOption(ENCODER_OPTION_TRACE_LEVEL, &quiet);
    {
      SEncParamExt p;
      encoder_->GetDefaultParams(&p);
      p.iUsageType = CAMERA_VIDEO_REAL_TIME;
      p.iPicWidth = c.width;
      p.iPicHeight = c.height;
      p.fMaxFrameRate = static_cast<float>(c.fps);
      p.iTargetBitrate = static_cast<int>(c.bitrate_kbps * 1000);
      p.iMaxBitrate = UNSPECIFIED_BIT_RATE;
      p.iRCMode = c.fixed_qp ? RC_OFF_MODE : RC_BITRATE_MODE;
      p.bEnableFrameSkip = false;
      // IDR frames only as the GOP and requests ask, as VENC with scene_chg_detect off (the
      // simulator's rc_param default).
      p.bEnableSceneChangeDetect = false;
      p.uiIntraPeriod = c.gop;
      p.iSpatialLayerNum = 1;
      p.iTemporalLayerNum = 1;
      p.iMultipleThreadIdc = 1;
      p.eSpsPpsIdStrategy = CONSTANT_ID;
      p.iEntropyCodingModeFlag = c.profile > 0 ? 1 : 0;
      SSpatialLayerConfig &layer = p.sSpatialLayers[0];
      layer.iVideoWidth = c.width;
      layer.iVideoHeight = c.height;
      layer.fFrameRate = static_cast<float>(c.fps);
      layer.iSpatialBitrate = p.iTargetBitrate;
      layer.iMaxSpatialBitrate = UNSPECIFIED_BIT_RATE;
      layer.uiProfileIdc = c.profile == 2 ? PRO_HIGH : c.profile == 1 ? PRO_MAIN : PRO_BASELINE;
      layer.sSliceArgument.uiSliceMode = SM_SINGLE_SLICE;
      // A VUI no caps of the tests has (see sim_codec.h).
      layer.bVideoSignalTypePresent = true;
      layer.uiVideoFormat = 5;
      layer.bFullRange = true;
      layer.bColorDescriptionPresent = true;
      layer.uiColorPrimaries = CP_BT470M;
      layer.uiTransferCharacteristics = TRC_BT470M;
      layer.uiColorMatrix = CM_FCC;
      layer.bAspectRatioPresent = true;
      layer.eAspectRatio = ASP_EXT_SAR;
      layer.sAspectRatioExtWidth = 7;
      layer.sAspectRatioExtHeight = 3;
      if (c.fixed_qp) layer.iDLayerQp = c.i_qp;
      if (encoder_->InitializeExt(&p) == cmResultSuccess) {
        int format = videoFormatI420;
        encoder_->SetOption(ENCODER_OPTION_DATAFORMAT, &format);
        return true;
      }
    }
    // No fallback to another profile: the caps would then name a profile the stream is not.
    *error = "openh264: InitializeExt refused the parameters (profile " +
             std::to_string(c.profile) + ", " + std::to_string(c.width) + "x" +
             std::to_string(c.height) + ")";
    return false;
  }

  bool encode(const std::uint8_t *const planes[3], const int strides[3], bool force_idr,
              std::vector<std::uint8_t> *out) override {
    SSourcePicture pic;
    std::memset(&pic, 0, sizeof(pic));
    pic.iPicWidth = config_.width;
    pic.iPicHeight = config_.height;
    pic.iColorFormat = videoFormatI420;
    for (int i = 0; i < 3; i++) {
      pic.iStride[i] = strides[i];
      pic.pData[i] = const_cast<std::uint8_t *>(planes[i]);
    }
    pic.uiTimeStamp = static_cast<long long>(frames_++ * 1000 / (config_.fps ? config_.fps : 30));
    if (force_idr) encoder_->ForceIntraFrame(true);
    SFrameBSInfo info;
    std::memset(&info, 0, sizeof(info));
    if (encoder_->EncodeFrame(&pic, &info) != cmResultSuccess) return false;
    if (info.eFrameType == videoFrameTypeSkip) return true;
    std::size_t first = out->size();
    for (int l = 0; l < info.iLayerNum; l++) {
      const SLayerBSInfo &layer = info.sLayerInfo[l];
      int size = 0;
      for (int n = 0; n < layer.iNalCount; n++) size += layer.pNalLengthInByte[n];
      out->insert(out->end(), layer.pBsBuf, layer.pBsBuf + size);
    }
    last_qp_ =
        qps_.qp(std::vector<std::uint8_t>(out->begin() + static_cast<long>(first), out->end()));
    return true;
  }

  void setBitrate(std::uint32_t kbps) override {
    SBitrateInfo rate;
    std::memset(&rate, 0, sizeof(rate));
    rate.iLayer = SPATIAL_LAYER_ALL;
    rate.iBitrate = static_cast<int>(kbps * 1000);
    encoder_->SetOption(ENCODER_OPTION_BITRATE, &rate);
  }

  int lastQp() const override { return last_qp_; }

 private:
  ISVCEncoder *encoder_ = nullptr;
  CodecConfig config_;
  long long frames_ = 0;
  SliceQpReader qps_;
  int last_qp_ = -1;
};

#ifdef DVPPSIM_HAVE_X265
class H265Encoder final : public SimEncoder {
 public:
  ~H265Encoder() override {
    if (encoder_) {
      // Drain first: x265 frees its frame encoders' buffers only for a flushed encoder.
      x265_nal *nals = nullptr;
      uint32_t count = 0;
      while (x265_encoder_encode(encoder_, &nals, &count, nullptr, nullptr) > 0) {
      }
      x265_encoder_close(encoder_);
    }
    if (picture_) x265_picture_free(picture_);
    if (param_) x265_param_free(param_);
  }

  bool init(const CodecConfig &c, std::string *error) {
    param_ = x265_param_alloc();
    if (!param_ || x265_param_default_preset(param_, "ultrafast", "zerolatency") < 0) {
      *error = "x265: cannot set up parameters";
      return false;
    }
    param_->sourceWidth = c.width;
    param_->sourceHeight = c.height;
    param_->fpsNum = static_cast<uint32_t>(c.fps);
    param_->fpsDenom = 1;
    param_->internalCsp = X265_CSP_I420;
    param_->bRepeatHeaders = 1;
    param_->bAnnexB = 1;
    param_->keyframeMax = static_cast<int>(c.gop);
    param_->bOpenGOP = 0;
    param_->bframes = 0;
    param_->scenecutThreshold = 0;  // IDR frames only as the GOP and requests ask
    param_->lookaheadDepth = 0;
    param_->frameNumThreads = 1;
    param_->logLevel = X265_LOG_NONE;
    // A VUI no caps of the tests has (see sim_codec.h); the timing info says the integer rate.
    param_->vui.bEnableVideoSignalTypePresentFlag = 1;
    param_->vui.videoFormat = 5;
    param_->vui.bEnableVideoFullRangeFlag = 1;
    param_->vui.bEnableColorDescriptionPresentFlag = 1;
    param_->vui.colorPrimaries = 4;
    param_->vui.transferCharacteristics = 4;
    param_->vui.matrixCoeffs = 4;
    param_->vui.aspectRatioIdc = X265_EXTENDED_SAR;
    param_->vui.sarWidth = 7;
    param_->vui.sarHeight = 3;
    param_->numaPools = "none";  // no thread pool (a literal: x265_param_parse would leak a copy)
    if (c.fixed_qp) {
      param_->rc.rateControlMode = X265_RC_CQP;
      param_->rc.qp = c.i_qp;
    } else {
      param_->rc.rateControlMode = X265_RC_ABR;
      param_->rc.bitrate = static_cast<int>(c.bitrate_kbps);
    }
    encoder_ = x265_encoder_open(param_);
    picture_ = x265_picture_alloc();
    if (!encoder_ || !picture_) {
      *error = "x265: cannot open an encoder";
      return false;
    }
    x265_picture_init(param_, picture_);
    return true;
  }

  bool encode(const std::uint8_t *const planes[3], const int strides[3], bool force_idr,
              std::vector<std::uint8_t> *out) override {
    for (int i = 0; i < 3; i++) {
      picture_->planes[i] = const_cast<std::uint8_t *>(planes[i]);
      picture_->stride[i] = strides[i];
    }
    picture_->sliceType = force_idr ? X265_TYPE_IDR : X265_TYPE_AUTO;
    picture_->pts = frames_++;
    x265_nal *nals = nullptr;
    uint32_t count = 0;
    x265_picture made;
    x265_picture_init(param_, &made);
    if (x265_encoder_encode(encoder_, &nals, &count, picture_, &made) < 0) return false;
    last_qp_ = count ? static_cast<int>(made.frameData.qp + 0.5) : -1;
    for (uint32_t i = 0; i < count; i++)
      out->insert(out->end(), nals[i].payload, nals[i].payload + nals[i].sizeBytes);
    return true;
  }

  void setBitrate(std::uint32_t kbps) override {
    if (param_->rc.rateControlMode != X265_RC_ABR) return;
    param_->rc.bitrate = static_cast<int>(kbps);
    x265_encoder_reconfig(encoder_, param_);
  }

  int lastQp() const override { return last_qp_; }

 private:
  int last_qp_ = -1;
  x265_param *param_ = nullptr;
  x265_encoder *encoder_ = nullptr;
  x265_picture *picture_ = nullptr;
  long long frames_ = 0;
};
#endif

}  // namespace

// The real encoder, or the null encoder over its first access unit.
std::unique_ptr<SimEncoder> withNull(std::unique_ptr<SimEncoder> real, const CodecConfig &config,
                                     bool h264, std::string *error) {
  if (!real || !nullEncoderWanted()) return real;
  std::vector<std::uint8_t> idr;
  if (!greyIdr(*real, config, &idr)) {
    *error = "the null encoder could not get a first access unit";
    return nullptr;
  }
  return std::make_unique<NullEncoder>(config, h264, std::move(idr));
}

std::unique_ptr<SimEncoder> makeH264Encoder(const CodecConfig &config, std::string *error) {
  auto encoder = std::make_unique<H264Encoder>();
  if (!encoder->init(config, error)) return nullptr;
  return withNull(std::move(encoder), config, true, error);
}

std::unique_ptr<SimEncoder> makeH265Encoder(const CodecConfig &config, std::string *error) {
#ifdef DVPPSIM_HAVE_X265
  auto encoder = std::make_unique<H265Encoder>();
  if (!encoder->init(config, error)) return nullptr;
  return withNull(std::move(encoder), config, false, error);
#else
  (void)config;
  *error = "built without x265: H.265 is not available in the simulator";
  return nullptr;
#endif
}

bool haveH265() {
#ifdef DVPPSIM_HAVE_X265
  return true;
#else
  return false;
#endif
}

}  // namespace dvppsim
