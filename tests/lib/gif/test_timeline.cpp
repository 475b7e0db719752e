// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::Timeline: delay policy, presentation times, and the frame/key-frame lookups a demuxer
// uses to seek.
#include <check.h>

#include "../check_main.h"

#include "gif/frame_timing.h"
#include "gif/timeline.h"

#include <initializer_list>

using mk::gif::DelayPolicy;
using mk::gif::kNsPerCentisecond;
using mk::gif::Timeline;

START_TEST(test_policy_defaults) {
  DelayPolicy p;
  ck_assert_uint_eq(p.apply(0), 10);  // 0 and 1 cs play as 10 cs, as browsers do
  ck_assert_uint_eq(p.apply(1), 10);
  ck_assert_uint_eq(p.apply(2), 2);
  ck_assert_uint_eq(p.apply(65535), 65535);
  DelayPolicy q{5, 7, 100};
  ck_assert_uint_eq(q.apply(4), 7);
  ck_assert_uint_eq(q.apply(5), 5);
  ck_assert_uint_eq(q.apply(101), 100);
  // A default above the maximum is still clamped.
  DelayPolicy r{5, 500, 100};
  ck_assert_uint_eq(r.apply(0), 100);
}
END_TEST

START_TEST(test_pts_and_duration) {
  Timeline t;
  t.append(100, 50, 4, true);
  t.append(150, 60, 0, false);  // becomes 10 cs
  t.append(210, 70, 3, false);
  ck_assert_uint_eq(t.size(), 3);
  ck_assert_uint_eq(t[0].pts_ns, 0);
  ck_assert_uint_eq(t[1].pts_ns, 4 * kNsPerCentisecond);
  ck_assert_uint_eq(t[2].pts_ns, 14 * kNsPerCentisecond);
  ck_assert_uint_eq(t.durationNs(1), 10 * kNsPerCentisecond);
  ck_assert_uint_eq(t.totalNs(), 17 * kNsPerCentisecond);
}
END_TEST

START_TEST(test_first_frame_is_key) {
  Timeline t;
  t.append(0, 1, 10, false);
  ck_assert(t[0].key);
  t.clear();
  ck_assert(t.empty());
  ck_assert_uint_eq(t.totalNs(), 0);
}
END_TEST

START_TEST(test_lookups) {
  Timeline t;
  // frames of 10 cs; keys at 0 and 3
  for (int i = 0; i < 6; i++) t.append(1000 + 10 * i, 10, 10, i == 3);
  const uint64_t f = 10 * kNsPerCentisecond;
  ck_assert_uint_eq(t.frameAt(0), 0);
  ck_assert_uint_eq(t.frameAt(f - 1), 0);
  ck_assert_uint_eq(t.frameAt(f), 1);
  ck_assert_uint_eq(t.frameAt(4 * f + 5), 4);
  ck_assert_uint_eq(t.frameAt(100 * f), 5);  // past the end: the last frame
  ck_assert_uint_eq(t.keyAtOrBefore(2), 0);
  ck_assert_uint_eq(t.keyAtOrBefore(3), 3);
  ck_assert_uint_eq(t.keyAtOrBefore(5), 3);
  ck_assert_uint_eq(t.keyAtOrBefore(99), 3);
  ck_assert_uint_eq(t.keyAtOrAfter(1), 3);
  ck_assert_uint_eq(t.keyAtOrAfter(4), 6);  // none: size()
  ck_assert_uint_eq(t.frameAtOffset(1030), 3);
  ck_assert_uint_eq(t.frameAtOffset(1031), 6);
  Timeline empty;
  ck_assert_uint_eq(empty.frameAt(5), 0);
  ck_assert_uint_eq(empty.keyAtOrBefore(5), 0);
}
END_TEST

// Appends frames with the given raw delays (cs) and returns the timeline's rate.
static mk::gif::FrameRate rate_of(std::initializer_list<uint32_t> delays, int repeat = 1) {
  Timeline t;
  for (int r = 0; r < repeat; r++)
    for (uint32_t d : delays) t.append(t.size() * 10, 10, d, false);
  return t.frameRate();
}

// What our encoder writes for an input at `num`/`den` fps, `n` frames: the delays come from its
// own DelayAccumulator (lib/gif/frame_timing.h), not from a restatement of its rounding.
static mk::gif::FrameRate rate_of_quantized(int64_t num, int64_t den, int n) {
  Timeline t;
  mk::gif::DelayAccumulator acc;
  acc.start(0);
  for (int i = 0; i < n; i++) {
    const int64_t end_ns = int64_t{i + 1} * 1000000000 * den / num;
    const mk::gif::DelayStep step = acc.close(end_ns, i + 1 == n);
    ck_assert(!step.merge && !step.backwards && !step.clamped);
    t.append(uint64_t(i) * 10, 10, step.delay_cs, false);
  }
  return t.frameRate();
}

#define ck_assert_rate(r, n, d)     \
  do {                              \
    mk::gif::FrameRate r_ = (r);    \
    ck_assert_uint_eq(r_.num, (n)); \
    ck_assert_uint_eq(r_.den, (d)); \
  } while (0)

START_TEST(test_frame_rate_equal_delays) {
  ck_assert_rate(rate_of({7}, 6), 100, 7);  // anim-6f-loop1.gif
  ck_assert_rate(rate_of({10}, 3), 10, 1);
  ck_assert_rate(rate_of({4}, 2), 25, 1);
  ck_assert_rate(rate_of({0}, 5), 10, 1);  // 0 cs plays as 10 cs
  ck_assert(rate_of({7}, 6).constant());
}
END_TEST

START_TEST(test_frame_rate_quantized) {
  ck_assert_rate(rate_of({6, 7, 7}, 10), 15, 1);  // docs/demo/testsrc2.gif
  ck_assert_rate(rate_of({7, 6, 7}, 10), 15, 1);  // rounded to nearest instead of down
  ck_assert_rate(rate_of_quantized(30, 1, 30), 30, 1);
  ck_assert_rate(rate_of_quantized(30, 1, 31), 30, 1);
  ck_assert_rate(rate_of_quantized(24, 1, 48), 24, 1);
  ck_assert_rate(rate_of_quantized(12, 1, 100), 12, 1);
  ck_assert_rate(rate_of_quantized(15, 1, 30), 15, 1);
}
END_TEST

START_TEST(test_frame_rate_variable) {
  ck_assert_rate(rate_of({10}), 0, 1);                   // one frame: a still image
  ck_assert_rate(rate_of({}), 0, 1);                     // nothing
  ck_assert_rate(rate_of({10, 10, 10, 200}), 0, 1);      // a pause on the last frame
  ck_assert_rate(rate_of({5, 7}, 4), 0, 1);              // 2 cs apart
  ck_assert_rate(rate_of({6, 6, 6, 7, 7, 7}, 4), 0, 1);  // drifts by more than 1 cs
  ck_assert(!rate_of({10, 20}).constant());
}
END_TEST

int main() {
  Suite *s = suite_create("gif-timeline");
  TCase *tc = tcase_create("timeline");
  tcase_add_test(tc, test_policy_defaults);
  tcase_add_test(tc, test_pts_and_duration);
  tcase_add_test(tc, test_first_frame_is_key);
  tcase_add_test(tc, test_lookups);
  tcase_add_test(tc, test_frame_rate_equal_delays);
  tcase_add_test(tc, test_frame_rate_quantized);
  tcase_add_test(tc, test_frame_rate_variable);
  suite_add_tcase(s, tc);
  return mktest::runSuite(s);
}
