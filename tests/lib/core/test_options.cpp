// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::OptionTable: every type, its range edges, the string forms, the option-string syntax, the
// exact error texts, all-or-nothing parse, and serialize -> parse round trips.
#include <check.h>

#include "../check_main.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "core/options.h"

namespace {

enum class Dither : int { kNone = 0, kBayer = 1, kFloydSteinberg = 2 };

struct Settings {
  bool loop = false;
  int colors = 0;
  int64_t start_offset = 0;
  unsigned quality = 0;
  double gamma = 0;
  std::string comment;
  Dither dither = Dither::kNone;
  unsigned features = 0;
  int version = 0;
};

constexpr mk::OptionConst kDither[] = {
    {"none", "None", 0, "No dithering."},
    {"bayer", "Bayer", 1, "Ordered 8x8 Bayer dither."},
    {"floyd-steinberg", "Floyd-Steinberg", 2, "Floyd-Steinberg error diffusion."},
};

constexpr mk::OptionConst kFeatures[] = {
    {"crop", "Crop", 1, "Crop each frame to the changed rectangle."},
    {"transdiff", "Transparent Diff", 2, "Mark unchanged pixels transparent."},
    {"global-palette", "Global Palette", 4, "Share one palette between frames."},
};

constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

constexpr mk::Option kOptions[] = {
    mk::optBool<&Settings::loop>("loop", "Loop", "Whether the animation repeats forever.", true),
    mk::optInt<&Settings::colors>("colors", "Colors", "Palette size in colours.", 256, 2, 256,
                                  mk::kOptionMutablePlaying),
    mk::optInt64<&Settings::start_offset>("start-offset", "Start Offset",
                                          "Start offset in nanoseconds.", 0, kI64Min, kI64Max),
    mk::optUint<&Settings::quality>("quality", "Quality", "Encoder quality in percent.", 75, 0,
                                    100),
    mk::optDouble<&Settings::gamma>("gamma", "Gamma", "Gamma exponent (no unit).", 1.0, 0.1, 10.0),
    mk::optString<&Settings::comment>("comment", "Comment", "Comment text stored in the file.",
                                      "made with mk"),
    mk::optEnum<&Settings::dither>("dither", "Dither", "Dither method.", Dither::kBayer, kDither),
    mk::optFlags<&Settings::features>("features", "Features", "Frame optimisations.", 3u,
                                      kFeatures),
    mk::optInt<&Settings::version>("version", "Version", "Format version (read-only).", 89, 0, 100,
                                   mk::kOptionReadOnly),
};

constexpr mk::OptionTable kTable(kOptions);

// The table is usable in constant expressions.
static_assert(kTable.size() == 9, "table size");
static_assert(kTable[1].int_max == 256 && kTable[1].int_min == 2, "colors range");
static_assert(kTable[6].constant_count == 3, "dither constants");

Settings defaults() {
  Settings s;
  kTable.setDefaults(&s);
  return s;
}

void assertError(const mk::Status &st, mk::Errc code, const std::string &message) {
  ck_assert_msg(!st.isOk(), "expected failure '%s'", message.c_str());
  ck_assert_str_eq(st.message().c_str(), message.c_str());
  ck_assert_int_eq(static_cast<int>(st.code()), static_cast<int>(code));
}

void assertContains(const mk::Status &st, const char *needle) {
  ck_assert_msg(!st.isOk(), "expected failure containing '%s'", needle);
  ck_assert_msg(st.message().find(needle) != std::string::npos, "'%s' lacks '%s'",
                st.message().c_str(), needle);
}

// ck_assert_str_eq keeps the pointers it is given: compare a temporary through a named reference.
void expectStr(const std::string &got, const char *want) {
  ck_assert_str_eq(got.c_str(), want);
}

std::string asString(const Settings &s, const char *name) {
  auto r = kTable.getAsString(&s, name);
  ck_assert_msg(r.isOk(), "%s", r.status().message().c_str());
  return r.value();
}

}  // namespace

