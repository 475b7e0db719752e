// SPDX-License-Identifier: LGPL-2.1-or-later
// Fuzz target for the GIF encode half: the input chooses the frame size, pixel format, settings
// and pixels; the frames go through quantizer, dither, optimizer, LZW encoder and writer, and the
// file must parse back (strict test decoder: structure, code widths, pixel counts) with one frame
// per input frame, each inside the screen (less the frames rate control left out). Rate control
// (max-size, bitrate) drives the encoder's quality, cap and repeats from unused input bits; an
// opaque clip with cropping must then fit max-size once its first frame does. Any failure aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "gif/encoder.h"
#include "gif/encoder_options.h"
#include "gif/rate_control.h"
#include "gif/writer.h"
#include "../lib/gif/gif_test_decoder.h"

namespace {

[[noreturn]] void die(const char *what, const char *detail) {
  std::fprintf(stderr, "fuzz-gif-encode: %s: %s\n", what, detail);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace mk::gif;
  if (size < 12) return 0;
  EncoderConfig cfg;
  cfg.width = 1 + data[0] % 48;
  cfg.height = 1 + data[1] % 48;
  const int frames = 1 + data[2] % 4;
  cfg.format = static_cast<PixelFormat>(data[3] % mk::gif::kPixelFormatCount);
  EncoderSettings &s = cfg.settings;
  s.colors = 2 + data[4] % 255;
  s.dither = static_cast<DitherMode>(data[5] % 6);
  s.dither_scale = data[6] % 6;
  s.palette = static_cast<PaletteScope>(data[7] % 3);
  s.optimize = data[8] & (kOptimizeCrop | kOptimizeTransparency);
  s.alpha_threshold = data[9];
  s.speed = 1 + data[10] % 10;
  s.lossy = data[11] % 201;
  // The quality scale and the knobs it steers, from bits the fields above leave unused (the
  // corpus keeps its meaning): which steered knobs count as set, the threshold, the threads.
  s.quality = 1 + (data[4] ^ data[11]) % 100;
  s.noise_threshold = (data[6] / 6) % 101;
  s.threads = 1 + (data[10] / 10) % 4;
  s.lookahead = (data[2] >> 2) % 4;  // 0..3 frames: whole, partial and empty windows
  const uint8_t given = data[7] >> 2;
  const char *steered[] = {"colors", "dither", "palette", "noise-threshold"};
  for (int i = 0; i < 4; i++)
    if (given & (1u << i)) cfg.explicit_options |= encoderOptionBit(steered[i]);
  // Rate control from the bits data[0] leaves unused: none, max-size or bitrate.
  const int rate_mode = (data[0] / 48) % 3;
  RateTarget target;
  target.max_quality = s.quality;
  if (rate_mode == 1) {
    s.max_size = RateController::kMinMaxBytes + (data[1] * 257 + data[5]) * 4;
    target.max_bytes = s.max_size;
    if (data[3] & 0x80) target.duration_cs = frames * 3;  // else unknown: a ceiling
  } else if (rate_mode == 2) {
    s.bitrate = 1 + data[1] * 4;
    target.bitrate_kbps = s.bitrate;
  }
  if (rate_mode != 0) s.lookahead = 0;  // rate control codes each frame as it comes
  std::unique_ptr<RateController> rate;
  if (rate_mode != 0) {
    auto rc = RateController::create(target);
    if (!rc) die("rate control", rc.status().message().c_str());
    rate.reset(new RateController(rc.value()));
  }
  int kept = 0;
  bool first_fits = false;  // max-size: the header and first frame fit
  const uint8_t keyBits = data[8] >> 2;
  const uint8_t *pixels = data + 12;
  const size_t npix = size - 12;

  auto enc = Encoder::create(cfg);
  if (!enc) die("create", enc.status().message().c_str());
  const size_t stride = static_cast<size_t>(cfg.width) * bytesPerPixel(cfg.format);
  std::vector<uint8_t> frame(stride * cfg.height);
  uint32_t palette[256];
  for (int i = 0; i < 256; i++)
    palette[i] = npix ? (static_cast<uint32_t>(pixels[(i * 4) % npix]) << 24 |
                         static_cast<uint32_t>(pixels[(i * 4 + 1) % npix]) << 16 |
                         static_cast<uint32_t>(pixels[(i * 4 + 2) % npix]) << 8 | i)
                      : 0xff000000u;
  std::vector<uint8_t> records;
  auto check = [&](const mk::Result<EncodedFrame> &info) {
    if (!info) die("encode", info.status().message().c_str());
    const FrameRect &r = info->rect;
    if (r.width < 1 || r.height < 1 || r.x + r.width > cfg.width || r.y + r.height > cfg.height)
      die("encode", "rectangle outside the screen");
  };
  size_t cursor = 0;
  for (int f = 0; f < frames; f++) {
    // Pixels from the input, reused cyclically; later frames share most of the earlier ones so
    // cropping and transparency get exercised.
    for (size_t i = 0; i < frame.size(); i++) {
      if (f == 0 || (npix && pixels[(cursor + i) % npix] % 5 == 0))
        frame[i] = npix ? pixels[(cursor + i * 7) % npix] : 0;
    }
    cursor += 131;
    InputFrame in{frame.data(), stride, palette};
    const uint16_t delay = static_cast<uint16_t>(f + 2);
    const bool key = (keyBits >> f) & 1;
    if (s.lookahead > 0) {  // (never with rate control: the settings refuse both)
      if (mk::Status st = (*enc)->push(in, delay, key); !st) die("push", st.message().c_str());
      kept++;
      while ((*enc)->ready()) check((*enc)->pull(records));
      continue;
    }
    RateDecision dec;
    if (rate) {
      dec = rate->next(delay);
      if (f == 0 || key) dec.action = RateAction::kCode;
      if (dec.action == RateAction::kDrop) {
        rate->coded(dec, delay, 0);
        continue;
      }
      (*enc)->setQuality(dec.quality);
    }
    const size_t before = records.size();
    auto info = dec.action == RateAction::kRepeat
                    ? (*enc)->repeat(delay, records)
                    : (*enc)->encode(in, delay, key, records, dec.max_bytes);
    if (!info) die("encode", info.status().message().c_str());
    kept++;
    if (rate) {
      if (f == 0) rate->setFixedBytes(RateController::fixedBytesFor((*enc)->codecData().size()));
      if (info->repeated) dec.action = RateAction::kRepeat;
      rate->coded(dec, delay, records.size() - before);
      if (f == 0) first_fits = rate->spent() <= target.max_bytes;
    }
    const FrameRect &r = info->rect;
    if (r.width < 1 || r.height < 1 || r.x + r.width > cfg.width || r.y + r.height > cfg.height)
      die("encode", "rectangle outside the screen");
  }
  (*enc)->drain();
  while ((*enc)->ready()) check((*enc)->pull(records));
  if ((*enc)->queued() != 0) die("drain", "frames left in the look-ahead");
  std::vector<uint8_t> file = (*enc)->codecData();
  writeLoopExtension(file, static_cast<uint16_t>(data[2]));
  // max-size: what RateController::fixedBytesFor counts, i.e. without the comment.
  if (rate && target.max_bytes > 0 && !hasAlpha(cfg.format) && cfg.format != PixelFormat::kRGB8P &&
      (s.optimize & kOptimizeCrop) && keyBits == 0 && first_fits) {
    const size_t whole = file.size() + records.size() + 1;
    if (static_cast<int64_t>(whole) > target.max_bytes) die("rate control", "over max-size");
  }
  writeComment(file, "fuzz");
  file.insert(file.end(), records.begin(), records.end());
  writeTrailer(file);

  gifenc_test::Decoded d;
  if (!gifenc_test::decode(file.data(), file.size(), d)) die("decode", d.error.c_str());
  if (d.width != cfg.width || d.height != cfg.height) die("decode", "screen size");
  if (static_cast<int>(d.canvases.size()) != kept) die("decode", "frame count");
  if (d.loop_count != data[2] || d.comments.size() != 1) die("decode", "extensions");
  return 0;
}
