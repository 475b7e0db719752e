// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/frame_decoder.h"

#include <atomic>
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

// Numbers the decoders (and each codec data they get), so that canvas ids never repeat.
std::atomic<uint32_t> g_next_session{1};

// The parts of `r` outside `cut`: up to 4 rectangles (above, below, left, right); returns how many.
unsigned subtract(const Rect &r, const Rect &cut, Rect out[4]) {
  const Rect i{r.x0 > cut.x0 ? r.x0 : cut.x0, r.y0 > cut.y0 ? r.y0 : cut.y0,
               r.x1 < cut.x1 ? r.x1 : cut.x1, r.y1 < cut.y1 ? r.y1 : cut.y1};
  if (r.empty()) return 0;
  if (i.empty()) {
    out[0] = r;
    return 1;
  }
  const Rect parts[4] = {{r.x0, r.y0, r.x1, i.y0},
                         {r.x0, i.y1, r.x1, r.y1},
                         {r.x0, i.y0, i.x0, i.y1},
                         {i.x1, i.y0, r.x1, i.y1}};
  unsigned n = 0;
  for (const Rect &p : parts)
    if (!p.empty()) out[n++] = p;
  return n;
}

std::string frameLabel(const FrameInfo &f) {
  return "frame " + std::to_string(f.index) + " (image at offset " +
         std::to_string(f.descriptor_offset) + ")";
}

}  // namespace

FrameDecoder::FrameDecoder() {
  newSession();
}

void FrameDecoder::newSession() noexcept {
  id_base_ = uint64_t{g_next_session.fetch_add(1, std::memory_order_relaxed)} << 32;
  serial_ = 1;  // so that no canvas id is 0 ("unknown")
  history_ = 0;
  current_ = Where::kTransparent;
  own_holds_ = 0;
}

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
  canvas_.clear();  // another size or format: allocated again when first used
  newSession();
  configured_ = true;
  return Status::ok();
}

void FrameDecoder::reset() noexcept {
  compositor_.reset();
  // A new canvas id whose change is the whole screen: memory holding an older canvas is cleared.
  if (serial_ == UINT32_MAX) {
    newSession();
    return;
  }
  serial_++;
  changes_[serial_ % kHistory] = compositor_.screen();
  if (history_ < kHistory) history_++;
  current_ = Where::kTransparent;
}

Status FrameDecoder::readRecord(const uint8_t *record, size_t size) {
  if (!configured_) return Status(Errc::kInvalidArgument, "a frame before setCodecData()");
  reader_.resetBody(screen_);
  Status st;
  try {
    // The reader keeps the payload of extensions before the image (up to its limit).
    st = reader_.push(record, size);
  } catch (const std::bad_alloc &) {
    return Status(Errc::kNoMemory,
                  "no memory to read a frame record of " + std::to_string(size) + " bytes");
  }
  if (!st) return st;
  reader_.finish();
  for (;;) {
    Result<Event> ev = reader_.next();
    if (!ev) return ev.status();
    if (*ev == Event::kFrame) return Status::ok();
    if (*ev == Event::kEnd)
      return Status(Errc::kCorruptData,
                    "the buffer of " + std::to_string(size) + " bytes holds no image");
    // Extensions before the image (comments, loop blocks) do not change pixels.
  }
}

Status FrameDecoder::decodeFrame(const uint8_t *record, size_t size, uint8_t *out, size_t stride,
                                 FrameReport *report) {
  Status st = readRecord(record, size);
  if (!st) return st;
  return decodeParsed(reader_.frame(), reader_.eventData(), out, stride, report);
}

Status FrameDecoder::decodeInto(const uint8_t *record, size_t size, const CanvasTarget &target,
                                const CanvasView *source, FrameReport *report) {
  Status st = readRecord(record, size);
  if (!st) return st;
  return decodeParsedInto(reader_.frame(), reader_.eventData(), target, source, report);
}

