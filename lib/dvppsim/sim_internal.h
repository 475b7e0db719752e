// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared state of the simulator: one process-wide mutex over everything, the DVPP allocation
// registry, contexts, faults and counters. Internal to libdvppsim.so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

#include "dvpp/hi_mpi.h"
#include "dvppsim/dvppsim.h"

#define DVPPSIM_EXPORT extern "C" __attribute__((visibility("default")))

namespace dvppsim {

enum class Fault { kNone, kFail, kTimeout, kEmpty, kSlow, kBusy, kBadParam };
enum class ChipKind { k310P, k310B, k310 };

struct Limits {
  int channels;
  std::uint32_t min_size;
  std::uint32_t max_size;
  bool h264_area_cap;  // w * h <= 4096 * 2304 for H.264
};

std::mutex &lock();            // the one simulator mutex
dvppsim_stats &statsLocked();  // counters (under lock())

// Counts this call of `function` (and, for a channel call, its call on channel `chn`) and says
// which fault, if any, it gets: a rule "f=kind@n" hits the n-th call of f on any channel, a rule
// "f#c=kind@n" the n-th call of f on channel c. Takes lock().
Fault takeFault(const char *function, int chn = -1);
// Re-reads DVPPSIM_FAULTS and DVPPSIM_CHIP; resets call counts. Under lock().
void configureLocked();
ChipKind chipLocked();  // under lock()
Limits limitsLocked();

// True if the calling thread has a live context and hi_mpi_sys_init was called. Under lock().
bool readyLocked();
// Whether [ptr, ptr + size) lies inside one live DVPP allocation. Under lock().
bool isDvppMemoryLocked(const void *ptr, std::size_t size);

void warn(const char *format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace dvppsim