START_TEST(test_validate) {
  ck_assert_msg(kTable.validate().isOk(), "%s", kTable.validate().message().c_str());

  static constexpr mk::Option bad_default[] = {
      mk::optInt<&Settings::colors>("colors", "Colors", "Palette size.", 1, 2, 256)};
  assertContains(mk::OptionTable(bad_default).validate(), "default 1 outside [2, 256]");

  static constexpr mk::Option twice[] = {
      mk::optInt<&Settings::colors>("colors", "Colors", "Palette size.", 2, 2, 256),
      mk::optInt<&Settings::version>("colors", "Colors", "Palette size.", 2, 2, 256)};
  assertContains(mk::OptionTable(twice).validate(), "appears twice");

  static constexpr mk::Option bad_name[] = {
      mk::optInt<&Settings::colors>("Colors_x", "Colors", "Palette size.", 2, 2, 256)};
  assertContains(mk::OptionTable(bad_name).validate(), "name must be lowercase");

  static constexpr mk::OptionConst odd[] = {{"one", "One", 1, "One."}};
  static constexpr mk::Option bad_enum[] = {
      mk::optEnum<&Settings::colors>("mode", "Mode", "Mode.", 0, odd)};
  assertContains(mk::OptionTable(bad_enum).validate(), "bad default");

  static constexpr mk::Option bad_double[] = {
      mk::optDouble<&Settings::gamma>("gamma", "Gamma", "Gamma.", 5.0, 1.0, 2.0)};
  assertContains(mk::OptionTable(bad_double).validate(), "default 5 outside [1, 2]");
}
END_TEST

START_TEST(test_defaults) {
  Settings s = defaults();
  ck_assert(s.loop);
  ck_assert_int_eq(s.colors, 256);
  ck_assert_int_eq(s.start_offset, 0);
  ck_assert_uint_eq(s.quality, 75);
  ck_assert(s.gamma == 1.0);
  ck_assert_str_eq(s.comment.c_str(), "made with mk");
  ck_assert(s.dither == Dither::kBayer);
  ck_assert_uint_eq(s.features, 3);
  ck_assert_int_eq(s.version, 89);
  expectStr(kTable.serialize(&s, true), "");
}
END_TEST

START_TEST(test_bool) {
  Settings s = defaults();
  ck_assert(kTable.setBool(&s, "loop", false).isOk());
  ck_assert(!s.loop);
  ck_assert(kTable.getBool(&s, "loop").value() == false);
  const char *truthy[] = {"true", "TRUE", "yes", "on", "1", " On "};
  const char *falsy[] = {"false", "No", "off", "0", "\tfalse\n"};
  for (const char *t : truthy) {
    s.loop = false;
    ck_assert_msg(kTable.setFromString(&s, "loop", t).isOk(), "%s", t);
    ck_assert_msg(s.loop, "%s", t);
  }
  for (const char *f : falsy) {
    s.loop = true;
    ck_assert_msg(kTable.setFromString(&s, "loop", f).isOk(), "%s", f);
    ck_assert_msg(!s.loop, "%s", f);
  }
  assertError(kTable.setFromString(&s, "loop", "maybe"), mk::Errc::kInvalidArgument,
              "option 'loop': expected a boolean (true/false, yes/no, on/off, 1/0), got 'maybe'");
  assertError(kTable.setFromString(&s, "loop", "2"), mk::Errc::kInvalidArgument,
              "option 'loop': expected a boolean (true/false, yes/no, on/off, 1/0), got '2'");
  expectStr(asString(s, "loop"), "false");
}
END_TEST

