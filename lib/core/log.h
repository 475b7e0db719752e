// SPDX-License-Identifier: LGPL-2.1-or-later
// Logging for lib/ without knowing who listens. lib code logs through MK_LOG_* with a module name
// ("pool", "gif", "dvpp"); the application installs one sink (gst/common routes it to GStreamer
// debug categories). With no sink installed, nothing is formatted and nothing is printed.
// The sink's `enabled` is asked first, so a disabled level costs one call and no formatting.
#pragma once

#include <cstdarg>

namespace mk {

enum class LogLevel { kError = 1, kWarning = 2, kInfo = 4, kDebug = 5, kTrace = 7 };

struct LogSink {
  void *opaque = nullptr;
  bool (*enabled)(void *opaque, LogLevel level, const char *module) noexcept = nullptr;
  void (*write)(void *opaque, LogLevel level, const char *module, const char *file, int line,
                const char *function, const char *message) noexcept = nullptr;
};

// Installs `sink` for the whole process (a null `write` removes it). Thread-safe; a message being
// written on another thread while the sink changes goes to the old or the new sink, never lost
// halfway. The sink must stay valid until it is replaced.
void setLogSink(const LogSink &sink) noexcept;

bool logEnabled(LogLevel level, const char *module) noexcept;

void logMessage(LogLevel level, const char *module, const char *file, int line,
                const char *function, const char *format, ...) noexcept
    __attribute__((format(printf, 6, 7)));

}  // namespace mk

#define MK_LOG(level, module, ...)                                                \
  do {                                                                            \
    if (::mk::logEnabled(level, module))                                          \
      ::mk::logMessage(level, module, __FILE__, __LINE__, __func__, __VA_ARGS__); \
  } while (0)

#define MK_LOG_ERROR(module, ...) MK_LOG(::mk::LogLevel::kError, module, __VA_ARGS__)
#define MK_LOG_WARNING(module, ...) MK_LOG(::mk::LogLevel::kWarning, module, __VA_ARGS__)
#define MK_LOG_INFO(module, ...) MK_LOG(::mk::LogLevel::kInfo, module, __VA_ARGS__)
#define MK_LOG_DEBUG(module, ...) MK_LOG(::mk::LogLevel::kDebug, module, __VA_ARGS__)
#define MK_LOG_TRACE(module, ...) MK_LOG(::mk::LogLevel::kTrace, module, __VA_ARGS__)
