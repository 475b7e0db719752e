/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* soak-gif-loop: filesrc ! gifdemux ! gifdec ! videoconvert ! gifenc ! gifmux ! fakesink over a
 * corpus of GIF files, a new pipeline per file, in one process, until --frames decoded frames,
 * with the process's RSS sampled after every file.
 *
 * Memory is compared like with like: the first cycle over the corpus picks files until it holds
 * about 1/--cycles of the frames, then that same list is run again and again (a big canvas
 * raises RSS legitimately; the same canvas in a later cycle must not raise it further). Each
 * sample is taken after malloc_trim(0), so that RSS counts live memory, not glibc's caches.
 * From the first cycle that starts at or after 20 % of the run (plugin loading and allocator
 * warm-up come before) to the second half of the run, the floor of RSS (its lowest sample: a
 * leak raises it, memory glibc happened to keep for a thread does not) may grow by at most
 * --max-growth-kb (8 MB: a leak of 3 kB a frame shows over the 3,000 frames from 20 to 50 %),
 * and the heap in use (mallinfo2) at the same file position by at most --max-heap-growth-kb
 * (1 MB: 128 bytes a frame over 8,000 frames). Every pipeline must reach EOS, or fail the same way (same error, same decoded
 * frames) in every cycle; files gifdemux rejects outright (an error before any frame) are
 * listed and left out after the first cycle. */
#include <gst/gst.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "soakutil.h"

struct FileResult
{
  guint64 frames = 0;
  guint64 bytes = 0;
  std::string error; /* empty: EOS */
};

struct Sample
{
  int cycle;
  size_t pos;
  guint64 frames_total;
  SoakMemory mem;
};

