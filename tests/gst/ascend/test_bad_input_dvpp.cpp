/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-bad-input, the ascendvenc part: one DVPP fault a run (DVPPSIM_FAULTS), and buffers that
 * are empty or smaller than the caps say. After each, the simulator must hold nothing. */
#include <gst/check/gstcheck.h>

#include <dlfcn.h>

#include <cstring>
#include <string>
#include <vector>

#include "badinput.h"
#include "mktestsim.h"

/* ---- DVPP faults (ascendvenc on the simulator) ---- */

typedef dvppsim_stats SimStats;

static SimStats
sim_stats (void)
{
  SimStats s;
  fail_unless (mk_test_sim_stats (&s), "the simulator is not found");
  return s;
}

#define VENC_FRAMES 20

/* ascendvenc is built and the tests run it on the simulator. */
static bool
have_simulator (void)
{
  GstElementFactory *f = gst_element_factory_find ("ascendvenc");
  bool found = f != nullptr;
  if (f)
    gst_object_unref (f);
  return found && g_getenv ("GST_ASCEND_MPI_LIB");
}

struct FaultCase
{
  std::string function, kind;
  int nth;
  std::string
      props; /* ascendvenc's properties for the calls made only when set */
};

/* Each function the session calls, with every kind of fault where the simulator has more
 * than one (send_frame, get_stream, wait_epoll; send_frame also failing with BUSY and
 * ILLEGAL_PARAM). aclInit is left out: the simulator reads
 * DVPPSIM_FAULTS inside it, after its own fault check. */
static std::vector<FaultCase>
fault_cases (void)
{
  struct Sweep
  {
    const char *function;
    int nth;
    bool all_kinds;
    const char *kind = "fail"; /* without all_kinds */
    const char *props = "";
  };
  const Sweep sweeps[] = {
      {"aclrtSetDevice", 1, false},
      {"aclrtCreateContext", 1, false},
      {"hi_mpi_dvpp_malloc", 1, false},
      {"hi_mpi_dvpp_malloc", 3, false},
      {"hi_mpi_sys_create_epoll", 1, false},
      {"hi_mpi_sys_ctl_epoll", 1, false},
      {"hi_mpi_venc_create_chn", 1, false},
      {"hi_mpi_venc_start_chn", 1, false},
      {"hi_mpi_venc_get_fd", 1, false},
      {"hi_mpi_venc_send_frame", 3, true},
      {"hi_mpi_venc_send_frame", 3, false, "busy"},
      {"hi_mpi_venc_send_frame", 3, false, "badparam"},
      {"hi_mpi_venc_get_stream", 3, true},
      {"hi_mpi_venc_release_stream", 3, false},
      {"hi_mpi_sys_wait_epoll", 2, true},
      {"hi_mpi_venc_query_status", 1, false},
      {"hi_mpi_venc_stop_chn", 1, false},
      {"hi_mpi_venc_destroy_chn", 1, false},
      /* the default scene mode's failure is ignored (it was always set blindly); a chosen one's
       * is an error */
      {"hi_mpi_venc_set_scene_mode", 1, false},
      {"hi_mpi_venc_set_scene_mode", 1, false, "fail",
          "scene-mode=motion-high-bitrate"},
      /* the unverified call, made only when intra-refresh is set */
      {"hi_mpi_venc_set_intra_refresh", 1, false, "fail", "intra-refresh=rows"},
  };
  std::vector<FaultCase> out;
  for (const Sweep &s : sweeps) {
    if (s.all_kinds) {
      for (const char *kind : {"fail", "timeout", "empty", "slow"})
        out.push_back ({s.function, kind, s.nth, s.props});
    } else {
      out.push_back ({s.function, s.kind, s.nth, s.props});
    }
  }
  return out;
}

/* One fault a run, each in its own process (a check loop test forks): the runtime is
 * initialised once a process, so a fault in its start-up calls needs a fresh one. */
