// SPDX-License-Identifier: LGPL-2.1-or-later
// The encoder's look-ahead (settings.lookahead): the queue's contract (push, pull, drain,
// discard, bounds), the global palette learned from the frames behind the first, checked by
// giflib (an independent decoder), and output independent of the thread count.
#include <check.h>

#include "../check_main.h"
#include <gif_lib.h>

#include <set>
#include <string>
#include <vector>

#include "gif/encoder.h"
#include "gif/encoder_options.h"
#include "giflib_slurp.h"
#include "test_helpers.h"

using mk::gif::EncoderConfig;
using mk::gif::PixelFormat;

namespace {

EncoderConfig config(int w, int h, int lookahead) {
  EncoderConfig cfg;
  cfg.width = w;
  cfg.height = h;
  cfg.format = PixelFormat::kRGBA;
  cfg.settings.lookahead = lookahead;
  return cfg;
}

void setPixel(std::vector<uint8_t> &f, int w, int x, int y, uint32_t rgb) {
  uint8_t *p = &f[(static_cast<size_t>(y) * w + x) * 4];
  p[0] = static_cast<uint8_t>(rgb >> 16);
  p[1] = static_cast<uint8_t>(rgb >> 8);
  p[2] = static_cast<uint8_t>(rgb);
  p[3] = 255;
}

// Frame 0 in four colours; every later frame in four others, its stripes moving.
std::vector<std::vector<uint8_t>> twoPaletteClip(int w, int h, int n) {
  const uint32_t a[4] = {0x102030, 0x805020, 0x20a040, 0xe0e0e0};
  const uint32_t b[4] = {0xff0000, 0x0000ff, 0xffff00, 0x00ffff};
  std::vector<std::vector<uint8_t>> frames;
  for (int i = 0; i < n; i++) {
    std::vector<uint8_t> f(static_cast<size_t>(w) * h * 4);
    // (a pointer: in the ASan/UBSan build, GCC 12 made frames of b[3] alone from
    // `(i == 0 ? a : b)[k]`)
    const uint32_t *colours = i == 0 ? a : b;
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) setPixel(f, w, x, y, colours[((x + i) / 5 + y / 7) % 4]);
    frames.push_back(std::move(f));
  }
  return frames;
}

struct Readback {
  std::vector<std::vector<uint8_t>> canvases;
  std::set<uint32_t> global;  // the global palette's colours
  int local_maps = 0;         // frames with their own colour table
};

Readback readBack(const std::vector<uint8_t> &file, int frames) {
  Readback r;
  int count = 0;
  GifFileType *gif = nullptr;
  r.canvases = giflib_test::slurp(file, &count, &gif);
  ck_assert_int_eq(count, frames);
  ck_assert(gif->SColorMap != nullptr);
  for (int i = 0; i < gif->SColorMap->ColorCount; i++) {
    const GifColorType &c = gif->SColorMap->Colors[i];
    r.global.insert(static_cast<uint32_t>(c.Red) << 16 | c.Green << 8 | c.Blue);
  }
  for (int i = 0; i < gif->ImageCount; i++)
    if (gif->SavedImages[i].ImageDesc.ColorMap) r.local_maps++;
  int err = 0;
  DGifCloseFile(gif, &err);
  return r;
}

// Mean squared error (per channel) of a giflib canvas against an RGBA input frame.
double canvasError(const std::vector<uint8_t> &canvas, const std::vector<uint8_t> &frame) {
  double sum = 0;
  for (size_t i = 0; i < frame.size(); i++) {
    if (i % 4 == 3) continue;
    const double d = static_cast<double>(canvas[i]) - frame[i];
    sum += d * d;
  }
  return sum / (static_cast<double>(frame.size()) * 3 / 4);
}

mk::gif::InputFrame inputOf(const std::vector<uint8_t> &f, int w) {
  mk::gif::InputFrame in;
  in.data = f.data();
  in.stride = static_cast<size_t>(w) * 4;
  return in;
}

}  // namespace