static GstPadProbeReturn
count_frame (GstPad *, GstPadProbeInfo *, gpointer user_data)
{
  ((std::atomic<guint64> *)user_data)->fetch_add (1);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
count_bytes (GstPad *, GstPadProbeInfo *info, gpointer user_data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  ((std::atomic<guint64> *)user_data)->fetch_add (gst_buffer_get_size (buf));
  return GST_PAD_PROBE_OK;
}

static FileResult
run_file (const std::string &path, SoakWatchdog &watchdog)
{
  gchar *quoted = g_strescape (path.c_str (), nullptr);
  std::string desc =
      std::string ("filesrc location=\"") + quoted +
      "\" ! gifdemux ! gifdec name=dec ! videoconvert ! gifenc ! gifmux ! "
      "fakesink name=sink";
  g_free (quoted);
  GstElement *p = soak_parse (desc);
  std::atomic<guint64> frames{0}, bytes{0};
  soak_add_probe (p, "dec", "src", count_frame, &frames);
  soak_add_probe (p, "sink", "sink", count_bytes, &bytes);

  FileResult r;
  watchdog.arm ("running " + path);
  GstBus *bus = gst_element_get_bus (p);
  gst_element_set_state (p, GST_STATE_PLAYING);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      (GstMessageType)(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = nullptr;
    gst_message_parse_error (msg, &err, nullptr);
    r.error = std::string (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg))) + ": " +
              err->message;
    g_error_free (err);
  }
  gst_message_unref (msg);
  watchdog.arm ("stopping " + path);
  if (gst_element_set_state (p, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
    soak_fail ("%s: the pipeline refused to go to NULL", path.c_str ());
  watchdog.disarm ();
  gst_object_unref (bus);
  gst_object_unref (p);
  r.frames = frames.load ();
  r.bytes = bytes.load ();
  return r;
}

static void
collect_gifs (const std::string &dir, std::vector<std::string> *out)
{
  GDir *d = g_dir_open (dir.c_str (), 0, nullptr);
  if (!d)
    return;
  while (const gchar *name = g_dir_read_name (d)) {
    std::string path = dir + "/" + name;
    if (g_file_test (path.c_str (), G_FILE_TEST_IS_DIR))
      collect_gifs (path, out);
    else if (g_str_has_suffix (name, ".gif"))
      out->push_back (path);
  }
  g_dir_close (d);
}

/* ../shared/testdata/gif when there, else the files in the tree. */
static std::vector<std::string>
corpus (std::string *where)
{
  std::vector<std::string> files;
  const char *shared = g_getenv ("MK_SHARED_DIR");
  if (shared) {
    std::string dir = std::string (shared) + "/testdata/gif";
    collect_gifs (dir, &files);
    *where = dir;
  }
  if (files.empty ()) {
    const char *tests = g_getenv ("MK_TEST_FILES");
    if (!tests)
      soak_fail ("neither MK_SHARED_DIR nor MK_TEST_FILES is set");
    collect_gifs (std::string (tests) + "/gif", &files);
    std::string demo = std::string (tests) + "/../../docs/demo/testsrc2.gif";
    if (g_file_test (demo.c_str (), G_FILE_TEST_EXISTS))
      files.push_back (demo);
    *where = std::string (tests) + "/gif + docs/demo";
  }
  std::sort (files.begin (), files.end ());
  return files;
}

/* The first sample with at least `frames` frames decoded. */
static const Sample &
sample_at (const std::vector<Sample> &samples, guint64 frames)
{
  for (const Sample &s : samples)
    if (s.frames_total >= frames)
      return s;
  return samples.back ();
}

/* The lowest RSS over the samples of one cycle. */
static long
floor_rss (const std::vector<Sample> &samples, int cycle)
{
  long low = G_MAXLONG;
  for (const Sample &s : samples)
    if (s.cycle == cycle)
      low = std::min (low, s.mem.rss_kb);
  return low;
}

/* The median RSS over the samples of one cycle. */
static long
median_rss (const std::vector<Sample> &samples, int cycle)
{
  std::vector<long> v;
  for (const Sample &s : samples)
    if (s.cycle == cycle)
      v.push_back (s.mem.rss_kb);
  std::sort (v.begin (), v.end ());
  return v.empty () ? 0 : v[v.size () / 2];
}

int
main (int argc, char **argv)
{
  gint64 frames_wanted = 10000, max_growth_kb = 8192, max_heap_growth_kb = 1024;
  gint cycles = 5;
  GOptionEntry entries[] = {
      {"frames", 0, 0, G_OPTION_ARG_INT64, &frames_wanted,
          "Decoded frames to run for (default 10000)", "N"},
      {"cycles", 0, 0, G_OPTION_ARG_INT, &cycles,
          "Times the file list is run (its length is chosen so; default 5)",
          "C"},
      {"max-growth-kb", 0, 0, G_OPTION_ARG_INT64, &max_growth_kb,
          "RSS growth allowed from the 20 % mark to the end (default 8192)",
          "KB"},
      {"max-heap-growth-kb", 0, 0, G_OPTION_ARG_INT64, &max_heap_growth_kb,
          "Growth of the heap in use allowed likewise (default 1024)", "KB"},
      {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr}};
  soak_parse_options (&argc, &argv, entries, "- GIF decode/encode/mux soak");
  if (frames_wanted < 1 || cycles < 2)
    soak_fail ("--frames must be >= 1 and --cycles >= 2");
  soak_init (&argc, &argv);

  std::string where;
  std::vector<std::string> all = corpus (&where);
  if (all.empty ())
    soak_fail ("no GIF files found in %s", where.c_str ());

  SoakWatchdog watchdog (300);
  const guint64 n = (guint64)frames_wanted;
  const guint64 cycle_target = std::max<guint64> (1, n / cycles);

  /* Cycle 0 picks the list; later cycles repeat it. */
  std::vector<std::string> list;
  std::vector<FileResult> first;
  std::vector<std::string> rejected;
  std::vector<Sample> samples;
  guint64 total = 0, bytes_total = 0, pipelines = 0;
  size_t errors_documented = 0;
  int cycle = 0;
  for (size_t i = 0; i < all.size () && total < cycle_target; i++) {
    FileResult r = run_file (all[i], watchdog);
    pipelines++;
    if (!r.error.empty () && r.frames == 0) {
      rejected.push_back (all[i] + " (" + r.error + ")");
      continue;
    }
    if (!r.error.empty ()) {
      printf ("per-file error: %s after %" G_GUINT64_FORMAT " frames: %s\n",
          all[i].c_str (), r.frames, r.error.c_str ());
      errors_documented++;
    }
    list.push_back (all[i]);
    first.push_back (r);
    total += r.frames;
    bytes_total += r.bytes;
    samples.push_back ({cycle, list.size () - 1, total, soak_memory (true)});
  }
  if (list.empty ())
    soak_fail ("no file of %s could be decoded", where.c_str ());
  for (const std::string &r : rejected)
    printf ("rejected (left out after the first cycle): %s\n", r.c_str ());

  while (total < n) {
    cycle++;
    for (size_t pos = 0; pos < list.size () && total < n; pos++) {
      FileResult r = run_file (list[pos], watchdog);
      pipelines++;
      if (r.frames != first[pos].frames || r.error != first[pos].error)
        soak_fail ("%s, cycle %d: %" G_GUINT64_FORMAT " frames, %s; the first "
                   "cycle gave %" G_GUINT64_FORMAT " frames, %s",
            list[pos].c_str (), cycle, r.frames,
            r.error.empty () ? "EOS" : r.error.c_str (), first[pos].frames,
            first[pos].error.empty () ? "EOS" : first[pos].error.c_str ());
      total += r.frames;
      bytes_total += r.bytes;
      samples.push_back ({cycle, pos, total, soak_memory (true)});
    }
    const Sample &s = samples.back ();
    printf ("cycle %d: frames=%" G_GUINT64_FORMAT " rss_kb=%ld (floor %ld, "
            "median %ld) "
            "heap_kb=%ld hwm_kb=%ld\n",
        cycle + 1, s.frames_total, s.mem.rss_kb, floor_rss (samples, cycle),
        median_rss (samples, cycle), s.mem.heap_kb, s.mem.hwm_kb);
    fflush (stdout);
  }

  const Sample &end = samples.back ();
  /* Like with like: whole cycles (the same files), from the first that starts at or after
   * 20 % of the run to the last complete one; each one's lowest RSS, as the RSS after a file
   * still moves by several MB (memory glibc keeps for a thread, fragmentation). The heap in use
   * is steadier: it is compared at the same file position. */
  int base_cycle = -1;
  for (const Sample &s : samples)
    if (s.pos == 0 && s.frames_total >= n / 5) {
      base_cycle = s.cycle;
      break;
    }
  int last_full = end.pos + 1 == list.size () ? end.cycle : end.cycle - 1;
  if (base_cycle < 0 || base_cycle >= last_full)
    soak_fail ("fewer than two whole cycles between the 20 %% mark and the "
               "end: raise --frames or --cycles");
  const Sample *base = nullptr;
  for (const Sample &s : samples)
    if (s.cycle == base_cycle && s.pos == end.pos)
      base = &s;
  /* The floor of the second half of the run: a leak raises every sample there, while the few
   * MB glibc keeps for a pool thread raise a cycle or two at a time and go away again. */
  long late_floor = G_MAXLONG;
  for (const Sample &s : samples)
    if (s.frames_total >= n / 2)
      late_floor = std::min (late_floor, s.mem.rss_kb);
  long rss_growth = late_floor - floor_rss (samples, base_cycle);
  long heap_growth = end.mem.heap_kb - base->mem.heap_kb;

  printf ("corpus: %s (%zu files; %zu in the loop, %zu rejected)\n",
      where.c_str (), all.size (), list.size (), rejected.size ());
  printf ("frames=%" G_GUINT64_FORMAT " pipelines=%" G_GUINT64_FORMAT
          " cycles=%d bytes_out=%" G_GUINT64_FORMAT " per_file_errors=%zu\n",
      total, pipelines, end.cycle + 1, bytes_total, errors_documented);
  const guint64 marks[] = {n / 10, n / 5, n / 2, n};
  const char *mark_names[] = {"10%", "20%", "50%", "100%"};
  for (int i = 0; i < 4; i++) {
    const Sample &s = sample_at (samples, marks[i]);
    printf ("rss_%s_kb=%ld heap_kb=%ld hwm_kb=%ld (after %" G_GUINT64_FORMAT
            " frames, cycle %d, file %zu)\n",
        mark_names[i], s.mem.rss_kb, s.mem.heap_kb, s.mem.hwm_kb,
        s.frames_total, s.cycle + 1, s.pos + 1);
  }
  printf ("peak_hwm_kb=%ld\n", end.mem.hwm_kb);
  printf ("rss_growth_kb=%ld (floor of cycle %d: %ld kB, of the second half "
          "of the run: %ld kB; bound %" G_GINT64_FORMAT " kB)\n",
      rss_growth, base_cycle + 1, floor_rss (samples, base_cycle), late_floor,
      max_growth_kb);
  printf ("heap_growth_kb=%ld (after file %zu of cycle %d: %ld kB, of cycle "
          "%d: %ld kB; bound %" G_GINT64_FORMAT " kB)\n",
      heap_growth, end.pos + 1, base_cycle + 1, base->mem.heap_kb,
      end.cycle + 1, end.mem.heap_kb, max_heap_growth_kb);
#if defined(__SANITIZE_ADDRESS__)
  /* ASan's quarantine holds freed memory (up to 256 MB) and its allocator is not glibc's:
   * these figures say nothing there; LeakSanitizer checks for leaks instead. */
  printf ("memory bounds not checked: built with AddressSanitizer\n");
  max_growth_kb = max_heap_growth_kb = G_MAXINT64;
#endif
  if (rss_growth > max_growth_kb)
    soak_fail ("RSS grew by %ld kB from cycle %d to the second half of the run "
               "(bound %" G_GINT64_FORMAT " kB): a leak",
        rss_growth, base_cycle + 1, max_growth_kb);
  if (heap_growth > max_heap_growth_kb)
    soak_fail ("the heap in use grew by %ld kB from cycle %d to cycle %d at "
               "the same file (bound %" G_GINT64_FORMAT " kB): a leak",
        heap_growth, base_cycle + 1, end.cycle + 1, max_heap_growth_kb);
  gst_deinit ();
  printf ("PASS\n");
  return 0;
}