GST_START_TEST (test_dvpp_faults)
{
  if (!have_simulator ()) {
    /* the record says so: the table cannot be complete without the simulator */
    if (__i__ == 0) {
      Outcome o;
      o.frames = o.bytes = -1;
      record_case (
          {"dvpp-faults", "skipped", "no simulator", -1, "ascendvenc"}, o);
    }
    return;
  }
  FaultCase c = fault_cases ()[__i__];
  gchar *spec =
      g_strdup_printf ("%s=%s@%d", c.function.c_str (), c.kind.c_str (), c.nth);
  /* read when the simulator initialises, i.e. when the element starts; send-timeout leaves
   * room for a 200 ms "slow" fault on a loaded machine, so the outcome does not depend on load */
  g_setenv ("DVPPSIM_FAULTS", spec, TRUE);
  Outcome o = run_pipeline (
      "videotestsrc num-buffers=" G_STRINGIFY (
          VENC_FRAMES) " ! "
                       "video/"
                       "x-raw,format=NV12,width=320,height=240,framerate=30/"
                       "1 ! "
                       "ascendvenc send-timeout=2000 " +
      c.props + " ! fakesink name=sink");
  g_unsetenv ("DVPPSIM_FAULTS");
  SimStats st = sim_stats ();
  fail_unless (st.dvpp_allocations == 0 && st.open_channels == 0 &&
                   st.unreleased_streams == 0 && st.epoll_instances == 0 &&
                   st.contexts == 0,
      "%s: the simulator still holds memory %d, channels %d, streams %d, "
      "epolls %d, contexts %d",
      spec, st.dvpp_allocations, st.open_channels, st.unreleased_streams,
      st.epoll_instances, st.contexts);
  /* Every frame out, or an error: never fewer frames and a clean end. */
  fail_unless (o.error || o.frames == VENC_FRAMES, "%s: %s", spec,
      describe (o).c_str ());
  /* A refused frame or a busy encoder while encoding is the encoder failing, not the user's
   * settings or other processes' channels. */
  if (c.kind == "busy" || c.kind == "badparam")
    fail_unless (o.error && o.error_code == "STREAM/ENCODE", "%s: %s", spec,
        describe (o).c_str ());
  if (o.error) {
    fail_unless (o.error_code.rfind ("STREAM/", 0) == 0 ||
                     o.error_code.rfind ("RESOURCE/", 0) == 0 ||
                     o.error_code.rfind ("LIBRARY/", 0) == 0,
        "%s: %s", spec, describe (o).c_str ());
    o.frames = -1; /* how many came out before depends on thread timing */
  }
  o.bytes = -1;
  std::string path = "videotestsrc ! ascendvenc ";
  if (!c.props.empty ())
    path += c.props + " ";
  record_case ({"dvpp-faults", c.function + " @" + std::to_string (c.nth), spec,
                   -1, path + "! fakesink (simulator)"},
      o);
  g_free (spec);
}
GST_END_TEST;

/* ascendvenc given an empty buffer, and one smaller than its caps say. */
GST_START_TEST (test_ascendvenc_buffers)
{
  if (!have_simulator ())
    return; /* test_dvpp_faults records the skip */
  const size_t frame_size = 320 * 240 * 3 / 2;
  for (int kind = 0; kind < 2; kind++) {
    std::vector<GstBuffer *> bufs;
    for (int i = 0; i < 7; i++) {
      GstBuffer *b =
          i != 3 ? raw_frame (frame_size, 0x80)
                 : (kind == 0 ? gst_buffer_new () : raw_frame (100, 0x80));
      GST_BUFFER_PTS (b) = (GstClockTime)i * GST_SECOND / 30;
      GST_BUFFER_DURATION (b) = GST_SECOND / 30;
      bufs.push_back (b);
    }
    Outcome o = run_harness (element ("ascendvenc"),
        gst_caps_from_string ("video/x-raw,format=NV12,width=320,height=240,"
                              "framerate=30/1"),
        bufs);
    const char *name = kind == 0 ? "an empty frame between frames 2 and 3"
                                 : "a 100-byte frame between frames 2 and 3 "
                                   "(caps: 320x240 NV12)";
    /* every frame out, or an error; what came out before it depends on threads */
    fail_unless (
        o.error || o.frames == 7, "%s: %s", name, describe (o).c_str ());
    if (o.error)
      o.frames = -1;
    o.bytes = -1;
    o.width = o.height = 0;
    SimStats st = sim_stats ();
    fail_unless (st.dvpp_allocations == 0 && st.open_channels == 0 &&
                     st.unreleased_streams == 0,
        "%s: the simulator still holds memory or channels", name);
    record_case ({kind == 0 ? "zero-length" : "caps-lies",
                     kind == 0 ? "zero-length buffers"
                               : "caps that disagree with the data",
                     name, -1, "ascendvenc (harness, simulator)"},
        o);
  }
}
GST_END_TEST;

/* Settings no chip or level takes: an error from ascendvenc that names the limit. */
GST_START_TEST (test_ascendvenc_settings)
{
  if (!have_simulator ())
    return; /* test_dvpp_faults records the skip */
  struct Setting
  {
    const char *name, *caps, *props;
  } settings[] = {
      {"a size outside the chip's limits (7x3)", "width=7,height=3", ""},
      {"a level too low for the size and rate (level 1, 640x480 at 30 fps)",
          "width=640,height=480", "level=1"},
      {"a level the codec does not have (4.3)", "width=320,height=240",
          "level=4.3"},
  };
  for (const Setting &s : settings) {
    Outcome o = run_pipeline (
        std::string ("videotestsrc num-buffers=3 ! "
                     "video/x-raw,format=NV12,framerate=30/1,") +
        s.caps + " ! ascendvenc " + s.props + " ! fakesink name=sink");
    fail_unless (o.error && o.error_code == "RESOURCE/SETTINGS", "%s: %s",
        s.name, describe (o).c_str ());
    SimStats st = sim_stats ();
    fail_unless (
        st.dvpp_allocations == 0 && st.open_channels == 0, "%s", s.name);
    record_case ({"settings", "settings ascendvenc refuses", s.name, -1,
                     "videotestsrc ! ascendvenc ! fakesink (simulator)"},
        o);
  }
}
GST_END_TEST;

void
add_dvpp_tests (TCase *tc)
{
  tcase_add_test (tc, test_ascendvenc_buffers);
  tcase_add_test (tc, test_ascendvenc_settings);
  tcase_add_loop_test (tc, test_dvpp_faults, 0, (int)fault_cases ().size ());
}
