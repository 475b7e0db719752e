// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::Demuxer: a GIF file as a player sees it. Bytes are pushed in; timestamped frame
// records come out, with the policies a demuxer needs: the delay policy (Timeline), the loop
// count and how many times honor-loop plays the animation, the comments (a bounded CommentList),
// and what damage and truncation mean for playback (which frames still come out, what is said,
// and when nothing can be played at all). gifdemux only turns its events into pads, buffers,
// segments and messages.
//
// A pass reads the file in one of three modes, one for each way gifdemux reads:
// - kIndex reads it to learn its frames (offset, size, delay, key) and yields none of them:
//   the pull-mode scan. The frames are then played from the index (cursorFrame(): pull mode
//   reads each record by offset), over as many plays as honor-loop asks for.
// - kReplay yields each frame as soon as its record is complete, with its place in the index
//   (indexed then if it is new): push mode from a source that cannot seek.
// - kReadAhead, push mode from a source that can seek in bytes: the bytes are kept and indexed
//   first, so that the duration and the frame rate are known before the first frame; at the
//   end of the file (or past `read_ahead` bytes) the indexed frames are yielded from the kept
//   bytes (the reader reads each byte once), and the rest streams on as in kReplay. Damage and
//   truncation are said once, after the frames before them.
// What a pass learns (index, comments, loop count, header) is kept: resume() replays from a
// frame record's offset after an upstream byte seek, with the index's timestamps.
//
// Not thread-safe: one thread drives it; a caller that reads the index from another thread (a
// seek) locks around both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "gif/comments.h"
#include "gif/gif_types.h"
#include "gif/reader.h"
#include "gif/settings.h"
#include "gif/timeline.h"

namespace mk::gif {

// One frame as the demuxer gives it out.
struct DemuxFrame {
  size_t index = 0;          // its place in the file (0-based)
  uint64_t play = 0;         // the play of the animation it belongs to (honor-loop), 0 first
  Span record;               // its record in the file: its extensions .. the LZW terminator
  uint64_t pts_ns = 0;       // play * one play's duration + the frame's start in the play
  uint64_t duration_ns = 0;  // its delay, after the policy
  bool key = false;          // decodable without any earlier frame
  bool truncated = false;    // cut short by the end of the data
  // The record's bytes in a replay pass (valid until the next push() or next()); null when the
  // frame comes from the index (cursorFrame()).
  const uint8_t *data = nullptr;
  size_t size = 0;
};

// Width / height of a pixel.
struct PixelAspect {
  uint32_t num = 1;
  uint32_t den = 1;
};

// Why nothing can be played.
enum class DemuxFailure {
  kNone,
  kNotGif,     // no GIF87a / GIF89a signature
  kTooLarge,   // the logical screen exceeds max-canvas-pixels
  kBadHeader,  // the screen descriptor or the global palette is invalid or cut short
  kNoImages,   // a header, but no frame before the end of the data or its damage
};

// How a seek to a time picks the key frame to start from.
enum class SeekSnap {
  kNone,     // decode from the key frame at or before the target; the target stays the start
  kBefore,   // start at the key frame at or before the target
  kAfter,    // start at the key frame at or after it (or before, when there is none after)
  kNearest,  // start at the nearer of the two
};

// Where a seek starts: the play, the key frame to decode from, and the start of the segment.
struct SeekPoint {
  uint64_t play = 0;
  size_t frame = 0;
  uint64_t start_ns = 0;
};

class Demuxer {
 public:
  enum class Mode { kIndex, kReplay, kReadAhead };
  // How much kReadAhead keeps before it plays without the whole index.
  static constexpr size_t kReadAheadBytes = size_t{32} << 20;

  enum class Event {
    kNeedData,   // push more bytes, or finish()
    kComment,    // comments() kept a new comment (the last of kept())
    kTruncated,  // frame() is cut short by the end of the data (in kReplay it comes next as
                 // kFrame); message() says where. No frame follows it.
    kFrame,      // frame() (kReplay only)
    kDamaged,    // the data is damaged after the frames read so far: message() says how; no
                 // frame follows
    kIndexed,    // every frame of the file is in the index now (once per file)
    kEnd,        // no more frames (the trailer, the end of the data, damage); sticky
    kFailed,     // nothing can be played: failure() and message() say why; sticky
  };

  explicit Demuxer(const DemuxSettings &settings = DemuxSettings());

  // Forgets the file.
  void reset();
  // Starts a pass from the first byte of the file.
  void start(Mode mode, size_t read_ahead = kReadAheadBytes);
  // Starts a replay pass at byte `offset` of the file, where a frame record starts (the answer
  // to a byte seek). The header must be known.
  void resume(uint64_t offset);

  // Appends bytes of the pass. They are read in place: `data` must stay valid until next()
  // returns kNeedData, or push() is called again (kReadAhead copies what it keeps). Bytes after
  // the end of the pass, or after finish(), are ignored.
  void push(const uint8_t *data, size_t size);
  // No more bytes will come in this pass.
  void finish() noexcept;
  Event next();

