// SPDX-License-Identifier: LGPL-2.1-or-later
// gifenc's `quality` and the temporal threshold, judged on the decoded files (the tests'
// independent decoder), never on the encoder's own numbers:
// - mapping: going down the scale gives smaller files and a larger error, and fewer colours;
// - precedence: an option given explicitly wins over what quality would set, even when the value
//   given is the option's default (quality 30 with every steered knob given writes the same bytes
//   as quality 100 with the same knobs given);
// - stable noise: on a camera-like clip (a still picture plus fresh noise every frame) the
//   threshold keeps the previous frame's pixels, so later frames cost almost nothing and the
//   decoded picture does not crawl, while the error against the source stays bounded; on a slow
//   drift the kept pixels are refreshed once the source has moved more than the threshold;
// - bad values: clear errors naming the option.
#include <check.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "gif/encoder.h"
#include "gif/encoder_options.h"
#include "../check_main.h"
#include "test_helpers.h"

using namespace mk;
using namespace mk::gif;

namespace {

constexpr int kW = 64, kH = 48;

EncoderConfig configWith(const char *options) {
  EncoderConfig c;
  c.width = kW;
  c.height = kH;
  c.format = PixelFormat::kRGBA;
  c.settings.threads = 1;
  Status st = parseEncoderOptions(c.settings, c.explicit_options, options);
  ck_assert_msg(st.isOk(), "'%s': %s", options, st.message().c_str());
  return c;
}

// A picture with gradients and edges (many colours), as a camera would see a still scene.
std::vector<uint8_t> scene() {
  std::vector<uint8_t> f(static_cast<size_t>(kW) * kH * 4);
  for (int y = 0; y < kH; y++)
    for (int x = 0; x < kW; x++) {
      uint8_t *p = &f[(static_cast<size_t>(y) * kW + x) * 4];
      const bool edge = ((x / 10) + (y / 12)) % 2 == 0;
      p[0] = static_cast<uint8_t>(40 + x * 3 + (edge ? 20 : 0));
      p[1] = static_cast<uint8_t>(30 + y * 4);
      p[2] = static_cast<uint8_t>(edge ? 200 - x : 60 + (x + y));
      p[3] = 255;
    }
  return f;
}

// `frames` frames of scene() with fresh noise of +-amp on every channel of every pixel, and the
// whole picture brightened by `drift` levels a frame.
std::vector<std::vector<uint8_t>> noisyClip(int frames, int amp, int drift) {
  const std::vector<uint8_t> base = scene();
  std::vector<std::vector<uint8_t>> clip;
  uint32_t seed = 12345;
  for (int t = 0; t < frames; t++) {
    std::vector<uint8_t> f = base;
    for (size_t i = 0; i < f.size(); i++) {
      if (i % 4 == 3) continue;
      seed = seed * 1664525u + 1013904223u;
      const int noise = amp ? static_cast<int>((seed >> 16) % (2 * amp + 1)) - amp : 0;
      f[i] = static_cast<uint8_t>(std::clamp(f[i] + noise + drift * t, 0, 255));
    }
    clip.push_back(std::move(f));
  }
  return clip;
}

// A camera-like clip: scene() panned by one pixel a frame (its formula evaluated further right),
// with fresh noise of +-amp on every channel of every pixel.
std::vector<std::vector<uint8_t>> pannedNoisyClip(int frames, int amp) {
  std::vector<std::vector<uint8_t>> clip;
  uint32_t seed = 777;
  for (int t = 0; t < frames; t++) {
    std::vector<uint8_t> f(static_cast<size_t>(kW) * kH * 4);
    for (int y = 0; y < kH; y++)
      for (int x = 0; x < kW; x++) {
        const int sx = x + t;
        const bool edge = ((sx / 10) + (y / 12)) % 2 == 0;
        const int base[3] = {40 + (sx * 3) % 160 + (edge ? 20 : 0), 30 + y * 4,
                             edge ? 200 - sx % 120 : 60 + (sx + y) % 150};
        uint8_t *p = &f[(static_cast<size_t>(y) * kW + x) * 4];
        for (int ch = 0; ch < 3; ch++) {
          seed = seed * 1664525u + 1013904223u;
          const int noise = static_cast<int>((seed >> 16) % (2 * amp + 1)) - amp;
          p[ch] = static_cast<uint8_t>(std::clamp(base[ch] + noise, 0, 255));
        }
        p[3] = 255;
      }
    clip.push_back(std::move(f));
  }
  return clip;
}

// Mean absolute difference per channel between a decoded canvas and an RGBA source frame.
double meanError(const std::vector<uint32_t> &canvas, const std::vector<uint8_t> &src) {
  double sum = 0;
  for (size_t i = 0; i < canvas.size(); i++) {
    const uint32_t p = canvas[i];
    sum += std::abs(static_cast<int>(p & 0xff) - src[i * 4]) +
           std::abs(static_cast<int>((p >> 8) & 0xff) - src[i * 4 + 1]) +
           std::abs(static_cast<int>((p >> 16) & 0xff) - src[i * 4 + 2]);
  }
  return sum / (3.0 * static_cast<double>(canvas.size()));
}

gifenc_test::Decoded decodeOk(const std::vector<uint8_t> &file, size_t frames) {
  gifenc_test::Decoded d;
  ck_assert_msg(gifenc_test::decode(file.data(), file.size(), d), "%s", d.error.c_str());
  ck_assert_uint_eq(d.canvases.size(), frames);
  return d;
}

// Size of the global colour table from the logical screen descriptor.
int globalTableSize(const std::vector<uint8_t> &file) {
  ck_assert_uint_ge(file.size(), 13);
  return (file[10] & 0x80) ? 2 << (file[10] & 7) : 0;
}

}  // namespace

