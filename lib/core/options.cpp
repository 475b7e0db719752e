// SPDX-License-Identifier: LGPL-2.1-or-later
#include "core/options.h"

#include <charconv>
#include <climits>
#include <cmath>
#include <vector>

namespace mk {

namespace {

// A value converted and checked for one option, not yet stored. parse() collects these first so
// that a bad pair leaves the settings untouched.
struct Pending {
  const Option *option = nullptr;
  int64_t i = 0;
  double d = 0;
  std::string s;
};

std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

std::string prefix(const Option &o) {
  return "option " + quoted(o.name) + ": ";
}

std::string formatDouble(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string formatHex(uint64_t v) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v, 16);
  return "0x" + std::string(buf, res.ptr);
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// Option names compare with '_' and '-' as one character, like GObject property names.
bool sameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    char x = a[i] == '_' ? '-' : a[i];
    char y = b[i] == '_' ? '-' : b[i];
    if (x != y) return false;
  }
  return true;
}

bool isIntegerType(OptionType t) {
  return t == OptionType::kInt || t == OptionType::kInt64 || t == OptionType::kUint ||
         t == OptionType::kEnum || t == OptionType::kFlags;
}

Status typeMismatch(const Option &o, const char *wanted) {
  return Status(Errc::kInvalidArgument,
                prefix(o) + "is " + optionTypeName(o.type) + " and cannot be used as " + wanted);
}

std::string constantNames(const Option &o, bool with_values) {
  std::string out;
  for (size_t i = 0; i < o.constant_count; i++) {
    if (i) out += ", ";
    out += o.constants[i].name;
    if (with_values) out += " (" + std::to_string(o.constants[i].value) + ")";
  }
  return out;
}

uint64_t flagsMask(const Option &o) {
  uint64_t mask = 0;
  for (size_t i = 0; i < o.constant_count; i++) mask |= static_cast<uint64_t>(o.constants[i].value);
  return mask;
}

const OptionConst *constantByName(const Option &o, std::string_view name) {
  for (size_t i = 0; i < o.constant_count; i++)
    if (name == o.constants[i].name) return &o.constants[i];
  return nullptr;
}

const OptionConst *constantByValue(const Option &o, int64_t value) {
  for (size_t i = 0; i < o.constant_count; i++)
    if (o.constants[i].value == value) return &o.constants[i];
  return nullptr;
}

