// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/reader.h"

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "core/log.h"
#include "gif/byte_reader.h"

namespace mk::gif {

namespace {

std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  return buf;
}

bool readPalette(ByteReader &r, unsigned entries, Palette &pal) noexcept {
  pal.size = static_cast<uint16_t>(entries);
  return r.bytes(pal.rgb, entries * 3u);
}

}  // namespace

void Reader::reset() {
  ReaderLimits limits = limits_;
  std::vector<uint8_t> buf = std::move(buf_);
  std::vector<uint8_t> payload = std::move(ext_.payload);
  buf.clear();
  payload.clear();
  *this = Reader(limits);
  // Keep the capacities: a reused reader does not allocate in steady state.
  buf_ = std::move(buf);
  ext_.payload = std::move(payload);
}

void Reader::resetBody(const ScreenInfo &screen) {
  reset();
  screen_ = screen;
  state_ = State::kBlock;
}

Status Reader::push(const uint8_t *data, size_t size) {
  if (finished_) return Status(Errc::kInvalidArgument, "push() after finish()");
  if (size == 0) return Status::ok();
  const uint64_t keep = keepFrom();
  const size_t keep_index = static_cast<size_t>(keep - view_base_);
  if (!view_owned_) {
    // The caller's previous chunk goes away: keep what is still needed.
    buf_.assign(view_ + keep_index, view_ + view_size_);
    view_owned_ = true;
  } else if (keep_index > 0) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<ptrdiff_t>(keep_index));
  }
  view_base_ = keep;
  if (buf_.empty()) {
    view_ = data;
    view_size_ = size;
    view_owned_ = false;
  } else {
    buf_.insert(buf_.end(), data, data + size);
    view_ = buf_.data();
    view_size_ = buf_.size();
  }
  total_ += size;
  return Status::ok();
}

void Reader::retain() {
  // The caller may free its chunk once next() says kNeedData: copy what is still needed now.
  if (view_owned_) return;
  const uint64_t keep = keepFrom();
  const size_t keep_index = static_cast<size_t>(keep - view_base_);
  buf_.assign(view_ + keep_index, view_ + view_size_);
  view_base_ = keep;
  view_ = buf_.data();
  view_size_ = buf_.size();
  view_owned_ = true;
}

Reader::Step Reader::fail(Errc code, std::string message) {
  MK_LOG_WARNING("gif", "%s", message.c_str());
  error_ = Status(code, std::move(message));
  return Step::kError;
}

void Reader::beginRecord() noexcept {
  if (!in_record_) {
    in_record_ = true;
    record_start_ = pos_;
  }
}

Result<Event> Reader::next() {
  if (!error_.isOk()) return error_;
  event_data_ = nullptr;
  event_size_ = 0;
  for (;;) {
    Step s;
    switch (state_) {
      case State::kHeader:
        s = stepHeader();
        break;
      case State::kBlock:
        s = stepBlock();
        break;
      case State::kExtension:
        s = stepExtension();
        break;
      case State::kImage:
        s = stepImage();
        break;
      case State::kImageData:
        s = stepImageData();
        break;
      case State::kDone:
      default:
        trailing_ += avail();
        pos_ += avail();
        return Event::kEnd;
    }
    if (s == Step::kContinue) continue;
    if (s == Step::kError) return error_;
    if (s == Step::kEvent) return event_;
    // kNeedData
    if (!finished_) {
      retain();
      return Event::kNeedData;
    }
    return atEndOfInput();
  }
}

Result<Event> Reader::atEndOfInput() {
  switch (state_) {
    case State::kHeader:
      fail(Errc::kTruncated,
           format("file ended after %" PRIu64 " bytes, inside the GIF header", total_));
      return error_;
    case State::kBlock:
      if (avail() == 0) {
        // A missing trailer is common and harmless: end cleanly after the last complete record.
        MK_LOG_DEBUG("gif", "no trailer: data ended after %" PRIu64 " bytes", total_);
        state_ = State::kDone;
        return Event::kEnd;
      }
      fail(Errc::kTruncated, format("file ended at offset %" PRIu64 " inside a block", total_));
      return error_;
    case State::kExtension:
      fail(Errc::kTruncated,
           format("file ended at offset %" PRIu64 " inside the extension (label 0x%02x) starting "
                  "at offset %" PRIu64,
                  total_, ext_.label, element_start_));
      return error_;
    case State::kImage:
      fail(Errc::kTruncated,
           format("file ended at offset %" PRIu64 " inside image descriptor %u at offset %" PRIu64,
                  total_, frame_count_, element_start_));
      return error_;
    case State::kImageData:
      if (!truncated_frame_sent_) {
        // Best effort: hand out what there is of the frame; the LZW decoder will stop early.
        truncated_frame_sent_ = true;
        frame_.truncated = true;
        frame_.key = frame_.index == 0 || before_transparent_;
        frame_.record.size = total_ - frame_.record.offset;
        event_data_ = at(frame_.record.offset);
        event_size_ = static_cast<size_t>(frame_.record.size);
        return Event::kFrame;
      }
      fail(Errc::kTruncated,
           format("file ended at offset %" PRIu64 " inside the LZW data of frame %u (image at "
                  "offset %" PRIu64 ")",
                  total_, frame_.index, frame_.descriptor_offset));
      return error_;
    default:
      return Event::kEnd;
  }
}

