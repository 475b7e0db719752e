// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif value types shared by the reader, the LZW decoder and the compositor: what a GIF file
// says (screen, palettes, graphic control, image descriptor), byte ranges in the file, pixel
// formats and limits. Plain data, no behaviour; every field is already range-checked by whoever
// filled it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "gif/format.h"
#include "gif/pixel_format.h"

namespace mk::gif {

// The default cap on logical screen pixels (width * height). 2^25 = 33.5 Mpx covers 8192x4096
// and any real GIF seen in the wild, while the decoder's worst case stays near 300 MiB
// (canvas + restore-previous copy at 4 bytes a pixel, plus one byte a pixel of LZW indexes), which
// an aarch64 board can afford; 16384^2 would allow 1 GiB canvases from a 38-byte file.
inline constexpr uint64_t kDefaultMaxCanvasPixels = uint64_t{1} << 25;

// The default cap on one buffered record (a frame with its extensions, or a run of extensions):
// the reader never holds more than this many unconsumed bytes.
inline constexpr size_t kDefaultMaxRecordBytes = size_t{64} << 20;

// A byte range in the GIF file (offsets count from the first byte pushed to the reader).
struct Span {
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t end() const noexcept { return offset + size; }
};

struct Palette {
  uint16_t size = 0;  // entries, 0 or 2..256
  uint8_t rgb[256 * 3] = {};
};

enum class Version { kGif87a, kGif89a };

struct ScreenInfo {
  Version version = Version::kGif89a;
  uint16_t width = 0;
  uint16_t height = 0;
  uint8_t background_index = 0;
  uint8_t aspect = 0;            // raw pixel-aspect byte: 0 = none, else PAR = (aspect + 15) / 64
  uint8_t color_resolution = 0;  // raw 3-bit field + 1 (bits per primary of the source)
  bool global_palette_sorted = false;
  Palette global_palette;  // size 0 when there is none
  Span codec_data;         // header + logical screen descriptor + global palette
};

struct FrameInfo {
  uint32_t index = 0;          // 0-based image number in the file
  Span record;                 // first extension belonging to the frame .. LZW block terminator
  uint64_t descriptor_offset;  // file offset of the image separator (0x2C)
  GraphicControl control;      // the last GCE since the previous image, if any
  uint16_t left = 0, top = 0, width = 0, height = 0;
  bool interlaced = false;
  Palette local_palette;  // size 0 when the frame has none
  uint8_t lzw_min_code_size = 0;
  uint64_t lzw_offset = 0;      // file offset of the first sub-block length byte
  uint64_t lzw_data_bytes = 0;  // sum of sub-block payloads
  // The canvas after this frame depends on this frame alone (from a transparent canvas): frame 0,
  // or a full-screen frame without transparency that does not restore-previous, or a frame drawn
  // on a canvas the previous frame cleared entirely (disposal 2 over the whole screen). Decoding
  // may restart here after Compositor::reset().
  bool key = false;
  bool truncated = false;  // the file ended inside the LZW data (only after Reader::finish())
};

}  // namespace mk::gif
