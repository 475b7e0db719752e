// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/muxer.h"

#include <cstring>
#include <string>

#include "gif/byte_reader.h"
#include "gif/format.h"

namespace mk::gif {

namespace {

constexpr Option kMuxOptions[] = {
    optInt<&MuxSettings::loop_count>(
        "loop-count", "Loop Count",
        "Repeats after the first play: 0 = forever, N = N more times, -1 = no loop extension "
        "(play once), -2 = as the input stream says",
        kLoopFromCaps, kLoopFromCaps, kMaxLoopCount, kOptionMutableReady),
    optInt<&MuxSettings::final_delay>(
        "final-delay", "Final Delay",
        "Delay in centiseconds of the last frame before the animation restarts; -1 keeps its own",
        -1, -1, kMaxDelayCs, kOptionMutableReady),
    optInt<&MuxSettings::background_index>(
        "background-index", "Background Index",
        "Colour table index written as the screen's background colour; -1 keeps the stream's", -1,
        -1, 255, kOptionMutableReady),
    optString<&MuxSettings::comment>(
        "comment", "Comment",
        "Text written as a comment extension before the stream's own comments; empty for none", "",
        kOptionMutableReady),
};

constexpr OptionTable kMuxTable(kMuxOptions);

std::string at(size_t pos) {
  return " at byte " + std::to_string(pos);
}

// Skips data sub-blocks up to and including the terminator.
bool skipSubBlocks(ByteReader &r) {
  for (;;) {
    uint8_t len;
    if (!r.u8(len)) return false;
    if (len == 0) return true;
    if (!r.skip(len)) return false;
  }
}

}  // namespace

const OptionTable &muxOptions() noexcept {
  return kMuxTable;
}

MuxSettings::MuxSettings() noexcept {
  muxOptions().setDefaults(this);
}

int resolveLoopCount(int property, int stream_loop, bool have_stream) noexcept {
  if (property >= kLoopNone) return property > kMaxLoopCount ? kMaxLoopCount : property;
  if (!have_stream) return 0;
  if (stream_loop < 0) return kLoopNone;
  return stream_loop > kMaxLoopCount ? kMaxLoopCount : stream_loop;
}

Result<ScreenHeader> parseCodecData(const uint8_t *data, size_t size) {
  ByteReader r(data, size);
  uint8_t sig[6];
  if (!r.bytes(sig, 6) ||
      (std::memcmp(sig, "GIF89a", 6) != 0 && std::memcmp(sig, "GIF87a", 6) != 0))
    return Status(Errc::kCorruptData, "codec_data does not start with a GIF signature");
  uint16_t w, h;
  uint8_t packed, background, aspect;
  if (!r.u16le(w) || !r.u16le(h) || !r.u8(packed) || !r.u8(background) || !r.u8(aspect))
    return Status(Errc::kTruncated, "codec_data ends inside the logical screen descriptor");
  if (w == 0 || h == 0) return Status(Errc::kCorruptData, "codec_data has a zero screen size");
  size_t table = (packed & 0x80) ? size_t{3} << ((packed & 7) + 1) : 0;
  if (r.remaining() != table)
    return Status(Errc::kCorruptData, "codec_data is " + std::to_string(size) +
                                          " bytes; its header announces " +
                                          std::to_string(kScreenBytes + table));
  ScreenHeader h2;
  h2.width = w;
  h2.height = h;
  h2.background = background;
  h2.size = size;
  return h2;
}

Status setBackgroundIndex(std::vector<uint8_t> &codec_data, int index) {
  if (index < 0 || index > 255)
    return Status(Errc::kOutOfRange,
                  "background-index " + std::to_string(index) + " is outside 0..255");
  if (codec_data.size() < kScreenBytes)
    return Status(Errc::kTruncated, "codec_data is shorter than a screen descriptor");
  codec_data[11] = static_cast<uint8_t>(index);
  return Status::ok();
}

Result<RecordInfo> cleanFrameRecord(const uint8_t *data, size_t size, std::vector<uint8_t> &out) {
  ByteReader r(data, size);
  RecordInfo info;
  uint8_t control[4] = {};
  for (;;) {
    uint8_t introducer;
    if (!r.u8(introducer)) return Status(Errc::kTruncated, "frame record has no image descriptor");
    if (introducer == kImageSeparator) break;
    if (introducer != kExtensionIntroducer)
      return Status(Errc::kCorruptData, "unexpected block type " + std::to_string(introducer) +
                                            " in a frame record" + at(r.pos() - 1));
    uint8_t label, len;
    if (!r.u8(label) || !r.peekU8(len))
      return Status(Errc::kTruncated, "frame record ends inside an extension" + at(r.pos()));
    size_t body = r.pos() + 1;
    if (!skipSubBlocks(r))
      return Status(Errc::kTruncated, "frame record ends inside an extension" + at(r.pos()));
    if (label == kLabelGraphicControl && len >= 4) {
      // The last graphic control extension before the image is the one that applies.
      std::memcpy(control, data + body, 4);
      info.has_control = true;
    } else {
      info.dropped_blocks++;
    }
  }
  size_t descriptor = r.pos() - 1;
  uint8_t desc[9];
  if (!r.bytes(desc, 9))
    return Status(Errc::kTruncated, "frame record ends inside the image descriptor");
  size_t table = (desc[8] & 0x80) ? size_t{3} << ((desc[8] & 7) + 1) : 0;
  uint8_t min_code;
  if (!r.skip(table) || !r.u8(min_code))
    return Status(Errc::kTruncated, "frame record ends before its image data");
  size_t data_end = r.pos();  // end of the last whole sub-block copied
  bool terminated = false;
  for (;;) {
    uint8_t len;
    if (!r.u8(len)) break;
    if (len == 0) {
      terminated = true;
      break;
    }
    if (!r.skip(len)) break;
    data_end = r.pos();
  }

  if (info.has_control) {
    const uint8_t head[3] = {kExtensionIntroducer, kLabelGraphicControl, 4};
    out.insert(out.end(), head, head + 3);
    out.insert(out.end(), control, control + 4);
    out.push_back(0);
    info.delay_cs = static_cast<uint16_t>(control[1] | (control[2] << 8));
  }
  out.insert(out.end(), data + descriptor, data + data_end);
  out.push_back(0);
  info.truncated = !terminated;
  return info;
}

void setRecordDelay(std::vector<uint8_t> &record, RecordInfo &info, uint16_t delay_cs) {
  if (!info.has_control) {
    const uint8_t gce[8] = {kExtensionIntroducer, kLabelGraphicControl, 4, 0, 0, 0, 0, 0};
    record.insert(record.begin(), gce, gce + 8);
    info.has_control = true;
  }
  record[4] = static_cast<uint8_t>(delay_cs & 0xff);
  record[5] = static_cast<uint8_t>(delay_cs >> 8);
  info.delay_cs = delay_cs;
}

}  // namespace mk::gif