Status FrameDecoder::decodeParsed(const FrameInfo &info, const uint8_t *record, uint8_t *out,
                                  size_t stride, FrameReport *report) {
  FrameReport local;
  FrameReport &rep = report ? *report : local;
  if (out && stride < minStride()) {
    rep = FrameReport();
    rep.info = info;
    return Status(Errc::kInvalidArgument, "output stride " + std::to_string(stride) +
                                              " is smaller than a row (" +
                                              std::to_string(minStride()) + " bytes)");
  }
  // The canvas stays in the decoder's memory, which the previous frame left up to date.
  const CanvasView *no_source = nullptr;
  Status st = decodeParsedInto(info, record, CanvasTarget(), no_source, &rep);
  if (out && rep.update != CanvasUpdate::kNone) {
    copyCanvasTo(out, stride);
    rep.output_written = true;
  }
  return st;
}

void FrameDecoder::copyCanvasTo(uint8_t *out, size_t stride) const noexcept {
  if (canvas_.empty()) return;
  compositor_.copy(CanvasView{out, stride}, canvas_.data(), minStride(), compositor_.screen());
}

Status FrameDecoder::decodeParsedInto(const FrameInfo &info, const uint8_t *record,
                                      const CanvasTarget &target, const CanvasView *source,
                                      FrameReport *report) {
  FrameReport local;
  FrameReport &rep = report ? *report : local;
  rep = FrameReport();
  rep.info = info;
  if (!configured_) return Status(Errc::kInvalidArgument, "a frame before setCodecData()");
  if (target.data && target.stride < minStride())
    return Status(Errc::kInvalidArgument, "output stride " + std::to_string(target.stride) +
                                              " is smaller than a row (" +
                                              std::to_string(minStride()) + " bytes)");
  const bool own = target.data == nullptr;
  const uint64_t holds = own ? own_holds_ : target.holds;
  if (current_ == Where::kCaller && holds != canvasId() &&
      (!source || !source->data || source->stride < minStride()))
    return Status(Errc::kInvalidArgument,
                  "the canvas after the previous frame is in caller memory that was not given");
  if (own && canvas_.empty()) {
    const size_t bytes = minStride() * screen_.height;
    try {
      canvas_.resize(bytes);
    } catch (const std::bad_alloc &) {
      return Status(Errc::kNoMemory, "no memory for a " + std::to_string(screen_.width) + "x" +
                                         std::to_string(screen_.height) + " canvas (" +
                                         std::to_string(bytes) + " bytes)");
    }
  }
  const CanvasView canvas =
      own ? CanvasView{canvas_.data(), minStride()} : CanvasView{target.data, target.stride};

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
  compositor_.beginFrame(info, palette);
  const Rect change = compositor_.disposalRect().unite(compositor_.frameRect());
  rep.pixels_expected = uint64_t{info.width} * info.height;
  const bool oversized =
      options_.max_canvas_pixels != 0 && rep.pixels_expected > options_.max_canvas_pixels;
  Status lzw_status;
  bool lzw_ok = false;
  Rect covered;  // what this frame overwrites with opaque pixels: need not be brought up to date
  // A frame without pixels is legal whatever its data says (it only carries timing/disposal).
  if (rep.pixels_expected != 0 && compositor_.frameVisible()) {
    lzw_status = lzw_.reset(info.lzw_min_code_size, lzw_data_.data(), filled);
    lzw_ok = lzw_status.isOk();
    if (lzw_ok && !oversized) {
      lzw_status = decodePixels(info, rep);
      const uint64_t complete = info.interlaced
                                    ? rep.pixels_expected
                                    : uint64_t{info.width} * compositor_.visibleRowEnd();
      if (lzw_status && rep.pixels_decoded >= complete &&
          !disposalRestoresPrevious(info.control.disposal) &&
          (!compositor_.hasTransparency() ||
           !std::memchr(indexes_.data(), compositor_.transparentIndex(),
                        static_cast<size_t>(rep.pixels_decoded))))
        covered = compositor_.frameRect();
    }
  } else if (rep.pixels_expected != 0) {
    // Off the canvas: only the code size is checked, as for any frame.
    lzw_status = lzw_.reset(info.lzw_min_code_size, lzw_data_.data(), filled);
  }

  rep.update = prepare(canvas, holds, source, covered, rep);
  const Status saved = compositor_.applyDisposal(canvas);
  if (!saved) {
    // Nothing of the frame is drawn: the canvas is as the previous frame's disposal left it.
    lzw_ok = false;
    lzw_status = saved;
  }
  if (lzw_ok) {
    if (oversized) {
      lzw_status = decodeRowByRow(info, canvas, rep);
    } else {
      // Draw the rows the LZW data delivered, in display order.
      const unsigned w = info.width;
      const unsigned vis_end = compositor_.visibleRowEnd();
      const uint64_t got = rep.pixels_decoded;
      uint64_t stream_row = 0;
      forEachRow(info.height, info.interlaced, [&](unsigned y) {
        const uint64_t start = stream_row * w;
        stream_row++;
        if (start >= got) return false;
        const uint64_t n = got - start < w ? got - start : w;
        if (y < vis_end)
          compositor_.drawRow(canvas, y, indexes_.data() + start, static_cast<unsigned>(n));
        return true;
      });
    }
    rep.pixels_written = lzw_.bytesWritten();
  }
  compositor_.endFrame();

  // The canvas after this frame: a new id, what changed, and where it is.
  if (serial_ == UINT32_MAX) {
    newSession();
  } else {
    serial_++;
    changes_[serial_ % kHistory] = change;
    if (history_ < kHistory) history_++;
  }
  current_ = own ? Where::kOwn : Where::kCaller;
  if (own) own_holds_ = canvasId();
  rep.canvas_id = canvasId();
  rep.output_written = !own;

  if (!lzw_status)
    lzw_status = Status(lzw_status.code(), frameLabel(info) + ": " + lzw_status.message());
  if (!lzw_status) MK_LOG_INFO("gif", "%s", lzw_status.message().c_str());
  return lzw_status;
}

