// SPDX-License-Identifier: LGPL-2.1-or-later
// Files the encoder writes are read back by giflib (DGifSlurp) with every frame; for input of
// few colours, compositing giflib's frames (disposal, transparency) gives back the input exactly.
#include <check.h>

#include "../check_main.h"
#include <gif_lib.h>

#include <cstring>
#include <vector>

#include "gif/encoder.h"
#include "gif/writer.h"
#include "test_helpers.h"

namespace {

struct MemoryFile {
  const std::vector<uint8_t> *bytes;
  size_t pos = 0;
};

int readMemory(GifFileType *gif, GifByteType *buf, int n) {
  auto *m = static_cast<MemoryFile *>(gif->UserData);
  size_t left = m->bytes->size() - m->pos;
  size_t k = static_cast<size_t>(n) < left ? static_cast<size_t>(n) : left;
  std::memcpy(buf, m->bytes->data() + m->pos, k);
  m->pos += k;
  return static_cast<int>(k);
}

// giflib's frames composited into RGBA canvases, one per frame (what an application using giflib
// must do itself).
std::vector<std::vector<uint8_t>> slurp(const std::vector<uint8_t> &file, int *frames) {
  MemoryFile mem{&file};
  int err = 0;
  GifFileType *gif = DGifOpen(&mem, readMemory, &err);
  ck_assert_msg(gif != nullptr, "DGifOpen: %s", GifErrorString(err));
  ck_assert_msg(DGifSlurp(gif) == GIF_OK, "DGifSlurp: %s", GifErrorString(gif->Error));
  *frames = gif->ImageCount;
  const int w = gif->SWidth, h = gif->SHeight;
  std::vector<uint8_t> canvas(static_cast<size_t>(w) * h * 4, 0), saved;
  std::vector<std::vector<uint8_t>> out;
  for (int i = 0; i < gif->ImageCount; i++) {
    const SavedImage &img = gif->SavedImages[i];
    GraphicsControlBlock gcb{0, false, 0, NO_TRANSPARENT_COLOR};
    DGifSavedExtensionToGCB(gif, i, &gcb);
    const ColorMapObject *map = img.ImageDesc.ColorMap ? img.ImageDesc.ColorMap : gif->SColorMap;
    ck_assert(map != nullptr);
    if (gcb.DisposalMode == DISPOSE_PREVIOUS) saved = canvas;
    const int l = img.ImageDesc.Left, t = img.ImageDesc.Top;
    for (int y = 0; y < img.ImageDesc.Height && t + y < h; y++)
      for (int x = 0; x < img.ImageDesc.Width && l + x < w; x++) {
        int c = img.RasterBits[static_cast<size_t>(y) * img.ImageDesc.Width + x];
        if (c == gcb.TransparentColor) continue;
        ck_assert_int_lt(c, map->ColorCount);
        uint8_t *p = &canvas[(static_cast<size_t>(t + y) * w + l + x) * 4];
        p[0] = map->Colors[c].Red;
        p[1] = map->Colors[c].Green;
        p[2] = map->Colors[c].Blue;
        p[3] = 255;
      }
    out.push_back(canvas);
    if (gcb.DisposalMode == DISPOSE_BACKGROUND) {
      for (int y = t; y < t + img.ImageDesc.Height && y < h; y++)
        for (int x = l; x < l + img.ImageDesc.Width && x < w; x++)
          std::memset(&canvas[(static_cast<size_t>(y) * w + x) * 4], 0, 4);
    } else if (gcb.DisposalMode == DISPOSE_PREVIOUS) {
      canvas = saved;
    }
  }
  DGifCloseFile(gif, &err);
  return out;
}

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
  auto canvases = slurp(e.file, &count);
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
    slurp(e.file, &count);
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
