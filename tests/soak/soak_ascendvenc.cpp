/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* soak-ascendvenc: --encoders pipelines (default 8) run at once in one process on the DVPP
 * simulator, each videotestsrc num-buffers=N ! NV12 320x240 ! ascendvenc ! fakesink. Every
 * frame is accounted for: per encoder, as many buffers out as in, and every input PTS once in
 * the output; the simulator encoded exactly encoders x N frames; after teardown it holds no
 * DVPP memory, channel, stream, epoll or context. A watchdog aborts when no frame comes out
 * for 60 s. DVPPSIM_NULL_ENCODER=1 in the environment makes the simulator emit a fake access
 * unit instead of running openh264 (the path around the encoder is the same). */
#include <gst/gst.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "soakutil.h"

struct Encoder
{
  GstElement *pipeline = nullptr;
  GstBus *bus = nullptr;
  std::mutex lock;
  std::vector<GstClockTime> in_pts, out_pts;
  guint64 out_bytes = 0;
  bool eos = false;
};

static GstPadProbeReturn
record_in (GstPad *, GstPadProbeInfo *info, gpointer user_data)
{
  Encoder *e = (Encoder *)user_data;
  std::lock_guard<std::mutex> lock (e->lock);
  e->in_pts.push_back (GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info)));
  return GST_PAD_PROBE_OK;
}

static std::atomic<guint64> g_out_total{0};

static GstPadProbeReturn
record_out (GstPad *, GstPadProbeInfo *info, gpointer user_data)
{
  Encoder *e = (Encoder *)user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  std::lock_guard<std::mutex> lock (e->lock);
  e->out_pts.push_back (GST_BUFFER_PTS (buf));
  e->out_bytes += gst_buffer_get_size (buf);
  g_out_total.fetch_add (1);
  return GST_PAD_PROBE_OK;
}

