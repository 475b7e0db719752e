// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::LzwDecoder: round trips at every min code size, clear codes, the deferred clear of a
// full table, early end, invalid codes, extra data, rejected code sizes, chunked output, and
// Wuffs' raw LZW stream from the shared corpus when it is there.
#include <cstring>
#include <random>
#include <vector>

#include "gif/lzw_decoder.h"
#include "gif_test_util.h"

// check.h defines fail(): after the C++ headers.
#include <check.h>

#include "../check_main.h"

using gif_test::lzwEncode;
using gif_test::LzwOptions;
using mk::gif::LzwDecoder;

namespace {

std::vector<uint8_t> randomPixels(size_t n, unsigned bits, unsigned seed, unsigned runs = 0) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> p(n);
  for (size_t i = 0; i < n; i++) {
    // Runs make long strings (deep prefix chains); pure noise fills the table fast.
    if (runs && i > 0 && rng() % runs)
      p[i] = p[i - 1];
    else
      p[i] = static_cast<uint8_t>(rng() & ((1u << bits) - 1));
  }
  return p;
}

// Decodes everything in chunks of `chunk` (0: all at once).
std::vector<uint8_t> decodeAll(LzwDecoder &d, size_t expect, size_t chunk = 0) {
  std::vector<uint8_t> out(expect + 64);
  size_t got = 0;
  if (!chunk) chunk = out.size();
  for (;;) {
    size_t want = chunk < out.size() - got ? chunk : out.size() - got;
    size_t n = d.decode(out.data() + got, want);
    got += n;
    if (n < want || got == out.size()) break;
  }
  out.resize(got);
  return out;
}

LzwDecoder g_dec;  // 40 KiB of tables: keep it off the stack

}  // namespace

// Decodes in chunks whose sizes come from `sizes` in turn (the back-reference path only copies
// from the current chunk; older strings come from the prefix chains).
std::vector<uint8_t> decodeChunks(LzwDecoder &d, size_t expect, const std::vector<size_t> &sizes) {
  std::vector<uint8_t> out(expect + 64);
  size_t got = 0;
  for (size_t k = 0;; k++) {
    size_t chunk = sizes[k % sizes.size()];
    size_t want = chunk < out.size() - got ? chunk : out.size() - got;
    size_t n = d.decode(out.data() + got, want);
    got += n;
    if (n < want || got == out.size()) break;
  }
  out.resize(got);
  return out;
}

START_TEST(test_split_at_every_offset) {
  // Long runs make long strings: a split lands inside a string copied from earlier output, and
  // inside the KwKwK strings of a run ("aaaa...").
  std::vector<uint8_t> pixels = randomPixels(3000, 3, 31, 40);
  pixels.insert(pixels.end(), 500, 5);
  auto data = lzwEncode(pixels, 3);
  for (size_t first = 1; first < pixels.size(); first += 7) {
    ck_assert(g_dec.reset(3, data.data(), data.size()).isOk());
    auto out = decodeChunks(g_dec, pixels.size(), {first, pixels.size()});
    ck_assert_msg(out == pixels, "split at %zu", first);
  }
  // A run alone: every code but the first is KwKwK; split at each offset of the early strings.
  std::vector<uint8_t> run(3000, 1);
  data = lzwEncode(run, 2);
  for (size_t first = 1; first < 200; first++) {
    ck_assert(g_dec.reset(2, data.data(), data.size()).isOk());
    auto out = decodeChunks(g_dec, run.size(), {first, 1, 2, 3, 5, 8, 13, 700});
    ck_assert_msg(out == run, "run split at %zu", first);
  }
}
END_TEST