CanvasUpdate FrameDecoder::prepare(CanvasView canvas, uint64_t holds, const CanvasView *source,
                                   const Rect &covered, FrameReport &rep) {
  const uint64_t now = canvasId();
  if (holds == now) return CanvasUpdate::kInPlace;
  Rect list[kHistory];
  unsigned count = 0;
  const uint32_t held = static_cast<uint32_t>(holds);
  const bool known = holds != 0 && (holds & ~uint64_t{0xFFFFFFFF}) == id_base_ && held < serial_ &&
                     serial_ - held <= history_;
  if (known) {
    // What frames held+1 .. serial_ changed; one bounding box when it is no larger than the
    // rectangles together.
    Rect box;
    uint64_t sum = 0;
    for (uint32_t s = held + 1; s <= serial_; s++) {
      const Rect &r = changes_[s % kHistory];
      if (r.empty()) continue;
      list[count++] = r;
      box = box.unite(r);
      sum += r.area();
    }
    if (count > 1 && box.area() <= sum) {
      list[0] = box;
      count = 1;
    }
  } else {
    list[count++] = compositor_.screen();
  }

  const uint8_t *src = nullptr;
  size_t src_stride = 0;
  if (current_ == Where::kOwn) {
    src = canvas_.data();
    src_stride = minStride();
  } else if (current_ == Where::kCaller) {
    src = source->data;
    src_stride = source->stride;
  }
  uint64_t pixels = 0;
  for (unsigned i = 0; i < count; i++) {
    Rect parts[4];
    const unsigned n = subtract(list[i], covered, parts);
    for (unsigned k = 0; k < n; k++) {
      if (src)
        compositor_.copy(canvas, src, src_stride, parts[k]);
      else
        compositor_.fill(canvas, parts[k]);
      pixels += parts[k].area();
    }
  }
  rep.bytes_copied = pixels * compositor_.bytesPerPixel();
  if (known) return CanvasUpdate::kUpdated;
  return pixels ? CanvasUpdate::kCopied : CanvasUpdate::kOverwritten;
}

