// SPDX-License-Identifier: LGPL-2.1-or-later
// gifenc's option table: valid, defaults equal EncoderSettings' own, strings and flags map onto
// the encoder settings, and every value the table accepts is one the encoder accepts.
#include <check.h>

#include "gif/encoder.h"
#include "gif/encoder_options.h"

using namespace mk;
using namespace mk::gif;

START_TEST(test_table_valid) {
  Status s = encoderOptions().validate();
  ck_assert_msg(s.isOk(), "%s", s.message().c_str());
  ck_assert_ptr_nonnull(encoderOptions().find("alpha-threshold"));
  ck_assert_ptr_nonnull(encoderOptions().find("optimize"));
}
END_TEST

START_TEST(test_defaults_match_encoder) {
  EncodeOptions o;
  o.colors = 3;
  o.optimize = 0;
  encoderOptions().setDefaults(&o);
  EncoderSettings from = o.encoderSettings();
  EncoderSettings def;
  ck_assert_int_eq(from.colors, def.colors);
  ck_assert_int_eq(static_cast<int>(from.dither), static_cast<int>(def.dither));
  ck_assert_int_eq(from.dither_scale, def.dither_scale);
  ck_assert_int_eq(static_cast<int>(from.scope), static_cast<int>(def.scope));
  ck_assert(from.optimize_crop == def.optimize_crop);
  ck_assert(from.optimize_transparency == def.optimize_transparency);
  ck_assert_int_eq(from.alpha_threshold, def.alpha_threshold);
  ck_assert_int_eq(from.speed, def.speed);
  ck_assert_int_eq(from.lossy, def.lossy);
}
END_TEST

START_TEST(test_parse_maps_to_settings) {
  EncodeOptions o;
  Status s = encoderOptions().parse(
      &o,
      "colors=64:dither=bayer:dither-scale=0:palette=per-frame:optimize=crop:speed=10:"
      "lossy=40:alpha-threshold=1");
  ck_assert_msg(s.isOk(), "%s", s.message().c_str());
  EncoderSettings e = o.encoderSettings();
  ck_assert_int_eq(e.colors, 64);
  ck_assert(e.dither == DitherMode::kBayer);
  ck_assert_int_eq(e.dither_scale, 0);
  ck_assert(e.scope == PaletteScope::kPerFrame);
  ck_assert(e.optimize_crop);
  ck_assert(!e.optimize_transparency);
  ck_assert_int_eq(e.speed, 10);
  ck_assert_int_eq(e.lossy, 40);
  ck_assert_int_eq(e.alpha_threshold, 1);
  ck_assert(Encoder::checkSettings(e).isOk());

  ck_assert(encoderOptions().parse(&o, "dither=sierra2-4a:optimize=0").isOk());
  e = o.encoderSettings();
  ck_assert(e.dither == DitherMode::kSierraLite);
  ck_assert(!e.optimize_crop && !e.optimize_transparency);
}
END_TEST

START_TEST(test_ranges_refused) {
  EncodeOptions o;
  Status s = encoderOptions().setInt(&o, "colors", 1);
  ck_assert(!s.isOk());
  ck_assert(s.message().find("colors") != std::string::npos);
  ck_assert(!encoderOptions().setInt(&o, "colors", 257).isOk());
  ck_assert(!encoderOptions().setInt(&o, "speed", 0).isOk());
  ck_assert(!encoderOptions().setInt(&o, "lossy", 201).isOk());
  ck_assert(!encoderOptions().setFromString(&o, "dither", "sierra-lite-x").isOk());
  ck_assert_int_eq(o.colors, 256);
}
END_TEST

// The extremes of every range are values the encoder itself accepts.
START_TEST(test_extremes_accepted_by_encoder) {
  for (const Option &opt : encoderOptions()) {
    if (opt.type != OptionType::kInt) continue;
    for (int64_t v : {opt.int_min, opt.int_max}) {
      EncodeOptions o;
      ck_assert(encoderOptions().setInt(&o, opt.name, static_cast<int>(v)).isOk());
      Status s = Encoder::checkSettings(o.encoderSettings());
      ck_assert_msg(s.isOk(), "%s=%lld: %s", opt.name, static_cast<long long>(v),
                    s.message().c_str());
    }
  }
}
END_TEST

static Suite *optionsSuite() {
  Suite *s = suite_create("gif-encoder-options");
  TCase *tc = tcase_create("options");
  tcase_add_test(tc, test_table_valid);
  tcase_add_test(tc, test_defaults_match_encoder);
  tcase_add_test(tc, test_parse_maps_to_settings);
  tcase_add_test(tc, test_ranges_refused);
  tcase_add_test(tc, test_extremes_accepted_by_encoder);
  suite_add_tcase(s, tc);
  return s;
}

int main() {
  SRunner *sr = srunner_create(optionsSuite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