Reader::Step Reader::stepHeader() {
  const size_t n = avail();
  ByteReader r(at(pos_), n);
  if (n > 0 && std::memcmp(at(pos_), "GIF", n < 3 ? n : 3) != 0)
    return fail(Errc::kCorruptData, "not a GIF: the file does not start with 'GIF'");
  uint8_t sig[kSignatureBytes];
  if (!r.bytes(sig, kSignatureBytes)) return Step::kNeedData;
  if (std::memcmp(sig + 3, "87a", 3) == 0) {
    screen_.version = Version::kGif87a;
  } else if (std::memcmp(sig + 3, "89a", 3) == 0) {
    screen_.version = Version::kGif89a;
  } else {
    return fail(Errc::kCorruptData,
                format("unknown GIF version '%c%c%c' at offset 3 (expected 87a or 89a)",
                       sig[3] >= 32 && sig[3] < 127 ? sig[3] : '?',
                       sig[4] >= 32 && sig[4] < 127 ? sig[4] : '?',
                       sig[5] >= 32 && sig[5] < 127 ? sig[5] : '?'));
  }
  signature_ok_ = true;
  if (n < kScreenBytes) return Step::kNeedData;
  uint8_t packed = 0;
  if (!r.u16le(screen_.width) || !r.u16le(screen_.height) || !r.u8(packed) ||
      !r.u8(screen_.background_index) || !r.u8(screen_.aspect))
    return Step::kNeedData;
  const unsigned gct = (packed & 0x80) ? (2u << (packed & 7)) : 0;
  if (!r.has(gct * 3u)) return Step::kNeedData;
  if (!readPalette(r, gct, screen_.global_palette)) return Step::kNeedData;
  screen_.color_resolution = static_cast<uint8_t>(((packed >> 4) & 7) + 1);
  screen_.global_palette_sorted = (packed & 0x08) != 0;
  const uint64_t pixels = uint64_t{screen_.width} * screen_.height;
  if (pixels == 0)
    return fail(Errc::kCorruptData, format("logical screen is %ux%u: nothing can be shown",
                                           screen_.width, screen_.height));
  if (limits_.max_canvas_pixels && pixels > limits_.max_canvas_pixels)
    return fail(Errc::kUnsupported,
                format("logical screen %ux%u (%" PRIu64 " pixels) exceeds max-canvas-pixels "
                       "(%" PRIu64 ")",
                       screen_.width, screen_.height, pixels, limits_.max_canvas_pixels));
  screen_.codec_data = Span{pos_, r.pos()};
  event_data_ = at(pos_);
  event_size_ = r.pos();
  pos_ += r.pos();
  state_ = State::kBlock;
  event_ = Event::kHeader;
  return Step::kEvent;
}