int
main (int argc, char **argv)
{
  gint64 frames = 10000;
  gint encoders = 8;
  gint64 max_growth_kb = 8192;
  GOptionEntry entries[] = {{"frames", 0, 0, G_OPTION_ARG_INT64, &frames,
                                "Frames per encoder (default 10000)", "N"},
      {"encoders", 0, 0, G_OPTION_ARG_INT, &encoders,
          "Encoders running at once (default 8)", "E"},
      {"max-growth-kb", 0, 0, G_OPTION_ARG_INT64, &max_growth_kb,
          "RSS growth allowed from 20 % of the frames out to the end "
          "(default 8192)",
          "KB"},
      {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr}};
  soak_parse_options (&argc, &argv, entries, "- ascendvenc load soak");
  if (frames < 1 || encoders < 1)
    soak_fail ("--frames and --encoders must be >= 1");
  soak_init (&argc, &argv);

  std::string why;
  if (!soak_have_simulator (&why)) {
    printf ("SKIP: %s\n", why.c_str ());
    return SOAK_EXIT_SKIP;
  }
  const bool null_encoder =
      g_strcmp0 (g_getenv ("DVPPSIM_NULL_ENCODER"), "1") == 0;
  printf ("encoders=%d frames_per_encoder=%" G_GINT64_FORMAT " simulator=%s\n",
      encoders, frames, null_encoder ? "null-encoder" : "openh264");

  SoakMemory mem_start = soak_memory ();
  const guint64 expected = (guint64)encoders * (guint64)frames;
  std::vector<std::unique_ptr<Encoder>> encs;
  for (int i = 0; i < encoders; i++) {
    auto e = std::make_unique<Encoder> ();
    e->pipeline = soak_parse (
        "videotestsrc pattern=ball num-buffers=" + std::to_string (frames) +
        " ! video/x-raw,format=NV12,width=320,height=240,framerate=30/1 ! "
        "ascendvenc name=enc ! fakesink name=sink");
    e->bus = gst_element_get_bus (e->pipeline);
    e->in_pts.reserve (frames);
    e->out_pts.reserve (frames);
    soak_add_probe (e->pipeline, "enc", "sink", record_in, e.get ());
    soak_add_probe (e->pipeline, "sink", "sink", record_out, e.get ());
    encs.push_back (std::move (e));
  }

  {
    SoakWatchdog watchdog (60);
    for (size_t i = 0; i < encs.size (); i++) {
      watchdog.arm ("starting encoder " + std::to_string (i));
      if (gst_element_set_state (encs[i]->pipeline, GST_STATE_PLAYING) ==
          GST_STATE_CHANGE_FAILURE)
        soak_fail ("encoder %zu: cannot start", i);
    }
    /* Progress watchdog: re-armed whenever a frame came out since the last look. */
    guint64 last_out = G_MAXUINT64;
    /* RSS (after malloc_trim) when 10, 20, 50 and 100 % of the frames are out: from 20 %
     * on, every encoder runs in its steady state and memory must stay flat. */
    static const guint64 kMarks[] = {10, 20, 50, 100};
    SoakMemory marks[4];
    SoakSimStats sim_marks[4];
    int next_mark = 0;
    size_t done = 0;
    while (done < encs.size ()) {
      guint64 out = g_out_total.load ();
      while (next_mark < 4 && out >= expected * kMarks[next_mark] / 100) {
        sim_marks[next_mark] = soak_sim_stats ();
        marks[next_mark++] = soak_memory (true);
      }
      if (out != last_out) {
        watchdog.arm ("encoding: " + std::to_string (out) +
                      " frames out of all encoders, " + std::to_string (done) +
                      " of " + std::to_string (encs.size ()) + " at EOS");
        last_out = out;
      }
      for (size_t i = 0; i < encs.size (); i++) {
        Encoder &e = *encs[i];
        if (e.eos)
          continue;
        GstMessage *msg = gst_bus_timed_pop_filtered (e.bus, 100 * GST_MSECOND,
            (GstMessageType)(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
        if (!msg)
          continue;
        if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
          GError *error = nullptr;
          gchar *debug = nullptr;
          gst_message_parse_error (msg, &error, &debug);
          soak_fail (
              "encoder %zu: %s (%s)", i, error->message, debug ? debug : "");
        }
        gst_message_unref (msg);
        e.eos = true;
        done++;
      }
    }
    /* The last frames may have come out just before the last EOS. */
    while (next_mark < 4) {
      sim_marks[next_mark] = soak_sim_stats ();
      marks[next_mark++] = soak_memory (true);
    }
    SoakMemory mem_run = soak_memory ();
    for (size_t i = 0; i < encs.size (); i++) {
      watchdog.arm ("stopping encoder " + std::to_string (i));
      gst_element_set_state (encs[i]->pipeline, GST_STATE_NULL);
    }
    watchdog.disarm ();
    printf ("rss_start_kb=%ld rss_at_eos_kb=%ld hwm_kb=%ld\n", mem_start.rss_kb,
        mem_run.rss_kb, mem_run.hwm_kb);
    for (int i = 0; i < 4; i++)
      printf ("rss_%d%%_kb=%ld heap_kb=%ld hwm_kb=%ld dvpp_allocations=%d "
              "dvpp_kb=%zu\n",
          (int)kMarks[i], marks[i].rss_kb, marks[i].heap_kb, marks[i].hwm_kb,
          sim_marks[i].dvpp_allocations, sim_marks[i].dvpp_bytes / 1024);
    long growth = marks[3].rss_kb - marks[1].rss_kb;
    printf ("rss_growth_kb=%ld (20 %% to 100 %%; bound %" G_GINT64_FORMAT
            " kB)\n",
        growth, max_growth_kb);
#if defined(__SANITIZE_ADDRESS__)
    printf ("memory bound not checked: built with AddressSanitizer\n");
#else
    if (growth > max_growth_kb)
      soak_fail ("RSS grew by %ld kB from 20 %% to 100 %% of the frames "
                 "(bound %" G_GINT64_FORMAT " kB): a leak",
          growth, max_growth_kb);
#endif
  }

  SoakSimStats stats = soak_sim_stats ();
  bool ok = true;
  for (size_t i = 0; i < encs.size (); i++) {
    Encoder &e = *encs[i];
    std::vector<GstClockTime> in = e.in_pts, out = e.out_pts;
    std::sort (in.begin (), in.end ());
    std::sort (out.begin (), out.end ());
    bool unique_in = std::adjacent_find (in.begin (), in.end ()) == in.end ();
    bool same = in == out;
    printf ("encoder %zu: in=%zu out=%zu bytes_out=%" G_GUINT64_FORMAT
            " pts_preserved=%s\n",
        i, e.in_pts.size (), e.out_pts.size (), e.out_bytes,
        same && unique_in ? "yes" : "NO");
    if ((gint64)e.in_pts.size () != frames ||
        e.out_pts.size () != e.in_pts.size () || !same || !unique_in)
      ok = false;
    if (!same) {
      /* Say which timestamps went astray. */
      std::vector<GstClockTime> missing, extra;
      std::set_difference (in.begin (), in.end (), out.begin (), out.end (),
          std::back_inserter (missing));
      std::set_difference (out.begin (), out.end (), in.begin (), in.end (),
          std::back_inserter (extra));
      printf ("  %zu input PTS missing from the output, %zu output PTS not "
              "in the input%s%" GST_TIME_FORMAT "\n",
          missing.size (), extra.size (),
          missing.empty () ? ", e.g. " : ", first missing ",
          GST_TIME_ARGS (missing.empty () ? extra[0] : missing[0]));
    }
  }
  printf ("simulator: frames_encoded=%" G_GUINT64_FORMAT
          " (expected %" G_GUINT64_FORMAT ") swallowed=%" G_GUINT64_FORMAT
          " no_buf_returns=%" G_GUINT64_FORMAT "\n",
      stats.frames_encoded, expected, stats.frames_swallowed,
      stats.no_buf_returns);
  if (!ok)
    soak_fail ("frames were lost, duplicated or re-timestamped (see above)");
  if (stats.frames_encoded != expected)
    soak_fail ("the simulator encoded %" G_GUINT64_FORMAT
               " frames, not %" G_GUINT64_FORMAT,
        stats.frames_encoded, expected);

  for (auto &e : encs) {
    gst_object_unref (e->bus);
    gst_object_unref (e->pipeline);
  }
  encs.clear ();
  soak_assert_sim_clean ();
  printf ("simulator after teardown: no DVPP memory, channel, stream, epoll "
          "or context left\n");
  gst_deinit ();
  printf ("PASS\n");
  return 0;
}
