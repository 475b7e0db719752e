/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the soak programs share: a watchdog against hangs, the process's memory (VmRSS, VmHWM),
 * the DVPP simulator's counters, and failing with a clear message. Each program is bounded by
 * a count it is given; the watchdog is there only to turn a deadlock into a message. */
#pragma once

#include <gst/gst.h>

#include "mktestsim.h"

#include <dlfcn.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

/* meson's "skipped" exit status. */
#define SOAK_EXIT_SKIP 77

static inline void soak_fail (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Prints "FAIL: ..." and exits with status 1. */
static inline void
soak_fail (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  fprintf (stderr, "FAIL: ");
  vfprintf (stderr, format, args);
  fprintf (stderr, "\n");
  va_end (args);
  fflush (stdout);
  exit (1);
}

/* Aborts the process when a step is not over within its bound. arm() names the step and starts
 * the clock; disarm() stops it. A step that only a hang could make last that long is a
 * deadlock: the message names it so the run says where it stuck. */
class SoakWatchdog
{
public:
  explicit SoakWatchdog (int seconds) : seconds_ (seconds)
  {
    thread_ = std::thread ([this] { run (); });
  }

  ~SoakWatchdog ()
  {
    {
      std::lock_guard<std::mutex> lock (mutex_);
      quit_ = true;
    }
    cond_.notify_all ();
    thread_.join ();
  }

  void arm (const std::string &step)
  {
    std::lock_guard<std::mutex> lock (mutex_);
    step_ = step;
    armed_ = true;
    generation_++;
    cond_.notify_all ();
  }

  void disarm ()
  {
    std::lock_guard<std::mutex> lock (mutex_);
    armed_ = false;
    generation_++;
    cond_.notify_all ();
  }

private:
  void run ()
  {
    std::unique_lock<std::mutex> lock (mutex_);
    while (!quit_) {
      if (!armed_) {
        cond_.wait (lock);
        continue;
      }
      guint64 gen = generation_;
      auto deadline =
          std::chrono::steady_clock::now () + std::chrono::seconds (seconds_);
      while (!quit_ && gen == generation_) {
        if (cond_.wait_until (lock, deadline) == std::cv_status::timeout &&
            gen == generation_ && armed_) {
          fprintf (stderr,
              "FAIL: watchdog: step not over after %d s (a deadlock?): %s\n",
              seconds_, step_.c_str ());
          fflush (stdout);
          abort ();
        }
      }
    }
  }

  int seconds_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cond_;
  std::string step_;
  bool armed_ = false;
  bool quit_ = false;
  guint64 generation_ = 0;
};

/* VmRSS and VmHWM of this process, in kB (from /proc/self/status); with trim, first
 * malloc_trim(0), so that RSS counts what is live (and fragmentation), not the free memory
 * glibc keeps cached in its arenas, which swings by tens of MB from one file to the next with
 * the thread that happened to free a big canvas. `heap_kb` is what malloc has handed out and
 * not had back (mallinfo2: arenas + mmapped chunks), the plainest leak signal. */
struct SoakMemory
{
  long rss_kb = -1;
  long hwm_kb = -1;
  long heap_kb = -1;
};

static inline SoakMemory
soak_memory (bool trim = false)
{
  SoakMemory m;
#ifdef __GLIBC__
  if (trim)
    malloc_trim (0);
  struct mallinfo2 mi = mallinfo2 ();
  m.heap_kb = (long)((mi.uordblks + mi.hblkhd) / 1024);
#else
  (void)trim;
#endif
  FILE *f = fopen ("/proc/self/status", "r");
  if (!f)
    soak_fail ("cannot read /proc/self/status");
  char line[256];
  while (fgets (line, sizeof (line), f)) {
    if (strncmp (line, "VmRSS:", 6) == 0)
      m.rss_kb = strtol (line + 6, nullptr, 10);
    else if (strncmp (line, "VmHWM:", 6) == 0)
      m.hwm_kb = strtol (line + 6, nullptr, 10);
  }
  fclose (f);
  if (m.rss_kb < 0 || m.hwm_kb < 0)
    soak_fail ("no VmRSS / VmHWM in /proc/self/status");
  return m;
}

/* The simulator's own counters (tests/gst/mktestsim.h). */
typedef dvppsim_stats SoakSimStats;

/* True when ascendvenc runs on the simulator here (GST_ASCEND_MPI_LIB names it and the plugin
 * is there); false says why in `why`. */
static inline bool
soak_have_simulator (std::string *why)
{
  const char *path = g_getenv ("GST_ASCEND_MPI_LIB");
  if (!path || !strstr (path, "dvppsim")) {
    *why = "GST_ASCEND_MPI_LIB does not name the DVPP simulator (libdvppsim)";
    return false;
  }
  GstElementFactory *f = gst_element_factory_find ("ascendvenc");
  if (!f) {
    *why = "the ascendvenc element is not available";
    return false;
  }
  gst_object_unref (f);
  return true;
}

static inline SoakSimStats
soak_sim_stats (void)
{
  SoakSimStats s;
  if (!mk_test_sim_stats (&s))
    soak_fail ("the simulator (GST_ASCEND_MPI_LIB) is not found");
  return s;
}

/* Fails unless the simulator holds nothing: no DVPP memory, channel, stream, epoll, context. */
static inline void
soak_assert_sim_clean (void)
{
  SoakSimStats s = soak_sim_stats ();
  if (s.dvpp_allocations || s.open_channels || s.unreleased_streams ||
      s.streams_lost_at_destroy || s.epoll_instances || s.contexts)
    soak_fail ("the simulator still holds: %d DVPP allocations (%zu bytes), "
               "%d channels, %d unreleased streams, %d streams lost at "
               "destroy, %d epolls, %d contexts",
        s.dvpp_allocations, s.dvpp_bytes, s.open_channels, s.unreleased_streams,
        s.streams_lost_at_destroy, s.epoll_instances, s.contexts);
}

/* A buffer probe on the pad `pad_name` of the element named `element` in `bin`. */
static inline void
soak_add_probe (GstElement *bin, const char *element, const char *pad_name,
    GstPadProbeCallback cb, gpointer data)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (bin), element);
  GstPad *pad = gst_element_get_static_pad (e, pad_name);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, cb, data, nullptr);
  gst_object_unref (pad);
  gst_object_unref (e);
}

/* Parses the program's options (entries, ending with a null entry) and GStreamer's, or fails
 * with GLib's message. */
static inline void
soak_parse_options (
    int *argc, char ***argv, GOptionEntry *entries, const char *summary)
{
  GOptionContext *ctx = g_option_context_new (summary);
  g_option_context_add_main_entries (ctx, entries, nullptr);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  GError *err = nullptr;
  if (!g_option_context_parse (ctx, argc, argv, &err))
    soak_fail ("%s", err->message);
  g_option_context_free (ctx);
}

/* Warnings and criticals abort, as under gst-check, so that the leaks tracer's report at
 * gst_deinit() ("Leaks detected") fails the program. */
static inline void
soak_init (int *argc, char ***argv)
{
  g_log_set_always_fatal (
      (GLogLevelFlags)(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING));
  gst_init (argc, argv);
}

static inline GstElement *
soak_parse (const std::string &desc)
{
  GError *err = nullptr;
  GstElement *p = gst_parse_launch (desc.c_str (), &err);
  if (!p || err)
    soak_fail ("cannot build %s: %s", desc.c_str (), err ? err->message : "?");
  return p;
}
