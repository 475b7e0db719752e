// SPDX-License-Identifier: LGPL-2.1-or-later
// gifenc's settings and their option table: the table is valid and is where the defaults come
// from; strings and flags land in the right members; Encoder::create refuses a hand-filled
// settings struct outside a range with exactly the message a set by name gives; and every
// extreme the table allows encodes.
#include <check.h>

#include "../check_main.h"

#include <string>
#include <vector>

#include "gif/encoder.h"
#include "gif/encoder_options.h"
#include "test_helpers.h"

using namespace mk;
using namespace mk::gif;

START_TEST(test_table_valid) {
  Status s = encoderOptions().validate();
  ck_assert_msg(s.isOk(), "%s", s.message().c_str());
  ck_assert_ptr_nonnull(encoderOptions().find("alpha-threshold"));
  ck_assert_ptr_nonnull(encoderOptions().find("optimize"));
}
END_TEST

// A default-constructed struct holds the table's defaults (nothing differs from them).
START_TEST(test_defaults_from_table) {
  // (ck_assert_str_eq keeps the pointer past the statement: no temporaries in it)
  EncoderSettings s;
  const std::string untouched = encoderOptions().serialize(&s, true);
  ck_assert_str_eq(untouched.c_str(), "");
  ck_assert(encoderOptions().check(&s).isOk());
  s.colors = 3;
  const std::string changed = encoderOptions().serialize(&s, true);
  ck_assert_str_eq(changed.c_str(), "colors=3");
}
END_TEST

START_TEST(test_parse_maps_to_settings) {
  EncoderSettings e;
  Status s = encoderOptions().parse(
      &e,
      "colors=64:dither=bayer:dither-scale=0:palette=per-frame:optimize=crop:speed=10:"
      "lossy=40:alpha-threshold=1");
  ck_assert_msg(s.isOk(), "%s", s.message().c_str());
  ck_assert_int_eq(e.colors, 64);
  ck_assert(e.dither == DitherMode::kBayer);
  ck_assert_int_eq(e.dither_scale, 0);
  ck_assert(e.palette == PaletteScope::kPerFrame);
  ck_assert_uint_eq(e.optimize, kOptimizeCrop);
  ck_assert_int_eq(e.speed, 10);
  ck_assert_int_eq(e.lossy, 40);
  ck_assert_int_eq(e.alpha_threshold, 1);

  ck_assert(encoderOptions().parse(&e, "dither=sierra2-4a:optimize=transparency+crop").isOk());
  ck_assert(e.dither == DitherMode::kSierraLite);
  ck_assert_uint_eq(e.optimize, kOptimizeCrop | kOptimizeTransparency);
  ck_assert(encoderOptions().parse(&e, "optimize=0").isOk());
  ck_assert_uint_eq(e.optimize, 0);
}
END_TEST

START_TEST(test_ranges_refused) {
  EncoderSettings o;
  Status s = encoderOptions().setInt(&o, "colors", 1);
  ck_assert(!s.isOk());
  ck_assert(s.message().find("colors") != std::string::npos);
  ck_assert(!encoderOptions().setInt(&o, "colors", 257).isOk());
  ck_assert(!encoderOptions().setInt(&o, "speed", 0).isOk());
  ck_assert(!encoderOptions().setInt(&o, "lossy", 201).isOk());
  ck_assert(!encoderOptions().setFromString(&o, "dither", "sierra-lite-x").isOk());
  ck_assert_int_eq(o.colors, EncoderSettings().colors);
}
END_TEST

// A struct filled by hand with a value just outside an integer option's range: Encoder::create
// refuses it with the message the set by name gives (the table is the only range).
START_TEST(test_create_refuses_like_a_set) {
  int probed = 0;
  for (const Option &opt : encoderOptions()) {
    if (opt.type != OptionType::kInt) continue;
    for (int64_t v : {opt.int_min - 1, opt.int_max + 1}) {
      EncoderSettings by_name;
      Status set = encoderOptions().setInteger(&by_name, opt, v);
      ck_assert_msg(!set.isOk(), "%s=%lld accepted", opt.name, static_cast<long long>(v));
      EncoderConfig c;
      c.width = c.height = 4;
      int iv = static_cast<int>(v);
      opt.store(&c.settings, &iv);
      auto created = Encoder::create(c);
      ck_assert_msg(!created, "%s=%d: create accepted it", opt.name, iv);
      ck_assert_str_eq(created.status().message().c_str(), set.message().c_str());
      probed++;
    }
  }
  // The enum and flags options too: an unknown constant, an unknown bit.
  EncoderConfig c;
  c.width = c.height = 4;
  c.settings.dither = static_cast<DitherMode>(99);
  ck_assert(!Encoder::create(c));
  c.settings = EncoderSettings();
  c.settings.optimize = 1u << 7;
  ck_assert(!Encoder::create(c));
  ck_assert_int_ge(probed, 8);
}
END_TEST

// The extremes of every integer range make an encoder that codes frames.
START_TEST(test_extremes_encode) {
  const int w = 12, h = 9;
  std::vector<std::vector<uint8_t>> frames;
  for (int t = 0; t < 3; t++) frames.push_back(gifenc_test::makeFrame(w, h, t, true));
  for (const Option &opt : encoderOptions()) {
    if (opt.type != OptionType::kInt) continue;
    for (int64_t v : {opt.int_min, opt.int_max}) {
      EncoderConfig c;
      c.width = w;
      c.height = h;
      c.format = PixelFormat::kRGBA;
      ck_assert(encoderOptions().setInteger(&c.settings, opt, v).isOk());
      auto e = gifenc_test::encodeClip(c, frames);
      gifenc_test::Decoded d;
      ck_assert_msg(gifenc_test::decode(e.file.data(), e.file.size(), d), "%s=%lld: %s", opt.name,
                    static_cast<long long>(v), d.error.c_str());
      ck_assert_uint_eq(d.canvases.size(), frames.size());
    }
  }
}
END_TEST

static Suite *optionsSuite() {
  Suite *s = suite_create("gif-encoder-options");
  TCase *tc = tcase_create("options");
  tcase_add_test(tc, test_table_valid);
  tcase_add_test(tc, test_defaults_from_table);
  tcase_add_test(tc, test_parse_maps_to_settings);
  tcase_add_test(tc, test_ranges_refused);
  tcase_add_test(tc, test_create_refuses_like_a_set);
  tcase_add_test(tc, test_extremes_encode);
  suite_add_tcase(s, tc);
  return s;
}

int main() {
  return mktest::runSuite(optionsSuite());
}
