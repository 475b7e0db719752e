// SPDX-License-Identifier: LGPL-2.1-or-later
// The encoder's look-ahead: a queue of converted frames, and the palettes learned from the frames
// in it (the global palette from the first frames, a shared palette per scene).
#include <new>
#include <string>

#include "gif/encoder.h"

namespace mk::gif {

Status Encoder::push(const InputFrame &frame, uint16_t delay_cs, bool force_key) {
  if (Status st = checkFrame(frame); !st) return st;
  if (queued_ == window_.size())
    return Status(Errc::kInvalidArgument, "the look-ahead queue holds " +
                                              std::to_string(window_.size()) +
                                              " frames already: pull() one first");
  const size_t slot = (head_ + queued_) % window_.size();
  if (slot == last_slot_) last_slot_valid_ = false;
  Queued &q = window_[slot];
  try {
    q.pixels.resize(static_cast<size_t>(config_.width) * config_.height);
    q.transparent = convert(frame, q.pixels.data());
  } catch (const std::bad_alloc &) {
    return Status(Errc::kNoMemory, "no memory for look-ahead frame " + std::to_string(queued_ + 1) +
                                       " of " + std::to_string(window_.size()));
  }
  q.delay_cs = delay_cs;
  q.force_key = force_key;
  queued_++;
  draining_ = false;
  return Status::ok();
}

Result<EncodedFrame> Encoder::pull(std::vector<uint8_t> &out, size_t max_bytes) {
  if (queued_ == 0) return Status(Errc::kInvalidArgument, "pull() with no frame queued");
  if (!ready())
    return Status(Errc::kInvalidArgument, "pull() before " + std::to_string(lookahead()) +
                                              " frames wait behind the oldest (or drain())");
  // Working buffers and `out` may grow; running out of memory is an error, not an exception.
  const size_t start = out.size();
  Result<EncodedFrame> res = Status(Errc::kInternal, "not coded");
  try {
    if (max_bytes != SIZE_MAX) keep_last_ = true;  // the frames after it may be capped too
    const Queued &q = window_[head_];
    res =
        encodeFrame(q.pixels.data(), q.transparent, q.force_key, q.delay_cs, out, max_bytes, false);
  } catch (const std::bad_alloc &) {
    out.resize(start);
    res = Status(Errc::kNoMemory, "no memory to encode a frame");
  }
  last_slot_ = head_;
  last_slot_valid_ = res.isOk();
  // The frame leaves the queue even on error: the caller must not get it coded twice.
  head_ = (head_ + 1) % window_.size();
  queued_--;
  return res;
}

void Encoder::discard() noexcept {
  last_slot_valid_ = false;
  head_ = 0;
  queued_ = 0;
  draining_ = false;
}

bool Encoder::windowTransparent() const noexcept {
  for (size_t i = 1; i < queued_; i++)
    if (queuedAt(i).transparent) return true;
  return false;
}

void Encoder::buildWindowPalette(const FrameRect &rect, int limit, ColorTable &table, bool &exact) {
  if (queued_ <= 1) {
    buildPalette(work_, mask_, rect, limit, table, exact);
    return;
  }
  const EncoderSettings &s = config_.settings;
  const int w = config_.width, h = config_.height;
  table.transparent = -1;
  // Exact when the frame and the frames behind it have `limit` colours at most between them.
  exact_.reset();
  exact = exact_.add(work_.data(), rect.width, rect.width, rect.height, nullptr, 0, limit);
  for (size_t i = 1; exact && i < queued_; i++)
    exact = exact_.add(queuedAt(i).pixels.data(), w, w, h, nullptr, 0, limit);
  if (exact && exact_.count() > 0) {
    exact_.fill(table);
    return;
  }
  exact = false;
  quantizer_.reset();
  quantizer_.add(work_.data(), rect.width, rect.width, rect.height, nullptr, 0, s.speed);
  for (size_t i = 1; i < queued_; i++)
    quantizer_.add(queuedAt(i).pixels.data(), w, w, h, nullptr, 0, s.speed);
  quantizer_.build(limit, s.speed, table, palette_error_);
}

const ColorTable *Encoder::scenePalette(const FrameRect &rect, bool use_transparency,
                                        PaletteScope scope, bool &lossless) {
  if (lookahead() == 0 || scope == PaletteScope::kPerFrame) return nullptr;
  const int fit = use_transparency ? config_.settings.colors - 1 : config_.settings.colors;
  exact_.reset();
  if (exact_.add(work_.data(), rect.width, rect.width, rect.height, nullptr, 0, fit))
    return nullptr;
  if (scene_.size > 0 && (!use_transparency || scene_.transparent >= 0)) {
    const double err = mappingError(work_, mask_, scene_, lossless);
    if (lossless || err <= errorLimit(scope, scene_error_)) return &scene_;
  }
  // A new scene: one palette for it, learned from this frame and the frames behind it, so that
  // its frames share their colours and the dither does not crawl.
  bool exact = false;
  buildWindowPalette(rect, fit, scene_, exact);
  if (use_transparency) scene_.transparent = scene_.size;
  lossless = exact;
  bool dummy = false;
  scene_error_ = exact ? 0 : mappingError(work_, mask_, scene_, dummy);
  return &scene_;
}

}  // namespace mk::gif