START_TEST(test_quality_scale) {
  const auto clip = noisyClip(6, 3, 0);
  size_t last_bytes = SIZE_MAX;
  double last_error = -1;
  int last_table = 257;
  // From 90 up error diffusion is on, which costs mean error for a better look: the error is
  // compared from 70 down, where only the palette's budget and the threshold move.
  for (const char *q : {"quality=100", "quality=70", "quality=40", "quality=10"}) {
    auto e = gifenc_test::encodeClip(configWith(q), clip);
    auto d = decodeOk(e.file, clip.size());
    double err = 0;
    for (size_t f = 0; f < clip.size(); f++) err += meanError(d.canvases[f], clip[f]);
    err /= static_cast<double>(clip.size());
    const int table = globalTableSize(e.file);
    ck_assert_msg(e.file.size() < last_bytes, "%s: %zu bytes, not fewer than %zu", q, e.file.size(),
                  last_bytes);
    if (last_error >= 0 && last_bytes != SIZE_MAX && std::string(q) != "quality=70")
      ck_assert_msg(err > last_error, "%s: error %.3f, not above %.3f", q, err, last_error);
    ck_assert_msg(table <= last_table, "%s: %d colours, more than %d", q, table, last_table);
    last_bytes = e.file.size();
    last_error = err;
    last_table = table;
  }
  ck_assert_int_lt(last_table, 256);  // quality 10 needs far fewer colours
  // The default is quality 90: no quality given and quality=90 write the same bytes.
  ck_assert(gifenc_test::encodeClip(configWith(""), clip).file ==
            gifenc_test::encodeClip(configWith("quality=90"), clip).file);
}
END_TEST