// Frame 0 has other colours than the rest: with the whole clip in the look-ahead, the global
// palette holds every colour and no frame needs a local one; without, later frames do.
START_TEST(test_global_palette_covers_later_colours) {
  const int w = 40, h = 30, n = 8;
  const auto frames = twoPaletteClip(w, h, n);
  const gifenc_test::Encoded ahead = gifenc_test::encodeClip(config(w, h, n - 1), frames);
  const gifenc_test::Encoded first = gifenc_test::encodeClip(config(w, h, 0), frames);
  const Readback ra = readBack(ahead.file, n), rf = readBack(first.file, n);
  ck_assert_int_eq(ra.local_maps, 0);
  for (uint32_t c : {0xff0000u, 0x0000ffu, 0xffff00u, 0x00ffffu, 0x102030u, 0xe0e0e0u})
    ck_assert_msg(ra.global.count(c), "colour %06x is not in the global palette", c);
  for (int i = 0; i < n; i++)
    ck_assert_msg(ra.canvases[static_cast<size_t>(i)] == frames[static_cast<size_t>(i)],
                  "frame %d differs after giflib's read-back", i);
  // Without look-ahead the global palette is frame 0's: the later frames carry their own.
  ck_assert_int_gt(rf.local_maps, 0);
  ck_assert_uint_lt(ahead.file.size(), first.file.size());
}
END_TEST

// A small object that appears after frame 0 (in a moving gradient, so that every frame is coded
// whole): a 32-colour global palette learned from frame 0 alone has no entry near it, and the
// object's error is too small a share of the frame's to call for a local palette; one learned
// with look-ahead has an entry for it.
START_TEST(test_later_object_gets_a_colour) {
  const int w = 64, h = 48, n = 6;
  std::vector<std::vector<uint8_t>> frames;
  for (int i = 0; i < n; i++) {
    std::vector<uint8_t> f(static_cast<size_t>(w) * h * 4);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        setPixel(f, w, x, y, static_cast<uint32_t>((x + y + i) % 64 * 4) << 16);
    if (i > 0)
      for (int x = 20; x < 22; x++) setPixel(f, w, x, 10 + i, 0x0000ff);
    frames.push_back(std::move(f));
  }
  auto encode = [&](int lookahead) {
    EncoderConfig cfg = config(w, h, lookahead);
    uint64_t given = 0;
    mk::Status st =
        mk::gif::parseEncoderOptions(cfg.settings, given, "colors=32:palette=global:speed=1");
    ck_assert_msg(st.isOk(), "%s", st.message().c_str());
    cfg.settings.lookahead = lookahead;
    cfg.explicit_options = given;
    return readBack(gifenc_test::encodeClip(cfg, frames).file, n);
  };
  const Readback ra = encode(n - 1), rf = encode(0);
  ck_assert_int_eq(ra.local_maps, 0);
  ck_assert_int_eq(rf.local_maps, 0);  // both use their global palette throughout
  double err_ahead = 0, err_first = 0;
  for (size_t i = 1; i < frames.size(); i++) {
    err_ahead += canvasError(ra.canvases[i], frames[i]);
    err_first += canvasError(rf.canvases[i], frames[i]);
  }
  ck_assert_msg(err_ahead < err_first, "error with look-ahead %.2f, without %.2f", err_ahead,
                err_first);
  bool blue = false;
  for (uint32_t c : ra.global) blue |= (c & 0xff) > 200 && (c >> 16) < 60;
  ck_assert_msg(blue, "no blue entry in the global palette learned with look-ahead");
}
END_TEST