Reader::Step Reader::stepBlock() {
  uint8_t b;
  ByteReader r(at(pos_), avail());
  if (!r.peekU8(b)) return Step::kNeedData;
  switch (b) {
    case kExtensionIntroducer: {
      uint8_t label = 0;
      if (!r.skip(1) || !r.u8(label)) return Step::kNeedData;
      beginRecord();
      element_start_ = pos_;
      pos_ += 2;
      ext_.kind = label == kLabelComment       ? ExtensionKind::kComment
                  : label == kLabelApplication ? ExtensionKind::kApplication
                  : label == kLabelPlainText   ? ExtensionKind::kPlainText
                                               : ExtensionKind::kUnknown;
      ext_.label = label;
      ext_.app_id.clear();
      ext_.payload.clear();
      ext_.payload_truncated = false;
      ext_.has_loop_count = ext_.has_buffer_size = false;
      ext_.loop_count = 0;
      ext_.buffer_size = 0;
      sub_index_ = 0;
      state_ = State::kExtension;
      return Step::kContinue;
    }
    case kImageSeparator:
      beginRecord();
      element_start_ = pos_;
      state_ = State::kImage;
      return Step::kContinue;
    case kTrailer:
      pos_ += 1;
      in_record_ = false;  // extensions after the last image belong to no frame
      state_ = State::kDone;
      trailer_seen_ = true;
      trailing_ += avail();
      pos_ += avail();
      event_ = Event::kEnd;
      return Step::kEvent;
    default:
      return fail(Errc::kCorruptData,
                  format("unexpected byte 0x%02x at offset %" PRIu64
                         " where an extension, an image or the trailer should start",
                         b, pos_));
  }
}

Reader::Step Reader::stepExtension() {
  for (;;) {
    if (pos_ - record_start_ > limits_.max_record_bytes)
      return fail(Errc::kUnsupported,
                  format("extensions starting at offset %" PRIu64 " exceed %zu bytes",
                         record_start_, limits_.max_record_bytes));
    ByteReader r(at(pos_), avail());
    uint8_t len = 0;
    if (!r.u8(len) || !r.has(len)) return Step::kNeedData;
    const uint8_t *p = r.current();
    pos_ += 1u + len;
    if (len == 0) {
      state_ = State::kBlock;
      ext_.bytes = Span{element_start_, pos_ - element_start_};
      if (ext_.label == kLabelGraphicControl) return Step::kContinue;
      event_data_ = at(element_start_);
      event_size_ = static_cast<size_t>(ext_.bytes.size);
      event_ = Event::kExtension;
      return Step::kEvent;
    }
    const unsigned index = sub_index_++;
    if (ext_.label == kLabelGraphicControl) {
      if (index == 0) {
        if (len >= 4) {
          // Several GCEs before one image: the last one wins (FFmpeg, Wuffs).
          pending_gce_.present = true;
          pending_gce_.disposal = static_cast<Disposal>((p[0] >> 2) & 7);
          pending_gce_.user_input = (p[0] & 2) != 0;
          pending_gce_.has_transparency = (p[0] & 1) != 0;
          pending_gce_.delay_cs = static_cast<uint16_t>(p[1] | (p[2] << 8));
          pending_gce_.transparent_index = p[3];
        } else {
          MK_LOG_WARNING("gif",
                         "graphic control extension at offset %" PRIu64
                         " has a %u-byte block (expected 4): ignored",
                         element_start_, len);
        }
      }
      continue;
    }
    if (ext_.label == kLabelApplication && index == 0) {
      ext_.app_id.assign(reinterpret_cast<const char *>(p), len);
      if (len == 11 &&
          (std::memcmp(p, "NETSCAPE2.0", 11) == 0 || std::memcmp(p, "ANIMEXTS1.0", 11) == 0))
        ext_.kind = ExtensionKind::kLoop;
      continue;
    }
    if (ext_.kind == ExtensionKind::kLoop && index == 1) {
      if (len >= 3 && p[0] == 1) {
        ext_.has_loop_count = true;
        ext_.loop_count = static_cast<uint16_t>(p[1] | (p[2] << 8));
      } else if (len >= 5 && p[0] == 2) {
        ext_.has_buffer_size = true;
        ext_.buffer_size = static_cast<uint32_t>(p[1] | (p[2] << 8) | (p[3] << 16)) |
                           (static_cast<uint32_t>(p[4]) << 24);
      }
    }
    size_t room = limits_.max_payload_bytes - ext_.payload.size();
    if (len > room) ext_.payload_truncated = true;
    ext_.payload.insert(ext_.payload.end(), p, p + (len < room ? len : room));
  }
}