START_TEST(test_int_range) {
  Settings s = defaults();
  ck_assert(kTable.setInt(&s, "colors", 2).isOk());
  ck_assert_int_eq(s.colors, 2);
  ck_assert(kTable.setInt(&s, "colors", 256).isOk());
  ck_assert_int_eq(s.colors, 256);
  assertError(kTable.setInt(&s, "colors", 1), mk::Errc::kOutOfRange,
              "option 'colors': value 1 out of range [2, 256]");
  assertError(kTable.setInt(&s, "colors", 257), mk::Errc::kOutOfRange,
              "option 'colors': value 257 out of range [2, 256]");
  assertError(kTable.setFromString(&s, "colors", "300"), mk::Errc::kOutOfRange,
              "option 'colors': value 300 out of range [2, 256]");
  ck_assert_int_eq(s.colors, 256);  // failed sets change nothing

  ck_assert(kTable.setFromString(&s, "colors", " 64 ").isOk());
  ck_assert_int_eq(s.colors, 64);
  ck_assert(kTable.setFromString(&s, "colors", "+65").isOk());
  ck_assert_int_eq(s.colors, 65);
  ck_assert(kTable.setFromString(&s, "colors", "0x40").isOk());
  ck_assert_int_eq(s.colors, 64);
  ck_assert_int_eq(kTable.getInt(&s, "colors").value(), 64);
  expectStr(asString(s, "colors"), "64");

  const char *junk[] = {"abc", "64abc", "1e3", "--5", "+-5", "6 4", "0x", "3.0"};
  for (const char *j : junk)
    assertError(kTable.setFromString(&s, "colors", j), mk::Errc::kInvalidArgument,
                std::string("option 'colors': expected an integer, got '") + j + "'");
  assertError(kTable.setFromString(&s, "colors", ""), mk::Errc::kInvalidArgument,
              "option 'colors': expected an integer, got ''");
  assertError(kTable.setFromString(&s, "colors", "99999999999999999999"), mk::Errc::kOutOfRange,
              "option 'colors': value 99999999999999999999 out of range [2, 256]");
  ck_assert_int_eq(s.colors, 64);
}
END_TEST

START_TEST(test_int64_extremes) {
  Settings s = defaults();
  ck_assert(kTable.setInt64(&s, "start-offset", kI64Min).isOk());
  ck_assert(s.start_offset == kI64Min);
  ck_assert(kTable.setInt64(&s, "start-offset", kI64Max).isOk());
  ck_assert(s.start_offset == kI64Max);
  ck_assert(asString(s, "start-offset") == "9223372036854775807");

  ck_assert(kTable.setFromString(&s, "start-offset", "-9223372036854775808").isOk());
  ck_assert(s.start_offset == kI64Min);
  ck_assert(kTable.getInt64(&s, "start-offset").value() == kI64Min);
  ck_assert(kTable.setFromString(&s, "start-offset", "9223372036854775807").isOk());
  ck_assert(s.start_offset == kI64Max);
  ck_assert(kTable.setFromString(&s, "start-offset", "-0x10").isOk());
  ck_assert(s.start_offset == -16);

  const std::string range = " out of range [-9223372036854775808, 9223372036854775807]";
  assertError(kTable.setFromString(&s, "start-offset", "9223372036854775808"),
              mk::Errc::kOutOfRange, "option 'start-offset': value 9223372036854775808" + range);
  assertError(kTable.setFromString(&s, "start-offset", "-9223372036854775809"),
              mk::Errc::kOutOfRange, "option 'start-offset': value -9223372036854775809" + range);
  ck_assert(s.start_offset == -16);

  // '_' spells '-' as in GObject property names.
  ck_assert(kTable.setInt64(&s, "start_offset", 5).isOk());
  ck_assert(s.start_offset == 5);
  assertContains(kTable.getInt(&s, "start-offset").status(),
                 "option 'start-offset': is int64 and cannot be used as an int");
}
END_TEST

START_TEST(test_uint) {
  Settings s = defaults();
  ck_assert(kTable.setUint(&s, "quality", 0).isOk());
  ck_assert_uint_eq(s.quality, 0);
  ck_assert(kTable.setUint(&s, "quality", 100).isOk());
  ck_assert_uint_eq(kTable.getUint(&s, "quality").value(), 100);
  ck_assert(kTable.getInt64(&s, "quality").value() == 100);
  assertError(kTable.setUint(&s, "quality", 101), mk::Errc::kOutOfRange,
              "option 'quality': value 101 out of range [0, 100]");
  assertError(kTable.setInt(&s, "quality", -1), mk::Errc::kOutOfRange,
              "option 'quality': value -1 out of range [0, 100]");
  assertError(kTable.setFromString(&s, "quality", "-1"), mk::Errc::kOutOfRange,
              "option 'quality': value -1 out of range [0, 100]");
  assertError(kTable.setFromString(&s, "quality", "4294967296"), mk::Errc::kOutOfRange,
              "option 'quality': value 4294967296 out of range [0, 100]");
  ck_assert_uint_eq(s.quality, 100);
}
END_TEST

