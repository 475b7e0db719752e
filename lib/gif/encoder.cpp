// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/encoder.h"

#include <algorithm>
#include <new>
#include <string>

#include "core/log.h"
#include "gif/rate_control.h"

namespace mk::gif {

namespace {

Status outOfRange(const char *name, int value, int lo, int hi) {
  return Status(Errc::kOutOfRange, std::string(name) + " " + std::to_string(value) +
                                       " is outside " + std::to_string(lo) + ".." +
                                       std::to_string(hi));
}

// Above this many pixels, mappingError() samples instead of visiting every pixel.
constexpr size_t kErrorSamples = 16384;

// Rows per stripe of a `width`-pixel-wide area: stripes of about 64 Ki pixels, at least 8 rows,
// a function of the width alone so that the output does not depend on the thread count.
int stripeRows(int width) {
  constexpr int kStripePixels = 1 << 16;
  return std::max(8, (kStripePixels + width - 1) / width);
}

}  // namespace

double Encoder::errorLimit(PaletteScope scope, double palette_error) noexcept {
  return scope == PaletteScope::kGlobal ? 3.0 * palette_error + 60.0 : 1.5 * palette_error + 20.0;
}

Status Encoder::checkSettings(const EncoderSettings &s) {
  if (Status st = encoderOptions().check(&s); !st) return st;
  if (s.lookahead > 0 && (s.max_size > 0 || s.bitrate > 0))
    return Status(Errc::kInvalidArgument,
                  "lookahead cannot be combined with max-size or bitrate: rate control learns "
                  "each frame's cost before it chooses the next frame's quality");
  RateTarget target;
  target.max_bytes = s.max_size;
  target.bitrate_kbps = s.bitrate;
  return RateController::check(target);
}

Result<std::unique_ptr<Encoder>> Encoder::create(const EncoderConfig &config) {
  if (config.width < 1 || config.width > kMaxDimension)
    return outOfRange("width", config.width, 1, kMaxDimension);
  if (config.height < 1 || config.height > kMaxDimension)
    return outOfRange("height", config.height, 1, kMaxDimension);
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
    // The queue's frames are allocated by push(), as they fill: a short clip never pays for all.
    window_.resize(static_cast<size_t>(config_.settings.lookahead) + 1);
    work_.reserve(n);
    mask_.reserve(n);
    indices_.reserve(n);
    codec_data_.reserve(800);
  } catch (const std::bad_alloc &) {
    return Status(Errc::kNoMemory, "no memory for " + std::to_string(config_.width) + "x" +
                                       std::to_string(config_.height) + " frame buffers");
  }
  workers_.reset(new (std::nothrow) Workers(Workers::resolve(config_.settings.threads)));
  if (!workers_) return Status(Errc::kNoMemory, "no memory for the encoder's threads");
  for (int t = 0; t < workers_->threads(); t++) {
    scratch_.emplace_back(new (std::nothrow) Scratch);
    if (!scratch_.back() || !scratch_.back()->mapper.allocate())
      return Status(Errc::kNoMemory, "no memory for a colour lookup cache");
  }
  if (!quantizer_.allocate()) return Status(Errc::kNoMemory, "no memory for the colour histogram");
  return optimizer_.reset(config_.width, config_.height);
}

