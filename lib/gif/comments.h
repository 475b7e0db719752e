// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::CommentList: the comment extensions of a GIF as a demuxer reports them, bounded. A
// file may put a comment before every frame; keeping and re-sending them all would make the
// work grow with the square of the file. The list keeps the first kMaxComments distinct
// comments, kMaxCommentBytes of text at most, and says when it changed, so that a new tag list
// goes out only then. What does not fit is counted, not kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

namespace mk::gif {

class CommentList {
 public:
  static constexpr size_t kMaxComments = 64;
  static constexpr size_t kMaxCommentBytes = size_t{64} << 10;

  // Adds a comment extension's payload (its sub-blocks joined). NUL bytes are dropped (GIF
  // comments are meant to be 7-bit text; strangers' files hold anything). Returns true when
  // the comment was kept: it is new, and there is room for it.
  bool add(const uint8_t *payload, size_t size);

  // The kept comments, in the order they came.
  const std::vector<std::string> &kept() const noexcept { return kept_; }
  // Comments not kept: repeats, and those past the bounds.
  size_t dropped() const noexcept { return dropped_; }
  void clear() noexcept;

 private:
  std::vector<std::string> kept_;
  std::unordered_set<std::string> seen_;
  size_t bytes_ = 0;
  size_t dropped_ = 0;
};

}  // namespace mk::gif
