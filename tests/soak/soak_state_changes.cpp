/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* soak-state-changes: running pipelines driven through --iterations random steps, each at a
 * random moment (0-50 ms after the last): a state change to NULL, READY, PAUSED or PLAYING, or
 * a flush seek to a random position when the pipeline is at least PAUSED. The pipelines:
 *   videotestsrc ! RGBA ! gifenc ! gifmux ! fakesink
 *   filesrc ! gifdemux ! gifdec ! fakesink          (pull mode: seekable)
 *   filesrc ! queue ! gifdemux ! gifdec ! fakesink  (push mode: seeks become byte seeks)
 *   videotestsrc ! NV12 ! ascendvenc ! fakesink     (on the DVPP simulator, when it is there)
 * Every step must complete (get_state with no timeout) and reach its target; a watchdog aborts
 * with the step when one takes more than 20 s (a deadlock). No pipeline may post an error. At
 * the end every pipeline is sought to 0 and played until it delivers buffers again, then torn
 * down: nothing may be leaked (GST_TRACERS=leaks) or left in the simulator. The RNG is seeded
 * by --seed (printed) so that a failing run can be replayed. */
#include <gst/gst.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "soakutil.h"

struct Pipeline
{
  std::string name;
  GstElement *bin = nullptr;
  GstBus *bus = nullptr;
  bool seekable_file = false; /* a finite file: seek within its duration */
  GstElement *seek_target = nullptr; /* the pipeline, or its source */
  std::mutex lock;
  std::condition_variable cond;
  guint64 buffers = 0;
  guint64 seeks = 0, changes = 0;
};

static GstPadProbeReturn
count_buffer (GstPad *, GstPadProbeInfo *, gpointer user_data)
{
  Pipeline *p = (Pipeline *)user_data;
  std::lock_guard<std::mutex> lock (p->lock);
  p->buffers++;
  p->cond.notify_all ();
  return GST_PAD_PROBE_OK;
}

/* Fails on any error the pipeline posted; EOS and the rest are dropped. */
static void
check_bus (Pipeline &p, const std::string &step)
{
  while (GstMessage *msg = gst_bus_pop_filtered (p.bus, GST_MESSAGE_ERROR)) {
    GError *err = nullptr;
    gchar *debug = nullptr;
    gst_message_parse_error (msg, &err, &debug);
    soak_fail ("%s: error after %s: %s (%s)", p.name.c_str (), step.c_str (),
        err->message, debug ? debug : "");
  }
  gst_bus_set_flushing (p.bus, TRUE);
  gst_bus_set_flushing (p.bus, FALSE);
}

/* Waits for the state change in progress to end; fails unless the pipeline is in `target`. */
static void
wait_state (Pipeline &p, GstState target, const std::string &step,
    SoakWatchdog &watchdog)
{
  watchdog.arm (step);
  GstState cur = GST_STATE_VOID_PENDING, pending = GST_STATE_VOID_PENDING;
  GstStateChangeReturn ret =
      gst_element_get_state (p.bin, &cur, &pending, GST_CLOCK_TIME_NONE);
  watchdog.disarm ();
  if (ret == GST_STATE_CHANGE_FAILURE || cur != target) {
    check_bus (p, step);
    soak_fail ("%s: %s ended in %s (%s)", p.name.c_str (), step.c_str (),
        gst_element_state_get_name (cur),
        gst_element_state_change_return_get_name (ret));
  }
}

static void
set_state (Pipeline &p, GstState target, const std::string &step,
    SoakWatchdog &watchdog)
{
  watchdog.arm (step);
  GstStateChangeReturn ret = gst_element_set_state (p.bin, target);
  watchdog.disarm ();
  if (ret == GST_STATE_CHANGE_FAILURE) {
    check_bus (p, step);
    soak_fail ("%s: %s failed", p.name.c_str (), step.c_str ());
  }
  wait_state (p, target, step, watchdog);
  p.changes++;
}

