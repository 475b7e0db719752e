// SPDX-License-Identifier: LGPL-2.1-or-later
// Quantizer, exact-colour fast path, nearest-colour mapper and dither: palettes respect their size
// and fit the picture, are deterministic and independent of pixel order; the mapper finds the true
// nearest entry; dither keeps a flat area's average, honours the mask and never emits a bad index.
#include <check.h>

#include "../check_main.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gif/dither.h"
#include "gif/quantizer.h"

namespace {

using namespace mk::gif;

std::vector<uint32_t> gradient(int w, int h) {
  std::vector<uint32_t> px(static_cast<size_t>(w) * h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      px[y * w + x] = packRgba(x * 255 / (w - 1), y * 255 / (h - 1), (x * y) & 0xff, 255);
  return px;
}

double paletteMse(const std::vector<uint32_t> &px, const ColorTable &t) {
  ColorMapper m;
  m.setTable(t);
  double sum = 0;
  for (uint32_t p : px) sum += m.distance(pixR(p), pixG(p), pixB(p), m.map(p));
  return sum / (3.0 * static_cast<double>(px.size()));
}

START_TEST(test_exact_colors) {
  std::vector<uint32_t> px = {packRgba(1, 2, 3, 255),   packRgba(9, 9, 9, 255),
                              packRgba(1, 2, 3, 255),   kTransparentPixel,
                              packRgba(0, 0, 200, 255), packRgba(5, 5, 5, 255)};
  std::vector<uint8_t> mask = {0, 0, 0, 0, 0, 1};
  ExactColors ec;
  ec.reset();
  ck_assert(ec.add(px.data(), 6, 6, 1, mask.data(), 6, 3));
  ck_assert_int_eq(ec.count(), 3);
  ColorTable t;
  ec.fill(t);
  ck_assert_int_eq(t.size, 3);
  ck_assert(t.entries[0] == (Rgb{1, 2, 3}));  // sorted by packed value
  ck_assert(t.entries[1] == (Rgb{9, 9, 9}));
  ck_assert(t.entries[2] == (Rgb{0, 0, 200}));
  ec.reset();
  ck_assert(!ec.add(px.data(), 6, 6, 1, nullptr, 0, 3));  // the fourth colour is one too many
}
END_TEST

START_TEST(test_quantizer_fits_and_limits) {
  auto px = gradient(128, 96);
  for (int colors : {2, 16, 64, 256}) {
    Quantizer q;
    q.add(px.data(), 128, 128, 96, nullptr, 0, 4);
    ColorTable t;
    q.build(colors, 4, t);
    ck_assert_int_le(t.size, colors);
    ck_assert_int_ge(t.size, colors / 2);
    double m = paletteMse(px, t);
    // A near-uniform 3-D spread: k cubes of side 256/cbrt(k) give a variance of side^2/12.
    const double bound = colors == 2 ? 4500 : colors == 16 ? 1100 : colors == 64 ? 450 : 180;
    ck_assert_msg(m < bound, "colors %d mse %.1f", colors, m);
  }
}
END_TEST

START_TEST(test_quantizer_deterministic_order_free) {
  auto px = gradient(100, 80);
  std::vector<uint32_t> rev(px.rbegin(), px.rend());
  for (int speed : {1, 5, 10}) {
    Quantizer a, b;
    a.add(px.data(), 100, 100, 80, nullptr, 0, speed);
    b.add(rev.data(), 100, 100, 80, nullptr, 0, speed);
    ColorTable ta, tb;
    a.build(100, speed, ta);
    b.build(100, speed, tb);
    if (speed <= 6) ck_assert(ta.sameColors(tb));  // sampling (speed > 6) depends on position
    ColorTable tc;
    a.build(100, speed, tc);
    ck_assert(ta.sameColors(tc));
  }
}
END_TEST

START_TEST(test_quantizer_small_inputs) {
  Quantizer q;
  ColorTable t;
  q.build(256, 4, t);
  ck_assert_int_eq(t.size, 1);  // nothing added
  std::vector<uint32_t> px = {packRgba(10, 20, 30, 255), packRgba(200, 100, 0, 255),
                              kTransparentPixel};
  q.add(px.data(), 3, 3, 1, nullptr, 0, 4);
  q.build(256, 4, t);
  ck_assert_int_eq(t.size, 2);
  ck_assert_double_eq(paletteMse({px[0], px[1]}, t), 0);
  q.reset();
  ck_assert(q.empty());
}
END_TEST

START_TEST(test_mapper_is_nearest) {
  std::mt19937 rng(5);
  for (int round = 0; round < 30; round++) {
    ColorTable t;
    t.size = 1 + static_cast<int>(rng() % 256);
    // From round 20: entries on a coarse grid in a small cube, so that many colours are equally
    // near several entries (and duplicates), and every cell has many candidates.
    const bool coarse = round >= 20;
    auto channel = [&] { return static_cast<uint8_t>(coarse ? 100 + rng() % 5 * 6 : rng()); };
    for (int i = 0; i < t.size; i++) t.entries[i] = Rgb{channel(), channel(), channel()};
    t.transparent = t.size > 1 && round % 2 ? static_cast<int>(rng() % t.size) : -1;
    ColorMapper m;
    m.setTable(t);
    for (int k = 0; k < 2000; k++) {
      auto level = [&] {
        return static_cast<int>(coarse && k % 2 ? 90 + rng() % 45 : rng() & 0xff);
      };
      int r = level(), g = level(), b = level();
      int got = m.nearest(r, g, b);
      ck_assert_int_ne(got, t.transparent);
      int best = 1 << 30, first = -1;  // of equally near entries, the lowest index
      for (int i = 0; i < t.size; i++)
        if (i != t.transparent && m.distance(r, g, b, i) < best)
          best = m.distance(r, g, b, i), first = i;
      ck_assert_int_eq(m.distance(r, g, b, got), best);
      ck_assert_int_eq(got, first);
      ck_assert_int_eq(m.nearest(r, g, b), got);  // cached answer is the same
    }
  }
}
END_TEST

START_TEST(test_dither_modes) {
  // Mid grey on a black/white palette: every error-diffusion kernel keeps the average near 50%.
  ColorTable bw;
  bw.size = 2;
  bw.entries[0] = Rgb{0, 0, 0};
  bw.entries[1] = Rgb{255, 255, 255};
  bw.transparent = 2;
  ColorMapper m;
  m.setTable(bw);
  const int w = 64, h = 64;
  std::vector<uint32_t> grey(w * h, packRgba(128, 128, 128, 255));
  std::vector<uint8_t> out(w * h);
  Ditherer d;
  for (DitherMode mode : {DitherMode::kFloydSteinberg, DitherMode::kSierra2,
                          DitherMode::kSierraLite, DitherMode::kAtkinson, DitherMode::kBayer}) {
    d.apply(grey.data(), w, nullptr, 0, w, h, mode, 0, m, 2, bw, out.data(), w);
    long white = std::count(out.begin(), out.end(), 1);
    ck_assert_msg(white > w * h * 2 / 5 && white < w * h * 3 / 5, "mode %d white %ld",
                  static_cast<int>(mode), white);
  }
  d.apply(grey.data(), w, nullptr, 0, w, h, DitherMode::kNone, 0, m, 2, bw, out.data(), w);
  ck_assert_int_eq(std::count(out.begin(), out.end(), 1), w * h);  // 128 is nearer white

  // The mask: transparent pixels get the transparent index, plain ones their nearest entry with
  // no error in or out — so plain areas come out the same whatever their neighbours hold.
  std::vector<uint8_t> mask(w * h, kPixelDither);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (x >= 32) mask[y * w + x] = kPixelPlain;
  mask[5] = kPixelTransparent;
  std::vector<uint32_t> other = grey;
  for (int i = 0; i < w * h; i += 3) other[i] = packRgba(250, 250, 250, 255);
  for (int y = 0; y < h; y++)
    for (int x = 32; x < w; x++) other[y * w + x] = grey[y * w + x];
  std::vector<uint8_t> out2(w * h);
  d.apply(grey.data(), w, mask.data(), w, w, h, DitherMode::kFloydSteinberg, 0, m, 2, bw,
          out.data(), w);
  d.apply(other.data(), w, mask.data(), w, w, h, DitherMode::kFloydSteinberg, 0, m, 2, bw,
          out2.data(), w);
  ck_assert_int_eq(out[5], 2);
  for (int y = 0; y < h; y++)
    for (int x = 32; x < w; x++) {
      ck_assert_int_eq(out[y * w + x], 1);
      ck_assert_int_eq(out2[y * w + x], 1);
    }
  // Bayer strength: scale 5 is nearly no pattern, scale 0 the full one.
  std::vector<uint32_t> dark(w * h, packRgba(100, 100, 100, 255));
  d.apply(dark.data(), w, nullptr, 0, w, h, DitherMode::kBayer, 5, m, 2, bw, out.data(), w);
  ck_assert_int_eq(std::count(out.begin(), out.end(), 1), 0);
  d.apply(dark.data(), w, nullptr, 0, w, h, DitherMode::kBayer, 0, m, 2, bw, out.data(), w);
  ck_assert_int_gt(std::count(out.begin(), out.end(), 1), 0);
}
END_TEST

Suite *quantizerSuite() {
  Suite *s = suite_create("gif-quantizer");
  TCase *tc = tcase_create("quantizer");
  tcase_add_test(tc, test_exact_colors);
  tcase_add_test(tc, test_quantizer_fits_and_limits);
  tcase_add_test(tc, test_quantizer_deterministic_order_free);
  tcase_add_test(tc, test_quantizer_small_inputs);
  tcase_add_test(tc, test_mapper_is_nearest);
  tcase_add_test(tc, test_dither_modes);
  suite_add_tcase(s, tc);
  return s;
}

}  // namespace

int main() {
  return mktest::runSuite(quantizerSuite());
}