START_TEST(test_chunks_across_clears_and_full_table) {
  // Clear codes mid-stream and a full table (with and without the deferred clear), decoded in
  // uneven chunks: strings defined before a chunk started come from the prefix chains, strings
  // defined after from the chunk itself.
  auto pixels = randomPixels(120000, 8, 41, 3);
  LzwOptions deferred;
  deferred.defer_clear = true;
  unsigned max_next = 0;
  for (const LzwOptions &o : {LzwOptions(), deferred}) {
    auto data = lzwEncode(pixels, 8, o, &max_next);
    ck_assert_uint_eq(max_next, 4096);
    for (const std::vector<size_t> &sizes :
         {std::vector<size_t>{640}, std::vector<size_t>{1, 4093, 17, 30000, 9},
          std::vector<size_t>{65536, 7}}) {
      ck_assert(g_dec.reset(8, data.data(), data.size()).isOk());
      auto out = decodeChunks(g_dec, pixels.size(), sizes);
      ck_assert_uint_eq(out.size(), pixels.size());
      ck_assert(out == pixels);
      ck_assert(g_dec.state() == LzwDecoder::State::kEnded);
    }
  }
  // Explicit clears every few hundred codes at a small code size, in one call and in chunks.
  auto small = randomPixels(50000, 2, 43, 6);
  for (size_t chunk : {size_t{0}, size_t{333}}) {
    auto data = lzwEncode(small, 2);
    ck_assert(g_dec.reset(2, data.data(), data.size()).isOk());
    ck_assert(decodeAll(g_dec, small.size(), chunk) == small);
  }
}
END_TEST

START_TEST(test_clear_mid_stream_then_reuse) {
  // Codes 6 and 7 mean "11" before the clear and "22" after it: the strings written before the
  // clear must not be copied for the new meanings, in one call or split anywhere.
  gif_test::BitWriter w;
  w.put(4, 3);  // clear
  w.put(1, 3);
  w.put(1, 3);  // 6 = "11"
  w.put(6, 3);  // 7 = "11"; next is 8: codes grow to 4 bits
  w.put(7, 4);  // 8 = "111", writes "11"
  w.put(4, 4);  // clear: back to 3 bits
  w.put(2, 3);
  w.put(2, 3);  // 6 = "22"
  w.put(6, 3);  // 7 = "22"; 4 bits
  w.put(7, 4);  // 8 = "222", writes "22"
  w.put(8, 4);  // 9 = "222", writes "222"
  w.put(5, 4);  // end
  w.flush();
  const std::vector<uint8_t> expect = {1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2};
  for (size_t chunk = 0; chunk <= expect.size(); chunk++) {
    ck_assert(g_dec.reset(2, w.out.data(), w.out.size()).isOk());
    auto out = decodeAll(g_dec, expect.size(), chunk);
    ck_assert_msg(out == expect, "chunk %zu", chunk);
    ck_assert(g_dec.state() == LzwDecoder::State::kEnded);
  }
}
END_TEST

START_TEST(test_round_trip_every_code_size) {
  for (unsigned mcs = 2; mcs <= 8; mcs++) {
    for (unsigned runs : {0u, 4u, 64u}) {
      auto pixels = randomPixels(20000 + mcs, mcs, mcs * 7 + runs, runs);
      auto data = lzwEncode(pixels, mcs);
      ck_assert(g_dec.reset(mcs, data.data(), data.size()).isOk());
      auto out = decodeAll(g_dec, pixels.size());
      ck_assert_uint_eq(out.size(), pixels.size());
      ck_assert(out == pixels);
      ck_assert(g_dec.state() == LzwDecoder::State::kEnded);
      ck_assert(g_dec.error().isOk());
    }
  }
}
END_TEST

START_TEST(test_chunked_output_matches) {
  auto pixels = randomPixels(5000, 4, 11, 16);
  auto data = lzwEncode(pixels, 4);
  for (size_t chunk = 1; chunk <= 37; chunk++) {
    ck_assert(g_dec.reset(4, data.data(), data.size()).isOk());
    auto out = decodeAll(g_dec, pixels.size(), chunk);
    ck_assert_msg(out == pixels, "chunk %zu", chunk);
  }
}
END_TEST

START_TEST(test_clear_codes_and_full_table) {
  // 256-colour noise fills the 4096-entry table many times: with clear codes at 4095 ...
  auto pixels = randomPixels(200000, 8, 5);
  unsigned max_next = 0;
  auto data = lzwEncode(pixels, 8, LzwOptions(), &max_next);
  ck_assert_uint_eq(max_next, 4096);
  ck_assert(g_dec.reset(8, data.data(), data.size()).isOk());
  ck_assert(decodeAll(g_dec, pixels.size()) == pixels);
  // ... and without (deferred clear: the table stays full, codes stay 12 bits wide).
  LzwOptions deferred;
  deferred.defer_clear = true;
  data = lzwEncode(pixels, 8, deferred);
  ck_assert(g_dec.reset(8, data.data(), data.size()).isOk());
  auto out = decodeAll(g_dec, pixels.size());
  ck_assert_uint_eq(out.size(), pixels.size());
  ck_assert(out == pixels);
  // Small code sizes fill the table too.
  auto small = randomPixels(100000, 2, 9, 3);
  data = lzwEncode(small, 2, deferred, &max_next);
  ck_assert_uint_eq(max_next, 4096);
  ck_assert(g_dec.reset(2, data.data(), data.size()).isOk());
  ck_assert(decodeAll(g_dec, small.size()) == small);
}
END_TEST