START_TEST(test_double) {
  Settings s = defaults();
  ck_assert(kTable.setDouble(&s, "gamma", 0.1).isOk());
  ck_assert(s.gamma == 0.1);
  ck_assert(kTable.setDouble(&s, "gamma", 10.0).isOk());
  ck_assert(kTable.getDouble(&s, "gamma").value() == 10.0);
  assertError(kTable.setDouble(&s, "gamma", 10.5), mk::Errc::kOutOfRange,
              "option 'gamma': value 10.5 out of range [0.1, 10]");
  assertError(kTable.setDouble(&s, "gamma", 0.09), mk::Errc::kOutOfRange,
              "option 'gamma': value 0.09 out of range [0.1, 10]");
  assertError(kTable.setDouble(&s, "gamma", std::nan("")), mk::Errc::kInvalidArgument,
              "option 'gamma': expected a number, got nan");
  ck_assert(kTable.setFromString(&s, "gamma", " 2.5 ").isOk());
  ck_assert(s.gamma == 2.5);
  ck_assert(kTable.setFromString(&s, "gamma", "+1e0").isOk());
  ck_assert(s.gamma == 1.0);
  ck_assert(kTable.setFromString(&s, "gamma", "0.30000000000000004").isOk());
  ck_assert(asString(s, "gamma") == "0.30000000000000004");
  assertError(kTable.setFromString(&s, "gamma", "abc"), mk::Errc::kInvalidArgument,
              "option 'gamma': expected a number, got 'abc'");
  assertError(kTable.setFromString(&s, "gamma", "nan"), mk::Errc::kInvalidArgument,
              "option 'gamma': expected a number, got 'nan'");
  assertError(kTable.setFromString(&s, "gamma", ""), mk::Errc::kInvalidArgument,
              "option 'gamma': expected a number, got ''");
  assertError(kTable.setFromString(&s, "gamma", "inf"), mk::Errc::kOutOfRange,
              "option 'gamma': value inf out of range [0.1, 10]");
  assertError(kTable.setFromString(&s, "gamma", "1e999"), mk::Errc::kOutOfRange,
              "option 'gamma': value 1e999 out of range [0.1, 10]");
  ck_assert(s.gamma == 0.30000000000000004);
}
END_TEST

START_TEST(test_string) {
  Settings s = defaults();
  ck_assert(kTable.setString(&s, "comment", "hello").isOk());
  ck_assert_str_eq(s.comment.c_str(), "hello");
  ck_assert(kTable.setFromString(&s, "comment", "  spaced out ").isOk());
  ck_assert_str_eq(s.comment.c_str(), "  spaced out ");
  ck_assert(kTable.setString(&s, "comment", "").isOk());
  expectStr(kTable.getString(&s, "comment").value(), "");
  assertError(kTable.setString(&s, "colors", "64"), mk::Errc::kInvalidArgument,
              "option 'colors': is int and cannot be used as a string");
  assertError(kTable.getString(&s, "gamma").status(), mk::Errc::kInvalidArgument,
              "option 'gamma': is double and cannot be used as a string");
  assertError(kTable.setBool(&s, "gamma", true), mk::Errc::kInvalidArgument,
              "option 'gamma': is double and cannot be used as a boolean");
  assertError(kTable.setInt(&s, "comment", 1), mk::Errc::kInvalidArgument,
              "option 'comment': is string and cannot be used as an integer");
  assertError(kTable.setDouble(&s, "colors", 1.0), mk::Errc::kInvalidArgument,
              "option 'colors': is int and cannot be used as a number");
}
END_TEST

START_TEST(test_enum) {
  Settings s = defaults();
  ck_assert(kTable.setFromString(&s, "dither", "floyd-steinberg").isOk());
  ck_assert(s.dither == Dither::kFloydSteinberg);
  ck_assert_int_eq(kTable.getInt(&s, "dither").value(), 2);
  expectStr(asString(s, "dither"), "floyd-steinberg");
  ck_assert(kTable.setFromString(&s, "dither", " 0 ").isOk());
  ck_assert(s.dither == Dither::kNone);
  expectStr(asString(s, "dither"), "none");
  ck_assert(kTable.setInt(&s, "dither", 1).isOk());
  ck_assert(s.dither == Dither::kBayer);
  assertError(kTable.setFromString(&s, "dither", "foo"), mk::Errc::kInvalidArgument,
              "option 'dither': 'foo' is not one of none, bayer, floyd-steinberg");
  assertError(kTable.setFromString(&s, "dither", "Bayer"), mk::Errc::kInvalidArgument,
              "option 'dither': 'Bayer' is not one of none, bayer, floyd-steinberg");
  assertError(kTable.setFromString(&s, "dither", "7"), mk::Errc::kOutOfRange,
              "option 'dither': value 7 is not one of none (0), bayer (1), floyd-steinberg (2)");
  assertError(kTable.setInt(&s, "dither", -1), mk::Errc::kOutOfRange,
              "option 'dither': value -1 is not one of none (0), bayer (1), floyd-steinberg (2)");
  ck_assert(s.dither == Dither::kBayer);
}
END_TEST