static void
flush_seek (Pipeline &p, GstClockTime pos, const std::string &step,
    SoakWatchdog &watchdog)
{
  GstState cur;
  gst_element_get_state (p.bin, &cur, nullptr, 0);
  watchdog.arm (step);
  gboolean ok = gst_element_seek_simple (
      p.seek_target, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH, (gint64)pos);
  watchdog.disarm ();
  if (!ok)
    soak_fail ("%s: %s was refused", p.name.c_str (), step.c_str ());
  wait_state (p, cur, step, watchdog);
  p.seeks++;
}

static void
link_demuxer (GstElement *, GstPad *pad, gpointer user_data)
{
  GstPad *sink = gst_element_get_static_pad (GST_ELEMENT (user_data), "sink");
  if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    soak_fail ("cannot link gifdemux's new pad to gifdec");
  gst_object_unref (sink);
}

static std::string
gif_file (void)
{
  const char *tests = g_getenv ("MK_TEST_FILES");
  if (!tests)
    soak_fail ("MK_TEST_FILES is not set");
  std::string demo = std::string (tests) + "/../../docs/demo/testsrc2.gif";
  if (g_file_test (demo.c_str (), G_FILE_TEST_EXISTS))
    return demo;
  return std::string (tests) + "/gif/anim-6f-loop1.gif";
}

