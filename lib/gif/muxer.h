// SPDX-License-Identifier: LGPL-2.1-or-later
// What gifmux needs to know about GIF: its settings (option table), the loop count to write,
// checks and patches of codec_data, and the rewrite of a frame record (as gifdemux or gifenc
// deliver it) down to its graphic control extension and image, so loop extensions, comments and
// other application data inside a record are never copied into the new file twice. Every byte
// is read through ByteReader; a record that cannot be rewritten is an error, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/options.h"
#include "core/result.h"

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

struct ScreenHeader {
  int width = 0, height = 0;
  int background = 0;
  size_t size = 0;  // header + screen descriptor + global colour table
};

// Checks that `data` is exactly a GIF header, logical screen descriptor and global colour table.
[[nodiscard]] Result<ScreenHeader> parseCodecData(const uint8_t *data, size_t size);
// Rewrites the background colour index (byte 11) of a codec_data that parseCodecData accepted.
[[nodiscard]] Status setBackgroundIndex(std::vector<uint8_t> &codec_data, int index);

struct RecordInfo {
  bool has_control = false;  // the rewritten record starts with a graphic control extension
  uint16_t delay_cs = 0;     // its delay
  int dropped_blocks = 0;    // extensions left out (comments, loop, application, plain text)
  bool truncated = false;    // the LZW data was cut short: closed after its last whole sub-block
};

// Appends to `out` the record's last graphic control extension (4-byte body) followed by its
// image descriptor, local colour table and LZW data up to the block terminator. On error
// nothing is appended.
[[nodiscard]] Result<RecordInfo> cleanFrameRecord(const uint8_t *data, size_t size,
                                                  std::vector<uint8_t> &out);

// Sets the delay of a record cleanFrameRecord wrote at `record[0]`, inserting a graphic control
// extension (no disposal, no transparency) when it has none.
void setRecordDelay(std::vector<uint8_t> &record, RecordInfo &info, uint16_t delay_cs);

}  // namespace mk::gif
