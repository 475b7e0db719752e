// SPDX-License-Identifier: LGPL-2.1-or-later
// GIF LZW encoder: output decodes back (with an independent strict decoder) for every code size,
// through code growth and table-full clears; sub-blocks are at most 255 bytes; bad indices are
// refused; the lossy variant codes exactly the indices it writes back, within its distance.
#include <check.h>

#include "../check_main.h"

#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <random>
#include <vector>

#include "gif/lzw_encoder.h"
#include "gif_test_decoder.h"

namespace {

using mk::gif::LzwEncoder;

std::vector<uint8_t> roundTrip(LzwEncoder &enc, const std::vector<uint8_t> &in, int code_size) {
  std::vector<uint8_t> out;
  mk::Status st = enc.encode(in.data(), in.size(), code_size, out);
  ck_assert_msg(st.isOk(), "%s", st.message().c_str());
  ck_assert_int_eq(out[0], code_size);
  // Walk the sub-blocks: each at most 255 bytes, then the terminator ends the output.
  size_t pos = 1;
  while (out[pos] != 0) {
    ck_assert_int_le(out[pos], 255);
    pos += out[pos] + 1;
    ck_assert_uint_lt(pos, out.size());
  }
  ck_assert_uint_eq(pos + 1, out.size());
  std::vector<uint8_t> back;
  std::string err;
  size_t p = 0;
  ck_assert_msg(gifenc_test::lzwDecode(out.data(), out.size(), p, in.size(), back, err), "%s",
                err.c_str());
  ck_assert_uint_eq(p, out.size());
  return back;
}

START_TEST(test_random_all_code_sizes) {
  LzwEncoder enc;
  std::mt19937 rng(1234);
  for (int code_size = 2; code_size <= 8; code_size++) {
    for (size_t len : {size_t(1), size_t(2), size_t(7), size_t(300), size_t(5000), size_t(70000)}) {
      std::vector<uint8_t> in(len);
      // Mix of noise and runs so that both short and long strings occur.
      for (size_t i = 0; i < len; i++)
        in[i] = (i / 17) % 3 == 0 ? static_cast<uint8_t>(rng() % (1u << code_size))
                                  : static_cast<uint8_t>((i / 5) % (1u << code_size));
      ck_assert(roundTrip(enc, in, code_size) == in);
    }
  }
}
END_TEST

START_TEST(test_table_fills_many_times) {
  // Pure noise over 256 symbols fills the 4096-entry table every ~3800 codes.
  LzwEncoder enc;
  std::mt19937 rng(99);
  std::vector<uint8_t> in(200000);
  for (auto &v : in) v = static_cast<uint8_t>(rng());
  ck_assert(roundTrip(enc, in, 8) == in);
  // Noise over 4 symbols grows codes to 12 bits with long strings before each clear.
  std::vector<uint8_t> small(300000);
  for (auto &v : small) v = static_cast<uint8_t>(rng() & 3);
  ck_assert(roundTrip(enc, small, 2) == small);
}
END_TEST

START_TEST(test_runs_compress) {
  LzwEncoder enc;
  std::vector<uint8_t> in(100000, 5);
  std::vector<uint8_t> out;
  ck_assert(enc.encode(in.data(), in.size(), 8, out).isOk());
  // A run of n identical pixels takes about sqrt(2n) codes.
  ck_assert_uint_lt(out.size(), 1000);
  ck_assert(roundTrip(enc, in, 8) == in);
}
END_TEST

START_TEST(test_bad_input_refused) {
  LzwEncoder enc;
  std::vector<uint8_t> in = {0, 1, 4};
  std::vector<uint8_t> out;
  mk::Status st = enc.encode(in.data(), in.size(), 2, out);
  ck_assert(!st.isOk());
  ck_assert_int_eq(static_cast<int>(st.code()), static_cast<int>(mk::Errc::kInvalidArgument));
  ck_assert(!enc.encode(in.data(), in.size(), 1, out).isOk());
  ck_assert(!enc.encode(in.data(), in.size(), 9, out).isOk());
  ck_assert_int_eq(LzwEncoder::minCodeSizeFor(2), 2);
  ck_assert_int_eq(LzwEncoder::minCodeSizeFor(5), 3);
  ck_assert_int_eq(LzwEncoder::minCodeSizeFor(256), 8);
}
END_TEST

START_TEST(test_empty_input) {
  LzwEncoder enc;
  std::vector<uint8_t> in;
  ck_assert(roundTrip(enc, in, 2).empty());
}
END_TEST

START_TEST(test_appends_and_reuses) {
  // Output goes after what the vector holds; a second frame encodes the same as the first.
  LzwEncoder enc;
  std::vector<uint8_t> in(1000);
  for (size_t i = 0; i < in.size(); i++) in[i] = static_cast<uint8_t>(i * 7 % 16);
  std::vector<uint8_t> a = {0xAA}, b;
  ck_assert(enc.encode(in.data(), in.size(), 4, a).isOk());
  ck_assert(enc.encode(in.data(), in.size(), 4, b).isOk());
  ck_assert_int_eq(a[0], 0xAA);
  ck_assert(std::vector<uint8_t>(a.begin() + 1, a.end()) == b);
}
END_TEST

// Frames longer than one piece: each piece starts after a Clear the previous one ended with, at
// the code width the decoder is at then; the pieces can be coded by different encoders in any
// order and joined. The independent decoder reads the whole stream back.
START_TEST(test_pieces) {
  std::mt19937 rng(99);
  const size_t piece = LzwEncoder::kPiecePixels;
  for (int code_size : {2, 5, 8}) {
    for (size_t len : {piece, piece + 1, 2 * piece + 777, 3 * piece}) {
      std::vector<uint8_t> in(len);
      for (size_t i = 0; i < len; i++)
        in[i] = (i / 23) % 4 == 0 ? static_cast<uint8_t>(rng() % (1u << code_size))
                                  : static_cast<uint8_t>((i / 9) % (1u << code_size));
      const size_t n = LzwEncoder::pieceCount(len);
      ck_assert_uint_eq(n, (len + piece - 1) / piece);
      // In reverse order, two encoders taking turns: the result must not care.
      std::vector<LzwEncoder::Piece> parts(n);
      LzwEncoder a, b;
      for (size_t p = n; p-- > 0;)
        ck_assert((p % 2 ? a : b)
                      .encodePiece(nullptr, in.data(), len, p, code_size, {}, parts[p])
                      .isOk());
      std::vector<uint8_t> joined;
      LzwEncoder::join(code_size, parts.data(), n, joined);
      std::vector<uint8_t> whole;
      ck_assert(a.encode(in.data(), len, code_size, whole).isOk());
      ck_assert(joined == whole);
      size_t pos = 0;
      std::vector<uint8_t> back;
      std::string err;
      ck_assert_msg(gifenc_test::lzwDecode(joined.data(), joined.size(), pos, len, back, err),
                    "code size %d, %zu indices: %s", code_size, len, err.c_str());
      ck_assert(back == in);
    }
  }
}
END_TEST

START_TEST(test_lossy) {
  mk::gif::ColorTable table;
  table.size = 64;
  for (int i = 0; i < 64; i++)
    table.entries[i] = mk::gif::Rgb{static_cast<uint8_t>(i * 4), static_cast<uint8_t>(i * 4),
                                    static_cast<uint8_t>(i * 4)};
  table.transparent = 63;
  std::mt19937 rng(7);
  std::vector<uint8_t> in(20000);
  for (size_t i = 0; i < in.size(); i++)
    in[i] = static_cast<uint8_t>(
        std::clamp<int>(static_cast<int>((i % 200) / 4) + static_cast<int>(rng() % 3) - 1, 0, 62));
  for (size_t i = 0; i < in.size(); i += 97) in[i] = 63;  // some transparent pixels
  LzwEncoder enc;
  std::vector<uint8_t> exact;
  ck_assert(enc.encode(in.data(), in.size(), 6, exact).isOk());
  std::vector<uint8_t> coded = in, lossy;
  ck_assert(enc.encodeLossy(coded.data(), coded.size(), 6, table, 20, lossy).isOk());
  ck_assert_uint_lt(lossy.size(), exact.size());
  size_t p = 0;
  std::vector<uint8_t> back;
  std::string err;
  ck_assert_msg(gifenc_test::lzwDecode(lossy.data(), lossy.size(), p, in.size(), back, err), "%s",
                err.c_str());
  ck_assert(back == coded);
  for (size_t i = 0; i < in.size(); i++) {
    ck_assert_int_eq(in[i] == 63, coded[i] == 63);  // transparency is never traded
    int d = std::abs(static_cast<int>(in[i]) - static_cast<int>(coded[i])) * 4;
    ck_assert_int_le(d * d * 3, 20 * 20);
  }
}
END_TEST

Suite *lzwSuite() {
  Suite *s = suite_create("gif-lzw-encode");
  TCase *tc = tcase_create("lzw");
  tcase_add_test(tc, test_random_all_code_sizes);
  tcase_add_test(tc, test_table_fills_many_times);
  tcase_add_test(tc, test_runs_compress);
  tcase_add_test(tc, test_bad_input_refused);
  tcase_add_test(tc, test_empty_input);
  tcase_add_test(tc, test_appends_and_reuses);
  tcase_add_test(tc, test_pieces);
  tcase_add_test(tc, test_lossy);
  suite_add_tcase(s, tc);
  return s;
}

}  // namespace

int main() {
  return mktest::runSuite(lzwSuite());
}
