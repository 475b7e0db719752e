// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::Encoder and writer: files decode (strict test decoder) to the input exactly when the
// input fits the palette, and closely otherwise, for every dither mode and palette scope; output
// is deterministic; size edges; alpha threshold; key frames stand alone; every pixel format; the
// codec_data / record split; settings are range-checked.
#include <check.h>

#include "../check_main.h"

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "gif/encoder.h"
#include "gif/writer.h"
#if __has_include("gif/gif_types.h")
// The decode half's types live in the same namespace: this proves the names do not clash.
#include "gif/gif_types.h"
#endif
#include "gif_test_decoder.h"
#include "test_helpers.h"

namespace {

using namespace mk::gif;
using gifenc_test::Decoded;

mk::gif::EncoderConfig config(int w, int h) {
  EncoderConfig c;
  c.width = w;
  c.height = h;
  c.format = PixelFormat::kRGBA;
  return c;
}

std::vector<std::vector<uint8_t>> clip(int w, int h, int n, bool rich) {
  std::vector<std::vector<uint8_t>> frames;
  for (int t = 0; t < n; t++) frames.push_back(gifenc_test::makeFrame(w, h, t, rich));
  return frames;
}

Decoded decodeOk(const std::vector<uint8_t> &file) {
  Decoded d;
  ck_assert_msg(gifenc_test::decode(file.data(), file.size(), d), "decode: %s", d.error.c_str());
  return d;
}

void assertExact(const Decoded &d, const std::vector<std::vector<uint8_t>> &frames) {
  ck_assert_uint_eq(d.canvases.size(), frames.size());
  for (size_t f = 0; f < frames.size(); f++)
    for (size_t i = 0; i < d.canvases[f].size(); i++)
      ck_assert_msg(d.canvases[f][i] == gifenc_test::px(frames[f], i),
                    "frame %zu pixel %zu: %08x != %08x", f, i, d.canvases[f][i],
                    gifenc_test::px(frames[f], i));
}

START_TEST(test_lossless_when_it_fits) {
  const PaletteScope scopes[] = {PaletteScope::kGlobal, PaletteScope::kPerFrame,
                                 PaletteScope::kAuto};
  auto frames = clip(37, 23, 8, false);
  for (PaletteScope scope : scopes)
    for (int opt = 0; opt < 4; opt++) {
      EncoderConfig c = config(37, 23);
      c.settings.palette = scope;
      c.settings.dither = DitherMode::kFloydSteinberg;  // exact palettes must bypass dither
      c.settings.optimize = static_cast<unsigned>(opt) & (kOptimizeCrop | kOptimizeTransparency);
      auto e = gifenc_test::encodeClip(c, frames);
      Decoded d = decodeOk(e.file);
      assertExact(d, frames);
      ck_assert_int_eq(d.loop_count, 0);
      if (opt & 1) {
        // The moving square is all that changes: later frames are small rectangles.
        ck_assert_int_lt(e.infos[3].rect.width * e.infos[3].rect.height, 37 * 23 / 4);
      }
    }
}
END_TEST

START_TEST(test_all_dither_modes_and_scopes) {
  const DitherMode modes[] = {DitherMode::kNone,           DitherMode::kBayer,
                              DitherMode::kFloydSteinberg, DitherMode::kSierra2,
                              DitherMode::kSierraLite,     DitherMode::kAtkinson};
  const PaletteScope scopes[] = {PaletteScope::kGlobal, PaletteScope::kPerFrame,
                                 PaletteScope::kAuto};
  auto frames = clip(64, 48, 5, true);
  for (DitherMode mode : modes)
    for (PaletteScope scope : scopes)
      for (int colors : {16, 256}) {
        EncoderConfig c = config(64, 48);
        c.settings.dither = mode;
        c.settings.palette = scope;
        c.settings.colors = colors;
        auto e = gifenc_test::encodeClip(c, frames);
        Decoded d = decodeOk(e.file);
        ck_assert_uint_eq(d.canvases.size(), frames.size());
        for (size_t f = 0; f < frames.size(); f++) {
          double p = gifenc_test::psnr(gifenc_test::mse(d.canvases[f], frames[f]));
          // A global palette from frame 0 drifts as the picture does; it may cost a few dB.
          const double floor = scope == PaletteScope::kGlobal ? 27.0 : 30.0;
          ck_assert_msg(p > (colors == 16 ? 17.0 : floor),
                        "mode %d scope %d colors %d frame %zu: %.1f dB", static_cast<int>(mode),
                        static_cast<int>(scope), colors, f, p);
        }
        // Never more colours on screen than asked for, in a one-frame view.
        std::set<uint32_t> seen(d.canvases[0].begin(), d.canvases[0].end());
        ck_assert_int_le(static_cast<int>(seen.size()), colors);
      }
}
END_TEST

START_TEST(test_deterministic) {
  auto frames = clip(50, 30, 6, true);
  for (int speed : {1, 4, 10}) {
    EncoderConfig c = config(50, 30);
    c.settings.speed = speed;
    c.settings.lossy = speed == 10 ? 40 : 0;
    auto a = gifenc_test::encodeClip(c, frames);
    auto b = gifenc_test::encodeClip(c, frames);
    ck_assert(a.file == b.file);
    decodeOk(a.file);
  }
}
END_TEST

START_TEST(test_size_edges) {
  for (auto [w, h] : {std::pair{1, 1}, std::pair{3, 5}, std::pair{65535, 1}, std::pair{1, 300}}) {
    auto frames = clip(w, h, 3, false);
    auto e = gifenc_test::encodeClip(config(w, h), frames);
    assertExact(decodeOk(e.file), frames);
  }
  auto rich = clip(65535, 1, 2, true);
  auto e = gifenc_test::encodeClip(config(65535, 1), rich);
  Decoded d = decodeOk(e.file);
  ck_assert_int_eq(d.width, 65535);
  ck_assert(gifenc_test::psnr(gifenc_test::mse(d.canvases[1], rich[1])) > 30);
  // Identical frames: the smallest legal record.
  std::vector<std::vector<uint8_t>> same(3, gifenc_test::makeFrame(9, 9, 0, false));
  auto s = gifenc_test::encodeClip(config(9, 9), same);
  assertExact(decodeOk(s.file), same);
  ck_assert_int_eq(s.infos[2].rect.width * s.infos[2].rect.height, 1);
}
END_TEST

START_TEST(test_alpha_threshold) {
  const int w = 20, h = 10;
  std::vector<std::vector<uint8_t>> frames;
  for (int t = 0; t < 4; t++) {
    auto f = gifenc_test::makeFrame(w, h, t, false);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        f[(y * w + x) * 4 + 3] = static_cast<uint8_t>(((x + t) * 13) & 0xff);
    frames.push_back(f);
  }
  for (int threshold : {0, 1, 128, 255}) {
    EncoderConfig c = config(w, h);
    c.settings.alpha_threshold = threshold;
    auto e = gifenc_test::encodeClip(c, frames);
    Decoded d = decodeOk(e.file);
    for (size_t f = 0; f < frames.size(); f++)
      for (size_t i = 0; i < d.canvases[f].size(); i++) {
        uint32_t want =
            frames[f][i * 4 + 3] < threshold ? 0u : (gifenc_test::px(frames[f], i) | 0xff000000u);
        ck_assert_msg(d.canvases[f][i] == want, "threshold %d frame %zu pixel %zu", threshold, f,
                      i);
      }
  }
}
END_TEST

START_TEST(test_transparency_appears_later) {
  // Opaque first, then a hole: from the frame after the change, output is exact again.
  const int w = 16, h = 16;
  auto frames = clip(w, h, 5, false);
  for (int t = 2; t < 5; t++)
    for (int i = 0; i < 30; i++) frames[t][(i + t) * 4 + 3] = 0;
  auto e = gifenc_test::encodeClip(config(w, h), frames);
  Decoded d = decodeOk(e.file);
  for (size_t f : {size_t(3), size_t(4)})
    for (size_t i = 0; i < d.canvases[f].size(); i++) {
      uint32_t want = frames[f][i * 4 + 3] == 0 ? 0u : gifenc_test::px(frames[f], i);
      ck_assert_msg(d.canvases[f][i] == want, "frame %zu pixel %zu", f, i);
    }
}
END_TEST

START_TEST(test_key_frames_stand_alone) {
  auto frames = clip(40, 30, 8, false);
  for (PaletteScope scope : {PaletteScope::kGlobal, PaletteScope::kPerFrame}) {
    EncoderConfig c = config(40, 30);
    c.settings.palette = scope;
    std::vector<bool> keys(8, false);
    keys[5] = true;
    auto e = gifenc_test::encodeClip(c, frames, keys);
    ck_assert(e.infos[0].key);
    ck_assert(e.infos[5].key);
    ck_assert(!e.infos[3].key);  // cropped, leans on the canvas
    ck_assert_int_eq(e.infos[5].rect.width, 40);
    ck_assert_int_eq(e.infos[5].rect.height, 30);
    ck_assert_int_eq(e.infos[5].transparent_index, -1);
    Decoded full = decodeOk(e.file);
    // codec data + records from the key frame on, decoded from a clear canvas: same pictures.
    std::vector<uint8_t> cut(e.file.begin(), e.file.begin() + e.headerSize);
    cut.insert(cut.end(), e.file.begin() + e.recordStart[5], e.file.end());
    Decoded part = decodeOk(cut);
    ck_assert_uint_eq(part.canvases.size(), 3);
    for (size_t f = 0; f < 3; f++) ck_assert(part.canvases[f] == full.canvases[5 + f]);
  }
}
END_TEST

START_TEST(test_pixel_formats) {
  const int w = 13, h = 7;
  auto rgba = gifenc_test::makeFrame(w, h, 1, false);
  struct Case {
    PixelFormat fmt;
    int bpp, r, g, b, a;
  };
  const Case cases[] = {
      {PixelFormat::kRGBA, 4, 0, 1, 2, 3},  {PixelFormat::kBGRA, 4, 2, 1, 0, 3},
      {PixelFormat::kARGB, 4, 1, 2, 3, 0},  {PixelFormat::kABGR, 4, 3, 2, 1, 0},
      {PixelFormat::kRGBx, 4, 0, 1, 2, -1}, {PixelFormat::kBGRx, 4, 2, 1, 0, -1},
      {PixelFormat::kxRGB, 4, 1, 2, 3, -1}, {PixelFormat::kxBGR, 4, 3, 2, 1, -1},
      {PixelFormat::kRGB, 3, 0, 1, 2, -1},  {PixelFormat::kBGR, 3, 2, 1, 0, -1},
  };
  for (const Case &cs : cases) {
    const size_t stride = static_cast<size_t>(w) * cs.bpp + 5;  // padded rows
    std::vector<uint8_t> buf(stride * h, 0x55);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        const uint8_t *s = &rgba[(y * w + x) * 4];
        uint8_t *d = &buf[y * stride + x * cs.bpp];
        d[cs.r] = s[0];
        d[cs.g] = s[1];
        d[cs.b] = s[2];
        if (cs.a >= 0) d[cs.a] = 255;
      }
    EncoderConfig c = config(w, h);
    c.format = cs.fmt;
    auto enc = Encoder::create(c);
    ck_assert(enc.isOk());
    std::vector<uint8_t> rec;
    InputFrame in{buf.data(), stride, nullptr};
    ck_assert((*enc)->encode(in, 0, false, rec).isOk());
    std::vector<uint8_t> file = (*enc)->codecData();
    file.insert(file.end(), rec.begin(), rec.end());
    writeTrailer(file);
    assertExact(decodeOk(file), {rgba});
  }
  // GRAY8 and RGB8P.
  std::vector<uint8_t> gray(static_cast<size_t>(w) * h);
  std::vector<uint8_t> grayRgba(gray.size() * 4);
  for (size_t i = 0; i < gray.size(); i++) {
    gray[i] = static_cast<uint8_t>(i * 3);
    std::memset(&grayRgba[i * 4], gray[i], 3);
    grayRgba[i * 4 + 3] = 255;
  }
  uint32_t palette[256];
  std::vector<uint8_t> palRgba(gray.size() * 4);
  for (int i = 0; i < 256; i++)
    palette[i] =
        (i == 7 ? 0x00000000u : 0xff000000u) | static_cast<uint32_t>(i * 0x010203 & 0xffffff);
  for (size_t i = 0; i < gray.size(); i++) {
    uint32_t v = palette[gray[i]];
    palRgba[i * 4] = (v >> 16) & 0xff;
    palRgba[i * 4 + 1] = (v >> 8) & 0xff;
    palRgba[i * 4 + 2] = v & 0xff;
    palRgba[i * 4 + 3] = v >> 24;
  }
  for (PixelFormat fmt : {PixelFormat::kGray8, PixelFormat::kRGB8P}) {
    EncoderConfig c = config(w, h);
    c.format = fmt;
    auto enc = Encoder::create(c);
    std::vector<uint8_t> rec;
    InputFrame in{gray.data(), static_cast<size_t>(w), palette};
    ck_assert((*enc)->encode(in, 0, false, rec).isOk());
    std::vector<uint8_t> file = (*enc)->codecData();
    file.insert(file.end(), rec.begin(), rec.end());
    writeTrailer(file);
    Decoded d = decodeOk(file);
    const auto &want = fmt == PixelFormat::kGray8 ? grayRgba : palRgba;
    for (size_t i = 0; i < gray.size(); i++) {
      uint32_t expect = want[i * 4 + 3] == 0 ? 0u : gifenc_test::px(want, i);
      ck_assert_msg(d.canvases[0][i] == expect, "format %d pixel %zu", static_cast<int>(fmt), i);
    }
  }
}
END_TEST

