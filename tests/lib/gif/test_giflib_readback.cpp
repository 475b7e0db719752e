// SPDX-License-Identifier: LGPL-2.1-or-later
// Files the encoder writes are read back by giflib (DGifSlurp) with every frame; for input of
// few colours, compositing giflib's frames (disposal, transparency) gives back the input exactly.
#include <check.h>

#include "../check_main.h"
#include <gif_lib.h>

#include <vector>

#include "gif/encoder.h"
#include "gif/writer.h"
#include "giflib_slurp.h"
#include "test_helpers.h"

namespace {

mk::gif::EncoderConfig config(int w, int h) {
  mk::gif::EncoderConfig cfg;
  cfg.width = w;
  cfg.height = h;
  cfg.format = mk::gif::PixelFormat::kRGBA;
  return cfg;
}

}  // namespace

START_TEST(test_few_colours_exact) {
  const int w = 37, h = 23, n = 12;
  std::vector<std::vector<uint8_t>> frames;
  for (int i = 0; i < n; i++) frames.push_back(gifenc_test::makeFrame(w, h, i, false));
  gifenc_test::Encoded e = gifenc_test::encodeClip(config(w, h), frames);
  int count = 0;
  auto canvases = giflib_test::slurp(e.file, &count);
  ck_assert_int_eq(count, n);
  for (int i = 0; i < n; i++)
    ck_assert_msg(canvases[i] == frames[i], "frame %d differs after giflib's read-back", i);
}
END_TEST

START_TEST(test_rich_every_frame) {
  const int w = 64, h = 48, n = 10;
  std::vector<std::vector<uint8_t>> frames;
  for (int i = 0; i < n; i++) frames.push_back(gifenc_test::makeFrame(w, h, i, true));
  for (int scope = 0; scope < 3; scope++) {
    mk::gif::EncoderConfig cfg = config(w, h);
    cfg.settings.palette = static_cast<mk::gif::PaletteScope>(scope);
    gifenc_test::Encoded e = gifenc_test::encodeClip(cfg, frames);
    int count = 0;
    giflib_test::slurp(e.file, &count);
    ck_assert_int_eq(count, n);
  }
}
END_TEST

int main() {
  Suite *s = suite_create("gif-giflib-readback");
  TCase *tc = tcase_create("readback");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_few_colours_exact);
  tcase_add_test(tc, test_rich_every_frame);
  suite_add_tcase(s, tc);
  return mktest::runSuite(s);
}
