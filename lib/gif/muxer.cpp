// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/muxer.h"

#include <cstdint>
#include <new>
#include <string>

#include "gif/byte_reader.h"
#include "gif/format.h"
#include "gif/reader.h"

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

Result<ScreenInfo> parseCodecData(const uint8_t *data, size_t size) {
  ReaderLimits limits;
  limits.max_canvas_pixels = 0;
  Reader reader(limits);
  try {
    Status st = reader.push(data, size);
    if (!st) return st;
    reader.finish();
    Result<Event> ev = reader.next();
    if (!ev) return Status(ev.status().code(), "codec_data: " + ev.status().message());
    if (*ev != Event::kHeader) return Status(Errc::kCorruptData, "codec_data holds no GIF header");
  } catch (const std::bad_alloc &) {
    return Status(Errc::kNoMemory, "no memory to read codec_data");
  }
  const ScreenInfo &screen = reader.screen();
  if (screen.codec_data.size != size)
    return Status(Errc::kCorruptData, "codec_data is " + std::to_string(size) +
                                          " bytes; its header announces " +
                                          std::to_string(screen.codec_data.size));
  return screen;
}

Status setBackgroundIndex(std::vector<uint8_t> &codec_data, int index) {
  // The logical screen descriptor: width, height, flags, then the background index.
  constexpr size_t kBackgroundAt = kSignatureBytes + 5;
  if (index < 0 || index > 255)
    return Status(Errc::kOutOfRange,
                  "background-index " + std::to_string(index) + " is outside 0..255");
  if (codec_data.size() < kScreenBytes)
    return Status(Errc::kTruncated, "codec_data is shorter than a screen descriptor");
  codec_data[kBackgroundAt] = static_cast<uint8_t>(index);
  return Status::ok();
}

Result<FrameRecord> parseFrameRecord(const uint8_t *data, size_t size) {
  // The whole record is in memory: no bound on its size, and no extension payload is kept.
  ReaderLimits limits;
  limits.max_canvas_pixels = 0;
  limits.max_record_bytes = SIZE_MAX;
  limits.max_payload_bytes = 0;
  Reader reader(limits);
  FrameRecord rec;
  try {
    reader.resetBody(ScreenInfo());
    Status st = reader.push(data, size);
    if (!st) return st;
    reader.finish();
    for (;;) {
      Result<Event> ev = reader.next();
      if (!ev) return Status(ev.status().code(), "frame record: " + ev.status().message());
      if (*ev == Event::kFrame) break;
      if (*ev == Event::kEnd)
        return Status(Errc::kTruncated, "frame record has no image descriptor");
      rec.dropped_blocks++;  // kExtension (the graphic control is reported with the frame)
    }
  } catch (const std::bad_alloc &) {
    return Status(Errc::kNoMemory, "no memory to read a frame record");
  }
  const FrameInfo &f = reader.frame();
  const size_t palette_bytes = size_t{3} * f.local_palette.size;
  const size_t lzw_at = static_cast<size_t>(f.lzw_offset);
  if (lzw_at == f.descriptor_offset + kImageDescriptorBytes + palette_bytes)
    // An image without pixels whose record stops after its descriptor (no minimum code size).
    return Status(Errc::kCorruptData, "frame record: the image at byte " +
                                          std::to_string(f.descriptor_offset) +
                                          " has no image data");
  rec.control = f.control;
  rec.image_offset = static_cast<size_t>(f.descriptor_offset);
  if (!f.truncated) {
    rec.image_end = static_cast<size_t>(f.record.end()) - 1;
    rec.terminated = true;
    return rec;
  }
  // Cut inside the image data: keep every whole sub-block.
  ByteReader r(data + lzw_at, size - lzw_at);
  size_t whole = 0;
  for (;;) {
    uint8_t len;
    if (!r.u8(len) || len == 0 || !r.skip(len)) break;
    whole = r.pos();
  }
  rec.image_end = lzw_at + whole;
  return rec;
}

}  // namespace mk::gif
