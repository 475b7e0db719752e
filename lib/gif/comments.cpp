// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/comments.h"

namespace mk::gif {

bool CommentList::add(const uint8_t *payload, size_t size) {
  // Full: nothing more is looked at, so a comment on every frame costs nothing from here on.
  if (kept_.size() >= kMaxComments || bytes_ >= kMaxCommentBytes || size > kMaxCommentBytes) {
    dropped_++;
    return false;
  }
  std::string text;
  text.reserve(size);
  for (size_t i = 0; i < size; i++)
    if (payload[i] != 0) text.push_back(static_cast<char>(payload[i]));
  if (bytes_ + text.size() > kMaxCommentBytes || seen_.count(text)) {
    dropped_++;
    return false;
  }
  bytes_ += text.size();
  seen_.insert(text);
  kept_.push_back(std::move(text));
  return true;
}

void CommentList::clear() noexcept {
  kept_.clear();
  seen_.clear();
  bytes_ = 0;
  dropped_ = 0;
}

}  // namespace mk::gif
