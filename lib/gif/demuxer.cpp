// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/demuxer.h"

#include <algorithm>

#include "core/log.h"

namespace mk::gif {

namespace {

ReaderLimits limitsOf(const DemuxSettings &s) noexcept {
  ReaderLimits limits;
  limits.max_canvas_pixels = static_cast<uint64_t>(s.max_canvas_pixels);
  return limits;
}

}  // namespace

Demuxer::Demuxer(const DemuxSettings &settings)
    : settings_(settings), reader_(limitsOf(settings)), index_(settings.delayPolicy()) {}

void Demuxer::reset() {
  reader_.reset();
  state_ = State::kIndexing;
  base_ = 0;
  dropKept();
  have_header_ = false;
  screen_ = ScreenInfo();
  codec_data_.clear();
  loop_count_ = -1;
  comments_.clear();
  index_.clear();
  index_complete_ = false;
  frame_ = DemuxFrame();
  message_.clear();
  failure_ = DemuxFailure::kNone;
  cursor_play_ = 0;
  cursor_frame_ = 0;
}

void Demuxer::start(Mode mode, size_t read_ahead) {
  reader_.reset();
  base_ = 0;
  dropKept();
  replay_next_ = replay_end_ = 0;
  finished_ = false;
  read_ahead_ = read_ahead;
  state_ = mode == Mode::kIndex       ? State::kIndexing
           : mode == Mode::kReadAhead ? State::kReadingAhead
                                      : State::kReplaying;
}

void Demuxer::resume(uint64_t offset) {
  reader_.resetBody(screen_);
  base_ = offset;
  dropKept();
  finished_ = false;
  state_ = State::kReplaying;
}

void Demuxer::push(const uint8_t *data, size_t size) {
  // (The reader refuses bytes only after finish(): those are ignored too.)
  if (finished_ || size == 0) return;
  switch (state_) {
    case State::kReadingAhead:
      kept_.emplace_back(data, data + size);
      kept_bytes_ += size;
      (void)reader_.push(data, size);
      return;
    case State::kReplayKept:
      // Past the read-ahead's limit the reader goes on where it stopped; after the end of the
      // file it reads nothing more.
      if (ahead_end_ == AheadEnd::kLimit) (void)reader_.push(data, size);
      return;
    case State::kIndexing:
    case State::kReplaying:
      (void)reader_.push(data, size);
      return;
    default:
      // After the end nothing reads the reader any more: it would keep every byte.
      return;
  }
}

void Demuxer::finish() noexcept {
  finished_ = true;
  reader_.finish();
}

void Demuxer::dropKept() noexcept {
  std::vector<std::vector<uint8_t>>().swap(kept_);
  std::vector<uint8_t>().swap(scratch_);
  kept_bytes_ = 0;
  kept_next_ = 0;
  kept_start_ = 0;
}

// The read-ahead stops: the frames it indexed are replayed from the kept bytes next. `end`:
// why it stopped; `why`: what the replay says of damage or truncation.
Demuxer::Event Demuxer::aheadEnded(AheadEnd end, const std::string &why) {
  state_ = State::kReplayKept;
  ahead_end_ = end;
  ahead_message_ = why;
  replay_next_ = 0;
  if (end == AheadEnd::kLimit || index_complete_) return next();
  index_complete_ = true;
  return Event::kIndexed;
}

// The bytes [offset, offset + size) of the file, from the kept chunks: in place when one chunk
// holds them, else copied into scratch_. The chunks wholly before `offset` go (the replay only
// moves forward).
const uint8_t *Demuxer::keptBytes(uint64_t offset, size_t size) {
  while (kept_next_ < kept_.size() && kept_start_ + kept_[kept_next_].size() <= offset) {
    kept_start_ += kept_[kept_next_].size();
    std::vector<uint8_t>().swap(kept_[kept_next_]);
    kept_next_++;
  }
  size_t i = kept_next_;
  size_t skip = static_cast<size_t>(offset - kept_start_);
  if (i < kept_.size() && skip + size <= kept_[i].size()) return kept_[i].data() + skip;
  scratch_.clear();
  for (; i < kept_.size() && scratch_.size() < size; i++, skip = 0) {
    const std::vector<uint8_t> &c = kept_[i];
    const size_t n = std::min(c.size() - skip, size - scratch_.size());
    scratch_.insert(scratch_.end(), c.begin() + long(skip), c.begin() + long(skip + n));
  }
  return scratch_.data();
}

// The read-ahead's replay: the indexed frames from the kept bytes (the reader does not read
// them again), then what ended the read-ahead.
Demuxer::Event Demuxer::replayKept() {
  if (replay_next_ < replay_end_) {
    const size_t i = replay_next_++;
    frame_ = indexedFrame(i, 0);
    frame_.data = keptBytes(frame_.record.offset, static_cast<size_t>(frame_.record.size));
    frame_.size = static_cast<size_t>(frame_.record.size);
    if (ahead_end_ == AheadEnd::kTruncated && replay_next_ == replay_end_) {
      frame_.truncated = true;
      message_ = ahead_message_;
      state_ = State::kCutFrame;
      return Event::kTruncated;
    }
    return Event::kFrame;
  }
  dropKept();
  switch (ahead_end_) {
    case AheadEnd::kLimit:
      // The rest of the file streams on, from where the reader stopped.
      state_ = State::kReplaying;
      return next();
    case AheadEnd::kDamaged:
      message_ = ahead_message_;
      state_ = State::kEnding;
      return Event::kDamaged;
    default:
      state_ = State::kEnding;
      return next();
  }
}

Demuxer::Event Demuxer::noImages(const std::string &why) {
  failure_ = DemuxFailure::kNoImages;
  message_ = "no image in the " + std::to_string(reader_.bytesPushed()) + " bytes read";
  if (!why.empty()) message_ += "; " + why;
  state_ = State::kFailed;
  return Event::kFailed;
}

Demuxer::Event Demuxer::readerError(const Status &status) {
  if (!have_header_) {
    failure_ = !reader_.signatureSeen()              ? DemuxFailure::kNotGif
               : status.code() == Errc::kUnsupported ? DemuxFailure::kTooLarge
                                                     : DemuxFailure::kBadHeader;
    message_ = status.message();
    state_ = State::kFailed;
    return Event::kFailed;
  }
  // With no frame before it, the damage is the reason given for "no images".
  if (index_.empty()) return noImages(status.message());
  // The read-ahead leaves it to its replay to say it, where it is.
  if (state_ == State::kReadingAhead) return aheadEnded(AheadEnd::kDamaged, status.message());
  message_ = status.message();
  state_ = State::kEnding;
  return Event::kDamaged;
}

Demuxer::Event Demuxer::next() {
  for (;;) {
    switch (state_) {
      case State::kFailed:
        return Event::kFailed;
      case State::kEnded:
        return Event::kEnd;
      case State::kEnding:
        state_ = State::kEnded;
        if (index_complete_) return Event::kEnd;
        index_complete_ = true;
        return Event::kIndexed;
      case State::kCutFrame:
        state_ = State::kEnding;
        return Event::kFrame;
      case State::kReplayKept:
        return replayKept();
      case State::kIndexing:
      case State::kReadingAhead:
      case State::kReplaying:
        break;
    }
    Result<gif::Event> ev = reader_.next();
    if (!ev) return readerError(ev.status());
    switch (*ev) {
      case gif::Event::kNeedData:
        // Too long to index first: play what was kept, then stream.
        if (state_ == State::kReadingAhead && kept_bytes_ > read_ahead_)
          return aheadEnded(AheadEnd::kLimit, std::string());
        return Event::kNeedData;
      case gif::Event::kEnd:
        if (index_.empty()) return noImages("");
        if (state_ == State::kReadingAhead) return aheadEnded(AheadEnd::kEnd, std::string());
        state_ = State::kEnding;
        continue;
      case gif::Event::kHeader:
        if (!have_header_) {
          have_header_ = true;
          screen_ = reader_.screen();
          codec_data_.assign(reader_.eventData(), reader_.eventData() + reader_.eventSize());
        }
        continue;
      case gif::Event::kExtension: {
        const Extension &ext = reader_.extension();
        if (ext.kind == ExtensionKind::kComment) {
          if (comments_.add(ext.payload.data(), ext.payload.size())) return Event::kComment;
        } else if (ext.kind == ExtensionKind::kLoop && ext.has_loop_count && index_.empty()) {
          // The loop extension that counts is the one before the first frame (browsers read
          // it there; a later one would change nothing already shown).
          loop_count_ = ext.loop_count;
        }
        continue;
      }
      case gif::Event::kFrame:
        break;
    }
    const FrameInfo &f = reader_.frame();
    const uint64_t offset = base_ + f.record.offset;
    size_t i = index_.frameAtOffset(offset);
    if (i == index_.size()) {
      if (!index_.empty() && offset < index_[index_.size() - 1].offset) {
        // Upstream gave bytes from a place that is no record start the index knows.
        MK_LOG_WARNING("gif", "frame at offset %llu is not in the index; dropped",
                       static_cast<unsigned long long>(offset));
        continue;
      }
      index_.append(offset, static_cast<uint32_t>(f.record.size), f.control.delay_cs, f.key);
    }
    if (state_ == State::kReadingAhead) replay_end_ = i + 1;
    frame_ = indexedFrame(i, 0);
    frame_.truncated = f.truncated;
    frame_.data = reader_.eventData();
    frame_.size = reader_.eventSize();
    if (f.truncated) {
      message_ = "frame " + std::to_string(i) + " ends at offset " +
                 std::to_string(offset + f.record.size);
      if (state_ == State::kReadingAhead) return aheadEnded(AheadEnd::kTruncated, message_);
      state_ = state_ == State::kReplaying ? State::kCutFrame : State::kEnding;
      return Event::kTruncated;
    }
    if (state_ == State::kReplaying) return Event::kFrame;
  }
}

FrameRate Demuxer::frameRate() const noexcept {
  return index_complete_ ? index_.frameRate() : FrameRate();
}

PixelAspect Demuxer::pixelAspect() const noexcept {
  if (screen_.aspect == 0) return PixelAspect();
  return PixelAspect{screen_.aspect + 15u, 64};
}

bool Demuxer::loopTakesNoTime() const noexcept {
  return settings_.honor_loop && loop_count_ >= 0 && !index_.empty() && index_.totalNs() == 0;
}

uint64_t Demuxer::plays() const noexcept {
  if (!settings_.honor_loop || loop_count_ < 0 || index_.totalNs() == 0) return 1;
  if (loop_count_ == 0) return 0;
  return static_cast<uint64_t>(loop_count_) + 1;
}

std::optional<uint64_t> Demuxer::durationNs() const noexcept {
  const uint64_t p = plays();
  if (!index_complete_ || p == 0) return std::nullopt;
  return index_.totalNs() * p;
}

SeekPoint Demuxer::seekPoint(uint64_t position_ns, SeekSnap snap, bool replays) const noexcept {
  SeekPoint point;
  point.start_ns = position_ns;
  if (index_.empty()) return point;
  const uint64_t per_play = index_.totalNs(), p = plays();
  if (replays && per_play) point.play = position_ns / per_play;
  if (p != 0 && point.play >= p) point.play = p - 1;
  const uint64_t base = point.play * per_play;
  const uint64_t target = position_ns > base ? position_ns - base : 0;
  const size_t frame = index_.frameAt(target);
  size_t key = index_.keyAtOrBefore(frame);
  if (snap != SeekSnap::kNone) {
    const size_t after = index_.keyAtOrAfter(frame);
    if (after < index_.size()) {
      if (snap == SeekSnap::kAfter)
        key = after;
      else if (snap == SeekSnap::kNearest &&
               index_[after].pts_ns - target < target - index_[key].pts_ns)
        key = after;
    }
    point.start_ns = base + index_[key].pts_ns;
  }
  point.frame = key;
  return point;
}

DemuxFrame Demuxer::indexedFrame(size_t i, uint64_t play) const noexcept {
  const TimelineEntry &e = index_[i];
  DemuxFrame f;
  f.index = i;
  f.play = play;
  f.record = Span{e.offset, e.size};
  f.pts_ns = play * index_.totalNs() + e.pts_ns;
  f.duration_ns = index_.durationNs(i);
  f.key = e.key;
  return f;
}

bool Demuxer::cursorFrame(DemuxFrame *frame) {
  if (index_.empty()) return false;
  if (cursor_frame_ >= index_.size()) {
    const uint64_t p = plays();
    if (p != 0 && cursor_play_ + 1 >= p) return false;
    // The next play starts from an empty canvas, as browsers do.
    cursor_play_++;
    cursor_frame_ = 0;
  }
  *frame = indexedFrame(cursor_frame_, cursor_play_);
  return true;
}

void Demuxer::setCursor(const SeekPoint &point) noexcept {
  cursor_play_ = point.play;
  cursor_frame_ = point.frame;
}

}  // namespace mk::gif
