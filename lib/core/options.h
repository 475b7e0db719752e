// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::OptionTable: a component's settings declared once, as a constexpr table (after FFmpeg's
// AVOption), then set and read by name from typed values or strings ("colors=64:dither=sierra").
// Every failure is a Status naming the option, the value and what is allowed; a failed set or
// parse leaves the settings untouched. Never throws; knows nothing of GStreamer or GLib.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/result.h"

namespace mk {

enum class OptionType { kBool, kInt, kInt64, kUint, kDouble, kString, kEnum, kFlags };

// "bool", "int", "int64", "uint", "double", "string", "enum", "flags".
const char *optionTypeName(OptionType type) noexcept;

// Per-option flags, or-ed together. The mutability flags are advice for the component (the GObject
// bridge maps them to GST_PARAM_MUTABLE_*); the table itself does not know the component's state.
enum OptionFlag : unsigned {
  kOptionDefault = 0,
  kOptionMutableReady = 1u << 0,    // may change while stopped or ready
  kOptionMutablePaused = 1u << 1,   // ... and while paused
  kOptionMutablePlaying = 1u << 2,  // ... and while running
  kOptionReadOnly = 1u << 3,        // reported, never set by name or by parse()
};

// A named value of an enum or flags option. `name` is what strings use ("floyd-steinberg", the
// GEnum nick), `nick` a Title Case label ("Floyd-Steinberg"), `help` one sentence.
struct OptionConst {
  const char *name;
  const char *nick;
  int64_t value;
  const char *help;
};

// One option. Build it with the opt*() helpers below, not by hand: they tie the option's type to
// the settings member's type at compile time.
struct Option {
  const char *name = nullptr;  // lowercase with dashes: "alpha-threshold"
  const char *nick = nullptr;  // Title Case: "Alpha Threshold"
  const char *help = nullptr;  // one sentence that says the unit
  OptionType type = OptionType::kBool;
  unsigned flags = kOptionDefault;
  int64_t int_default = 0;  // bool (0/1), int, int64, uint, enum, flags
  int64_t int_min = 0;      // int, int64, uint
  int64_t int_max = 0;
  double double_default = 0;
  double double_min = 0;
  double double_max = 0;
  const char *string_default = "";
  const OptionConst *constants = nullptr;  // enum, flags
  size_t constant_count = 0;
  // Copy between the settings member and the option type's value type: bool, int, int64_t,
  // unsigned, double, std::string, int (enum), unsigned (flags).
  void (*load)(const void *settings, void *out) noexcept = nullptr;
  void (*store)(void *settings, const void *in) noexcept = nullptr;
};

namespace detail {

template <typename T>
struct MemberOf;
template <typename C, typename T>
struct MemberOf<T C::*> {
  using Class = C;
  using Type = T;
};

template <auto M, typename V>
void loadMember(const void *settings, void *out) noexcept {
  using Mo = MemberOf<decltype(M)>;
  *static_cast<V *>(out) = static_cast<V>(static_cast<const typename Mo::Class *>(settings)->*M);
}

template <auto M, typename V>
void storeMember(void *settings, const void *in) noexcept {
  using Mo = MemberOf<decltype(M)>;
  static_cast<typename Mo::Class *>(settings)->*M =
      static_cast<typename Mo::Type>(*static_cast<const V *>(in));
}

// True for an enum whose underlying type is U (underlying_type is ill-formed for non-enums).
template <typename T, typename U, bool = std::is_enum_v<T>>
struct IsEnumOf : std::false_type {};
template <typename T, typename U>
struct IsEnumOf<T, U, true> : std::is_same<std::underlying_type_t<T>, U> {};
template <typename T, typename U>
constexpr bool kIsEnumOf = IsEnumOf<T, U>::value;

template <auto M, typename V>
constexpr Option makeOption(const char *name, const char *nick, const char *help, OptionType type,
                            unsigned flags) {
  Option o{};
  o.name = name;
  o.nick = nick;
  o.help = help;
  o.type = type;
  o.flags = flags;
  o.load = &loadMember<M, V>;
  o.store = &storeMember<M, V>;
  return o;
}

template <auto M>
using MemberType = typename MemberOf<decltype(M)>::Type;

}  // namespace detail

// The option helpers: optInt<&Settings::colors>("colors", "Colors", "Palette size in colours.",
// 256, 2, 256). Each checks the member's type at compile time.
template <auto M>
constexpr Option optBool(const char *name, const char *nick, const char *help, bool def,
                         unsigned flags = kOptionDefault) {
  static_assert(std::is_same_v<detail::MemberType<M>, bool>, "bool option needs a bool member");
  Option o = detail::makeOption<M, bool>(name, nick, help, OptionType::kBool, flags);
  o.int_default = def ? 1 : 0;
  o.int_min = 0;
  o.int_max = 1;
  return o;
}

template <auto M>
constexpr Option optInt(const char *name, const char *nick, const char *help, int def, int min,
                        int max, unsigned flags = kOptionDefault) {
  static_assert(std::is_same_v<detail::MemberType<M>, int>, "int option needs an int member");
  Option o = detail::makeOption<M, int>(name, nick, help, OptionType::kInt, flags);
  o.int_default = def;
  o.int_min = min;
  o.int_max = max;
  return o;
}

template <auto M>
constexpr Option optInt64(const char *name, const char *nick, const char *help, int64_t def,
                          int64_t min, int64_t max, unsigned flags = kOptionDefault) {
  static_assert(std::is_same_v<detail::MemberType<M>, int64_t>,
                "int64 option needs an int64_t member");
  Option o = detail::makeOption<M, int64_t>(name, nick, help, OptionType::kInt64, flags);
  o.int_default = def;
  o.int_min = min;
  o.int_max = max;
  return o;
}

template <auto M>
constexpr Option optUint(const char *name, const char *nick, const char *help, unsigned def,
                         unsigned min, unsigned max, unsigned flags = kOptionDefault) {
  static_assert(std::is_same_v<detail::MemberType<M>, unsigned>,
                "uint option needs an unsigned member");
  Option o = detail::makeOption<M, unsigned>(name, nick, help, OptionType::kUint, flags);
  o.int_default = def;
  o.int_min = min;
  o.int_max = max;
  return o;
}

template <auto M>
constexpr Option optDouble(const char *name, const char *nick, const char *help, double def,
                           double min, double max, unsigned flags = kOptionDefault) {
  static_assert(std::is_same_v<detail::MemberType<M>, double>,
                "double option needs a double member");
  Option o = detail::makeOption<M, double>(name, nick, help, OptionType::kDouble, flags);
  o.double_default = def;
  o.double_min = min;
  o.double_max = max;
  return o;
}

template <auto M>
constexpr Option optString(const char *name, const char *nick, const char *help, const char *def,
                           unsigned flags = kOptionDefault) {
  static_assert(std::is_same_v<detail::MemberType<M>, std::string>,
                "string option needs a std::string member");
  Option o = detail::makeOption<M, std::string>(name, nick, help, OptionType::kString, flags);
  o.string_default = def ? def : "";
  return o;
}

// The member is an int or an enum whose underlying type is int; `def` has the member's type.
template <auto M, size_t N>
constexpr Option optEnum(const char *name, const char *nick, const char *help,
                         detail::MemberType<M> def, const OptionConst (&constants)[N],
                         unsigned flags = kOptionDefault) {
  using T = detail::MemberType<M>;
  static_assert(std::is_same_v<T, int> || detail::kIsEnumOf<T, int>,
                "enum option needs an int member or an enum with int underlying type");
  Option o = detail::makeOption<M, int>(name, nick, help, OptionType::kEnum, flags);
  o.int_default = static_cast<int>(def);
  o.constants = constants;
  o.constant_count = N;
  return o;
}

// The member is an unsigned or an enum whose underlying type is unsigned.
template <auto M, size_t N>
constexpr Option optFlags(const char *name, const char *nick, const char *help,
                          detail::MemberType<M> def, const OptionConst (&constants)[N],
                          unsigned flags = kOptionDefault) {
  using T = detail::MemberType<M>;
  static_assert(std::is_same_v<T, unsigned> || detail::kIsEnumOf<T, unsigned>,
                "flags option needs an unsigned member or an enum with unsigned underlying type");
  Option o = detail::makeOption<M, unsigned>(name, nick, help, OptionType::kFlags, flags);
  o.int_default = static_cast<unsigned>(def);
  o.constants = constants;
  o.constant_count = N;
  return o;
}

// A view of a static array of Options plus the operations on one settings struct. `settings` is
// always a pointer to the struct the table was declared for; the table never keeps it.
// Not synchronised: the caller serialises access to one settings struct.
class OptionTable {
 public:
  constexpr OptionTable() = default;
  template <size_t N>
  constexpr explicit OptionTable(const Option (&options)[N]) : options_(options), size_(N) {}

