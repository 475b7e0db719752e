// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/writer.h"

#include <algorithm>
#include <string>

namespace mk::gif {

namespace {

void put16(std::vector<uint8_t> &out, unsigned v) {
  out.push_back(static_cast<uint8_t>(v & 0xff));
  out.push_back(static_cast<uint8_t>((v >> 8) & 0xff));
}

void putTable(std::vector<uint8_t> &out, const ColorTable &t) {
  const int n = t.tableSize();
  for (int i = 0; i < n; i++) {
    // Unused slots (padding, the transparent entry) are written black.
    Rgb c = (i < t.size && i != t.transparent) ? t.entries[i] : Rgb{};
    out.push_back(c.r);
    out.push_back(c.g);
    out.push_back(c.b);
  }
}

}  // namespace

Status writeCodecData(std::vector<uint8_t> &out, int width, int height, const ColorTable *global,
                      int background) {
  if (width < 1 || width > kMaxDimension || height < 1 || height > kMaxDimension)
    return Status(Errc::kOutOfRange, "GIF screen size " + std::to_string(width) + "x" +
                                         std::to_string(height) + " is outside 1.." +
                                         std::to_string(kMaxDimension));
  static const char kSig[] = "GIF89a";
  out.insert(out.end(), kSig, kSig + kSignatureBytes);
  put16(out, static_cast<unsigned>(width));
  put16(out, static_cast<unsigned>(height));
  uint8_t flags = 0;
  if (global) {
    const int bits = global->bits();
    // Global table present, colour resolution = table depth, not sorted, size field.
    flags = static_cast<uint8_t>(0x80 | ((bits - 1) << 4) | (bits - 1));
  }
  out.push_back(flags);
  out.push_back(static_cast<uint8_t>(global ? std::clamp(background, 0, 255) : 0));
  out.push_back(0);  // pixel aspect ratio: not given (square)
  if (global) putTable(out, *global);
  return Status::ok();
}

void writeLoopExtension(std::vector<uint8_t> &out, uint16_t loop_count) {
  static const char kId[] = "NETSCAPE2.0";
  out.push_back(kExtensionIntroducer);
  out.push_back(kLabelApplication);
  out.push_back(static_cast<uint8_t>(kApplicationIdBytes));
  out.insert(out.end(), kId, kId + kApplicationIdBytes);
  out.push_back(3);
  out.push_back(1);
  put16(out, loop_count);
  out.push_back(0);
}

void writeComment(std::vector<uint8_t> &out, std::string_view text) {
  out.push_back(kExtensionIntroducer);
  out.push_back(kLabelComment);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t n = std::min(kMaxSubBlockBytes, text.size() - pos);
    out.push_back(static_cast<uint8_t>(n));
    out.insert(out.end(), text.begin() + pos, text.begin() + pos + n);
    pos += n;
  }
  out.push_back(0);
}

void writeGraphicControl(std::vector<uint8_t> &out, const GraphicControl &gce) {
  out.push_back(kExtensionIntroducer);
  out.push_back(kLabelGraphicControl);
  out.push_back(static_cast<uint8_t>(kGraphicControlBodyBytes));
  uint8_t flags = static_cast<uint8_t>((static_cast<unsigned>(gce.disposal) & 7) << 2);
  if (gce.user_input) flags |= 2;
  if (gce.has_transparency) flags |= 1;
  out.push_back(flags);
  put16(out, gce.delay_cs);
  out.push_back(gce.has_transparency ? gce.transparent_index : 0);
  out.push_back(0);
}

void writeImageDescriptor(std::vector<uint8_t> &out, const FrameRect &rect,
                          const ColorTable *local) {
  out.push_back(kImageSeparator);
  put16(out, static_cast<unsigned>(rect.x));
  put16(out, static_cast<unsigned>(rect.y));
  put16(out, static_cast<unsigned>(rect.width));
  put16(out, static_cast<unsigned>(rect.height));
  uint8_t flags = 0;
  if (local) flags = static_cast<uint8_t>(0x80 | (local->bits() - 1));
  out.push_back(flags);
  if (local) putTable(out, *local);
}

void writeTrailer(std::vector<uint8_t> &out) {
  out.push_back(kTrailer);
}

}  // namespace mk::gif
