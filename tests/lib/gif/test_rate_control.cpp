// SPDX-License-Identifier: LGPL-2.1-or-later
// RateController (gifenc's max-size and bitrate): on synthetic cost models whose slope and
// content differ from the controller's own model, and on the real Encoder with the file measured
// as a muxer writes it (codec data, loop extension, records, trailer), never from the
// controller's counters:
// - max-size at 25, 50 and 75 % of the unconstrained size lands under the limit and within 10 %;
// - without a duration max-size is a ceiling that is never exceeded;
// - bitrate holds every 10 s window's average within 10 % over 60 s;
// - bad targets give errors that name the options.
#include <check.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../check_main.h"
#include "gif/encoder.h"
#include "gif/rate_control.h"
#include "gif/writer.h"
#include "test_helpers.h"

using mk::gif::RateAction;
using mk::gif::RateController;
using mk::gif::RateDecision;
using mk::gif::RateTarget;

namespace {

// A clip's cost: bytes for a frame of `delay_cs` at `quality`, as exp(slope x quality) scaled by
// the content's complexity, which doubles at the scene change half way; a frame in seven costs
// 40 % more (detail coming and going). Repeats cost 22 bytes.
struct CostModel {
  double slope;
  double scale;  // bytes a centisecond at quality 0
  size_t cost(const RateDecision &d, int frame, int frames, int64_t delay_cs) const {
    if (d.action == RateAction::kDrop) return 0;
    if (d.action == RateAction::kRepeat) return 22;
    double c = scale * std::exp(slope * std::min(d.quality, 90)) * static_cast<double>(delay_cs);
    if (frame >= frames / 2) c *= 2;
    if (frame % 7 == 3) c *= 1.4;
    if (frame == 0) c *= 3;  // a key frame
    return static_cast<size_t>(c);
  }
};

// The whole clip at `quality` with no target.
int64_t unconstrained(const CostModel &m, int frames, int64_t delay_cs, int64_t fixed) {
  int64_t total = fixed;
  RateDecision d;
  d.quality = 90;
  for (int i = 0; i < frames; i++) total += static_cast<int64_t>(m.cost(d, i, frames, delay_cs));
  return total;
}

struct Run {
  int64_t spent = 0;
  int repeats = 0, drops = 0;
};

Run runModel(const CostModel &m, RateTarget t, int frames, int64_t delay_cs, int64_t fixed) {
  auto rc = RateController::create(t);
  ck_assert_msg(rc.isOk(), "%s", rc.status().message().c_str());
  rc->setFixedBytes(fixed);
  Run r;
  r.spent = fixed;
  for (int i = 0; i < frames; i++) {
    RateDecision d = rc->next(delay_cs);
    size_t bytes = m.cost(d, i, frames, delay_cs);
    if (d.action == RateAction::kCode && bytes > d.max_bytes) {
      d.action = RateAction::kRepeat;  // what the encoder does over the cap
      bytes = m.cost(d, i, frames, delay_cs);
    }
    rc->coded(d, delay_cs, bytes);
    r.spent += static_cast<int64_t>(bytes);
    r.repeats += d.action == RateAction::kRepeat;
    r.drops += d.action == RateAction::kDrop;
    ck_assert_int_le(r.spent, t.max_bytes);  // never over, at any point
  }
  ck_assert_int_eq(r.spent, rc->spent());
  return r;
}

}  // namespace

START_TEST(test_max_size_lands_synthetic) {
  // Slopes around the controller's own, a short clip and a long one.
  const double slopes[] = {0.015, 0.03, 0.05};
  const int lengths[] = {60, 600};
  for (double slope : slopes)
    for (int frames : lengths) {
      const CostModel m{slope, 400.0 / std::exp(slope * 90)};
      const int64_t delay = 5, fixed = 800;
      const int64_t full = unconstrained(m, frames, delay, fixed);
      for (int pct : {25, 50, 75}) {
        RateTarget t;
        t.max_bytes = full * pct / 100;
        t.duration_cs = frames * delay;
        t.max_quality = 90;
        const Run r = runModel(m, t, frames, delay, fixed);
        ck_assert_msg(r.spent >= t.max_bytes * 9 / 10,
                      "slope %.3f, %d frames, %d %%: %lld of %lld bytes", slope, frames, pct,
                      static_cast<long long>(r.spent), static_cast<long long>(t.max_bytes));
        ck_assert_int_eq(r.drops, 0);
      }
    }
}
END_TEST

START_TEST(test_max_size_too_tight_repeats) {
  // A budget the lowest quality cannot meet: frames become repeats, never over, never dropped
  // while a repeat fits.
  const CostModel m{0.03, 400.0 / std::exp(0.03 * 90)};
  RateTarget t;
  t.duration_cs = 100 * 5;
  t.max_bytes = unconstrained(m, 100, 5, 800) / 40;
  t.max_quality = 90;
  const Run r = runModel(m, t, 100, 5, 800);
  ck_assert_int_gt(r.repeats, 0);
  ck_assert_int_eq(r.drops, 0);
}
END_TEST

