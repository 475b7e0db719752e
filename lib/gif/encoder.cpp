// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/encoder.h"

#include <algorithm>
#include <new>
#include <string>

#include "core/log.h"

namespace mk::gif {

namespace {

struct Layout {
  int bpp;         // bytes per pixel
  int r, g, b, a;  // byte offsets; a = -1 without alpha
};

Layout layoutOf(InputFormat f) {
  switch (f) {
    case InputFormat::kRGBA:
      return {4, 0, 1, 2, 3};
    case InputFormat::kBGRA:
      return {4, 2, 1, 0, 3};
    case InputFormat::kARGB:
      return {4, 1, 2, 3, 0};
    case InputFormat::kABGR:
      return {4, 3, 2, 1, 0};
    case InputFormat::kRGBx:
      return {4, 0, 1, 2, -1};
    case InputFormat::kBGRx:
      return {4, 2, 1, 0, -1};
    case InputFormat::kxRGB:
      return {4, 1, 2, 3, -1};
    case InputFormat::kxBGR:
      return {4, 3, 2, 1, -1};
    case InputFormat::kRGB:
      return {3, 0, 1, 2, -1};
    case InputFormat::kBGR:
      return {3, 2, 1, 0, -1};
    case InputFormat::kGray8:
      return {1, 0, 0, 0, -1};
    case InputFormat::kRGB8P:
      return {1, 0, 0, 0, -1};
  }
  return {4, 0, 1, 2, 3};
}

Status outOfRange(const char *name, int value, int lo, int hi) {
  return Status(Errc::kOutOfRange, std::string(name) + " " + std::to_string(value) +
                                       " is outside " + std::to_string(lo) + ".." +
                                       std::to_string(hi));
}

// Above this many pixels, mappingError() samples instead of visiting every pixel.
constexpr size_t kErrorSamples = 16384;

}  // namespace

Status Encoder::checkSettings(const EncoderSettings &s) {
  if (s.colors < 2 || s.colors > 256) return outOfRange("colors", s.colors, 2, 256);
  if (s.ditherScale < 0 || s.ditherScale > 5)
    return outOfRange("dither-scale", s.ditherScale, 0, 5);
  if (s.alphaThreshold < 0 || s.alphaThreshold > 255)
    return outOfRange("alpha-threshold", s.alphaThreshold, 0, 255);
  if (s.speed < 1 || s.speed > 10) return outOfRange("speed", s.speed, 1, 10);
  if (s.lossy < 0 || s.lossy > 200) return outOfRange("lossy", s.lossy, 0, 200);
  return Status::ok();
}

Result<std::unique_ptr<Encoder>> Encoder::create(const EncoderConfig &config) {
  if (config.width < 1 || config.width > 65535) return outOfRange("width", config.width, 1, 65535);
  if (config.height < 1 || config.height > 65535)
    return outOfRange("height", config.height, 1, 65535);
  if (Status s = checkSettings(config.settings); !s) return s;
  std::unique_ptr<Encoder> enc(new (std::nothrow) Encoder(config));
  if (!enc) return Status(Errc::kNoMemory, "no memory for a GIF encoder");
  if (Status s = enc->allocate(); !s) return s;
  return enc;
}

Encoder::Encoder(const EncoderConfig &config) : config_(config) {}
Encoder::~Encoder() = default;

Status Encoder::allocate() {
  const size_t n = static_cast<size_t>(config_.width) * config_.height;
  try {
    cur_.assign(n, 0);
    prev_.assign(n, 0);
    work_.reserve(n);
    mask_.reserve(n);
    indices_.reserve(n);
    codecData_.reserve(800);
  } catch (const std::bad_alloc &) {
    return Status(Errc::kNoMemory, "no memory for " + std::to_string(config_.width) + "x" +
                                       std::to_string(config_.height) + " frame buffers");
  }
  if (!quantizer_.allocate() || !mapper_.allocate())
    return Status(Errc::kNoMemory, "no memory for the colour histogram");
  return optimizer_.reset(config_.width, config_.height);
}

bool Encoder::convert(const InputFrame &frame) {
  const Layout l = layoutOf(config_.format);
  const uint32_t threshold = static_cast<uint32_t>(config_.settings.alphaThreshold);
  const int w = config_.width, h = config_.height;
  bool anyTransparent = false;
  uint32_t pal[256];
  if (config_.format == InputFormat::kRGB8P) {
    for (int i = 0; i < 256; i++) {
      uint32_t v = frame.palette[i];
      uint32_t a = v >> 24;
      pal[i] = a < threshold ? kTransparentPixel
                             : packRgba((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff, 255);
    }
  }
  for (int y = 0; y < h; y++) {
    const uint8_t *s = frame.data + static_cast<size_t>(y) * frame.stride;
    uint32_t *d = cur_.data() + static_cast<size_t>(y) * w;
    if (config_.format == InputFormat::kRGB8P) {
      for (int x = 0; x < w; x++) {
        d[x] = pal[s[x]];
        anyTransparent |= d[x] == kTransparentPixel;
      }
    } else if (config_.format == InputFormat::kGray8) {
      for (int x = 0; x < w; x++) d[x] = packRgba(s[x], s[x], s[x], 255);
    } else if (l.a < 0) {
      for (int x = 0; x < w; x++, s += l.bpp) d[x] = packRgba(s[l.r], s[l.g], s[l.b], 255);
    } else {
      for (int x = 0; x < w; x++, s += l.bpp) {
        if (s[l.a] < threshold) {
          d[x] = kTransparentPixel;
          anyTransparent = true;
        } else {
          d[x] = packRgba(s[l.r], s[l.g], s[l.b], 255);
        }
      }
    }
  }
  return anyTransparent;
}

void Encoder::useTable(const ColorTable &table) {
  // Re-sorting is cheap, but a new table invalidates the lookup cache: keep it when we can.
  if (mapperValid_ && mapperTable_.sameColors(table)) return;
  mapperTable_ = table;
  mapper_.setTable(table);
  mapperValid_ = true;
}

double Encoder::mappingError(const std::vector<uint32_t> &work, const std::vector<uint8_t> &mask,
                             const ColorTable &table, bool &lossless) {
  useTable(table);
  const size_t n = work.size();
  const size_t step = n > kErrorSamples ? n / kErrorSamples : 1;
  double sum = 0;
  size_t count = 0;
  for (size_t i = 0; i < n; i += step) {
    if (mask[i] == kPixelTransparent) continue;
    uint32_t p = work[i];
    int idx = mapper_.map(p);
    sum += mapper_.distance(pixR(p), pixG(p), pixB(p), idx);
    count++;
  }
  lossless = sum == 0;
  if (lossless && step > 1) {
    for (size_t i = 0; i < n && lossless; i++) {
      if (mask[i] == kPixelTransparent) continue;
      uint32_t p = work[i];
      lossless = mapper_.distance(pixR(p), pixG(p), pixB(p), mapper_.map(p)) == 0;
    }
  }
  return count ? sum / static_cast<double>(count) : 0;
}

void Encoder::buildPalette(const std::vector<uint32_t> &work, const std::vector<uint8_t> &mask,
                           const FrameRect &rect, int limit, ColorTable &table, bool &exact) {
  const EncoderSettings &s = config_.settings;
  table.transparent = -1;
  exact_.reset();
  // Transparent pixels are skipped by both collectors (alpha 0), masked or not.
  exact = exact_.add(work.data(), rect.width, rect.width, rect.height, nullptr, 0, limit);
  if (exact && exact_.count() > 0) {
    exact_.fill(table);
    return;
  }
  exact = false;
  quantizer_.reset();
  quantizer_.add(work.data(), rect.width, rect.width, rect.height, nullptr, 0, s.speed);
  quantizer_.build(limit, s.speed, table);
  (void)mask;
}

Result<EncodedFrame> Encoder::encode(const InputFrame &frame, uint16_t delayCs, bool forceKey,
                                     std::vector<uint8_t> &out) {
  // Working buffers and `out` may grow; running out of memory is an error, not an exception.
  const size_t start = out.size();
  try {
    return encodeFrame(frame, delayCs, forceKey, out);
  } catch (const std::bad_alloc &) {
    out.resize(start);
    return Status(Errc::kNoMemory, "no memory to encode a frame");
  }
}

Result<EncodedFrame> Encoder::encodeFrame(const InputFrame &frame, uint16_t delayCs, bool forceKey,
                                          std::vector<uint8_t> &out) {
  const EncoderSettings &s = config_.settings;
  const Layout l = layoutOf(config_.format);
  if (!frame.data) return Status(Errc::kInvalidArgument, "frame has no pixel data");
  if (frame.stride < static_cast<size_t>(config_.width) * l.bpp)
    return Status(Errc::kInvalidArgument,
                  "stride " + std::to_string(frame.stride) + " is less than a row of " +
                      std::to_string(static_cast<size_t>(config_.width) * l.bpp) + " bytes");
  if (config_.format == InputFormat::kRGB8P && !frame.palette)
    return Status(Errc::kInvalidArgument, "RGB8P frame has no palette");

  const bool first = frames_ == 0;
  const bool key = forceKey || first;
  const bool anyTransparent = convert(frame);
  if (anyTransparent && !alphaMode_) {
    // From here on every frame clears itself after display, so later frames can show
    // transparency exactly; only this frame, over an opaque canvas, cannot clear what is there.
    if (!first)
      MK_LOG_DEBUG("gif", "input turned transparent at frame %llu",
                   static_cast<unsigned long long>(frames_));
    alphaMode_ = true;
  }
  const bool canvasWasClear = optimizer_.canvasClear();

  // The first frame that clears itself after an opaque canvas covers the whole screen, so its
  // disposal leaves a clear canvas for the next frame.
  const bool fullFrame = key || (alphaMode_ && !canvasWasClear);
  FramePlan plan;
  optimizer_.plan(cur_.data(), havePrev_ ? prev_.data() : nullptr, fullFrame, s.optimizeCrop, plan,
                  mask_, work_);
  const FrameRect rect = plan.rect;
  const size_t area = static_cast<size_t>(rect.width) * rect.height;

  // Transparency costs a palette slot: keep one when the input needs it or when pixels could be
  // skipped; whether skipping them pays is decided below by coding both ways.
  bool useTransparency =
      plan.forcedTransparent > 0 || (s.optimizeTransparency && plan.optionalTransparent > 0);

  const ColorTable *table = nullptr;
  bool local = false;
  bool lossless = false;
  const int colors = s.colors;
  if (first) {
    // The global palette: from the first frame, with a slot kept for later transparency when
    // transparency may be used and the budget allows.
    bool exact = false;
    const bool reserve =
        s.optimizeTransparency || alphaMode_ || l.a >= 0 || config_.format == InputFormat::kRGB8P;
    buildPalette(work_, mask_, rect, plan.forcedTransparent > 0 ? colors - 1 : colors, global_,
                 exact);
    if (!exact && reserve && plan.forcedTransparent == 0 && global_.size >= colors)
      buildPalette(work_, mask_, rect, colors - 1, global_, exact);
    if (global_.size < colors && (reserve || plan.forcedTransparent > 0))
      global_.transparent = global_.size;
    table = &global_;
    lossless = exact;
    bool dummy = false;
    globalError_ = exact ? 0 : mappingError(work_, mask_, global_, dummy);
    codecData_.clear();
    if (Status st = writeCodecData(codecData_, config_.width, config_.height, &global_); !st)
      return st;
  } else {
    bool globalUsable = !(useTransparency && global_.transparent < 0);
    if (!globalUsable && plan.forcedTransparent == 0) {
      useTransparency = false;  // the skippable pixels get coded plainly instead
      globalUsable = true;
    }
    if (globalUsable && s.scope != PaletteScope::kPerFrame) {
      double err = mappingError(work_, mask_, global_, lossless);
      if (!lossless) {
        const double limit = s.scope == PaletteScope::kGlobal ? 3.0 * globalError_ + 60.0
                                                              : 1.5 * globalError_ + 20.0;
        if (err > limit) {
          globalUsable = false;
        } else if (globalError_ == 0 || s.scope == PaletteScope::kAuto) {
          // Few-colour content (the global palette was exact): stay lossless when the frame's
          // own colours fit a local palette.
          exact_.reset();
          const int fit = useTransparency ? colors - 1 : colors;
          if (exact_.add(work_.data(), rect.width, rect.width, rect.height, nullptr, 0, fit))
            globalUsable = false;
        }
      }
    } else if (s.scope == PaletteScope::kPerFrame) {
      globalUsable = false;
    }
    if (globalUsable) {
      table = &global_;
    } else {
      bool exact = false;
      buildPalette(work_, mask_, rect, useTransparency ? colors - 1 : colors, local_, exact);
      if (useTransparency) local_.transparent = local_.size;
      lossless = exact;
      if (!useTransparency && global_.transparent >= 0) {
        // Compare like with like: a local table equal to the global one needs no bytes.
        ColorTable probe = local_;
        probe.transparent = global_.transparent;
        if (probe.sameColors(global_)) table = &global_;
      }
      if (useTransparency && local_.sameColors(global_)) table = &global_;
      if (!table) {
        table = &local_;
        local = true;
      }
    }
  }
  const int slot = useTransparency ? table->transparent : -1;

  // Skippable pixels are coded plainly first (no error in or out, so the dithered pixels are the
  // same either way); then, if a slot is free, also as transparent, and the smaller one wins.
  useTable(*table);
  indices_.resize(area);
  const DitherMode mode = lossless ? DitherMode::kNone : s.dither;
  ditherer_.apply(work_.data(), rect.width, mask_.data(), rect.width, rect.width, rect.height, mode,
                  s.ditherScale, mapper_, slot, *table, indices_.data(), rect.width,
                  Ditherer::errorCapFor(s.colors));
  const int codeSize = LzwEncoder::minCodeSizeFor(table->tableSize());
  const bool lossyOn = s.lossy > 0 && !lossless;
  auto code = [&](std::vector<uint8_t> &idx, std::vector<uint8_t> &dst) {
    dst.clear();
    return lossyOn ? lzw_.encodeLossy(idx.data(), area, codeSize, *table,
                                      LzwEncoder::lossyDistance(s.lossy), dst)
                   : lzw_.encode(idx.data(), area, codeSize, dst);
  };
  if (Status st = code(indices_, lzwData_); !st) return st;
  bool skipped = false;
  if (slot >= 0 && plan.optionalTransparent > 0) {
    altIndices_.resize(area);
    for (size_t i = 0; i < area; i++)
      altIndices_[i] = mask_[i] == kPixelOptional ? static_cast<uint8_t>(slot) : indices_[i];
    if (Status st = code(altIndices_, altData_); !st) return st;
    if (altData_.size() < lzwData_.size()) {
      skipped = true;
      indices_.swap(altIndices_);
      lzwData_.swap(altData_);
    }
  }
  const int transparent = (skipped || plan.forcedTransparent > 0) ? slot : -1;

  const size_t start = out.size();
  GraphicControlSpec gce;
  gce.delayCs = delayCs;
  gce.disposal = alphaMode_ ? DisposalMethod::kRestoreBackground : DisposalMethod::kKeep;
  gce.transparentIndex = transparent;
  writeGraphicControl(out, gce);
  writeImageDescriptor(out, rect, local ? table : nullptr);
  out.insert(out.end(), lzwData_.begin(), lzwData_.end());
  optimizer_.commit(rect, indices_.data(), *table, gce.disposal);
  prev_.swap(cur_);
  havePrev_ = true;
  frames_++;

  EncodedFrame info;
  info.rect = rect;
  info.localPalette = local;
  info.transparentIndex = transparent;
  info.disposal = gce.disposal;
  info.bytes = out.size() - start;
  const bool fullScreen = rect.width == config_.width && rect.height == config_.height;
  info.key = canvasWasClear || (fullScreen && transparent < 0);
  return info;
}

}  // namespace mk::gif
