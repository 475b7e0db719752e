// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/timeline.h"

#include <algorithm>

namespace mk::gif {

const TimelineEntry &Timeline::append(uint64_t offset, uint32_t size, uint32_t raw_delay_cs,
                                      bool key) {
  TimelineEntry e;
  e.offset = offset;
  e.size = size;
  e.delay_cs = policy_.apply(raw_delay_cs);
  e.key = key || entries_.empty();
  e.pts_ns = end_ns_;
  end_ns_ += uint64_t(e.delay_cs) * kNsPerCentisecond;
  entries_.push_back(e);
  return entries_.back();
}

size_t Timeline::frameAt(uint64_t t_ns) const noexcept {
  if (entries_.empty()) return 0;
  // The first entry whose pts is after t, minus one.
  auto it = std::upper_bound(entries_.begin(), entries_.end(), t_ns,
                             [](uint64_t t, const TimelineEntry &e) { return t < e.pts_ns; });
  if (it == entries_.begin()) return 0;
  return size_t(it - entries_.begin()) - 1;
}

size_t Timeline::keyAtOrBefore(size_t i) const noexcept {
  if (entries_.empty()) return 0;
  if (i >= entries_.size()) i = entries_.size() - 1;
  while (i > 0 && !entries_[i].key) i--;
  return i;
}

size_t Timeline::keyAtOrAfter(size_t i) const noexcept {
  while (i < entries_.size() && !entries_[i].key) i++;
  return i;
}

size_t Timeline::frameAtOffset(uint64_t offset) const noexcept {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), offset,
                             [](const TimelineEntry &e, uint64_t o) { return e.offset < o; });
  if (it == entries_.end() || it->offset != offset) return entries_.size();
  return size_t(it - entries_.begin());
}

}  // namespace mk::gif