START_TEST(test_max_size_unknown_duration) {
  // No duration: a ceiling. Coded at the top quality while it fits, lower as the file nears the
  // limit, then left out (runModel checks it never goes over).
  const CostModel m{0.03, 400.0 / std::exp(0.03 * 90)};
  RateTarget t;
  t.max_bytes = unconstrained(m, 100, 5, 800) / 3;
  t.max_quality = 70;
  auto rc = RateController::create(t);
  ck_assert(rc.isOk());
  ck_assert_int_eq(rc->next(5).quality, 70);
  const Run r = runModel(m, t, 1000, 5, 800);
  ck_assert_msg(r.drops > 0 && r.spent >= t.max_bytes * 99 / 100, "%d drops, %lld of %lld bytes",
                r.drops, static_cast<long long>(r.spent), static_cast<long long>(t.max_bytes));
}
END_TEST

START_TEST(test_bitrate_windows) {
  // 60 s at 10 fps; every 10 s window (starting on each second) averages within 10 % of the
  // target; the content's cost changes at 30 s and the target asks for about half of it.
  for (double slope : {0.02, 0.04}) {
    const CostModel m{slope, 400.0 / std::exp(slope * 90)};
    const int frames = 600;
    const int64_t delay = 10;
    RateTarget t;
    t.bitrate_kbps = 200;  // 25 000 bytes/s; the clip costs 40 000 then 80 000 at quality 90
    t.max_quality = 90;
    auto rc = RateController::create(t);
    ck_assert(rc.isOk());
    rc->setFixedBytes(800);
    std::vector<int64_t> per_second(60, 0);
    per_second[0] += 800;
    for (int i = 0; i < frames; i++) {
      const RateDecision d = rc->next(delay);
      const size_t bytes = m.cost(d, i, frames, delay);
      rc->coded(d, delay, bytes);
      per_second[static_cast<size_t>(i * delay / 100)] += static_cast<int64_t>(bytes);
    }
    const double want = t.bitrate_kbps * 125.0 * 10;
    for (size_t s = 0; s + 10 <= per_second.size(); s++) {
      double sum = 0;
      for (size_t k = s; k < s + 10; k++) sum += static_cast<double>(per_second[k]);
      ck_assert_msg(std::fabs(sum / want - 1) <= 0.10, "slope %.2f, window at %zu s: %.0f of %.0f",
                    slope, s, sum, want);
    }
  }
}
END_TEST

START_TEST(test_bad_targets) {
  RateTarget both;
  both.max_bytes = 100000;
  both.bitrate_kbps = 100;
  auto r = RateController::create(both);
  ck_assert(!r.isOk());
  const std::string msg = r.status().message();
  ck_assert(msg.find("max-size") != std::string::npos);
  ck_assert(msg.find("bitrate") != std::string::npos);

  RateTarget tiny;
  tiny.max_bytes = RateController::kMinMaxBytes - 1;
  auto t = RateController::create(tiny);
  ck_assert(!t.isOk());
  const std::string tmsg = t.status().message();
  ck_assert(tmsg.find("max-size 1023") != std::string::npos);

  ck_assert(!RateController::create(RateTarget{}).isOk());  // no target at all

  // The encoder refuses the same settings by name.
  mk::gif::EncoderSettings s;
  s.max_size = 5000000;
  s.bitrate = 500;
  ck_assert(!mk::gif::Encoder::checkSettings(s).isOk());
  s.bitrate = 0;
  ck_assert(mk::gif::Encoder::checkSettings(s).isOk());
  s.max_size = 10;
  ck_assert(!mk::gif::Encoder::checkSettings(s).isOk());
  s.max_size = -1;
  ck_assert(!mk::gif::Encoder::checkSettings(s).isOk());
}
END_TEST

