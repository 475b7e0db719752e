// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gif/timeline.h"

#include <algorithm>
#include <numeric>

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

namespace {

// a/b, reduced; both positive.
FrameRate reduced(uint64_t a, uint64_t b) noexcept {
  uint64_t g = std::gcd(a, b);
  return FrameRate{uint32_t(a / g), uint32_t(b / g)};
}

}  // namespace

FrameRate Timeline::frameRate() const noexcept {
  const size_t n = entries_.size();
  if (n < 2) return {};
  uint32_t lo_cs = entries_[0].delay_cs, hi_cs = lo_cs;
  for (const TimelineEntry &e : entries_) {
    lo_cs = std::min(lo_cs, e.delay_cs);
    hi_cs = std::max(hi_cs, e.delay_cs);
  }
  if (lo_cs == 0 || hi_cs - lo_cs > 1) return {};
  if (lo_cs == hi_cs) return reduced(100, lo_cs);

  // The frame period p (cs) must satisfy |end_i - (i + 1) p| < 1 for every frame i, where end_i
  // is the end of frame i in cs: p lies in the open interval (pn/pd, qn/qd).
  int64_t pn = 0, pd = 1, qn = 0, qd = 0;  // qd == 0: no upper bound yet
  int64_t end = 0;
  for (size_t i = 0; i < n; i++) {
    end += entries_[i].delay_cs;
    const int64_t k = int64_t(i) + 1;
    if ((end - 1) * pd > pn * k) pn = end - 1, pd = k;
    if (qd == 0 || (end + 1) * qd < qn * k) qn = end + 1, qd = k;
  }
  if (pn <= 0 || pn * qd >= qn * pd) return {};
  // Rates num/den in the open interval (100 qd / qn, 100 pd / pn), the smallest den first.
  const int64_t total = end;
  for (int64_t den = 1; den <= 100; den++) {
    const int64_t first = 100 * den * qd / qn + 1;   // > 100 den qd / qn
    const int64_t last = (100 * den * pd - 1) / pn;  // < 100 den pd / pn
    if (first > last) continue;
    // The mean rate is 100 n / total: the nearest num to it times den.
    int64_t num = (200 * int64_t(n) * den + total) / (2 * total);
    num = std::clamp(num, first, last);
    return reduced(uint64_t(num), uint64_t(den));
  }
  return {};
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