START_TEST(test_queue_contract) {
  const int w = 16, h = 12;
  std::vector<std::vector<uint8_t>> frames;
  for (int i = 0; i < 6; i++) frames.push_back(gifenc_test::makeFrame(w, h, i, true));
  auto enc = mk::gif::Encoder::create(config(w, h, 2));
  ck_assert(enc.isOk());
  mk::gif::Encoder &e = **enc;
  std::vector<uint8_t> out;
  ck_assert_uint_eq(e.lookahead(), 2);
  ck_assert(!e.pull(out).isOk());  // nothing queued
  ck_assert(e.push(inputOf(frames[0], w), 4, false).isOk());
  ck_assert(e.push(inputOf(frames[1], w), 4, false).isOk());
  ck_assert(!e.ready());
  auto early = e.pull(out);
  ck_assert(!early.isOk());
  ck_assert_int_eq(static_cast<int>(early.status().code()),
                   static_cast<int>(mk::Errc::kInvalidArgument));
  ck_assert(e.codecData().empty());
  auto at_once = e.encode(inputOf(frames[2], w), 4, false, out);
  ck_assert(!at_once.isOk());  // frames are queued
  ck_assert(e.push(inputOf(frames[2], w), 4, false).isOk());
  ck_assert(e.ready());
  // The queue holds lookahead + 1 frames, never more.
  mk::Status full = e.push(inputOf(frames[3], w), 4, false);
  ck_assert(!full.isOk());
  ck_assert_msg(full.message().find("pull") != std::string::npos, "%s", full.message().c_str());
  ck_assert_uint_eq(e.queued(), 3);
  ck_assert(e.pull(out).isOk());
  ck_assert(!e.codecData().empty());
  ck_assert(!e.ready());
  // A flush: the queued frames are gone, the stream goes on from a key frame.
  e.discard();
  ck_assert_uint_eq(e.queued(), 0);
  ck_assert(e.push(inputOf(frames[3], w), 4, true).isOk());
  ck_assert(e.push(inputOf(frames[4], w), 4, false).isOk());
  ck_assert(!e.ready());
  e.drain();  // end of input: every queued frame is ready
  int coded = 0;
  while (e.ready()) {
    auto r = e.pull(out);
    ck_assert_msg(r.isOk(), "%s", r.status().message().c_str());
    if (coded == 0) ck_assert(r->key);
    coded++;
  }
  ck_assert_int_eq(coded, 2);
  // A push after the drain: the stream goes on, looking ahead again.
  ck_assert(e.push(inputOf(frames[5], w), 4, false).isOk());
  ck_assert(!e.ready());
  // A bad frame is refused before it is queued.
  mk::gif::InputFrame bad = inputOf(frames[5], w);
  bad.stride = 3;
  ck_assert(!e.push(bad, 4, false).isOk());
  ck_assert_uint_eq(e.queued(), 1);
}
END_TEST

// A clip shorter than the look-ahead: nothing comes out before the drain, every frame after it.
START_TEST(test_short_clip_drains) {
  const int w = 20, h = 10, n = 3;
  std::vector<std::vector<uint8_t>> frames;
  for (int i = 0; i < n; i++) frames.push_back(gifenc_test::makeFrame(w, h, i, false));
  const gifenc_test::Encoded e = gifenc_test::encodeClip(config(w, h, 60), frames);
  ck_assert_uint_eq(e.infos.size(), n);
  const Readback r = readBack(e.file, n);
  for (int i = 0; i < n; i++)
    ck_assert(r.canvases[static_cast<size_t>(i)] == frames[static_cast<size_t>(i)]);
}
END_TEST

START_TEST(test_same_bytes_for_any_thread_count) {
  const int w = 96, h = 700, n = 7;  // tall: several stripes
  std::vector<std::vector<uint8_t>> frames;
  for (int i = 0; i < n; i++) frames.push_back(gifenc_test::makeFrame(w, h, i * 3, i % 3 != 2));
  std::vector<uint8_t> reference;
  for (int threads : {1, 2, 4}) {
    EncoderConfig cfg = config(w, h, 3);
    cfg.settings.threads = threads;
    const gifenc_test::Encoded e = gifenc_test::encodeClip(cfg, frames);
    if (reference.empty())
      reference = e.file;
    else
      ck_assert_msg(e.file == reference, "threads=%d gives other bytes", threads);
  }
}
END_TEST

START_TEST(test_bad_values) {
  for (const char *text : {"lookahead=-1", "lookahead=61", "lookahead=many"}) {
    mk::gif::EncoderSettings s;
    uint64_t given = 0;
    mk::Status st = mk::gif::parseEncoderOptions(s, given, text);
    ck_assert_msg(!st.isOk(), "%s accepted", text);
    ck_assert_msg(st.message().find("lookahead") != std::string::npos, "%s: %s", text,
                  st.message().c_str());
  }
  EncoderConfig cfg = config(8, 8, 61);
  auto enc = mk::gif::Encoder::create(cfg);
  ck_assert(!enc.isOk());
  ck_assert_msg(enc.status().message().find("lookahead") != std::string::npos, "%s",
                enc.status().message().c_str());
}
END_TEST

int main() {
  Suite *s = suite_create("gif-encoder-lookahead");
  TCase *tc = tcase_create("lookahead");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_global_palette_covers_later_colours);
  tcase_add_test(tc, test_later_object_gets_a_colour);
  tcase_add_test(tc, test_queue_contract);
  tcase_add_test(tc, test_short_clip_drains);
  tcase_add_test(tc, test_same_bytes_for_any_thread_count);
  tcase_add_test(tc, test_bad_values);
  suite_add_tcase(s, tc);
  return mktest::runSuite(s);
}