START_TEST(test_flags) {
  Settings s = defaults();
  ck_assert(kTable.setFromString(&s, "features", "crop+global-palette").isOk());
  ck_assert_uint_eq(s.features, 5);
  ck_assert(kTable.setFromString(&s, "features", " transdiff | crop ").isOk());
  ck_assert_uint_eq(s.features, 3);
  ck_assert(kTable.setFromString(&s, "features", "6").isOk());
  ck_assert_uint_eq(s.features, 6);
  ck_assert(kTable.setFromString(&s, "features", "crop+0x4").isOk());
  ck_assert_uint_eq(s.features, 5);
  ck_assert(kTable.setUint(&s, "features", 7).isOk());
  ck_assert_uint_eq(kTable.getUint(&s, "features").value(), 7);
  ck_assert(asString(s, "features") == "crop+transdiff+global-palette");
  ck_assert(kTable.setFromString(&s, "features", "0").isOk());
  ck_assert_uint_eq(s.features, 0);
  expectStr(asString(s, "features"), "0");

  assertError(kTable.setFromString(&s, "features", "crop+foo"), mk::Errc::kInvalidArgument,
              "option 'features': 'foo' is not one of crop, transdiff, global-palette");
  assertError(kTable.setFromString(&s, "features", "crop+"), mk::Errc::kInvalidArgument,
              "option 'features': expected flags (crop, transdiff, global-palette joined by "
              "'+'), got 'crop+'");
  assertContains(kTable.setFromString(&s, "features", ""), "expected flags");
  assertError(kTable.setFromString(&s, "features", "8"), mk::Errc::kOutOfRange,
              "option 'features': value 8 has bits outside crop, transdiff, global-palette "
              "(mask 0x7)");
  assertError(kTable.setUint(&s, "features", 9), mk::Errc::kOutOfRange,
              "option 'features': value 9 has bits outside crop, transdiff, global-palette "
              "(mask 0x7)");
  ck_assert_uint_eq(s.features, 0);
}
END_TEST

START_TEST(test_unknown_and_read_only) {
  Settings s = defaults();
  const char *known =
      " (known: loop, colors, start-offset, quality, gamma, comment, dither, features, version)";
  assertError(kTable.setInt(&s, "colr", 5), mk::Errc::kNotFound,
              std::string("unknown option 'colr'") + known);
  assertError(kTable.getAsString(&s, "").status(), mk::Errc::kNotFound,
              std::string("unknown option ''") + known);
  assertError(kTable.parse(&s, "colr=5"), mk::Errc::kNotFound,
              std::string("unknown option 'colr'") + known);

  assertError(kTable.setInt(&s, "version", 1), mk::Errc::kInvalidArgument,
              "option 'version' is read-only");
  assertError(kTable.parse(&s, "version=1"), mk::Errc::kInvalidArgument,
              "option 'version' is read-only");
  ck_assert_int_eq(kTable.getInt(&s, "version").value(), 89);
  ck_assert(kTable.serialize(&s).find("version") == std::string::npos);
  ck_assert(kTable.find("version") == &kTable[8]);
  ck_assert(kTable.find("nothing") == nullptr);
}
END_TEST