  constexpr size_t size() const noexcept { return size_; }
  constexpr const Option &operator[](size_t i) const noexcept { return options_[i]; }
  constexpr const Option *begin() const noexcept { return options_; }
  constexpr const Option *end() const noexcept { return options_ + size_; }

  // By name; '_' matches '-' ("alpha_threshold" finds "alpha-threshold"). nullptr if none.
  const Option *find(std::string_view name) const noexcept;

  // Checks the table itself (well-formed unique names, defaults inside ranges, enum defaults
  // among the constants, flag values in 32 bits). Tests call it once per table.
  [[nodiscard]] Status validate() const;

  // Writes every option's default, read-only ones included. The table is the only place a
  // default is stated: a settings struct's default constructor calls this instead of giving its
  // members initialisers (see gif/settings.h).
  void setDefaults(void *settings) const noexcept;

  // Checks every option's current value as a set would (range, enum constant, known flag bits)
  // and returns the first failure, with the same message a set of that value gives. Components
  // call it on a settings struct filled by hand before using it, so that the table's ranges are
  // the only ones; their own checks keep only rules between options.
  [[nodiscard]] Status check(const void *settings) const;

  // Typed sets. The integer setters accept int, int64, uint, enum (the value must be a constant)
  // and flags (the bits must be known) options; the others only their own type.
  Status setBool(void *settings, std::string_view name, bool value) const;
  Status setInt(void *settings, std::string_view name, int value) const;
  Status setInt64(void *settings, std::string_view name, int64_t value) const;
  Status setUint(void *settings, std::string_view name, unsigned value) const;
  Status setDouble(void *settings, std::string_view name, double value) const;
  Status setString(void *settings, std::string_view name, std::string_view value) const;