// On a noisy pan (where freezing the noise once made the scale jump from megabytes to kilobytes
// within a few steps): a step down the scale never gives a larger file, beyond a few per cent of
// LZW chance, every ten steps down give a smaller one, and from quality 10 up no single step
// changes the size by more than half (below 10 the palette is a handful of colours, and each
// colour counts); the decoded error grows as quality falls.
START_TEST(test_quality_no_gap) {
  const auto clip = pannedNoisyClip(8, 10);
  std::vector<size_t> bytes(101, 0);
  for (int q = 1; q <= 100; q++) {
    const std::string option = "quality=" + std::to_string(q);
    bytes[q] = gifenc_test::encodeClip(configWith(option.c_str()), clip).file.size();
    if (q == 1) continue;
    ck_assert_msg(bytes[q] * 100 >= bytes[q - 1] * 95, "quality %d: %zu bytes, %d: %zu", q,
                  bytes[q], q - 1, bytes[q - 1]);
    if (q > 10)
      ck_assert_msg(bytes[q] * 2 <= bytes[q - 1] * 3, "quality %d: %zu bytes, %d: only %zu", q,
                    bytes[q], q - 1, bytes[q - 1]);
    if (q > 10 && q <= 90)
      ck_assert_msg(bytes[q] > bytes[q - 10], "quality %d: %zu bytes, %d: %zu", q, bytes[q], q - 10,
                    bytes[q - 10]);
  }
  double last_error = 1e9;
  for (int q : {10, 30, 50, 70, 85}) {
    const std::string option = "quality=" + std::to_string(q);
    const auto e = gifenc_test::encodeClip(configWith(option.c_str()), clip);
    const auto d = decodeOk(e.file, clip.size());
    double err = 0;
    for (size_t f = 0; f < clip.size(); f++) err += meanError(d.canvases[f], clip[f]);
    ck_assert_msg(err < last_error, "quality %d: error %.3f, not below %.3f", q, err, last_error);
    last_error = err;
  }
}
END_TEST

// Noise on a still scene stays still at the bottom of the scale: light noise (+-3) from quality
// 60 down, camera noise as heavy as the benchmark's (+-10) from 5 down. The frames after the
// first cost a small part of what they cost coded exactly, and the decoded picture hardly moves.
START_TEST(test_low_quality_noise_still) {
  struct Case {
    int amp, quality;
  };
  for (const Case &c : {Case{3, 60}, Case{10, 5}}) {
    const int frames = 8;
    const auto clip = noisyClip(frames, c.amp, 0);
    const std::string option = "quality=" + std::to_string(c.quality);
    const auto exact = gifenc_test::encodeClip(configWith("noise-threshold=0"), clip);
    const auto low = gifenc_test::encodeClip(configWith(option.c_str()), clip);
    size_t later_exact = 0, later_low = 0;
    for (int f = 1; f < frames; f++) {
      later_exact += exact.infos[f].bytes;
      later_low += low.infos[f].bytes;
    }
    ck_assert_msg(later_low * 10 < later_exact, "noise +-%d, %s: frames 1..: %zu bytes, exact %zu",
                  c.amp, option.c_str(), later_low, later_exact);
    const auto d = decodeOk(low.file, frames);
    size_t moved = 0;
    for (int f = 1; f < frames; f++)
      for (size_t i = 0; i < d.canvases[0].size(); i++)
        moved += d.canvases[f][i] != d.canvases[f - 1][i];
    const size_t pixels = static_cast<size_t>(frames - 1) * kW * kH;
    ck_assert_msg(moved * 100 < pixels, "noise +-%d, %s: %zu of %zu pixels changed", c.amp,
                  option.c_str(), moved, pixels);
  }
}
END_TEST

START_TEST(test_explicit_options_win) {
  const auto clip = noisyClip(5, 3, 0);
  const char *knobs = "colors=256:dither=sierra2-4a:palette=auto:noise-threshold=0";
  const auto low =
      gifenc_test::encodeClip(configWith((std::string("quality=30:") + knobs).c_str()), clip);
  const auto high =
      gifenc_test::encodeClip(configWith((std::string("quality=100:") + knobs).c_str()), clip);
  ck_assert_msg(low.file == high.file, "the knobs given explicitly did not win over quality");
  // Without them quality does steer: the same knobs' defaults are not what quality 30 uses.
  const auto steered = gifenc_test::encodeClip(configWith("quality=30"), clip);
  ck_assert(steered.file != high.file);
  ck_assert_uint_lt(steered.file.size(), high.file.size());
  // One knob given, the others steered: dither=sierra2-4a (its default value) is still explicit.
  const auto one = gifenc_test::encodeClip(configWith("quality=30:dither=sierra2-4a"), clip);
  ck_assert(one.file != steered.file);
}
END_TEST