START_TEST(test_parse) {
  Settings s = defaults();
  ck_assert(kTable.parse(&s, "colors=64:dither=floyd-steinberg").isOk());
  ck_assert_int_eq(s.colors, 64);
  ck_assert(s.dither == Dither::kFloydSteinberg);

  ck_assert(kTable.parse(&s, " colors = 32 : dither = none :").isOk());
  ck_assert_int_eq(s.colors, 32);
  ck_assert(s.dither == Dither::kNone);
  ck_assert(kTable.parse(&s, "::quality=5::").isOk());
  ck_assert_uint_eq(s.quality, 5);
  ck_assert(kTable.parse(&s, "").isOk());
  ck_assert(kTable.parse(&s, "colors=10:colors=20").isOk());
  ck_assert_int_eq(s.colors, 20);

  ck_assert(kTable.parse(&s, "comment=a\\:b\\\\c:loop=no").isOk());
  ck_assert_str_eq(s.comment.c_str(), "a:b\\c");
  ck_assert(!s.loop);
  ck_assert(kTable.parse(&s, "comment=x=y").isOk());
  ck_assert_str_eq(s.comment.c_str(), "x=y");
  ck_assert(kTable.parse(&s, "comment=").isOk());
  ck_assert_str_eq(s.comment.c_str(), "");

  assertError(kTable.parse(&s, "colors"), mk::Errc::kInvalidArgument,
              "option string: expected name=value, got 'colors'");
  assertError(kTable.parse(&s, "quality=1: colors :"), mk::Errc::kInvalidArgument,
              "option string: expected name=value, got 'colors'");
  assertError(kTable.parse(&s, "=5"), mk::Errc::kInvalidArgument,
              "option string: missing option name in '=5'");
  assertError(kTable.parse(&s, "colors="), mk::Errc::kInvalidArgument,
              "option 'colors': expected an integer, got ''");
  assertError(kTable.parse(&s, "comment=abc\\"), mk::Errc::kInvalidArgument,
              "option string: a '\\' at the end escapes nothing in 'comment=abc\\'");
  ck_assert_uint_eq(s.quality, 5);  // the failed "quality=1:..." applied nothing

  // All or nothing: the good pairs before a bad one are not applied.
  Settings before = s;
  assertError(kTable.parse(&s, "colors=64:comment=new:quality=500"), mk::Errc::kOutOfRange,
              "option 'quality': value 500 out of range [0, 100]");
  ck_assert_int_eq(s.colors, before.colors);
  ck_assert_str_eq(s.comment.c_str(), before.comment.c_str());
}
END_TEST

START_TEST(test_round_trip) {
  Settings s = defaults();
  ck_assert(kTable
                .parse(&s,
                       "loop=off:colors=17:start-offset=-9223372036854775808:quality=0:"
                       "gamma=0.1:dither=none:features=crop+global-palette")
                .isOk());
  ck_assert(kTable.setString(&s, "comment", " a:b\\c=d ").isOk());
  std::string text = kTable.serialize(&s);
  ck_assert_str_eq(text.c_str(),
                   "loop=false:colors=17:start-offset=-9223372036854775808:quality=0:gamma=0.1:"
                   "comment= a\\:b\\\\c=d :dither=none:features=crop+global-palette");

  Settings t = defaults();
  mk::Status st = kTable.parse(&t, text);
  ck_assert_msg(st.isOk(), "%s", st.message().c_str());
  ck_assert(t.loop == s.loop);
  ck_assert_int_eq(t.colors, s.colors);
  ck_assert(t.start_offset == s.start_offset);
  ck_assert_uint_eq(t.quality, s.quality);
  ck_assert(t.gamma == s.gamma);
  ck_assert_str_eq(t.comment.c_str(), s.comment.c_str());
  ck_assert(t.dither == s.dither);
  ck_assert_uint_eq(t.features, s.features);
  ck_assert(kTable.serialize(&t) == text);

  Settings u = defaults();
  ck_assert(kTable.setInt(&u, "colors", 8).isOk());
  ck_assert(kTable.setDouble(&u, "gamma", 2.2).isOk());
  expectStr(kTable.serialize(&u, true), "colors=8:gamma=2.2");
}
END_TEST