Status FrameDecoder::decodePixels(const FrameInfo &info, FrameReport &rep) {
  // The whole frame's indexes in one LZW call (strings are then copied from earlier output). A
  // non-interlaced frame stops at its last visible row.
  const unsigned w = info.width;
  const unsigned vis_end = compositor_.visibleRowEnd();  // rows at or past it are off-canvas
  uint64_t want = rep.pixels_expected;
  if (!info.interlaced) want = uint64_t{w} * vis_end;
  if (indexes_.size() < want) {
    try {
      indexes_.resize(static_cast<size_t>(want));
    } catch (const std::bad_alloc &) {
      // Nothing is drawn (got stays 0); the canvas is still brought up to date.
      return Status(Errc::kNoMemory,
                    "no memory for the " + std::to_string(want) + " palette indexes of the frame");
    }
  }
  const uint64_t got = lzw_.decode(indexes_.data(), static_cast<size_t>(want));
  rep.pixels_decoded = got;
  return pixelsStatus(info, rep);
}

Status FrameDecoder::pixelsStatus(const FrameInfo &info, const FrameReport &rep) const {
  if (lzw_.state() == LzwDecoder::State::kInvalidCode) return lzw_.error();
  const uint64_t got = rep.pixels_decoded;
  const bool stopped_early = lzw_.state() != LzwDecoder::State::kRunning;
  if (stopped_early && got < rep.pixels_expected &&
      (info.interlaced || got < uint64_t{info.width} * compositor_.visibleRowEnd())) {
    // Too few pixels (end code or data ran out): shown with the rest of the canvas unchanged.
    return Status(Errc::kTruncated, "LZW data ended after " + std::to_string(got) + " of " +
                                        std::to_string(rep.pixels_expected) + " pixels");
  }
  return Status::ok();
}

Status FrameDecoder::decodeRowByRow(const FrameInfo &info, CanvasView canvas, FrameReport &rep) {
  // A frame larger than any canvas we allow: the visible part of each visible row is decoded and
  // drawn, everything else skipped (the LZW table is kept at a cost per code, not per pixel), and
  // decoding stops after the last visible row. So the work is bounded by the input's size and
  // the visible pixels, whatever the frame's size or interlacing.
  const unsigned w = info.width;
  const unsigned vis_end = compositor_.visibleRowEnd();
  const unsigned cols = compositor_.frameRect().x1 - compositor_.frameRect().x0;
  if (indexes_.size() < cols) {
    try {
      indexes_.resize(cols);
    } catch (const std::bad_alloc &) {
      return Status(Errc::kNoMemory, "no memory for a row of " + std::to_string(cols) + " indexes");
    }
  }
  unsigned visible_left = 0;
  forEachRow(info.height, info.interlaced, [&](unsigned y) {
    if (y < vis_end) visible_left++;
    return true;
  });
  uint64_t got = 0;
  uint64_t to_skip = 0;  // skipped lazily, so runs of invisible rows are one call
  forEachRow(info.height, info.interlaced, [&](unsigned y) {
    if (visible_left == 0) return false;
    if (y >= vis_end) {
      to_skip += w;
      return true;
    }
    if (to_skip) {
      const size_t k = lzw_.skip(static_cast<size_t>(to_skip));
      got += k;
      if (k < to_skip) return false;
      to_skip = 0;
    }
    const size_t n = lzw_.decode(indexes_.data(), cols);
    got += n;
    compositor_.drawRow(canvas, y, indexes_.data(), static_cast<unsigned>(n));
    visible_left--;
    if (n < cols) return false;
    const size_t k = lzw_.skip(w - cols);
    got += k;
    return k == w - cols;
  });
  rep.pixels_decoded = got;
  return pixelsStatus(info, rep);
}

}  // namespace mk::gif