// Parses a whole integer: optional sign, decimal or 0x hex. `overflow` is set when the digits
// are valid but the value does not fit in int64_t (the caller reports it as out of range).
bool parseInteger(std::string_view s, int64_t *out, bool *overflow) {
  *overflow = false;
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  // from_chars would take a second sign; only digits may follow ours.
  if (s.empty() || s.front() == '-' || s.front() == '+') return false;
  uint64_t magnitude = 0;
  auto res = std::from_chars(s.data(), s.data() + s.size(), magnitude, base);
  if (res.ptr != s.data() + s.size()) return false;
  if (res.ec == std::errc::result_out_of_range) {
    *overflow = true;
    return true;
  }
  if (res.ec != std::errc()) return false;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (magnitude > limit) {
    *overflow = true;
    return true;
  }
  *out = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

Status outOfRange(const Option &o, std::string_view shown) {
  return Status(Errc::kOutOfRange, prefix(o) + "value " + std::string(shown) + " out of range [" +
                                       std::to_string(o.int_min) + ", " +
                                       std::to_string(o.int_max) + "]");
}

// Checks an integer for an integer-kind option; `shown` is the value as the user wrote it.
Status checkInteger(const Option &o, int64_t v, std::string_view shown) {
  switch (o.type) {
    case OptionType::kInt:
    case OptionType::kInt64:
    case OptionType::kUint:
      if (v < o.int_min || v > o.int_max) return outOfRange(o, shown);
      return Status::ok();
    case OptionType::kEnum:
      if (!constantByValue(o, v))
        return Status(Errc::kOutOfRange, prefix(o) + "value " + std::string(shown) +
                                             " is not one of " + constantNames(o, true));
      return Status::ok();
    case OptionType::kFlags: {
      uint64_t mask = flagsMask(o);
      if (v < 0 || (static_cast<uint64_t>(v) & ~mask) != 0)
        return Status(Errc::kOutOfRange, prefix(o) + "value " + std::string(shown) +
                                             " has bits outside " + constantNames(o, false) +
                                             " (mask " + formatHex(mask) + ")");
      return Status::ok();
    }
    default:
      return typeMismatch(o, "an integer");
  }
}

Status parseIntegerText(const Option &o, std::string_view text, int64_t *out) {
  bool overflow = false;
  if (!parseInteger(text, out, &overflow))
    return Status(Errc::kInvalidArgument, prefix(o) + "expected an integer, got " + quoted(text));
  if (overflow) return outOfRange(o, text);
  return checkInteger(o, *out, text);
}

Status parseFlagsText(const Option &o, std::string_view text, int64_t *out) {
  uint64_t value = 0;
  std::string_view rest = text;
  for (;;) {
    size_t sep = rest.find_first_of("+|");
    std::string_view part = trim(rest.substr(0, sep));
    if (part.empty())
      return Status(Errc::kInvalidArgument, prefix(o) + "expected flags (" +
                                                constantNames(o, false) + " joined by '+'), got " +
                                                quoted(text));
    if (const OptionConst *c = constantByName(o, part)) {
      value |= static_cast<uint64_t>(c->value);
    } else if (part.front() >= '0' && part.front() <= '9') {
      int64_t n = 0;
      Status st = parseIntegerText(o, part, &n);
      if (!st) return st;
      value |= static_cast<uint64_t>(n);
    } else {
      return Status(Errc::kInvalidArgument,
                    prefix(o) + quoted(part) + " is not one of " + constantNames(o, false));
    }
    if (sep == std::string_view::npos) break;
    rest.remove_prefix(sep + 1);
  }
  *out = static_cast<int64_t>(value);
  return Status::ok();
}

// Converts text for option `o` into `p`, checking type and range; stores nothing.
Status convertText(const Option &o, std::string_view raw, Pending *p) {
  p->option = &o;
  if (o.type == OptionType::kString) {
    p->s.assign(raw.data(), raw.size());
    return Status::ok();
  }
  std::string_view text = trim(raw);
  switch (o.type) {
    case OptionType::kBool: {
      static constexpr const char *kTrue[] = {"true", "yes", "on", "1"};
      static constexpr const char *kFalse[] = {"false", "no", "off", "0"};
      for (const char *t : kTrue)
        if (equalsNoCase(text, t)) {
          p->i = 1;
          return Status::ok();
        }
      for (const char *f : kFalse)
        if (equalsNoCase(text, f)) {
          p->i = 0;
          return Status::ok();
        }
      return Status(
          Errc::kInvalidArgument,
          prefix(o) + "expected a boolean (true/false, yes/no, on/off, 1/0), got " + quoted(text));
    }
    case OptionType::kInt:
    case OptionType::kInt64:
    case OptionType::kUint:
      return parseIntegerText(o, text, &p->i);
    case OptionType::kDouble: {
      std::string_view digits = text;
      if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
      double v = 0;
      auto res = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      bool whole = !digits.empty() && res.ptr == digits.data() + digits.size();
      if (!whole || (res.ec != std::errc() && res.ec != std::errc::result_out_of_range) ||
          std::isnan(v))
        return Status(Errc::kInvalidArgument, prefix(o) + "expected a number, got " + quoted(text));
      if (res.ec == std::errc::result_out_of_range || v < o.double_min || v > o.double_max)
        return Status(Errc::kOutOfRange, prefix(o) + "value " + std::string(text) +
                                             " out of range [" + formatDouble(o.double_min) + ", " +
                                             formatDouble(o.double_max) + "]");
      p->d = v;
      return Status::ok();
    }
    case OptionType::kEnum: {
      if (const OptionConst *c = constantByName(o, text)) {
        p->i = c->value;
        return Status::ok();
      }
      int64_t n = 0;
      bool overflow = false;
      if (!text.empty() && parseInteger(text, &n, &overflow) && !overflow) {
        Status st = checkInteger(o, n, text);
        if (st) p->i = n;
        return st;
      }
      return Status(Errc::kInvalidArgument,
                    prefix(o) + quoted(text) + " is not one of " + constantNames(o, false));
    }
    case OptionType::kFlags:
      return parseFlagsText(o, text, &p->i);
    case OptionType::kString:
      break;
  }
  return Status(Errc::kInternal, prefix(o) + "unknown option type");
}

void commit(const Option &o, void *settings, const Pending &p) noexcept {
  switch (o.type) {
    case OptionType::kBool: {
      bool v = p.i != 0;
      o.store(settings, &v);
      break;
    }
    case OptionType::kInt:
    case OptionType::kEnum: {
      int v = static_cast<int>(p.i);
      o.store(settings, &v);
      break;
    }
    case OptionType::kInt64: {
      int64_t v = p.i;
      o.store(settings, &v);
      break;
    }
    case OptionType::kUint:
    case OptionType::kFlags: {
      unsigned v = static_cast<unsigned>(p.i);
      o.store(settings, &v);
      break;
    }
    case OptionType::kDouble:
      o.store(settings, &p.d);
      break;
    case OptionType::kString:
      o.store(settings, &p.s);
      break;
  }
}

// Reads any integer-kind or bool option widened to int64_t.
int64_t loadInteger(const Option &o, const void *settings) noexcept {
  switch (o.type) {
    case OptionType::kBool: {
      bool v = false;
      o.load(settings, &v);
      return v ? 1 : 0;
    }
    case OptionType::kInt:
    case OptionType::kEnum: {
      int v = 0;
      o.load(settings, &v);
      return v;
    }
    case OptionType::kInt64: {
      int64_t v = 0;
      o.load(settings, &v);
      return v;
    }
    case OptionType::kUint:
    case OptionType::kFlags: {
      unsigned v = 0;
      o.load(settings, &v);
      return v;
    }
    default:
      return 0;
  }
}

std::string formatFlags(const Option &o, uint64_t value) {
  std::string out;
  uint64_t remaining = value;
  for (size_t i = 0; i < o.constant_count; i++) {
    uint64_t c = static_cast<uint64_t>(o.constants[i].value);
    if (c != 0 && (value & c) == c && (remaining & c) != 0) {
      if (!out.empty()) out += '+';
      out += o.constants[i].name;
      remaining &= ~c;
    }
  }
  if (remaining != 0) {
    if (!out.empty()) out += '+';
    out += formatHex(remaining);
  }
  if (out.empty()) {
    const OptionConst *zero = constantByValue(o, 0);
    out = zero ? zero->name : "0";
  }
  return out;
}

std::string formatInteger(const Option &o, int64_t v) {
  switch (o.type) {
    case OptionType::kBool:
      return v ? "true" : "false";
    case OptionType::kEnum: {
      const OptionConst *c = constantByValue(o, v);
      return c ? c->name : std::to_string(v);
    }
    case OptionType::kFlags:
      return formatFlags(o, static_cast<uint64_t>(v));
    default:
      return std::to_string(v);
  }
}

std::string formatValue(const Option &o, const void *settings) {
  switch (o.type) {
    case OptionType::kDouble: {
      double v = 0;
      o.load(settings, &v);
      return formatDouble(v);
    }
    case OptionType::kString: {
      std::string v;
      o.load(settings, &v);
      return v;
    }
    default:
      return formatInteger(o, loadInteger(o, settings));
  }
}

std::string formatDefault(const Option &o) {
  switch (o.type) {
    case OptionType::kDouble:
      return formatDouble(o.double_default);
    case OptionType::kString:
      return o.string_default;
    default:
      return formatInteger(o, o.int_default);
  }
}

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

bool validName(const char *name) {
  if (!name || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (const char *p = name; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) return false;
  return true;
}

Status invalid(const Option &o, const std::string &what) {
  return Status(Errc::kInternal,
                "option table: " + quoted(o.name ? o.name : "(null)") + ": " + what);
}

Status validateOption(const Option &o) {
  if (!validName(o.name))
    return invalid(o, "name must be lowercase letters, digits and '-', starting with a letter");
  if (!o.nick || !*o.nick || !o.help || !*o.help) return invalid(o, "needs a nick and a help text");
  if (!o.load || !o.store) return invalid(o, "has no settings member");
  switch (o.type) {
    case OptionType::kBool:
      break;
    case OptionType::kInt:
    case OptionType::kInt64:
    case OptionType::kUint:
      if (o.int_min > o.int_max || o.int_default < o.int_min || o.int_default > o.int_max)
        return invalid(o, "default " + std::to_string(o.int_default) + " outside [" +
                              std::to_string(o.int_min) + ", " + std::to_string(o.int_max) + "]");
      break;
    case OptionType::kDouble:
      if (std::isnan(o.double_min) || std::isnan(o.double_max) || std::isnan(o.double_default) ||
          o.double_min > o.double_max || o.double_default < o.double_min ||
          o.double_default > o.double_max)
        return invalid(o, "default " + formatDouble(o.double_default) + " outside [" +
                              formatDouble(o.double_min) + ", " + formatDouble(o.double_max) + "]");
      break;
    case OptionType::kString:
      if (!o.string_default) return invalid(o, "string default is null");
      break;
    case OptionType::kEnum:
    case OptionType::kFlags: {
      if (!o.constants || o.constant_count == 0) return invalid(o, "has no constants");
      for (size_t i = 0; i < o.constant_count; i++) {
        const OptionConst &c = o.constants[i];
        if (!validName(c.name) || !c.nick || !*c.nick || !c.help)
          return invalid(o, "constant " + std::to_string(i) + " needs a valid name and a nick");
        for (size_t j = 0; j < i; j++)
          if (std::string_view(c.name) == o.constants[j].name)
            return invalid(o, "constant " + quoted(c.name) + " appears twice");
        if (o.type == OptionType::kEnum && (c.value < INT_MIN || c.value > INT_MAX))
          return invalid(o, "constant " + quoted(c.name) + " does not fit in an int");
        if (o.type == OptionType::kFlags && (c.value < 0 || c.value > UINT_MAX))
          return invalid(o, "constant " + quoted(c.name) + " does not fit in 32 bits");
      }
      Status st = checkInteger(o, o.int_default, std::to_string(o.int_default));
      if (!st) return invalid(o, "bad default: " + st.message());
      break;
    }
  }
  return Status::ok();
}

}  // namespace

const char *optionTypeName(OptionType type) noexcept {
  switch (type) {
    case OptionType::kBool:
      return "bool";
    case OptionType::kInt:
      return "int";
    case OptionType::kInt64:
      return "int64";
    case OptionType::kUint:
      return "uint";
    case OptionType::kDouble:
      return "double";
    case OptionType::kString:
      return "string";
    case OptionType::kEnum:
      return "enum";
    case OptionType::kFlags:
      return "flags";
  }
  return "unknown";
}

const Option *OptionTable::find(std::string_view name) const noexcept {
  for (const Option &o : *this)
    if (sameName(o.name, name)) return &o;
  return nullptr;
}

Status OptionTable::validate() const {
  for (size_t i = 0; i < size_; i++) {
    Status st = validateOption(options_[i]);
    if (!st) return st;
    for (size_t j = 0; j < i; j++)
      if (sameName(options_[i].name, options_[j].name))
        return invalid(options_[i], "appears twice in the table");
  }
  return Status::ok();
}

void OptionTable::setDefaults(void *settings) const noexcept {
  for (const Option &o : *this) {
    Pending p;
    p.i = o.int_default;
    p.d = o.double_default;
    if (o.type == OptionType::kString) p.s = o.string_default;
    commit(o, settings, p);
  }
}

namespace {

// Finds a writable option or says why not.
Result<const Option *> lookup(const OptionTable &table, std::string_view name, bool for_write) {
  if (const Option *o = table.find(name)) {
    if (for_write && (o->flags & kOptionReadOnly))
      return Status(Errc::kInvalidArgument, "option " + quoted(o->name) + " is read-only");
    return o;
  }
  std::string known;
  for (const Option &o : table) {
    if (!known.empty()) known += ", ";
    known += o.name;
  }
  return Status(Errc::kNotFound, "unknown option " + quoted(name) + " (known: " + known + ")");
}

Status writable(const Option &o) {
  if (o.flags & kOptionReadOnly)
    return Status(Errc::kInvalidArgument, "option " + quoted(o.name) + " is read-only");
  return Status::ok();
}

// The checks of a set, without storing: shared by the setters and check().
Status checkDouble(const Option &o, double value) {
  if (std::isnan(value))
    return Status(Errc::kInvalidArgument, prefix(o) + "expected a number, got nan");
  if (value < o.double_min || value > o.double_max)
    return Status(Errc::kOutOfRange, prefix(o) + "value " + formatDouble(value) +
                                         " out of range [" + formatDouble(o.double_min) + ", " +
                                         formatDouble(o.double_max) + "]");
  return Status::ok();
}

}  // namespace

Status OptionTable::setBool(void *settings, const Option &o, bool value) const {
  if (Status st = writable(o); !st) return st;
  if (o.type != OptionType::kBool) return typeMismatch(o, "a boolean");
  Pending p;
  p.i = value ? 1 : 0;
  commit(o, settings, p);
  return Status::ok();
}

Status OptionTable::setInteger(void *settings, const Option &o, int64_t value) const {
  if (Status st = writable(o); !st) return st;
  if (!isIntegerType(o.type)) return typeMismatch(o, "an integer");
  Status st = checkInteger(o, value, std::to_string(value));
  if (!st) return st;
  Pending p;
  p.i = value;
  commit(o, settings, p);
  return Status::ok();
}

Status OptionTable::setDouble(void *settings, const Option &o, double value) const {
  if (Status st = writable(o); !st) return st;
  if (o.type != OptionType::kDouble) return typeMismatch(o, "a number");
  if (Status st = checkDouble(o, value); !st) return st;
  Pending p;
  p.d = value;
  commit(o, settings, p);
  return Status::ok();
}

Status OptionTable::setString(void *settings, const Option &o, std::string_view value) const {
  if (Status st = writable(o); !st) return st;
  if (o.type != OptionType::kString) return typeMismatch(o, "a string");
  Pending p;
  p.s.assign(value.data(), value.size());
  commit(o, settings, p);
  return Status::ok();
}

Status OptionTable::setBool(void *settings, std::string_view name, bool value) const {
  auto o = lookup(*this, name, true);
  return o ? setBool(settings, **o, value) : o.status();
}

Status OptionTable::setInt(void *settings, std::string_view name, int value) const {
  auto o = lookup(*this, name, true);
  return o ? setInteger(settings, **o, value) : o.status();
}

Status OptionTable::setInt64(void *settings, std::string_view name, int64_t value) const {
  auto o = lookup(*this, name, true);
  return o ? setInteger(settings, **o, value) : o.status();
}

Status OptionTable::setUint(void *settings, std::string_view name, unsigned value) const {
  auto o = lookup(*this, name, true);
  return o ? setInteger(settings, **o, value) : o.status();
}

Status OptionTable::setDouble(void *settings, std::string_view name, double value) const {
  auto o = lookup(*this, name, true);
  return o ? setDouble(settings, **o, value) : o.status();
}

Status OptionTable::setString(void *settings, std::string_view name, std::string_view value) const {
  auto o = lookup(*this, name, true);
  return o ? setString(settings, **o, value) : o.status();
}

Status OptionTable::check(const void *settings) const {
  for (const Option &o : *this) {
    Status st;
    switch (o.type) {
      case OptionType::kBool:
      case OptionType::kString:
        break;
      case OptionType::kDouble: {
        double v = 0;
        o.load(settings, &v);
        st = checkDouble(o, v);
        break;
      }
      default: {
        const int64_t v = loadInteger(o, settings);
        st = checkInteger(o, v, std::to_string(v));
        break;
      }
    }
    if (!st) return st;
  }
  return Status::ok();
}

Result<bool> OptionTable::getBool(const void *settings, std::string_view name) const {
  auto o = lookup(*this, name, false);
  if (!o) return o.status();
  if ((*o)->type != OptionType::kBool) return typeMismatch(**o, "a boolean");
  return loadInteger(**o, settings) != 0;
}

Result<int> OptionTable::getInt(const void *settings, std::string_view name) const {
  auto o = lookup(*this, name, false);
  if (!o) return o.status();
  if ((*o)->type != OptionType::kInt && (*o)->type != OptionType::kEnum)
    return typeMismatch(**o, "an int");
  return static_cast<int>(loadInteger(**o, settings));
}

Result<int64_t> OptionTable::getInt64(const void *settings, std::string_view name) const {
  auto o = lookup(*this, name, false);
  if (!o) return o.status();
  if (!isIntegerType((*o)->type)) return typeMismatch(**o, "an integer");
  return loadInteger(**o, settings);
}

Result<unsigned> OptionTable::getUint(const void *settings, std::string_view name) const {
  auto o = lookup(*this, name, false);
  if (!o) return o.status();
  if ((*o)->type != OptionType::kUint && (*o)->type != OptionType::kFlags)
    return typeMismatch(**o, "an unsigned integer");
  return static_cast<unsigned>(loadInteger(**o, settings));
}

Result<double> OptionTable::getDouble(const void *settings, std::string_view name) const {
  auto o = lookup(*this, name, false);
  if (!o) return o.status();
  if ((*o)->type != OptionType::kDouble) return typeMismatch(**o, "a number");
  double v = 0;
  (*o)->load(settings, &v);
  return v;
}

Result<std::string> OptionTable::getString(const void *settings, std::string_view name) const {
  auto o = lookup(*this, name, false);
  if (!o) return o.status();
  if ((*o)->type != OptionType::kString) return typeMismatch(**o, "a string");
  std::string v;
  (*o)->load(settings, &v);
  return v;
}

Status OptionTable::setFromString(void *settings, std::string_view name,
                                  std::string_view text) const {
  auto o = lookup(*this, name, true);
  if (!o) return o.status();
  Pending p;
  Status st = convertText(**o, text, &p);
  if (!st) return st;
  commit(**o, settings, p);
  return Status::ok();
}

Result<std::string> OptionTable::getAsString(const void *settings, std::string_view name) const {
  auto o = lookup(*this, name, false);
  if (!o) return o.status();
  return formatValue(**o, settings);
}

namespace {

// Splits `text` at unescaped `sep` chars; pieces keep their escapes. False on a dangling '\'.
bool splitEscaped(std::string_view text, char sep, std::vector<std::string_view> *out,
                  size_t max_pieces) {
  size_t start = 0;
  for (size_t i = 0; i < text.size(); i++) {
    if (text[i] == '\\') {
      if (i + 1 == text.size()) return false;
      i++;
    } else if (text[i] == sep && out->size() + 1 < max_pieces) {
      out->push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  out->push_back(text.substr(start));
  return true;
}

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '\\' && i + 1 < s.size()) i++;
    out += s[i];
  }
  return out;
}

}  // namespace