int
main (int argc, char **argv)
{
  gint64 iterations = 1000, seed = -1;
  GOptionEntry entries[] = {
      {"iterations", 0, 0, G_OPTION_ARG_INT64, &iterations,
          "Random steps (default 1000)", "N"},
      {"seed", 0, 0, G_OPTION_ARG_INT64, &seed,
          "Seed of the random steps (default: from the clock)", "S"},
      {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr}};
  soak_parse_options (&argc, &argv, entries, "- random state changes soak");
  if (iterations < 1)
    soak_fail ("--iterations must be >= 1");
  if (seed < 0)
    seed = g_get_real_time () % 1000000007;
  soak_init (&argc, &argv);
  printf ("seed=%" G_GINT64_FORMAT " iterations=%" G_GINT64_FORMAT "\n", seed,
      iterations);
  fflush (stdout);

  std::vector<std::unique_ptr<Pipeline>> pipes;
  auto add = [&pipes] (
                 const std::string &name, const std::string &desc, bool file) {
    auto p = std::make_unique<Pipeline> ();
    p->name = name;
    p->bin = soak_parse (desc);
    p->bus = gst_element_get_bus (p->bin);
    p->seekable_file = file;
    /* gifmux refuses seeks, as a muxer must: that pipeline's seeks go to its source, so that
     * the flush still crosses gifenc and gifmux. */
    p->seek_target = gst_bin_get_by_name (GST_BIN (p->bin), "src");
    if (!p->seek_target)
      p->seek_target = GST_ELEMENT (gst_object_ref (p->bin));
    GstElement *sink = gst_bin_get_by_name (GST_BIN (p->bin), "sink");
    GstPad *pad = gst_element_get_static_pad (sink, "sink");
    gst_pad_add_probe (
        pad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer, p.get (), nullptr);
    gst_object_unref (pad);
    gst_object_unref (sink);
    pipes.push_back (std::move (p));
  };
  add ("gifenc",
      "videotestsrc name=src pattern=ball ! video/x-raw,format=RGBA,"
      "width=64,height=48,framerate=30/1 ! gifenc ! gifmux ! "
      "fakesink name=sink sync=true",
      false);
  gchar *quoted = g_strescape (gif_file ().c_str (), nullptr);
  /* gifdemux adds its source pad anew each time it starts, as demuxers do; gst_parse's delayed
   * link links only the first one, so the application links every one. The queue puts
   * gifdemux in push mode, where its seeks go upstream as byte seeks (they used to hang in
   * PAUSED). */
  for (const char *mode : {"", " ! queue"}) {
    add (*mode ? "gifdec-push" : "gifdec",
        std::string ("filesrc location=\"") + quoted + "\"" + mode +
            " ! gifdemux name=demux gifdec name=dec ! fakesink name=sink "
            "sync=true",
        true);
    GstBin *bin = GST_BIN (pipes.back ()->bin);
    GstElement *demux = gst_bin_get_by_name (bin, "demux");
    GstElement *dec = gst_bin_get_by_name (bin, "dec");
    g_signal_connect_object (
        demux, "pad-added", G_CALLBACK (link_demuxer), dec, (GConnectFlags)0);
    gst_object_unref (dec);
    gst_object_unref (demux);
  }
  g_free (quoted);
  std::string why;
  bool sim = soak_have_simulator (&why);
  if (sim)
    add ("ascendvenc",
        "videotestsrc pattern=ball ! video/x-raw,format=NV12,"
        "width=320,height=240,framerate=30/1 ! ascendvenc ! "
        "fakesink name=sink sync=true",
        false);
  else
    printf ("no ascendvenc pipeline: %s\n", why.c_str ());

  /* A hang guard: a step takes milliseconds, but a busy machine can stall a thread for seconds. */
  SoakWatchdog watchdog (60);
  std::mt19937_64 rng ((guint64)seed);
  static const GstState kStates[] = {
      GST_STATE_NULL, GST_STATE_READY, GST_STATE_PAUSED, GST_STATE_PLAYING};
  for (auto &p : pipes)
    set_state (*p, GST_STATE_PLAYING, "initial PLAYING", watchdog);

  for (gint64 i = 0; i < iterations; i++) {
    Pipeline &p = *pipes[rng () % pipes.size ()];
    guint64 wait_us = rng () % 50000;
    int action = (int)(rng () % 5);
    g_usleep (wait_us); /* the random moment, not a synchronisation */
    GstState cur;
    gst_element_get_state (p.bin, &cur, nullptr, 0);
    std::string step = "iteration " + std::to_string (i) + ": " + p.name;
    if (action == 4 && cur >= GST_STATE_PAUSED) {
      GstClockTime pos;
      if (p.seekable_file) {
        gint64 dur = 0;
        if (!gst_element_query_duration (p.bin, GST_FORMAT_TIME, &dur) ||
            dur <= 0)
          soak_fail ("%s: no duration in %s", p.name.c_str (),
              gst_element_state_get_name (cur));
        pos = rng () % (guint64)dur;
      } else {
        pos = rng () % (10 * GST_SECOND);
      }
      gchar *what =
          g_strdup_printf (" flush seek to %" GST_TIME_FORMAT " in %s",
              GST_TIME_ARGS (pos), gst_element_state_get_name (cur));
      step += what;
      g_free (what);
      flush_seek (p, pos, step, watchdog);
    } else {
      GstState target = kStates[rng () % 4];
      step += std::string (" ") + gst_element_state_get_name (cur) + " -> " +
              gst_element_state_get_name (target);
      set_state (p, target, step, watchdog);
    }
    check_bus (p, step);
  }

  /* Each pipeline must still work: from the start, until a few more buffers come out. */
  for (auto &pp : pipes) {
    Pipeline &p = *pp;
    set_state (p, GST_STATE_PAUSED, "final PAUSED", watchdog);
    flush_seek (p, 0, "final seek to 0", watchdog);
    guint64 before;
    {
      std::lock_guard<std::mutex> lock (p.lock);
      before = p.buffers;
    }
    set_state (p, GST_STATE_PLAYING, "final PLAYING", watchdog);
    watchdog.arm (p.name + ": waiting for 3 buffers after the final PLAYING");
    {
      std::unique_lock<std::mutex> lock (p.lock);
      p.cond.wait (lock, [&p, before] { return p.buffers >= before + 3; });
    }
    watchdog.disarm ();
    check_bus (p, "the final PLAYING");
    set_state (p, GST_STATE_NULL, "final NULL", watchdog);
    printf ("%s: state_changes=%" G_GUINT64_FORMAT
            " flush_seeks=%" G_GUINT64_FORMAT " buffers=%" G_GUINT64_FORMAT
            "\n",
        p.name.c_str (), p.changes, p.seeks, p.buffers);
  }
  for (auto &p : pipes) {
    gst_object_unref (p->bus);
    gst_object_unref (p->seek_target);
    gst_object_unref (p->bin);
  }
  pipes.clear ();
  if (sim) {
    soak_assert_sim_clean ();
    printf ("simulator after teardown: nothing left\n");
  }
  SoakMemory mem = soak_memory ();
  printf ("rss_end_kb=%ld hwm_kb=%ld\n", mem.rss_kb, mem.hwm_kb);
  gst_deinit ();
  printf ("PASS\n");
  return 0;
}