START_TEST(test_codec_data_and_writer) {
  auto frames = clip(10, 10, 2, false);
  auto enc = Encoder::create(config(10, 10));
  ck_assert((*enc)->codecData().empty());
  std::vector<uint8_t> rec;
  InputFrame in{frames[0].data(), 40, nullptr};
  ck_assert((*enc)->encode(in, 7, false, rec).isOk());
  const auto &cd = (*enc)->codecData();
  ck_assert_int_eq(std::memcmp(cd.data(), "GIF89a", 6), 0);
  ck_assert_int_eq(cd[6] | cd[7] << 8, 10);
  ck_assert(cd[10] & 0x80);
  ck_assert_uint_eq(cd.size(), 13u + 3u * (2u << (cd[10] & 7)));  // exactly header + LSD + GCT
  ck_assert_int_eq(rec[0], 0x21);                                 // the record starts with its GCE
  ck_assert_int_eq(rec[1], 0xF9);
  ck_assert_int_eq(rec.back(), 0);  // and ends with the block terminator

  std::vector<uint8_t> file = cd;
  writeLoopExtension(file, 3);
  std::string longText(600, 'x');
  writeComment(file, "hello");
  writeComment(file, longText);
  file.insert(file.end(), rec.begin(), rec.end());
  writeTrailer(file);
  Decoded d = decodeOk(file);
  ck_assert_int_eq(d.loop_count, 3);
  ck_assert_uint_eq(d.comments.size(), 2);
  ck_assert_str_eq(d.comments[0].c_str(), "hello");
  ck_assert(d.comments[1] == longText);
  ck_assert_int_eq(d.delays[0], 7);

  std::vector<uint8_t> loop;
  writeLoopExtension(loop, 0);
  const uint8_t want[] = {0x21, 0xFF, 0x0B, 'N', 'E', 'T', 'S', 'C', 'A', 'P',
                          'E',  '2',  '.',  '0', 3,   1,   0,   0,   0};
  ck_assert_uint_eq(loop.size(), sizeof(want));
  ck_assert_int_eq(std::memcmp(loop.data(), want, sizeof(want)), 0);
  std::vector<uint8_t> bad;
  ck_assert(!writeCodecData(bad, 0, 5, nullptr).isOk());
  ck_assert(!writeCodecData(bad, 65536, 5, nullptr).isOk());
}
END_TEST