bool Encoder::convert(const InputFrame &frame, uint32_t *dst) {
  const PixelLayout l = layoutOf(config_.format);
  const uint32_t threshold = static_cast<uint32_t>(config_.settings.alpha_threshold);
  const int w = config_.width, h = config_.height;
  uint32_t pal[256];
  if (config_.format == PixelFormat::kRGB8P) {
    for (int i = 0; i < 256; i++) {
      uint32_t v = frame.palette[i];
      uint32_t a = v >> 24;
      pal[i] = a < threshold ? kTransparentPixel
                             : packRgba((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff, 255);
    }
  }
  const int rows = stripeRows(w);
  const int stripes = (h + rows - 1) / rows;
  std::vector<uint8_t> &seen = stripe_flags_;
  seen.assign(static_cast<size_t>(stripes), 0);
  workers_->run(stripes, [&](int stripe, int) {
    bool any_transparent = false;
    const int y1 = std::min(h, (stripe + 1) * rows);
    for (int y = stripe * rows; y < y1; y++) {
      const uint8_t *s = frame.data + static_cast<size_t>(y) * frame.stride;
      uint32_t *d = dst + static_cast<size_t>(y) * w;
      if (config_.format == PixelFormat::kRGB8P) {
        for (int x = 0; x < w; x++) {
          d[x] = pal[s[x]];
          any_transparent |= d[x] == kTransparentPixel;
        }
      } else if (config_.format == PixelFormat::kGray8) {
        for (int x = 0; x < w; x++) d[x] = packRgba(s[x], s[x], s[x], 255);
      } else if (l.a < 0) {
        for (int x = 0; x < w; x++, s += l.bytes) d[x] = packRgba(s[l.r], s[l.g], s[l.b], 255);
      } else {
        for (int x = 0; x < w; x++, s += l.bytes) {
          if (s[l.a] < threshold) {
            d[x] = kTransparentPixel;
            any_transparent = true;
          } else {
            d[x] = packRgba(s[l.r], s[l.g], s[l.b], 255);
          }
        }
      }
    }
    seen[static_cast<size_t>(stripe)] = any_transparent;
  });
  return std::find(seen.begin(), seen.end(), 1) != seen.end();
}

void Encoder::useTable(const ColorTable &table) {
  // Re-sorting is cheap, but a new table invalidates the lookup caches: keep them when we can.
  if (table_serial_ > 0 && mapper_table_.sameColors(table)) return;
  mapper_table_ = table;
  table_serial_++;
}

ColorMapper &Encoder::mapperFor(int thread) {
  Scratch &sc = *scratch_[static_cast<size_t>(thread)];
  if (sc.table_serial != table_serial_) {
    sc.mapper.setTable(mapper_table_);
    sc.table_serial = table_serial_;
  }
  return sc.mapper;
}

double Encoder::mappingError(const std::vector<uint32_t> &work, const std::vector<uint8_t> &mask,
                             const ColorTable &table, bool &lossless) {
  useTable(table);
  ColorMapper &mapper = mapperFor(0);
  const size_t n = work.size();
  const size_t step = n > kErrorSamples ? n / kErrorSamples : 1;
  double sum = 0;
  size_t count = 0;
  for (size_t i = 0; i < n; i += step) {
    if (mask[i] == kPixelTransparent) continue;
    uint32_t p = work[i];
    int idx = mapper.map(p);
    sum += mapper.distance(pixR(p), pixG(p), pixB(p), idx);
    count++;
  }
  lossless = sum == 0;
  if (lossless && step > 1) {
    for (size_t i = 0; i < n && lossless; i++) {
      if (mask[i] == kPixelTransparent) continue;
      uint32_t p = work[i];
      lossless = mapper.distance(pixR(p), pixG(p), pixB(p), mapper.map(p)) == 0;
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
  quantizer_.build(limit, s.speed, table, palette_error_);
  (void)mask;
}

Result<EncodedFrame> Encoder::encode(const InputFrame &frame, uint16_t delay_cs, bool force_key,
                                     std::vector<uint8_t> &out, size_t max_bytes) {
  if (queued_ > 0)
    return Status(Errc::kInvalidArgument,
                  "encode() with frames queued by push(): pull() them first");
  if (Status st = push(frame, delay_cs, force_key); !st) return st;
  drain();
  return pull(out, max_bytes);
}

Result<EncodedFrame> Encoder::repeat(uint16_t delay_cs, std::vector<uint8_t> &out) {
  // The last coded picture: kept apart under rate control, else still in its look-ahead slot
  // unless a frame pushed since took the slot.
  const Queued *slot = last_slot_valid_ ? &window_[last_slot_] : nullptr;
  const uint32_t *pixels = !last_.empty() ? last_.data() : slot ? slot->pixels.data() : nullptr;
  const bool transparent = !last_.empty() ? last_transparent_ : slot && slot->transparent;
  if (frames_ == 0 || !pixels) return Status(Errc::kInvalidArgument, "no earlier frame to repeat");
  const size_t start = out.size();
  try {
    return encodeFrame(pixels, transparent, false, delay_cs, out, SIZE_MAX, true);
  } catch (const std::bad_alloc &) {
    out.resize(start);
    return Status(Errc::kNoMemory, "no memory to encode a frame");
  }
}

void Encoder::setQuality(int quality) noexcept {
  config_.settings.quality = std::clamp(quality, 1, 100);
  keep_last_ = true;  // rate control: a frame may be given up for a repeat
}

Status Encoder::checkFrame(const InputFrame &frame) const {
  const PixelLayout l = layoutOf(config_.format);
  if (!frame.data) return Status(Errc::kInvalidArgument, "frame has no pixel data");
  if (frame.stride < static_cast<size_t>(config_.width) * l.bytes)
    return Status(Errc::kInvalidArgument,
                  "stride " + std::to_string(frame.stride) + " is less than a row of " +
                      std::to_string(static_cast<size_t>(config_.width) * l.bytes) + " bytes");
  if (config_.format == PixelFormat::kRGB8P && !frame.palette)
    return Status(Errc::kInvalidArgument, "RGB8P frame has no palette");
  return Status::ok();
}

// `repeat`: `cur` is the previous frame's picture (last_), coded again.
Result<EncodedFrame> Encoder::encodeFrame(const uint32_t *cur, bool input_transparent,
                                          bool force_key, uint16_t delay_cs,
                                          std::vector<uint8_t> &out, size_t max_bytes,
                                          bool repeat) {
  const EncoderSettings &s = config_.settings;
  const bool crop = (s.optimize & kOptimizeCrop) != 0;
  const bool skip_unchanged = (s.optimize & kOptimizeTransparency) != 0;
  const PixelLayout l = layoutOf(config_.format);

  const bool first = frames_ == 0;
  const bool key = force_key || first;
  const QualityPlan tuning = qualityPlan(s.quality);
  auto given = [&](const char *name) {
    return (config_.explicit_options & encoderOptionBit(name)) != 0;
  };
  palette_error_ = given("colors") ? 0 : tuning.palette_error;
  const bool threshold_given = given("noise-threshold");
  int noise_threshold = threshold_given ? s.noise_threshold : tuning.noise_threshold;
  int noise_spread = threshold_given ? s.noise_threshold : tuning.noise_spread;
  // A repeat keeps every pixel the last frame kept, whatever threshold kept it.
  if (repeat)
    noise_threshold = noise_spread =
        static_cast<int>(encoderOptions().find("noise-threshold")->int_max);
  const DitherMode dither = given("dither") ? s.dither : tuning.dither;
  // Per frame, like the other knobs: under rate control a frame at a lower quality than the
  // first stops getting local palettes (the global palette, from the first frame, stays).
  const PaletteScope scope = given("palette") ? s.palette : tuning.palette;
  // A capped frame may be given up for a repeat of the previous one: keep what that needs.
  const bool capped = !repeat && max_bytes != SIZE_MAX && !key && !last_.empty();
  const bool was_alpha = alpha_mode_;
  if (input_transparent && !alpha_mode_) {
    // From here on every frame clears itself after display, so later frames can show
    // transparency exactly; only this frame, over an opaque canvas, cannot clear what is there.
    if (!first)
      MK_LOG_DEBUG("gif", "input turned transparent at frame %llu",
                   static_cast<unsigned long long>(frames_));
    alpha_mode_ = true;
  }
  const bool canvas_was_clear = optimizer_.canvasClear();

  // The first frame that clears itself after an opaque canvas covers the whole screen, so its
  // disposal leaves a clear canvas for the next frame.
  const bool full_frame = key || (alpha_mode_ && !canvas_was_clear);
  FramePlan plan;
  optimizer_.plan(cur, full_frame, crop, noise_threshold, noise_spread, plan, mask_, work_,
                  *workers_);
  const FrameRect rect = plan.rect;
  const size_t area = static_cast<size_t>(rect.width) * rect.height;

  // Transparency costs a palette slot: keep one when the input needs it or when pixels could be
  // skipped; whether skipping them pays is decided below by coding both ways.
  bool use_transparency =
      plan.forced_transparent > 0 || (skip_unchanged && plan.optional_transparent > 0);

  const ColorTable *table = nullptr;
  bool local = false;
  bool lossless = false;
  const int colors = given("colors") ? s.colors : std::min(s.colors, tuning.colors);
  if (first) {
    // The global palette: from the first frame, with a slot kept for later transparency when
    // transparency may be used and the budget allows.
    bool exact = false;
    const bool reserve =
        skip_unchanged || alpha_mode_ || l.a >= 0 || config_.format == PixelFormat::kRGB8P;
    const bool forced = plan.forced_transparent > 0 || windowTransparent();
    buildWindowPalette(rect, forced ? colors - 1 : colors, global_, exact);
    if (!exact && reserve && !forced && global_.size >= colors)
      buildWindowPalette(rect, colors - 1, global_, exact);
    if (global_.size < colors && (reserve || forced)) global_.transparent = global_.size;
    table = &global_;
    lossless = exact;
    bool dummy = false;
    global_error_ = exact ? 0 : mappingError(work_, mask_, global_, dummy);
    codec_data_.clear();
    if (Status st = writeCodecData(codec_data_, config_.width, config_.height, &global_); !st)
      return st;
  } else {
    bool global_usable = !(use_transparency && global_.transparent < 0);
    if (!global_usable && plan.forced_transparent == 0) {
      use_transparency = false;  // the skippable pixels get coded plainly instead
      global_usable = true;
    }
    if (global_usable && scope != PaletteScope::kPerFrame) {
      double err = mappingError(work_, mask_, global_, lossless);
      if (!lossless) {
        if (err > errorLimit(scope, global_error_)) {
          global_usable = false;
        } else if (global_error_ == 0 || scope == PaletteScope::kAuto) {
          // Few-colour content (the global palette was exact): stay lossless when the frame's
          // own colours fit a local palette.
          exact_.reset();
          const int fit = use_transparency ? colors - 1 : colors;
          if (exact_.add(work_.data(), rect.width, rect.width, rect.height, nullptr, 0, fit))
            global_usable = false;
        }
      }
    } else if (scope == PaletteScope::kPerFrame) {
      global_usable = false;
    }
    if (global_usable) {
      table = &global_;
    } else if ((table = scenePalette(rect, use_transparency, scope, lossless))) {
      local = table != &global_;
    } else {
      bool exact = false;
      buildPalette(work_, mask_, rect, use_transparency ? colors - 1 : colors, local_, exact);
      if (use_transparency) local_.transparent = local_.size;
      lossless = exact;
      if (!use_transparency && global_.transparent >= 0) {
        // Compare like with like: a local table equal to the global one needs no bytes.
        ColorTable probe = local_;
        probe.transparent = global_.transparent;
        if (probe.sameColors(global_)) table = &global_;
      }
      if (use_transparency && local_.sameColors(global_)) table = &global_;
      if (!table) {
        table = &local_;
        local = true;
      }
    }
  }
  const int slot = use_transparency ? table->transparent : -1;

  // Skippable pixels are coded plainly first (no error in or out, so the dithered pixels are the
  // same either way); then, if a slot is free, also as transparent, and the smaller one wins.
  useTable(*table);
  indices_.resize(area);
  const DitherMode mode = lossless ? DitherMode::kNone : dither;
  const int error_cap = Ditherer::errorCapFor(colors);
  {
    // Stripes of rows, each dithered on its own (error does not cross into the next stripe), so
    // the result does not depend on which thread did which.
    const int rows = stripeRows(rect.width);
    const int stripes = (rect.height + rows - 1) / rows;
    workers_->run(stripes, [&](int stripe, int thread) {
      const size_t at = static_cast<size_t>(stripe) * rows * rect.width;
      const int n = std::min(rows, rect.height - stripe * rows);
      scratch_[static_cast<size_t>(thread)]->ditherer.apply(
          work_.data() + at, rect.width, mask_.data() + at, rect.width, rect.width, n, mode,
          s.dither_scale, mapperFor(thread), slot, *table, indices_.data() + at, rect.width,
          error_cap);
    });
  }
  const int code_size = LzwEncoder::minCodeSizeFor(table->tableSize());
  // Skippable pixels are coded plainly (no error in or out, so the dithered pixels are the same
  // either way) and, if a slot is free, also as transparent; the smaller one wins.
  const bool both = slot >= 0 && plan.optional_transparent > 0;
  const size_t pieces = LzwEncoder::pieceCount(area);
  if (both) {
    alt_indices_.resize(area);
    workers_->run(static_cast<int>(pieces), [&](int piece, int) {
      const size_t begin = static_cast<size_t>(piece) * LzwEncoder::kPiecePixels;
      const size_t end = std::min(area, begin + LzwEncoder::kPiecePixels);
      for (size_t i = begin; i < end; i++)
        alt_indices_[i] = mask_[i] == kPixelOptional ? static_cast<uint8_t>(slot) : indices_[i];
    });
  }
  LzwEncoder::PieceOptions lossy;
  if (s.lossy > 0 && !lossless) {
    lossy.table = table;
    lossy.max_distance = LzwEncoder::lossyDistance(s.lossy);
  }
  plain_pieces_.resize(pieces);
  alt_pieces_.resize(pieces);
  piece_status_.assign(both ? 2 * pieces : pieces, Status::ok());
  workers_->run(static_cast<int>(piece_status_.size()), [&](int task, int thread) {
    const bool alt = static_cast<size_t>(task) >= pieces;
    const size_t piece = alt ? task - pieces : task;
    uint8_t *idx = alt ? alt_indices_.data() : indices_.data();
    piece_status_[static_cast<size_t>(task)] =
        scratch_[static_cast<size_t>(thread)]->lzw.encodePiece(
            idx, idx, area, piece, code_size, lossy, (alt ? alt_pieces_ : plain_pieces_)[piece]);
  });
  for (const Status &st : piece_status_)
    if (!st) return st;
  auto coded_size = [&](const std::vector<LzwEncoder::Piece> &p) {
    size_t bits = 0;
    for (const LzwEncoder::Piece &x : p) bits += x.bits;
    const size_t bytes = (bits + 7) / 8;
    return bytes + (bytes + 254) / 255;
  };
  const bool skipped = both && coded_size(alt_pieces_) < coded_size(plain_pieces_);
  if (skipped) indices_.swap(alt_indices_);
  lzw_data_.clear();
  LzwEncoder::join(code_size, (skipped ? alt_pieces_ : plain_pieces_).data(), pieces, lzw_data_);
  const int transparent = (skipped || plan.forced_transparent > 0) ? slot : -1;

  const size_t start = out.size();
  GraphicControl gce;
  gce.delay_cs = delay_cs;
  gce.disposal = alpha_mode_ ? Disposal::kRestoreBackground : Disposal::kKeep;
  gce.has_transparency = transparent >= 0;
  gce.transparent_index = static_cast<uint8_t>(transparent >= 0 ? transparent : 0);
  writeGraphicControl(out, gce);
  writeImageDescriptor(out, rect, local ? table : nullptr);
  out.insert(out.end(), lzw_data_.begin(), lzw_data_.end());
  if (capped && out.size() - start > max_bytes) {
    // Nothing is committed yet: repeat the previous picture instead.
    out.resize(start);
    alpha_mode_ = was_alpha;
    Result<EncodedFrame> again =
        encodeFrame(last_.data(), last_transparent_, false, delay_cs, out, SIZE_MAX, true);
    if (again) again->repeated = true;
    return again;
  }
  optimizer_.commit(cur, rect, mask_.data(), indices_.data(), *table, gce.disposal, *workers_);
  if (keep_last_ && !repeat) {
    last_.assign(cur, cur + static_cast<size_t>(config_.width) * config_.height);
    last_transparent_ = input_transparent;
  }
  frames_++;

  EncodedFrame info;
  info.rect = rect;
  info.local_palette = local;
  info.transparent_index = transparent;
  info.disposal = gce.disposal;
  info.bytes = out.size() - start;
  const bool full_screen = rect.width == config_.width && rect.height == config_.height;
  info.key = canvas_was_clear || (full_screen && transparent < 0);
  return info;
}

}  // namespace mk::gif
