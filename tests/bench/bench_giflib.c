/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* giflib's decode path as a peer for `scripts/bench gif-decode`: DGifSlurp, then every frame
 * composited into a full BGRA canvas (disposal 0-3, transparency), the way an application using
 * giflib must do it itself. Prints: frames=<n> ms=<wall time>. */
#include <gif_lib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
main (int argc, char **argv)
{
  if (argc < 2) {
    fprintf (stderr, "usage: %s file.gif\n", argv[0]);
    return 2;
  }
  double t0 = now_ms ();
  int err = 0;
  GifFileType *gif = DGifOpenFileName (argv[1], &err);
  if (!gif || DGifSlurp (gif) != GIF_OK) {
    fprintf (stderr, "giflib: %s\n", GifErrorString (gif ? gif->Error : err));
    return 1;
  }
  int w = gif->SWidth, h = gif->SHeight;
  uint8_t *canvas = calloc ((size_t) w * h, 4);
  uint8_t *saved = calloc ((size_t) w * h, 4);
  uint64_t checksum = 0;
  for (int i = 0; i < gif->ImageCount; i++) {
    SavedImage *img = &gif->SavedImages[i];
    GraphicsControlBlock gcb = { 0, false, 0, NO_TRANSPARENT_COLOR };
    DGifSavedExtensionToGCB (gif, i, &gcb);
    ColorMapObject *map = img->ImageDesc.ColorMap ? img->ImageDesc.ColorMap : gif->SColorMap;
    if (gcb.DisposalMode == DISPOSE_PREVIOUS)
      memcpy (saved, canvas, (size_t) w * h * 4);
    int l = img->ImageDesc.Left, t = img->ImageDesc.Top;
    for (int y = 0; y < img->ImageDesc.Height; y++) {
      if (t + y >= h)
        break;
      for (int x = 0; x < img->ImageDesc.Width; x++) {
        if (l + x >= w)
          break;
        int c = img->RasterBits[(size_t) y * img->ImageDesc.Width + x];
        if (c == gcb.TransparentColor || !map || c >= map->ColorCount)
          continue;
        uint8_t *p = canvas + ((size_t) (t + y) * w + l + x) * 4;
        p[0] = map->Colors[c].Blue;
        p[1] = map->Colors[c].Green;
        p[2] = map->Colors[c].Red;
        p[3] = 255;
      }
    }
    checksum += canvas[((size_t) (h / 2) * w + w / 2) * 4];
    if (gcb.DisposalMode == DISPOSE_BACKGROUND) {
      for (int y = t; y < t + img->ImageDesc.Height && y < h; y++)
        memset (canvas + ((size_t) y * w + l) * 4, 0,
            (size_t) (l + img->ImageDesc.Width <= w ? img->ImageDesc.Width : w - l) * 4);
    } else if (gcb.DisposalMode == DISPOSE_PREVIOUS) {
      memcpy (canvas, saved, (size_t) w * h * 4);
    }
  }
  double t1 = now_ms ();
  printf ("frames=%d ms=%.1f checksum=%llu\n", gif->ImageCount, t1 - t0,
      (unsigned long long) checksum);
  free (canvas);
  free (saved);
  DGifCloseFile (gif, &err);
  return 0;
}
