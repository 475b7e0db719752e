// SPDX-License-Identifier: LGPL-2.1-or-later
// What gifmux needs to know about GIF: its settings (option table), the loop count to write,
// checks and patches of codec_data, and the layout of a frame record (as gifdemux or gifenc
// deliver it) reduced to its graphic control extension and image, so loop extensions, comments
// and other application data inside a record are never copied into the new file twice. The GIF
// is parsed by mk::gif::Reader alone; a record that cannot be rewritten is an error, never a
// crash, and nothing here allocates in proportion to the record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/options.h"
#include "core/result.h"
#include "gif/gif_types.h"

namespace mk::gif {

inline constexpr int kLoopFromCaps = -2;  // loop-count: use the stream's (caps) loop count
inline constexpr int kLoopNone = -1;      // no loop extension: the animation plays once

// The members have no initialisers: muxOptions() states the defaults and ranges, once.
struct MuxSettings {
  MuxSettings() noexcept;  // muxOptions()' defaults

  int loop_count;        // -2 from caps, -1 none, 0 forever, N repeats
  int final_delay;       // cs for the last frame; -1 keeps its own
  int background_index;  // the screen's background colour index; -1 keeps the header's
  std::string comment;   // written before the stream's comments; "" = none
};

const OptionTable &muxOptions() noexcept;

// The loop count to write: -1 (no extension) or 0..65535. `stream_loop` is the caps' loop-count
// (-1 none, 0 forever, N), `have_stream` whether the caps carry one; without one the animation
// loops forever (what every GIF encoder writes by default).
int resolveLoopCount(int property, int stream_loop, bool have_stream) noexcept;

// Checks that `data` is exactly a GIF header, logical screen descriptor and global colour table
// (what mk::gif::Reader reads as a file's header, and nothing after it). No canvas limit: the
// muxer decodes nothing.
[[nodiscard]] Result<ScreenInfo> parseCodecData(const uint8_t *data, size_t size);
// Rewrites the background colour index of a codec_data that parseCodecData accepted.
[[nodiscard]] Status setBackgroundIndex(std::vector<uint8_t> &codec_data, int index);

// A frame record (as gifdemux or gifenc deliver it), read by mk::gif::Reader, as gifmux writes it
// out: a graphic control extension made from `control` when `control.present` (the record's
// last one), then the record's own bytes [image_offset, image_end) — image descriptor, local
// colour table, LZW minimum code size and every whole data sub-block — then a block terminator:
// the record's own byte at image_end when `terminated`, else one the writer adds (the LZW data
// was cut short and is closed after its last whole sub-block). Loop extensions, comments,
// application and plain-text extensions inside the record are left out, so they are never
// copied into a new file twice. The image is never copied by the parse: a writer can send the
// record's bytes as they are.
struct FrameRecord {
  GraphicControl control;
  size_t image_offset = 0;
  size_t image_end = 0;
  bool terminated = false;
  int dropped_blocks = 0;  // extensions left out
};

// Parses one frame record. Errors (kCorruptData, kTruncated) name what is wrong; an error
// before the image data (no image, a cut extension or descriptor) refuses the record. Bytes after
// the first image are ignored.
[[nodiscard]] Result<FrameRecord> parseFrameRecord(const uint8_t *data, size_t size);

}  // namespace mk::gif