namespace {

// A moving clip whose size depends on quality: a smooth picture drifting a little each frame,
// fine detail, and a bright square moving across.
std::vector<std::vector<uint8_t>> clip(int w, int h, int frames) {
  std::vector<std::vector<uint8_t>> out;
  for (int t = 0; t < frames; t++) {
    std::vector<uint8_t> f = gifenc_test::makeFrame(w, h, t, true);
    for (size_t i = 0; i < f.size(); i += 4) {
      const size_t p = i / 4;
      const int x = static_cast<int>(p % static_cast<size_t>(w)), y = static_cast<int>(p / w);
      f[i + 1] = static_cast<uint8_t>(f[i + 1] + ((x * 7 + y * 13 + t) % 11));
    }
    out.push_back(std::move(f));
  }
  return out;
}

// Encodes with the controller in the loop, like gifenc does; the file as gifmux writes it.
std::vector<uint8_t> encodeTargeted(const mk::gif::EncoderConfig &cfg,
                                    const std::vector<std::vector<uint8_t>> &frames, uint16_t delay,
                                    const RateTarget &target) {
  auto enc = mk::gif::Encoder::create(cfg);
  ck_assert(enc.isOk());
  auto rc = RateController::create(target);
  ck_assert_msg(rc.isOk(), "%s", rc.status().message().c_str());
  std::vector<uint8_t> records;
  for (size_t i = 0; i < frames.size(); i++) {
    RateDecision d = rc->next(delay);
    if (i == 0) d.action = RateAction::kCode;
    const size_t before = records.size();
    if (d.action != RateAction::kDrop) {
      (*enc)->setQuality(d.quality);
      mk::gif::InputFrame in;
      in.data = frames[i].data();
      in.stride = static_cast<size_t>(cfg.width) * 4;
      auto r = d.action == RateAction::kRepeat
                   ? (*enc)->repeat(delay, records)
                   : (*enc)->encode(in, delay, false, records, i == 0 ? SIZE_MAX : d.max_bytes);
      ck_assert_msg(r.isOk(), "%s", r.status().message().c_str());
      const int q = i == 0 ? rc->firstQuality(records.size(), delay) : d.quality;
      if (q < d.quality) {  // as gifenc does: the first frame again, with a new encoder
        enc = mk::gif::Encoder::create(cfg);
        ck_assert(enc.isOk());
        (*enc)->setQuality(q);
        d.quality = q;
        records.clear();
        r = (*enc)->encode(in, delay, false, records);
        ck_assert(r.isOk());
      }
      if (r->repeated) d.action = RateAction::kRepeat;
    }
    if (i == 0) rc->setFixedBytes(RateController::fixedBytesFor((*enc)->codecData().size()));
    rc->coded(d, delay, records.size() - before);
  }
  std::vector<uint8_t> file = (*enc)->codecData();
  mk::gif::writeLoopExtension(file, 0);
  file.insert(file.end(), records.begin(), records.end());
  mk::gif::writeTrailer(file);
  return file;
}

}  // namespace

START_TEST(test_max_size_real_encoder) {
  const int w = 96, h = 72, frames = 40;
  const uint16_t delay = 5;
  const auto src = clip(w, h, frames);
  mk::gif::EncoderConfig cfg;
  cfg.width = w;
  cfg.height = h;
  cfg.settings.threads = 1;
  const gifenc_test::Encoded full = gifenc_test::encodeClip(cfg, src);
  const int64_t full_size = static_cast<int64_t>(full.file.size());
  for (int pct : {25, 50, 75}) {
    RateTarget t;
    t.max_bytes = full_size * pct / 100;
    t.duration_cs = frames * delay;
    t.max_quality = cfg.settings.quality;
    const std::vector<uint8_t> file = encodeTargeted(cfg, src, delay, t);
    const int64_t size = static_cast<int64_t>(file.size());
    ck_assert_msg(size <= t.max_bytes && size >= t.max_bytes * 9 / 10,
                  "%d %% of %lld: %lld bytes for a limit of %lld", pct,
                  static_cast<long long>(full_size), static_cast<long long>(size),
                  static_cast<long long>(t.max_bytes));
    // Every frame is still there for a decoder (the tests' own decoder).
    gifenc_test::Decoded d;
    ck_assert_msg(gifenc_test::decode(file.data(), file.size(), d), "%s", d.error.c_str());
    ck_assert_uint_eq(d.canvases.size(), static_cast<size_t>(frames));
  }
}
END_TEST

START_TEST(test_repeat_is_cheap_and_shows_the_same) {
  const int w = 64, h = 48;
  const auto src = clip(w, h, 3);
  mk::gif::EncoderConfig cfg;
  cfg.width = w;
  cfg.height = h;
  cfg.settings.threads = 1;
  auto enc = mk::gif::Encoder::create(cfg);
  ck_assert(enc.isOk());
  std::vector<uint8_t> records;
  ck_assert(!(*enc)->repeat(4, records).isOk());  // nothing to repeat yet
  mk::gif::InputFrame in;
  in.data = src[1].data();
  in.stride = static_cast<size_t>(w) * 4;
  ck_assert((*enc)->encode(in, 4, false, records).isOk());
  (*enc)->setQuality(20);  // a repeat after a quality change still repeats
  auto r = (*enc)->repeat(4, records);
  ck_assert(r.isOk());
  ck_assert_uint_le(r->bytes, 32);
  std::vector<uint8_t> file = (*enc)->codecData();
  file.insert(file.end(), records.begin(), records.end());
  mk::gif::writeTrailer(file);
  gifenc_test::Decoded d;
  ck_assert_msg(gifenc_test::decode(file.data(), file.size(), d), "%s", d.error.c_str());
  ck_assert_uint_eq(d.canvases.size(), 2);
  ck_assert(d.canvases[0] == d.canvases[1]);
}
END_TEST

static Suite *rateSuite() {
  Suite *s = suite_create("gif-rate-control");
  TCase *tc = tcase_create("rate");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_max_size_lands_synthetic);
  tcase_add_test(tc, test_max_size_too_tight_repeats);
  tcase_add_test(tc, test_max_size_unknown_duration);
  tcase_add_test(tc, test_bitrate_windows);
  tcase_add_test(tc, test_bad_targets);
  tcase_add_test(tc, test_max_size_real_encoder);
  tcase_add_test(tc, test_repeat_is_cheap_and_shows_the_same);
  suite_add_tcase(s, tc);
  return s;
}

int main() {
  return mktest::runSuite(rateSuite());
}