START_TEST(test_check) {
  // check() reads a struct filled by hand and gives the message a set of the same value gives.
  Settings s = defaults();
  ck_assert(kTable.check(&s).isOk());
  s.colors = 257;
  assertError(kTable.check(&s), mk::Errc::kOutOfRange,
              "option 'colors': value 257 out of range [2, 256]");
  assertError(kTable.setInt(&s, "colors", 257), mk::Errc::kOutOfRange,
              "option 'colors': value 257 out of range [2, 256]");
  s = defaults();
  s.gamma = 0.05;
  assertError(kTable.check(&s), mk::Errc::kOutOfRange,
              "option 'gamma': value 0.05 out of range [0.1, 10]");
  s.gamma = std::nan("");
  assertError(kTable.check(&s), mk::Errc::kInvalidArgument,
              "option 'gamma': expected a number, got nan");
  s = defaults();
  s.dither = static_cast<Dither>(7);
  assertError(kTable.check(&s), mk::Errc::kOutOfRange,
              "option 'dither': value 7 is not one of none (0), bayer (1), floyd-steinberg (2)");
  s = defaults();
  s.features = 8;
  assertContains(kTable.check(&s), "option 'features': value 8 has bits outside");
  s = defaults();
  s.quality = 101;
  assertError(kTable.check(&s), mk::Errc::kOutOfRange,
              "option 'quality': value 101 out of range [0, 100]");
  // Read-only options are checked too: their range is a fact like any other.
  s = defaults();
  s.version = 101;
  assertError(kTable.check(&s), mk::Errc::kOutOfRange,
              "option 'version': value 101 out of range [0, 100]");
  // The first failing option in table order is reported.
  s = defaults();
  s.quality = 200;
  s.colors = 1;
  assertContains(kTable.check(&s), "option 'colors'");
}
END_TEST

START_TEST(test_set_by_option) {
  // The by-option setters are the by-name ones without the lookup: same checks, same texts.
  Settings s = defaults();
  const mk::Option &colors = *kTable.find("colors");
  ck_assert(kTable.setInteger(&s, colors, 64).isOk());
  ck_assert_int_eq(s.colors, 64);
  assertError(kTable.setInteger(&s, colors, 1), mk::Errc::kOutOfRange,
              "option 'colors': value 1 out of range [2, 256]");
  ck_assert_int_eq(s.colors, 64);
  assertError(kTable.setInteger(&s, *kTable.find("version"), 5), mk::Errc::kInvalidArgument,
              "option 'version' is read-only");
  assertError(kTable.setBool(&s, colors, true), mk::Errc::kInvalidArgument,
              "option 'colors': is int and cannot be used as a boolean");
  assertError(kTable.setDouble(&s, *kTable.find("gamma"), 11), mk::Errc::kOutOfRange,
              "option 'gamma': value 11 out of range [0.1, 10]");
  ck_assert(kTable.setString(&s, *kTable.find("comment"), "x").isOk());
  ck_assert_str_eq(s.comment.c_str(), "x");
  assertError(kTable.setInteger(&s, *kTable.find("dither"), 3), mk::Errc::kOutOfRange,
              "option 'dither': value 3 is not one of none (0), bayer (1), floyd-steinberg (2)");
  ck_assert(kTable.setInteger(&s, *kTable.find("features"), 5).isOk());
  ck_assert_uint_eq(s.features, 5);
}
END_TEST

START_TEST(test_describe) {
  std::string d = kTable.describe();
  ck_assert_msg(d.find("  colors <int>  Palette size in colours. [2, 256] (default '256')\n") !=
                    std::string::npos,
                "%s", d.c_str());
  ck_assert(d.find("      floyd-steinberg (2)  Floyd-Steinberg error diffusion.\n") !=
            std::string::npos);
  ck_assert(d.find("(default 'crop+transdiff')") != std::string::npos);
  ck_assert(d.find("(read-only)") != std::string::npos);
  ck_assert_str_eq(mk::optionTypeName(mk::OptionType::kFlags), "flags");
}
END_TEST

int main() {
  Suite *suite = suite_create("core-options");
  TCase *tc = tcase_create("options");
  tcase_add_test(tc, test_validate);
  tcase_add_test(tc, test_defaults);
  tcase_add_test(tc, test_bool);
  tcase_add_test(tc, test_int_range);
  tcase_add_test(tc, test_int64_extremes);
  tcase_add_test(tc, test_uint);
  tcase_add_test(tc, test_double);
  tcase_add_test(tc, test_string);
  tcase_add_test(tc, test_enum);
  tcase_add_test(tc, test_flags);
  tcase_add_test(tc, test_unknown_and_read_only);
  tcase_add_test(tc, test_parse);
  tcase_add_test(tc, test_round_trip);
  tcase_add_test(tc, test_check);
  tcase_add_test(tc, test_set_by_option);
  tcase_add_test(tc, test_describe);
  suite_add_tcase(suite, tc);
  return mktest::runSuite(suite);
}