START_TEST(test_no_initial_clear_and_double_clear) {
  auto pixels = randomPixels(3000, 3, 21, 8);
  LzwOptions o;
  o.initial_clear = false;
  auto data = lzwEncode(pixels, 3, o);
  ck_assert(g_dec.reset(3, data.data(), data.size()).isOk());
  ck_assert(decodeAll(g_dec, pixels.size()) == pixels);
  // clear, clear, 1, 2, end at min code size 2 (3-bit codes): two clears in a row are harmless.
  gif_test::BitWriter w;
  w.put(4, 3);
  w.put(4, 3);
  w.put(1, 3);
  w.put(2, 3);
  w.put(5, 3);
  w.flush();
  ck_assert(g_dec.reset(2, w.out.data(), w.out.size()).isOk());
  auto out = decodeAll(g_dec, 2);
  ck_assert_uint_eq(out.size(), 2);
  ck_assert_uint_eq(out[0], 1);
  ck_assert_uint_eq(out[1], 2);
}
END_TEST

START_TEST(test_kwkwk_code) {
  // "aaa...": the second code is the entry being defined (code == next).
  std::vector<uint8_t> pixels(1000, 3);
  auto data = lzwEncode(pixels, 2);
  ck_assert(g_dec.reset(2, data.data(), data.size()).isOk());
  ck_assert(decodeAll(g_dec, pixels.size()) == pixels);
}
END_TEST

START_TEST(test_early_end_code) {
  auto pixels = randomPixels(50, 4, 3);
  auto data = lzwEncode(pixels, 4);
  ck_assert(g_dec.reset(4, data.data(), data.size()).isOk());
  std::vector<uint8_t> out(100);
  size_t n = g_dec.decode(out.data(), out.size());
  ck_assert_uint_eq(n, 50);
  ck_assert(g_dec.state() == LzwDecoder::State::kEnded);
  ck_assert_int_eq(std::memcmp(out.data(), pixels.data(), 50), 0);
  ck_assert_uint_eq(g_dec.decode(out.data(), out.size()), 0);  // stays ended
}
END_TEST

START_TEST(test_data_runs_out) {
  auto pixels = randomPixels(4000, 6, 8, 4);
  auto data = lzwEncode(pixels, 6);
  data.resize(data.size() / 2);
  ck_assert(g_dec.reset(6, data.data(), data.size()).isOk());
  auto out = decodeAll(g_dec, pixels.size());
  ck_assert_uint_lt(out.size(), pixels.size());
  ck_assert_uint_gt(out.size(), 0);
  ck_assert_int_eq(std::memcmp(out.data(), pixels.data(), out.size()), 0);
  ck_assert(g_dec.state() == LzwDecoder::State::kOutOfData);
  mk::Status st = g_dec.error();
  ck_assert(st.code() == mk::Errc::kTruncated);
  // Empty data: nothing, cleanly.
  ck_assert(g_dec.reset(6, nullptr, 0).isOk());
  ck_assert_uint_eq(decodeAll(g_dec, 10).size(), 0);
  ck_assert(g_dec.state() == LzwDecoder::State::kOutOfData);
}
END_TEST

START_TEST(test_invalid_codes) {
  // clear(4), literal 0, then 7 while the next free code is 6.
  const uint8_t bad[] = {0xC4, 0x01};
  ck_assert(g_dec.reset(2, bad, sizeof(bad)).isOk());
  auto out = decodeAll(g_dec, 8);
  ck_assert_uint_eq(out.size(), 1);
  ck_assert(g_dec.state() == LzwDecoder::State::kInvalidCode);
  mk::Status st = g_dec.error();
  ck_assert(st.code() == mk::Errc::kCorruptData);
  ck_assert_ptr_nonnull(std::strstr(st.message().c_str(), "invalid LZW code 7"));
  // A non-literal first code (6, nothing defined yet).
  gif_test::BitWriter w;
  w.put(4, 3);
  w.put(6, 3);
  w.flush();
  ck_assert(g_dec.reset(2, w.out.data(), w.out.size()).isOk());
  ck_assert_uint_eq(decodeAll(g_dec, 8).size(), 0);
  ck_assert(g_dec.state() == LzwDecoder::State::kInvalidCode);
}
END_TEST

