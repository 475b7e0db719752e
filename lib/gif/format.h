// SPDX-License-Identifier: LGPL-2.1-or-later
// The GIF89a format itself, stated once for the reader, the writer and the muxer (as FFmpeg's
// libavcodec/gif.h is shared by its decoder and encoder): block introducers, extension labels,
// fixed block sizes, the disposal methods, the graphic control extension, and what browsers do
// with short delays. Plain data, no behaviour.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mk::gif {

// Block introducers.
inline constexpr uint8_t kExtensionIntroducer = 0x21;  // '!'
inline constexpr uint8_t kImageSeparator = 0x2C;       // ','
inline constexpr uint8_t kTrailer = 0x3B;              // ';'

// Extension labels (the byte after kExtensionIntroducer).
inline constexpr uint8_t kLabelPlainText = 0x01;
inline constexpr uint8_t kLabelGraphicControl = 0xF9;
inline constexpr uint8_t kLabelComment = 0xFE;
inline constexpr uint8_t kLabelApplication = 0xFF;

// Fixed sizes, in bytes.
inline constexpr size_t kSignatureBytes = 6;         // "GIF87a" / "GIF89a"
inline constexpr size_t kScreenDescriptorBytes = 7;  // width, height, flags, background, aspect
inline constexpr size_t kScreenBytes = kSignatureBytes + kScreenDescriptorBytes;
inline constexpr size_t kGraphicControlBodyBytes = 4;  // flags, delay (2), transparent index
inline constexpr size_t kImageDescriptorBytes = 10;    // separator, left, top, width, height, flags
inline constexpr size_t kMaxSubBlockBytes = 255;
inline constexpr size_t kApplicationIdBytes = 11;  // "NETSCAPE2.0": identifier + auth code

// 16-bit fields: screen and frame sizes (1..65535), loop count (0 = forever).
inline constexpr int kMaxDimension = 65535;
inline constexpr int kMaxLoopCount = 65535;

// Disposal methods, as stored in the graphic control extension (3 bits). A file may hold 4..7,
// which the spec leaves undefined; the reader keeps them as read (see Compositor for their
// meaning), so an object of this type may hold any value 0..7.
enum class Disposal : uint8_t {
  kUnspecified = 0,        // the decoder may do anything: browsers keep the frame
  kKeep = 1,               // leave the frame on the canvas
  kRestoreBackground = 2,  // clear the frame's rectangle (to transparent, as browsers do)
  kRestorePrevious = 3,    // put back what was under the frame
};

// Restore-previous as browsers treat it: 3, and 4 (Chromium, Wuffs, libnsgif quirk).
inline bool disposalRestoresPrevious(Disposal d) noexcept {
  return d == Disposal::kRestorePrevious || static_cast<uint8_t>(d) == 4;
}

// A graphic control extension, as read or to be written.
struct GraphicControl {
  bool present = false;  // reading: the frame had one (writing ignores it)
  Disposal disposal = Disposal::kUnspecified;
  bool user_input = false;
  bool has_transparency = false;
  uint8_t transparent_index = 0;
  uint16_t delay_cs = 0;  // hundredths of a second, as stored (no delay policy applied)
};

// What browsers do with short delays (not in the spec): Chromium and Firefox show a delay below
// 2 cs as 10 cs, and FFmpeg's demuxer does the same. Our demuxer's default delay policy and the
// encoder's shortest frame follow them.
inline constexpr uint16_t kMinDelayCs = 2;       // the smallest delay browsers honour
inline constexpr uint16_t kDefaultDelayCs = 10;  // what they show instead of a shorter one
inline constexpr uint16_t kMaxDelayCs = 65535;

}  // namespace mk::gif