START_TEST(test_settings_checked) {
  EncoderConfig c = config(10, 10);
  c.settings.colors = 1;
  ck_assert(!Encoder::create(c).isOk());
  c.settings.colors = 257;
  ck_assert(!Encoder::create(c).isOk());
  c = config(10, 10);
  c.settings.dither_scale = 6;
  ck_assert(!Encoder::create(c).isOk());
  c = config(10, 10);
  c.settings.speed = 0;
  auto r = Encoder::create(c);
  ck_assert(!r.isOk());
  ck_assert_int_eq(static_cast<int>(r.status().code()), static_cast<int>(mk::Errc::kOutOfRange));
  ck_assert(r.status().message().find("speed") != std::string::npos);
  c = config(10, 10);
  c.settings.lossy = 201;
  ck_assert(!Encoder::create(c).isOk());
  ck_assert(!Encoder::create(config(0, 10)).isOk());
  ck_assert(!Encoder::create(config(10, 65536)).isOk());
  auto enc = Encoder::create(config(10, 10));
  std::vector<uint8_t> buf(400), out;
  ck_assert(!(*enc)->encode(InputFrame{buf.data(), 39, nullptr}, 0, false, out).isOk());
  ck_assert(!(*enc)->encode(InputFrame{nullptr, 40, nullptr}, 0, false, out).isOk());
  ck_assert(out.empty());
}
END_TEST