  // What the last event is about.
  const DemuxFrame &frame() const noexcept { return frame_; }
  const std::string &message() const noexcept { return message_; }
  DemuxFailure failure() const noexcept { return failure_; }

  // What is known of the file.
  bool hasHeader() const noexcept { return have_header_; }
  const ScreenInfo &screen() const noexcept { return screen_; }
  // The header, logical screen descriptor and global palette, as in the file.
  const std::vector<uint8_t> &codecData() const noexcept { return codec_data_; }
  // The raw field of the loop extension before the first frame (0 = forever, N = N repeats);
  // -1 when there is none.
  int loopCount() const noexcept { return loop_count_; }
  const CommentList &comments() const noexcept { return comments_; }
  const Timeline &index() const noexcept { return index_; }
  bool indexComplete() const noexcept { return index_complete_; }
  // The constant frame rate once every delay is known, 0/1 otherwise (Timeline::frameRate()).
  FrameRate frameRate() const noexcept;
  // Width / height of a pixel, from the screen descriptor's aspect byte ((n + 15) / 64; 1/1
  // for 0).
  PixelAspect pixelAspect() const noexcept;
  // How many times the animation plays: 0 = forever. 1 without honor-loop or a loop
  // extension, and when one play takes no time (loopTakesNoTime()).
  uint64_t plays() const noexcept;
  // honor-loop and a loop extension, but every delay is 0 after the policy: replaying would give
  // frames without end at one timestamp, so the animation plays once.
  bool loopTakesNoTime() const noexcept;
  // The whole presentation (every play), once the index is complete and the plays end.
  std::optional<uint64_t> durationNs() const noexcept;
  // Bytes pushed in this pass, and what follows the trailer.
  uint64_t bytesRead() const noexcept { return reader_.bytesPushed(); }
  bool trailerSeen() const noexcept { return reader_.trailerSeen(); }
  uint64_t bytesAfterTrailer() const noexcept { return reader_.bytesAfterTrailer(); }

  // Seeking. Where to start to show `position_ns` of the presentation (in play 0 only when
  // !replays: push mode does not replay).
  SeekPoint seekPoint(uint64_t position_ns, SeekSnap snap, bool replays) const noexcept;

  // Playing from the index (pull mode). The frame at the cursor (the first of the next play
  // once a play is over), or false at the end of the presentation; advanceCursor() moves past
  // it, setCursor() puts it at a seek point.
  bool cursorFrame(DemuxFrame *frame);
  void advanceCursor() noexcept { cursor_frame_++; }
  void setCursor(const SeekPoint &point) noexcept;

 private:
  enum class State {
    kIndexing,      // an index pass
    kReadingAhead,  // an index pass that keeps the bytes, to replay them
    kReplayKept,    // the read-ahead is over: its frames are yielded from the kept bytes
    kReplaying,     // a replay pass: frames are yielded
    kCutFrame,      // kTruncated was yielded in a replay pass: the cut frame comes next
    kEnding,        // the data ended: kIndexed (if the index is new) and kEnd are still to come
    kEnded,         // kEnd, sticky
    kFailed,        // kFailed, sticky
  };

  // Why the read-ahead stopped.
  enum class AheadEnd {
    kLimit,      // past `read_ahead` bytes: the reader streams on after the replay
    kEnd,        // the end of the file
    kDamaged,    // damage after some frames: said after them
    kTruncated,  // the last frame is cut short: said before it
  };

  Event readerError(const Status &status);
  Event aheadEnded(AheadEnd end, const std::string &why);
  Event replayKept();
  const uint8_t *keptBytes(uint64_t offset, size_t size);
  void dropKept() noexcept;
  Event noImages(const std::string &why);
  DemuxFrame indexedFrame(size_t i, uint64_t play) const noexcept;

  DemuxSettings settings_;
  Reader reader_;
  State state_ = State::kIndexing;
  uint64_t base_ = 0;  // file offset of the first byte of this pass
  // kReadAhead: the bytes read so far, as they were pushed (one copy, no reallocation); the
  // replay frees them chunk by chunk (kept_[kept_next_] starts at file offset kept_start_) and
  // copies a record that spans chunks into scratch_.
  std::vector<std::vector<uint8_t>> kept_;
  size_t kept_bytes_ = 0;
  size_t kept_next_ = 0;
  uint64_t kept_start_ = 0;
  std::vector<uint8_t> scratch_;
  AheadEnd ahead_end_ = AheadEnd::kEnd;
  std::string ahead_message_;
  size_t replay_next_ = 0;  // the next indexed frame the replay yields
  size_t replay_end_ = 0;   // and the end of those the read-ahead read
  bool finished_ = false;   // finish() was called in this pass
  size_t read_ahead_ = kReadAheadBytes;

  bool have_header_ = false;
  ScreenInfo screen_;
  std::vector<uint8_t> codec_data_;
  int loop_count_ = -1;
  CommentList comments_;
  Timeline index_;
  bool index_complete_ = false;

  DemuxFrame frame_;
  std::string message_;
  DemuxFailure failure_ = DemuxFailure::kNone;

  uint64_t cursor_play_ = 0;
  size_t cursor_frame_ = 0;
};

}  // namespace mk::gif