Status OptionTable::parse(void *settings, std::string_view text) const {
  std::vector<std::string_view> pairs;
  if (!splitEscaped(text, ':', &pairs, SIZE_MAX))
    return Status(Errc::kInvalidArgument,
                  "option string: a '\\' at the end escapes nothing in " + quoted(text));
  std::vector<Pending> pending;
  for (std::string_view pair : pairs) {
    if (trim(pair).empty()) continue;
    std::vector<std::string_view> kv;
    (void)splitEscaped(pair, '=', &kv, 2);
    if (kv.size() != 2)
      return Status(Errc::kInvalidArgument,
                    "option string: expected name=value, got " + quoted(trim(pair)));
    std::string key = unescape(trim(kv[0]));
    if (key.empty())
      return Status(Errc::kInvalidArgument,
                    "option string: missing option name in " + quoted(trim(pair)));
    auto o = lookup(*this, key, true);
    if (!o) return o.status();
    Pending p;
    Status st = convertText(**o, unescape(kv[1]), &p);
    if (!st) return st;
    pending.push_back(std::move(p));
  }
  for (const Pending &p : pending) commit(*p.option, settings, p);
  return Status::ok();
}

std::string OptionTable::serialize(const void *settings, bool only_changed) const {
  std::string out;
  for (const Option &o : *this) {
    if (o.flags & kOptionReadOnly) continue;
    std::string value = formatValue(o, settings);
    if (only_changed && value == formatDefault(o)) continue;
    if (!out.empty()) out += ':';
    out += o.name;
    out += '=';
    out += escape(value);
  }
  return out;
}

std::string OptionTable::describe() const {
  std::string out;
  for (const Option &o : *this) {
    out += "  ";
    out += o.name;
    out += " <";
    out += optionTypeName(o.type);
    out += ">  ";
    out += o.help;
    switch (o.type) {
      case OptionType::kInt:
      case OptionType::kInt64:
      case OptionType::kUint:
        out += " [" + std::to_string(o.int_min) + ", " + std::to_string(o.int_max) + "]";
        break;
      case OptionType::kDouble:
        out += " [" + formatDouble(o.double_min) + ", " + formatDouble(o.double_max) + "]";
        break;
      default:
        break;
    }
    out += " (default " + quoted(formatDefault(o)) + ")";
    if (o.flags & kOptionReadOnly) out += " (read-only)";
    out += '\n';
    for (size_t i = 0; i < o.constant_count; i++) {
      const OptionConst &c = o.constants[i];
      out += "      ";
      out += c.name;
      out += " (" + std::to_string(c.value) + ")  ";
      out += c.help;
      out += '\n';
    }
  }
  return out;
}

}  // namespace mk
