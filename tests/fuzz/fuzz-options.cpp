// SPDX-License-Identifier: LGPL-2.1-or-later
// Fuzz target: the bytes are an option string for a table with one option of every type. parse()
// must never crash, and whatever it accepts must survive serialize() -> parse() unchanged.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "core/options.h"

namespace {

struct Settings {
  bool loop = false;
  int colors = 0;
  int64_t offset = 0;
  unsigned quality = 0;
  double gamma = 0;
  std::string comment;
  int dither = 0;
  unsigned features = 0;
  int version = 0;
};

constexpr mk::OptionConst kDither[] = {
    {"none", "None", 0, "No dithering."},
    {"bayer", "Bayer", 1, "Ordered dither."},
    {"floyd-steinberg", "Floyd-Steinberg", 2, "Error diffusion."},
    {"minus", "Minus", -5, "A negative value."},
};

constexpr mk::OptionConst kFeatures[] = {
    {"none", "None", 0, "Nothing."},
    {"crop", "Crop", 1, "Crop frames."},
    {"transdiff", "Transparent Diff", 2, "Mark unchanged pixels."},
    {"both", "Both", 3, "Crop and transdiff."},
    {"high", "High", 0x80000000, "The top bit."},
};

constexpr mk::Option kOptions[] = {
    mk::optBool<&Settings::loop>("loop", "Loop", "Whether to loop.", true),
    mk::optInt<&Settings::colors>("colors", "Colors", "Palette size in colours.", 256, 2, 256),
    mk::optInt64<&Settings::offset>("start-offset", "Start Offset", "Offset in nanoseconds.", 0,
                                    std::numeric_limits<int64_t>::min(),
                                    std::numeric_limits<int64_t>::max()),
    mk::optUint<&Settings::quality>("quality", "Quality", "Quality in percent.", 75, 0,
                                    std::numeric_limits<unsigned>::max()),
    mk::optDouble<&Settings::gamma>("gamma", "Gamma", "Gamma exponent.", 1.0,
                                    -std::numeric_limits<double>::max(),
                                    std::numeric_limits<double>::infinity()),
    mk::optString<&Settings::comment>("comment", "Comment", "Comment text.", "mk"),
    mk::optEnum<&Settings::dither>("dither", "Dither", "Dither method.", 1, kDither),
    mk::optFlags<&Settings::features>("features", "Features", "Optimisations.", 1u, kFeatures),
    mk::optInt<&Settings::version>("version", "Version", "Format version.", 89, 0, 100,
                                   mk::kOptionReadOnly),
};

constexpr mk::OptionTable kTable(kOptions);

bool same(const Settings &a, const Settings &b) {
  // gamma compares by value: serialize() writes the shortest text that reads back exactly.
  return a.loop == b.loop && a.colors == b.colors && a.offset == b.offset &&
         a.quality == b.quality && a.gamma == b.gamma && a.comment == b.comment &&
         a.dither == b.dither && a.features == b.features && a.version == b.version;
}

[[noreturn]] void fail(const char *what, const std::string &detail) {
  std::fprintf(stderr, "fuzz-options: %s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);

  Settings s;
  kTable.setDefaults(&s);
  const Settings before = s;
  mk::Status st = kTable.parse(&s, text);
  if (!st) {
    if (st.message().empty()) fail("error without a message", std::string(text));
    if (!same(s, before)) fail("failed parse changed the settings", st.message());
    return 0;
  }

  std::string once = kTable.serialize(&s);
  Settings t;
  kTable.setDefaults(&t);
  mk::Status again = kTable.parse(&t, once);
  if (!again) fail("serialized text does not parse", once + " -> " + again.message());
  if (!same(s, t)) fail("round trip changed a value", once);
  if (kTable.serialize(&t) != once) fail("serialize is not stable", once);

  // Every option also reads back through its string form.
  for (const mk::Option &o : kTable) {
    auto value = kTable.getAsString(&s, o.name);
    if (!value) fail("getAsString failed", value.status().message());
    if (o.flags & mk::kOptionReadOnly) continue;
    Settings u = s;
    mk::Status set = kTable.setFromString(&u, o.name, value.value());
    if (!set) fail("getAsString text refused", set.message());
    if (!same(s, u)) fail("setFromString(getAsString) changed a value", o.name);
  }
  return 0;
}