START_TEST(test_extra_data_ignored) {
  auto pixels = randomPixels(300, 5, 4);
  auto data = lzwEncode(pixels, 5);
  for (int i = 0; i < 100; i++) data.push_back(static_cast<uint8_t>(i * 37));
  ck_assert(g_dec.reset(5, data.data(), data.size()).isOk());
  auto out = decodeAll(g_dec, pixels.size());
  ck_assert(out == pixels);
  ck_assert(g_dec.state() == LzwDecoder::State::kEnded);
  // Without an end code, the caller simply stops asking once it has its pixels.
  LzwOptions o;
  o.end_code = false;
  data = lzwEncode(pixels, 5, o);
  data.push_back(0xFF);
  ck_assert(g_dec.reset(5, data.data(), data.size()).isOk());
  std::vector<uint8_t> exact(pixels.size());
  ck_assert_uint_eq(g_dec.decode(exact.data(), exact.size()), pixels.size());
  ck_assert(exact == pixels);
}
END_TEST

START_TEST(test_rejected_code_sizes) {
  const uint8_t d[] = {0};
  for (unsigned mcs : {0u, 1u, 9u, 11u, 12u, 255u}) {
    mk::Status st = g_dec.reset(mcs, d, 1);
    ck_assert(st.code() == mk::Errc::kCorruptData);
    ck_assert_ptr_nonnull(std::strstr(st.message().c_str(), "outside 2..8"));
    uint8_t out[4];
    ck_assert_uint_eq(g_dec.decode(out, 4), 0);
  }
}
END_TEST

START_TEST(test_random_garbage_never_overruns) {
  std::mt19937 rng(77);
  std::vector<uint8_t> junk(4096), out(1 << 16);
  for (int iter = 0; iter < 300; iter++) {
    for (auto &b : junk) b = static_cast<uint8_t>(rng());
    unsigned mcs = 2 + iter % 7;
    ck_assert(g_dec.reset(mcs, junk.data(), junk.size()).isOk());
    size_t n = g_dec.decode(out.data(), 1 + rng() % out.size());
    ck_assert_uint_le(n, out.size());
    ck_assert(g_dec.state() != LzwDecoder::State::kRunning || n > 0);
  }
}
END_TEST

START_TEST(test_wuffs_raw_stream) {
  std::string dir = gif_test::envOr("MK_SHARED_DIR", "/work/shared") + "/testdata/gif/wuffs/";
  std::vector<uint8_t> lzw, expect;
  if (!gif_test::readFile(dir + "bricks-nodither.indexes.giflzw", lzw) ||
      !gif_test::readFile(dir + "bricks-nodither.indexes", expect)) {
    return;  // corpus absent: covered by the synthetic tests above
  }
  ck_assert_uint_gt(lzw.size(), 1);
  ck_assert(g_dec.reset(lzw[0], lzw.data() + 1, lzw.size() - 1).isOk());
  std::vector<uint8_t> out(expect.size());
  ck_assert_uint_eq(g_dec.decode(out.data(), out.size()), expect.size());
  ck_assert(out == expect);
}
END_TEST

int main() {
  Suite *s = suite_create("gif-lzw");
  TCase *tc = tcase_create("lzw");
  tcase_add_test(tc, test_round_trip_every_code_size);
  tcase_add_test(tc, test_chunked_output_matches);
  tcase_add_test(tc, test_clear_codes_and_full_table);
  tcase_add_test(tc, test_no_initial_clear_and_double_clear);
  tcase_add_test(tc, test_kwkwk_code);
  tcase_add_test(tc, test_early_end_code);
  tcase_add_test(tc, test_data_runs_out);
  tcase_add_test(tc, test_invalid_codes);
  tcase_add_test(tc, test_extra_data_ignored);
  tcase_add_test(tc, test_rejected_code_sizes);
  tcase_add_test(tc, test_random_garbage_never_overruns);
  tcase_add_test(tc, test_wuffs_raw_stream);
  tcase_add_test(tc, test_split_at_every_offset);
  tcase_add_test(tc, test_chunks_across_clears_and_full_table);
  tcase_add_test(tc, test_clear_mid_stream_then_reuse);
  suite_add_tcase(s, tc);
  return mktest::runSuite(s);
}
