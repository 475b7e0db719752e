// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/frame_decoder.h"

#include <cinttypes>
#include <cstring>
#include <new>
#include <string>

#include "core/log.h"
#include "gif/byte_reader.h"

namespace mk::gif {

namespace {

struct InterlacePass {
  unsigned start, step;
};
constexpr InterlacePass kPasses[4] = {{0, 8}, {4, 8}, {2, 4}, {1, 2}};

// Calls fn(display_row) for each stream row in order, until fn returns false.
template <typename Fn>
void forEachRow(unsigned height, bool interlaced, Fn fn) {
  if (!interlaced) {
    for (unsigned y = 0; y < height; y++)
      if (!fn(y)) return;
    return;
  }
  for (const InterlacePass &p : kPasses)
    for (unsigned y = p.start; y < height; y += p.step)
      if (!fn(y)) return;
}

std::string frameLabel(const FrameInfo &f) {
  return "frame " + std::to_string(f.index) + " (image at offset " +
         std::to_string(f.descriptor_offset) + ")";
}

}  // namespace

Status FrameDecoder::setCodecData(const uint8_t *data, size_t size) {
  configured_ = false;
  ReaderLimits limits;
  limits.max_canvas_pixels = options_.max_canvas_pixels;
  Reader header(limits);
  Status st = header.push(data, size);
  if (!st) return st;
  header.finish();
  Result<Event> ev = header.next();
  if (!ev) return ev.status();
  if (*ev != Event::kHeader) return Status(Errc::kCorruptData, "codec data holds no GIF header");
  screen_ = header.screen();
  st = compositor_.configure(screen_.width, screen_.height, options_.format,
                             options_.background_rgb, options_.max_canvas_pixels);
  if (!st) return st;
  reader_ = Reader(limits);
  frames_ = 0;
  configured_ = true;
  return Status::ok();
}

Status FrameDecoder::decodeFrame(const uint8_t *record, size_t size, uint8_t *out, size_t stride,
                                 FrameReport *report) {
  if (!configured_) return Status(Errc::kInvalidArgument, "decodeFrame() before setCodecData()");
  // The reader keeps the payload of extensions before the image (up to its limit).
  try {
    return parseAndDecode(record, size, out, stride, report);
  } catch (const std::bad_alloc &) {
    return Status(Errc::kNoMemory,
                  "no memory to read a frame record of " + std::to_string(size) + " bytes");
  }
}

Status FrameDecoder::parseAndDecode(const uint8_t *record, size_t size, uint8_t *out, size_t stride,
                                    FrameReport *report) {
  reader_.resetBody(screen_);
  Status st = reader_.push(record, size);
  if (!st) return st;
  reader_.finish();
  for (;;) {
    Result<Event> ev = reader_.next();
    if (!ev) return ev.status();
    if (*ev == Event::kFrame)
      return decodeParsed(reader_.frame(), reader_.eventData(), out, stride, report);
    if (*ev == Event::kEnd)
      return Status(Errc::kCorruptData,
                    "the buffer of " + std::to_string(size) + " bytes holds no image");
    // Extensions before the image (comments, loop blocks) do not change pixels.
  }
}

Status FrameDecoder::decodeParsed(const FrameInfo &info, const uint8_t *record, uint8_t *out,
                                  size_t stride, FrameReport *report) {
  FrameReport local;
  FrameReport &rep = report ? *report : local;
  rep = FrameReport();
  rep.info = info;
  if (!configured_) return Status(Errc::kInvalidArgument, "decodeFrame() before setCodecData()");
  if (out && stride < minStride())
    return Status(Errc::kInvalidArgument, "output stride " + std::to_string(stride) +
                                              " is smaller than a row (" +
                                              std::to_string(minStride()) + " bytes)");
  // Join the sub-block payloads so the LZW loop reads contiguous memory.
  const size_t lzw_at = static_cast<size_t>(info.lzw_offset - info.record.offset);
  ByteReader r(record, static_cast<size_t>(info.record.size));
  size_t filled = 0;
  try {
    lzw_data_.resize(static_cast<size_t>(info.lzw_data_bytes));
    if (r.skip(lzw_at)) {
      uint8_t len = 0;
      while (r.u8(len) && len != 0) {
        size_t take = len;
        if (!r.has(take)) take = r.remaining();  // a truncated record: use what is there
        if (filled + take > lzw_data_.size()) lzw_data_.resize(filled + take);
        if (!r.bytes(lzw_data_.data() + filled, take)) break;
        filled += take;
      }
    }
  } catch (const std::bad_alloc &) {
    return Status(Errc::kNoMemory, frameLabel(info) + ": no memory for its " +
                                       std::to_string(info.lzw_data_bytes) + " bytes of LZW data");
  }
  frames_++;
  rep.index = frames_;

  const Palette *palette = info.local_palette.size       ? &info.local_palette
                           : screen_.global_palette.size ? &screen_.global_palette
                                                         : nullptr;
  Status st = compositor_.beginFrame(info, palette);
  if (!st) return st;
  Status lzw_status;
  // A frame without pixels is legal whatever its data says (it only carries timing/disposal).
  if (uint32_t{info.width} * info.height != 0) {
    lzw_status = lzw_.reset(info.lzw_min_code_size, lzw_data_.data(), filled);
    if (lzw_status) lzw_status = decodePixels(info, rep);
  }
  if (!lzw_status)
    lzw_status = Status(lzw_status.code(), frameLabel(info) + ": " + lzw_status.message());
  compositor_.endFrame();
  if (out) {
    compositor_.copyTo(out, stride);
    rep.output_written = true;
  }
  if (!lzw_status) MK_LOG_INFO("gif", "%s", lzw_status.message().c_str());
  return lzw_status;
}

Status FrameDecoder::decodePixels(const FrameInfo &info, FrameReport &rep) {
  const unsigned w = info.width, h = info.height;
  rep.pixels_expected = uint64_t{w} * h;
  if (rep.pixels_expected == 0 || !compositor_.frameVisible()) return Status::ok();
  const unsigned vis_end = compositor_.visibleRowEnd();  // rows at or past it are off-canvas

  uint64_t got = 0;
  if (rep.pixels_expected <= options_.max_canvas_pixels || options_.max_canvas_pixels == 0) {
    // The common case: the whole frame's indexes in one LZW call, then rows. A non-interlaced
    // frame stops at its last visible row.
    uint64_t want = rep.pixels_expected;
    if (!info.interlaced) want = uint64_t{w} * vis_end;
    if (indexes_.size() < want) {
      try {
        indexes_.resize(static_cast<size_t>(want));
      } catch (const std::bad_alloc &) {
        return Status(Errc::kNoMemory, "no memory for the " + std::to_string(want) +
                                           " palette indexes of the frame");
      }
    }
    got = lzw_.decode(indexes_.data(), static_cast<size_t>(want));
    uint64_t stream_row = 0;
    forEachRow(h, info.interlaced, [&](unsigned y) {
      const uint64_t start = stream_row * w;
      stream_row++;
      if (start >= got) return false;
      const uint64_t n = got - start < w ? got - start : w;
      if (y < vis_end) compositor_.drawRow(y, indexes_.data() + start, static_cast<unsigned>(n));
      return true;
    });
  } else {
    // A frame larger than any canvas we allow: one row at a time, stopping after the last row
    // that can be seen, so a huge frame over a small screen costs little.
    if (indexes_.size() < w) {
      try {
        indexes_.resize(w);
      } catch (const std::bad_alloc &) {
        return Status(Errc::kNoMemory, "no memory for a row of " + std::to_string(w) + " indexes");
      }
    }
    unsigned visible_left = 0;
    forEachRow(h, info.interlaced, [&](unsigned y) {
      if (y < vis_end) visible_left++;
      return true;
    });
    forEachRow(h, info.interlaced, [&](unsigned y) {
      if (visible_left == 0) return false;
      const size_t n = lzw_.decode(indexes_.data(), w);
      got += n;
      if (y < vis_end) {
        compositor_.drawRow(y, indexes_.data(), static_cast<unsigned>(n));
        visible_left--;
      }
      return n == w;
    });
  }
  rep.pixels_decoded = got;
  if (lzw_.state() == LzwDecoder::State::kInvalidCode) return lzw_.error();
  const bool stopped_early = lzw_.state() != LzwDecoder::State::kRunning;
  if (stopped_early && got < rep.pixels_expected &&
      (info.interlaced || got < uint64_t{w} * vis_end)) {
    // Too few pixels (end code or data ran out): shown with the rest of the canvas unchanged.
    return Status(Errc::kTruncated, "LZW data ended after " + std::to_string(got) + " of " +
                                        std::to_string(rep.pixels_expected) + " pixels");
  }
  return Status::ok();
}

}  // namespace mk::gif
