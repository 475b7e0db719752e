// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::Reader: a streaming GIF parser. Bytes are pushed in chunks of any size; next() yields
// the header, each extension and each frame record as soon as it is complete, with its exact byte
// range in the file, without decoding LZW. It holds at most one unfinished record (bounded by
// ReaderLimits::max_record_bytes) and copies only bytes that must outlive a push().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "gif/gif_types.h"

namespace mk::gif {

struct ReaderLimits {
  uint64_t max_canvas_pixels = kDefaultMaxCanvasPixels;  // screen width * height; 0 = no limit
  size_t max_record_bytes = kDefaultMaxRecordBytes;      // one frame record or run of extensions
  size_t max_payload_bytes = size_t{1} << 20;  // bytes kept in Extension::payload (rest dropped)
};

enum class ExtensionKind {
  kComment,      // 0xFE: payload = the text
  kLoop,         // NETSCAPE2.0 / ANIMEXTS1.0 application extension
  kApplication,  // any other 0xFF: app_id + payload (sub-blocks after the id, joined)
  kPlainText,    // 0x01: payload = the raw sub-blocks joined (browsers draw nothing)
  kUnknown,      // any other label
};

struct Extension {
  ExtensionKind kind = ExtensionKind::kUnknown;
  uint8_t label = 0;
  Span bytes;                      // 0x21 .. block terminator, in the file
  std::string app_id;              // application identifier + auth code (11 bytes when well formed)
  std::vector<uint8_t> payload;    // data sub-blocks joined, length bytes dropped
  bool payload_truncated = false;  // longer than ReaderLimits::max_payload_bytes
  uint16_t loop_count = 0;         // kLoop: the raw field, 0 = forever, N = N repeats (N+1 plays)
  bool has_loop_count = false;
  bool has_buffer_size = false;
  uint32_t buffer_size = 0;
};

enum class Event {
  kNeedData,   // push more bytes (or call finish())
  kHeader,     // screen() is valid (once per stream)
  kExtension,  // extension() is valid (the graphic control extension is reported in the frame)
  kFrame,      // frame() is valid
  kEnd,        // the trailer was read, or the data ended cleanly between records; sticky
};

class Reader {
 public:
  explicit Reader(const ReaderLimits &limits = ReaderLimits()) : limits_(limits) {}

  // Starts a new file: the next bytes are a GIF header.
  void reset();
  // Starts a stream of records without a header (a gifdemux frame buffer) on the given screen.
  void resetBody(const ScreenInfo &screen);

  // Appends bytes. They are not copied when next() can consume them whole, so `data` must stay
  // valid until next() returns kNeedData or push() is called again.
  Status push(const uint8_t *data, size_t size);
  // No more bytes will come: a record cut short is reported by next().
  void finish() noexcept { finished_ = true; }

  // Parses up to the next event. Errors (kCorruptData, kTruncated, kUnsupported) name the byte
  // offset and the structure; they are sticky. After finish(), a frame whose LZW data was cut
  // short is yielded once with frame().truncated set, then kTruncated is returned.
  Result<Event> next();

  const ScreenInfo &screen() const noexcept { return screen_; }
  const FrameInfo &frame() const noexcept { return frame_; }
  const Extension &extension() const noexcept { return ext_; }
  // The bytes of the last event (codec_data, extension or frame record); valid until the next
  // push() or next().
  const uint8_t *eventData() const noexcept { return event_data_; }
  size_t eventSize() const noexcept { return event_size_; }

  // The data starts with a GIF87a or GIF89a signature (a failure after this is a damaged GIF,
  // even a header cut short; before it the data is not a GIF at all).
  bool signatureSeen() const noexcept { return signature_ok_; }
  uint64_t bytesPushed() const noexcept { return total_; }
  uint32_t framesSeen() const noexcept { return frame_count_; }
  bool trailerSeen() const noexcept { return trailer_seen_; }
  uint64_t bytesAfterTrailer() const noexcept { return trailing_; }
  // Bytes held for an unfinished record (what the limits bound).
  size_t bufferedBytes() const noexcept { return buf_.size(); }

 private:
  enum class State { kHeader, kBlock, kExtension, kImage, kImageData, kDone };
  enum class Step { kContinue, kNeedData, kEvent, kError };

  Step stepHeader();
  Step stepBlock();
  Step stepExtension();
  Step stepImage();
  Step stepImageData();
  Step fail(Errc code, std::string message);
  void retain();
  Result<Event> atEndOfInput();
  void beginRecord() noexcept;
  void finishFrame() noexcept;
  uint64_t keepFrom() const noexcept { return in_record_ ? record_start_ : pos_; }
  size_t avail() const noexcept { return static_cast<size_t>(view_base_ + view_size_ - pos_); }
  const uint8_t *at(uint64_t offset) const noexcept {
    return view_ + static_cast<size_t>(offset - view_base_);
  }

  ReaderLimits limits_;
  State state_ = State::kHeader;
  Status error_;
  bool finished_ = false;
  bool signature_ok_ = false;

  std::vector<uint8_t> buf_;  // unconsumed bytes that had to be kept across push()
  const uint8_t *view_ = nullptr;
  size_t view_size_ = 0;
  uint64_t view_base_ = 0;  // file offset of view_[0]
  bool view_owned_ = true;  // view_ is buf_ (else the caller's last push)
  uint64_t pos_ = 0;        // file offset of the parse cursor
  uint64_t total_ = 0;      // bytes pushed

  bool in_record_ = false;
  uint64_t record_start_ = 0;
  uint64_t element_start_ = 0;  // start of the extension / image being parsed
  unsigned sub_index_ = 0;

  ScreenInfo screen_;
  FrameInfo frame_;
  Extension ext_;
  GraphicControl pending_gce_;
  uint32_t frame_count_ = 0;
  bool before_transparent_ = true;  // the canvas before the next frame is known to be empty
  bool truncated_frame_sent_ = false;
  uint64_t trailing_ = 0;
  bool trailer_seen_ = false;
  Event event_ = Event::kNeedData;
  const uint8_t *event_data_ = nullptr;
  size_t event_size_ = 0;
};

// True when `data` starts with a GIF87a or GIF89a signature (kSignatureBytes). Whatever follows, the data is a
// GIF, maybe a damaged one: the reader's errors then say what is wrong with it.
bool looksLikeGif(const uint8_t *data, size_t size) noexcept;

// What a fast scan of a whole file finds (no LZW decoding).
struct IndexEntry {
  Span record;
  uint16_t delay_cs = 0;
  Disposal disposal = Disposal::kUnspecified;
  bool key = false;
};

struct Index {
  ScreenInfo screen;
  std::vector<IndexEntry> frames;
  uint64_t total_delay_cs = 0;  // raw delays summed (no min/default-delay policy)
  int32_t loop_count = -1;      // last loop extension's raw field; -1 when there is none
  bool trailer_seen = false;
  Status status;  // why the scan stopped early (frames before it are listed), ok otherwise
};

// Scans `data` (a whole file or its beginning). Fails only when the header itself is unusable.
Result<Index> scanIndex(const uint8_t *data, size_t size,
                        const ReaderLimits &limits = ReaderLimits());

}  // namespace mk::gif
