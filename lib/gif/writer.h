// SPDX-License-Identifier: LGPL-2.1-or-later
// GIF89a byte writer. Each function appends exactly one piece of the file to a byte vector, so the
// encoder and the muxer can assemble a file from independent parts:
//   codec_data (header + logical screen descriptor + global colour table)
//   [loop extension] [comments] frame records... trailer
// where a frame record is [GCE] image descriptor [local colour table] LZW data (writeFrame).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "gif/color_table.h"
#include "gif/format.h"

namespace mk::gif {

struct FrameRect {
  int x = 0, y = 0, width = 0, height = 0;
};

// "GIF89a", the logical screen descriptor and, when `global` is not null, the global colour table
// (padded to its power-of-two size). width and height 1..65535. background: the GCT index.
[[nodiscard]] Status writeCodecData(std::vector<uint8_t> &out, int width, int height,
                                    const ColorTable *global, int background = 0);

// NETSCAPE2.0 application extension. loop_count 0 = loop forever, N = repeat N times (0..65535).
void writeLoopExtension(std::vector<uint8_t> &out, uint16_t loop_count);

// Comment extension; text longer than 255 bytes is split over several sub-blocks.
void writeComment(std::vector<uint8_t> &out, std::string_view text);

// Graphic control extension (`present` is not looked at).
void writeGraphicControl(std::vector<uint8_t> &out, const GraphicControl &gce);

// Image descriptor plus, when `local` is not null, the local colour table. Interlacing is not
// written (the flag stays 0).
void writeImageDescriptor(std::vector<uint8_t> &out, const FrameRect &rect,
                          const ColorTable *local);

// The trailer byte 0x3B.
void writeTrailer(std::vector<uint8_t> &out);

}  // namespace mk::gif
