// SPDX-License-Identifier: LGPL-2.1-or-later
#include "core/log.h"

#include <atomic>
#include <cstdio>

#include "core/result.h"

namespace mk {

namespace {

// The sink is published as one immutable slot so readers never see half of an update. Slots are
// reused round-robin: a reader still holding a slot would need 16 further replacements during one
// message to see it change, and sinks are replaced a few times in a process's life.
struct SinkSlot {
  LogSink sink;
};
constexpr unsigned kSlots = 16;
SinkSlot g_slots[kSlots];
std::atomic<unsigned> g_next_slot{0};
std::atomic<const SinkSlot *> g_sink{nullptr};

}  // namespace

const char *errcName(Errc code) noexcept {
  switch (code) {
    case Errc::kOk:
      return "ok";
    case Errc::kInvalidArgument:
      return "invalid argument";
    case Errc::kOutOfRange:
      return "out of range";
    case Errc::kNotFound:
      return "not found";
    case Errc::kBusy:
      return "busy";
    case Errc::kWouldBlock:
      return "would block";
    case Errc::kCancelled:
      return "cancelled";
    case Errc::kNoMemory:
      return "out of memory";
    case Errc::kCorruptData:
      return "corrupt data";
    case Errc::kTruncated:
      return "truncated";
    case Errc::kUnsupported:
      return "unsupported";
    case Errc::kTimeout:
      return "timeout";
    case Errc::kIo:
      return "i/o error";
    case Errc::kInternal:
      return "internal error";
  }
  return "unknown error";
}

void setLogSink(const LogSink &sink) noexcept {
  SinkSlot *slot = nullptr;
  if (sink.write) {
    slot = &g_slots[g_next_slot.fetch_add(1, std::memory_order_relaxed) % kSlots];
    slot->sink = sink;
  }
  g_sink.store(slot, std::memory_order_release);
}

bool logEnabled(LogLevel level, const char *module) noexcept {
  const SinkSlot *slot = g_sink.load(std::memory_order_acquire);
  if (!slot) return false;
  return !slot->sink.enabled || slot->sink.enabled(slot->sink.opaque, level, module);
}

void logMessage(LogLevel level, const char *module, const char *file, int line,
                const char *function, const char *format, ...) noexcept {
  const SinkSlot *slot = g_sink.load(std::memory_order_acquire);
  if (!slot) return;
  char text[1024];
  va_list args;
  va_start(args, format);
  int n = std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  if (n < 0) return;
  slot->sink.write(slot->sink.opaque, level, module, file, line, function, text);
}

}  // namespace mk