Reader::Step Reader::stepImage() {
  ByteReader r(at(pos_), avail());
  uint8_t packed = 0;
  FrameInfo &f = frame_;
  if (!r.skip(1) || !r.u16le(f.left) || !r.u16le(f.top) || !r.u16le(f.width) ||
      !r.u16le(f.height) || !r.u8(packed))
    return Step::kNeedData;
  const unsigned lct = (packed & 0x80) ? (2u << (packed & 7)) : 0;
  if (!readPalette(r, lct, f.local_palette)) return Step::kNeedData;
  uint8_t next_byte = 0;
  if (!r.peekU8(next_byte)) return Step::kNeedData;
  // An image without pixels may omit its data entirely (pygif image-zero-*): the next block
  // starts where the min code size should be. Any real min code size is below 0x21.
  const bool no_data =
      uint32_t{f.width} * f.height == 0 &&
      (next_byte == kTrailer || next_byte == kImageSeparator || next_byte == kExtensionIntroducer);
  if (no_data) {
    f.lzw_min_code_size = 0;
  } else if (!r.u8(f.lzw_min_code_size)) {
    return Step::kNeedData;
  }
  f.interlaced = (packed & 0x40) != 0;
  f.index = frame_count_;
  f.record.offset = record_start_;
  f.descriptor_offset = element_start_;
  f.control = pending_gce_;
  f.lzw_offset = pos_ + r.pos();
  f.lzw_data_bytes = 0;
  f.truncated = false;
  pos_ += r.pos();
  if (no_data) {
    finishFrame();
    return Step::kEvent;
  }
  state_ = State::kImageData;
  return Step::kContinue;
}

Reader::Step Reader::stepImageData() {
  // The hot part of a scan: hop over sub-blocks by their length bytes.
  uint64_t pos = pos_;
  const uint64_t end = view_base_ + view_size_;
  uint64_t data_bytes = frame_.lzw_data_bytes;
  for (;;) {
    if (pos >= end) break;
    const unsigned len = *at(pos);
    if (len == 0) {
      pos_ = pos + 1;
      frame_.lzw_data_bytes = data_bytes;
      finishFrame();
      return Step::kEvent;
    }
    if (end - pos < 1u + len) break;
    pos += 1u + len;
    data_bytes += len;
    if (pos - record_start_ > limits_.max_record_bytes) {
      pos_ = pos;
      return fail(Errc::kUnsupported,
                  format("frame %u (record at offset %" PRIu64 ") exceeds %zu bytes", frame_count_,
                         record_start_, limits_.max_record_bytes));
    }
  }
  pos_ = pos;
  frame_.lzw_data_bytes = data_bytes;
  return Step::kNeedData;
}

void Reader::finishFrame() noexcept {
  FrameInfo &f = frame_;
  f.record.size = pos_ - f.record.offset;
  const bool covers =
      f.left == 0 && f.top == 0 && f.width >= screen_.width && f.height >= screen_.height;
  const Disposal d = f.control.disposal;
  const bool before_transparent = f.index == 0 || before_transparent_;
  f.key =
      before_transparent || (covers && !f.control.has_transparency && !disposalRestoresPrevious(d));
  before_transparent_ = (d == Disposal::kRestoreBackground && covers) ||
                        (disposalRestoresPrevious(d) && before_transparent);
  pending_gce_ = GraphicControl();
  frame_count_++;
  in_record_ = false;
  state_ = State::kBlock;
  event_data_ = at(f.record.offset);
  event_size_ = static_cast<size_t>(f.record.size);
  event_ = Event::kFrame;
}

bool looksLikeGif(const uint8_t *data, size_t size) noexcept {
  return size >= kSignatureBytes &&
         (std::memcmp(data, "GIF87a", 6) == 0 || std::memcmp(data, "GIF89a", 6) == 0);
}

Result<Index> scanIndex(const uint8_t *data, size_t size, const ReaderLimits &limits) {
  Reader reader(limits);
  Index index;
  Status st = reader.push(data, size);
  if (!st) return st;
  reader.finish();
  bool have_header = false;
  for (;;) {
    Result<Event> ev = reader.next();
    if (!ev) {
      if (!have_header) return ev.status();
      index.status = ev.status();
      break;
    }
    if (*ev == Event::kHeader) {
      have_header = true;
      index.screen = reader.screen();
    } else if (*ev == Event::kFrame) {
      const FrameInfo &f = reader.frame();
      if (f.truncated) continue;  // the error follows
      index.frames.push_back(IndexEntry{f.record, f.control.delay_cs, f.control.disposal, f.key});
      index.total_delay_cs += f.control.delay_cs;
    } else if (*ev == Event::kExtension) {
      const Extension &e = reader.extension();
      if (e.kind == ExtensionKind::kLoop && e.has_loop_count) index.loop_count = e.loop_count;
    } else if (*ev == Event::kEnd) {
      break;
    }
  }
  index.trailer_seen = reader.trailerSeen();
  return index;
}

}  // namespace mk::gif