  // The same by option (one of this table's, e.g. found by find() or by index): no name lookup.
  // setInteger takes any integer-kind option (int, int64, uint, enum, flags).
  Status setBool(void *settings, const Option &option, bool value) const;
  Status setInteger(void *settings, const Option &option, int64_t value) const;
  Status setDouble(void *settings, const Option &option, double value) const;
  Status setString(void *settings, const Option &option, std::string_view value) const;

  // Typed gets. getInt reads int and enum options, getUint uint and flags, getInt64 any integer
  // option; the others only their own type.
  Result<bool> getBool(const void *settings, std::string_view name) const;
  Result<int> getInt(const void *settings, std::string_view name) const;
  Result<int64_t> getInt64(const void *settings, std::string_view name) const;
  Result<unsigned> getUint(const void *settings, std::string_view name) const;
  Result<double> getDouble(const void *settings, std::string_view name) const;
  Result<std::string> getString(const void *settings, std::string_view name) const;

  // Any option from text. Whitespace around a non-string value is ignored; string values are
  // taken verbatim. bool: true/false, yes/no, on/off, 1/0 (any case). Integers: decimal or 0x
  // hex. enum: a constant's name or its number. flags: names or numbers joined by '+' or '|'.
  Status setFromString(void *settings, std::string_view name, std::string_view text) const;
  // Any option as text that setFromString() accepts back.
  Result<std::string> getAsString(const void *settings, std::string_view name) const;

  // "colors=64:dither=sierra". Pairs are separated by ':', name from value by the first '='; a
  // backslash makes the next character literal ("text=a\:b" sets "a:b", "\\" is one backslash).
  // Empty pairs (a trailing ':') are skipped; a later pair for the same option wins. All or
  // nothing: every pair is checked before any is applied.
  Status parse(void *settings, std::string_view text) const;
  // The writable options as a parse() string, in table order; only those that differ from their
  // default if `only_changed`.
  std::string serialize(const void *settings, bool only_changed = false) const;
  // A human-readable listing: one line per option (type, help, range, default) and its constants.
  std::string describe() const;

 private:
  const Option *options_ = nullptr;
  size_t size_ = 0;
};

}  // namespace mk