START_TEST(test_noise_stays_still) {
  const int frames = 8;
  const auto clip = noisyClip(frames, 3, 0);
  const auto exact = gifenc_test::encodeClip(configWith("noise-threshold=0"), clip);
  const auto kept = gifenc_test::encodeClip(configWith("noise-threshold=12"), clip);
  const auto de = decodeOk(exact.file, frames), dk = decodeOk(kept.file, frames);
  size_t later_exact = 0, later_kept = 0;
  for (int f = 1; f < frames; f++) {
    later_exact += exact.infos[f].bytes;
    later_kept += kept.infos[f].bytes;
  }
  ck_assert_msg(later_kept * 10 < later_exact, "frames 1..: %zu bytes kept, %zu exact", later_kept,
                later_exact);
  // No crawl: with the threshold the picture stays as it was; without it, it moves.
  size_t moved_kept = 0, moved_exact = 0;
  for (int f = 1; f < frames; f++)
    for (size_t i = 0; i < dk.canvases[0].size(); i++) {
      moved_kept += dk.canvases[f][i] != dk.canvases[f - 1][i];
      moved_exact += de.canvases[f][i] != de.canvases[f - 1][i];
    }
  const size_t pixels = static_cast<size_t>(frames - 1) * kW * kH;
  ck_assert_msg(moved_kept * 100 < pixels, "%zu of %zu pixels changed", moved_kept, pixels);
  ck_assert_msg(moved_exact * 4 > pixels, "the exact encode did not crawl: the clip is too tame");
  // What is kept is never far from what the camera saw.
  for (int f = 0; f < frames; f++)
    ck_assert_double_le(meanError(dk.canvases[f], clip[f]), meanError(de.canvases[f], clip[f]) + 4);
}
END_TEST

// A slow fade (one level a frame, no noise): kept pixels are measured against the source they
// were coded from, so the picture is refreshed before it lags by much more than the threshold.
START_TEST(test_slow_drift_refreshed) {
  const int frames = 30, threshold = 6;
  const auto clip = noisyClip(frames, 0, 1);
  const auto e = gifenc_test::encodeClip(
      configWith(("noise-threshold=" + std::to_string(threshold)).c_str()), clip);
  const auto d = decodeOk(e.file, frames);
  const double first = meanError(d.canvases[0], clip[0]);
  for (int f = 1; f < frames; f++)
    ck_assert_msg(meanError(d.canvases[f], clip[f]) <= first + threshold + 1,
                  "frame %d: error %.2f, frame 0 %.2f", f, meanError(d.canvases[f], clip[f]),
                  first);
  // and it was kept in between: not every frame was coded in full.
  size_t full = 0;
  for (int f = 1; f < frames; f++)
    full += e.infos[f].rect.width * e.infos[f].rect.height == kW * kH;
  ck_assert_int_lt(full, frames - 1);
}
END_TEST

START_TEST(test_bad_values) {
  struct Case {
    const char *text, *name;
  };
  for (const Case &c :
       {Case{"quality=0", "quality"}, Case{"quality=101", "quality"}, Case{"threads=-1", "threads"},
        Case{"threads=65", "threads"}, Case{"noise-threshold=101", "noise-threshold"},
        Case{"quality=high", "quality"}}) {
    EncoderSettings s;
    uint64_t given = 0;
    Status st = parseEncoderOptions(s, given, c.text);
    ck_assert_msg(!st.isOk(), "'%s' accepted", c.text);
    ck_assert_msg(st.message().find(c.name) != std::string::npos, "'%s': %s", c.text,
                  st.message().c_str());
    ck_assert_uint_eq(given, 0);  // nothing marked as given when the set is refused
    // (ck_assert_str_eq keeps the pointer past the statement: no temporary in it)
    const std::string untouched = encoderOptions().serialize(&s, true);
    ck_assert_str_eq(untouched.c_str(), "");
  }
}
END_TEST

static Suite *qualitySuite() {
  Suite *s = suite_create("gif-encoder-quality");
  TCase *tc = tcase_create("quality");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_quality_scale);
  tcase_add_test(tc, test_quality_no_gap);
  tcase_add_test(tc, test_low_quality_noise_still);
  tcase_add_test(tc, test_explicit_options_win);
  tcase_add_test(tc, test_noise_stays_still);
  tcase_add_test(tc, test_slow_drift_refreshed);
  tcase_add_test(tc, test_bad_values);
  suite_add_tcase(s, tc);
  return s;
}

int main() {
  return mktest::runSuite(qualitySuite());
}
