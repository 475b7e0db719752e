// SPDX-License-Identifier: LGPL-2.1-or-later
// giflib (an independent decoder) reads a whole GIF in memory for the tests: its frames
// composited into RGBA canvases, one per frame, as an application using giflib must do itself.
#pragma once

#include <check.h>
#include <gif_lib.h>

#include <cstring>
#include <vector>

namespace giflib_test {

struct MemoryFile {
  const std::vector<uint8_t> *bytes;
  size_t pos = 0;
};

inline int readMemory(GifFileType *gif, GifByteType *buf, int n) {
  auto *m = static_cast<MemoryFile *>(gif->UserData);
  size_t left = m->bytes->size() - m->pos;
  size_t k = static_cast<size_t>(n) < left ? static_cast<size_t>(n) : left;
  std::memcpy(buf, m->bytes->data() + m->pos, k);
  m->pos += k;
  return static_cast<int>(k);
}

// giflib's frames composited into RGBA canvases, one per frame. With `gif_out`, the file stays
// open for the caller to look at (DGifCloseFile it); else it is closed.
inline std::vector<std::vector<uint8_t>> slurp(const std::vector<uint8_t> &file, int *frames,
                                               GifFileType **gif_out = nullptr) {
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
  if (gif_out)
    *gif_out = gif;
  else
    DGifCloseFile(gif, &err);
  return out;
}

}  // namespace giflib_test