START_TEST(test_static_areas_stay_still) {
  // A rich picture where only a small square moves: with dither on, frames after the first code
  // little more than the square, and the untouched area decodes the same as in frame 0.
  const int w = 64, h = 64;
  auto base = gifenc_test::makeFrame(w, h, 0, true);
  std::vector<std::vector<uint8_t>> frames;
  for (int t = 0; t < 4; t++) {
    auto f = base;
    for (int y = 0; y < 6; y++)
      for (int x = 0; x < 6; x++) {
        uint8_t *p = &f[((40 + y) * w + 5 + x * 1 + t * 8) * 4];
        p[0] = 10;
        p[1] = 200;
        p[2] = 30;
      }
    frames.push_back(f);
  }
  EncoderConfig c = config(w, h);
  c.settings.dither = DitherMode::kFloydSteinberg;
  auto e = gifenc_test::encodeClip(c, frames);
  Decoded d = decodeOk(e.file);
  for (size_t f = 1; f < 4; f++) {
    ck_assert_int_le(e.infos[f].rect.height, 6);
    ck_assert_uint_lt(e.infos[f].bytes, e.infos[0].bytes / 4);
    for (int y = 0; y < 30; y++)
      for (int x = 0; x < w; x++) ck_assert(d.canvases[f][y * w + x] == d.canvases[0][y * w + x]);
  }
}
END_TEST

Suite *encoderSuite() {
  Suite *s = suite_create("gif-encoder");
  TCase *tc = tcase_create("encoder");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_lossless_when_it_fits);
  tcase_add_test(tc, test_all_dither_modes_and_scopes);
  tcase_add_test(tc, test_deterministic);
  tcase_add_test(tc, test_size_edges);
  tcase_add_test(tc, test_alpha_threshold);
  tcase_add_test(tc, test_transparency_appears_later);
  tcase_add_test(tc, test_key_frames_stand_alone);
  tcase_add_test(tc, test_pixel_formats);
  tcase_add_test(tc, test_codec_data_and_writer);
  tcase_add_test(tc, test_settings_checked);
  tcase_add_test(tc, test_static_areas_stay_still);
  suite_add_tcase(s, tc);
  return s;
}

}  // namespace

int main() {
  return mktest::runSuite(encoderSuite());
}
