// SPDX-License-Identifier: LGPL-2.1-or-later
// DelayAccumulator: centisecond delays from timestamps without drift, merging of frames shorter
// than 2 cs, backwards timestamps and clamping.
#include <check.h>

#include "../check_main.h"

#include <cstdint>
#include <vector>

#include "gif/frame_timing.h"

using mk::gif::DelayAccumulator;
using mk::gif::DelayStep;

static int64_t frameTime(int64_t n, int64_t num, int64_t den) {
  // What GStreamer sources stamp: n * 1 s * den / num, rounded down.
  return n * 1000000000LL * den / num;
}

START_TEST(test_30fps_pattern) {
  DelayAccumulator acc;
  acc.start(frameTime(0, 30, 1));
  std::vector<int> got;
  int64_t sum = 0;
  for (int n = 1; n <= 300; n++) {
    DelayStep s = acc.close(frameTime(n, 30, 1), false);
    ck_assert(!s.merge && !s.backwards);
    got.push_back(s.delay_cs);
    sum += s.delay_cs;
  }
  ck_assert_int_eq(got[0], 3);
  ck_assert_int_eq(got[1], 3);
  ck_assert_int_eq(got[2], 4);
  for (size_t i = 3; i < got.size(); i++) ck_assert_int_eq(got[i], got[i - 3]);
  ck_assert_int_eq(sum, 1000);  // 300 frames at 30 fps = exactly 10 s
}
END_TEST

START_TEST(test_ntsc_no_drift) {
  // 29.97 fps over 10000 frames: the sum stays within 1 cs of real time.
  DelayAccumulator acc;
  acc.start(0);
  int64_t sum = 0;
  const int n = 10000;
  for (int i = 1; i <= n; i++) sum += acc.close(frameTime(i, 30000, 1001), false).delay_cs;
  int64_t realCs = frameTime(n, 30000, 1001) / 10000000;
  ck_assert(sum <= realCs && sum >= realCs - 1);
}
END_TEST

START_TEST(test_offset_origin) {
  // A stream starting at 5.003 s: delays count from its first frame.
  DelayAccumulator acc;
  int64_t base = 5003000000LL;
  acc.start(base);
  ck_assert_int_eq(acc.close(base + 100000000, false).delay_cs, 10);
  ck_assert_int_eq(acc.close(base + 150000000, false).delay_cs, 5);
  ck_assert_int_eq(acc.elapsedCs(), 15);
}
END_TEST

START_TEST(test_short_frames_merge) {
  // 100 fps: every other frame would show 1 cs: it is merged, the kept ones show 2 cs.
  DelayAccumulator acc;
  acc.start(0);
  int kept = 0, merged = 0;
  int64_t sum = 0;
  for (int n = 1; n <= 100; n++) {
    DelayStep s = acc.close(frameTime(n, 100, 1), false);
    if (s.merge) {
      merged++;
      continue;
    }
    kept++;
    ck_assert_int_eq(s.delay_cs, 2);
    sum += s.delay_cs;
  }
  ck_assert_int_eq(kept, 50);
  ck_assert_int_eq(merged, 50);
  ck_assert_int_eq(sum, 100);
}
END_TEST

START_TEST(test_last_frame_minimum) {
  DelayAccumulator acc;
  acc.start(0);
  DelayStep s = acc.close(5000000, true);  // 0.5 cs, but it is the last frame
  ck_assert(!s.merge);
  ck_assert_int_eq(s.delay_cs, 2);
}
END_TEST

START_TEST(test_backwards) {
  DelayAccumulator acc;
  acc.start(1000000000);
  ck_assert_int_eq(acc.close(1100000000, false).delay_cs, 10);
  DelayStep s = acc.close(500000000, false);  // jumps back 0.6 s
  ck_assert(s.backwards);
  ck_assert_int_eq(s.delay_cs, 2);
  // Time runs on from the new timestamps.
  s = acc.close(600000000, false);
  ck_assert(!s.backwards && !s.merge);
  ck_assert_int_eq(s.delay_cs, 10);
}
END_TEST

START_TEST(test_clamped) {
  DelayAccumulator acc;
  acc.start(0);
  DelayStep s = acc.close(int64_t{700} * 1000000000, false);  // 700 s
  ck_assert(s.clamped);
  ck_assert_int_eq(s.delay_cs, 65535);
}
END_TEST

START_TEST(test_reset) {
  DelayAccumulator acc;
  acc.start(0);
  (void)acc.close(30000000, false);
  acc.reset();
  ck_assert(!acc.started());
  acc.start(7000000000LL);
  ck_assert_int_eq(acc.close(7040000000LL, false).delay_cs, 4);
}
END_TEST

static Suite *timingSuite() {
  Suite *s = suite_create("gif-frame-timing");
  TCase *tc = tcase_create("timing");
  tcase_add_test(tc, test_30fps_pattern);
  tcase_add_test(tc, test_ntsc_no_drift);
  tcase_add_test(tc, test_offset_origin);
  tcase_add_test(tc, test_short_frames_merge);
  tcase_add_test(tc, test_last_frame_minimum);
  tcase_add_test(tc, test_backwards);
  tcase_add_test(tc, test_clamped);
  tcase_add_test(tc, test_reset);
  suite_add_tcase(s, tc);
  return s;
}

int main() {
  return mktest::runSuite(timingSuite());
}
