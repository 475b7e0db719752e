// SPDX-License-Identifier: LGPL-2.1-or-later
// The encoder's threads: mk::gif::Workers runs every task exactly once, on a thread index in
// range, job after job; and the encoder writes the same bytes with 1, 2, 3 or 4 threads on a clip
// big enough to be cut in several stripes and LZW pieces, with and without lossy coding and the
// temporal threshold. Also in suite 'threaded' (ThreadSanitizer).
#include <check.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include "gif/encoder.h"
#include "gif/workers.h"
#include "../check_main.h"
#include "test_helpers.h"

using namespace mk::gif;

START_TEST(test_workers_run_each_task_once) {
  for (int threads : {1, 2, 3, 8}) {
    Workers w(threads);
    ck_assert_int_ge(w.threads(), 1);
    ck_assert_int_le(w.threads(), threads);
    for (int job = 0; job < 50; job++) {
      const int count = 1 + job * 7 % 40;
      std::vector<std::atomic<int>> hits(static_cast<size_t>(count));
      for (auto &h : hits) h = 0;
      std::atomic<int> bad_thread{0};
      w.run(count, [&](int task, int thread) {
        hits[static_cast<size_t>(task)]++;
        if (thread < 0 || thread >= w.threads()) bad_thread++;
      });
      for (int t = 0; t < count; t++) ck_assert_int_eq(hits[static_cast<size_t>(t)].load(), 1);
      ck_assert_int_eq(bad_thread.load(), 0);
    }
    w.run(0, [](int, int) { ck_abort_msg("a task of an empty job ran"); });
  }
  ck_assert_int_ge(Workers::resolve(0), 1);
  ck_assert_int_eq(Workers::resolve(3), 3);
}
END_TEST

// 520 x 300: several dither stripes and two LZW pieces per full frame.
START_TEST(test_same_bytes_for_any_thread_count) {
  const int w = 520, h = 300;
  std::vector<std::vector<uint8_t>> frames;
  for (int t = 0; t < 4; t++) frames.push_back(gifenc_test::makeFrame(w, h, t * 5, true));
  for (const char *options : {"", "lossy=60", "noise-threshold=6:dither=floyd-steinberg"}) {
    std::vector<uint8_t> first;
    for (int threads : {1, 2, 3, 4}) {
      EncoderConfig c;
      c.width = w;
      c.height = h;
      c.format = PixelFormat::kRGBA;
      ck_assert(parseEncoderOptions(c.settings, c.explicit_options, options).isOk());
      c.settings.threads = threads;
      auto e = gifenc_test::encodeClip(c, frames);
      if (threads == 1) {
        first = e.file;
        gifenc_test::Decoded d;
        ck_assert_msg(gifenc_test::decode(e.file.data(), e.file.size(), d), "%s", d.error.c_str());
        ck_assert_uint_eq(d.canvases.size(), frames.size());
      } else {
        ck_assert_msg(e.file == first, "'%s': %d threads wrote other bytes than one", options,
                      threads);
      }
    }
  }
}
END_TEST

static Suite *threadsSuite() {
  Suite *s = suite_create("gif-encoder-threads");
  TCase *tc = tcase_create("threads");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_workers_run_each_task_once);
  tcase_add_test(tc, test_same_bytes_for_any_thread_count);
  suite_add_tcase(s, tc);
  return s;
}

int main() {
  return mktest::runSuite(threadsSuite());
}
