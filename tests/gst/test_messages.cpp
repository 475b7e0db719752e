/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The message tables and their posting helper (gst/common/gstmkmessages.h): values fill the
 * "%s" of a text, every entry posts its own type, domain, code and text, and elements post
 * what they posted before the tables (gifdemux, with a value in its text; gifdec's decoder
 * warning). */
#include <gst/check/gstcheck.h>

#include "config.h"

#include "ascend/gstascendmessages.h"
#include "gif/gstgifmessages.h"
#include "mktestutil.h"

#include <string>
#include <unistd.h>
#include <vector>

struct Table
{
  const GstMkMessage *messages;
  int count;
};

static std::vector<Table>
tables (void)
{
  return {{gst_gif_messages (), GST_GIF_MSG_COUNT},
      {gst_ascend_messages (), GST_ASCEND_MSG_COUNT}};
}

/* The domain by name, independently of gst_mk_message_domain_quark (). */
static GQuark
domain_by_name (const char *name)
{
  if (g_str_equal (name, "CORE"))
    return GST_CORE_ERROR;
  if (g_str_equal (name, "LIBRARY"))
    return GST_LIBRARY_ERROR;
  if (g_str_equal (name, "RESOURCE"))
    return GST_RESOURCE_ERROR;
  if (g_str_equal (name, "STREAM"))
    return GST_STREAM_ERROR;
  return 0;
}

GST_START_TEST (test_fill)
{
  GstMkPosting p = gst_gif_message (GST_GIF_MSG_DEMUX_DAMAGED, (gsize)3);
  fail_unless_equals_string (p.text, "The GIF file is damaged after frame 3; "
                                     "the frames before the damage are shown.");
  g_free (p.text);

  p = gst_gif_message (GST_GIF_MSG_ENC_BAD_FORMAT, "NV12");
  fail_unless_equals_string (
      p.text, "GIF encoding does not support the NV12 format.");
  g_free (p.text);

  p = gst_ascend_message (
      GST_ASCEND_MSG_SETTINGS_INVALID, std::string ("width 120 is too small"));
  fail_unless_equals_string (
      p.text, "Invalid encoder settings: width 120 is too small.");
  g_free (p.text);

  p = gst_gif_message (GST_GIF_MSG_DEMUX_MAP_FAILED);
  fail_unless (p.text == nullptr);
  fail_unless (p.message == &gst_gif_messages ()[GST_GIF_MSG_DEMUX_MAP_FAILED]);

  /* A call site giving the wrong number of values is a bug, and said so. */
  ASSERT_CRITICAL (p = gst_gif_message (GST_GIF_MSG_DEMUX_DAMAGED));
  g_free (p.text);
  ASSERT_CRITICAL (
      p = gst_gif_message (GST_GIF_MSG_DEMUX_NOT_GIF, "one too many"));
  g_free (p.text);

  GstMkMessage bad = gst_gif_messages ()[GST_GIF_MSG_ENC_BAD_FORMAT];
  bad.text = "%d frames";
  fail_unless_equals_int (gst_mk_message_n_values (&bad), -1);
  bad.text = "100%s%s";
  fail_unless_equals_int (gst_mk_message_n_values (&bad), 2);
}

GST_END_TEST;

/* A few postings checked against literal texts (not rebuilt from the table the way the code
 * builds them): what a user reads on the bus, domain and code included. */
GST_START_TEST (test_posted_literal_texts)
{
  struct Want
  {
    GstMkPosting posting;
    GQuark domain;
    gint code;
    GstMessageType type;
    const char *text;
  };
  Want wants[] = {
      {gst_gif_message (GST_GIF_MSG_DEMUX_NOT_GIF), GST_STREAM_ERROR,
          GST_STREAM_ERROR_WRONG_TYPE, GST_MESSAGE_ERROR,
          "This is not a GIF file."},
      {gst_gif_message (GST_GIF_MSG_DEMUX_DAMAGED, (gsize)12), GST_STREAM_ERROR,
          GST_STREAM_ERROR_DEMUX, GST_MESSAGE_WARNING,
          "The GIF file is damaged after frame 12; the frames before the "
          "damage are shown."},
      {gst_gif_message (GST_GIF_MSG_DEC_TOO_LARGE,
           "20000x20000 is more than 33554432 pixels"),
          GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE, GST_MESSAGE_ERROR,
          "This GIF is too large to decode: 20000x20000 is more than 33554432 "
          "pixels."},
      {gst_gif_message (GST_GIF_MSG_MUX_NO_FRAMES), GST_STREAM_ERROR,
          GST_STREAM_ERROR_MUX, GST_MESSAGE_ERROR, "No GIF frames to write."},
  };
  GstElement *el = gst_element_factory_make ("fakesink", nullptr);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (el, bus);
  for (Want &w : wants) {
    GST_MK_POST (el, w.posting, ("literal"));
    GstMessage *msg = gst_bus_pop (bus);
    fail_unless (msg != nullptr);
    fail_unless_equals_int (GST_MESSAGE_TYPE (msg), w.type);
    GError *err = nullptr;
    gchar *dbg = nullptr;
    if (w.type == GST_MESSAGE_WARNING)
      gst_message_parse_warning (msg, &err, &dbg);
    else
      gst_message_parse_error (msg, &err, &dbg);
    fail_unless (err->domain == w.domain, "%s", w.text);
    fail_unless_equals_int (err->code, w.code);
    fail_unless_equals_string (err->message, w.text);
    g_error_free (err);
    g_free (dbg);
    gst_message_unref (msg);
  }
  gst_element_set_bus (el, nullptr);
  gst_object_unref (bus);
  gst_object_unref (el);
}

GST_END_TEST;

/* Every entry, posted on a bare element, gives the bus message the table says. */
GST_START_TEST (test_every_entry_posts_what_the_table_says)
{
  GstElement *el = gst_element_factory_make ("fakesink", nullptr);
  fail_unless (el != nullptr);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (el, bus);
  int posted = 0;

  for (const Table &t : tables ()) {
    for (int i = 0; i < t.count; i++) {
      const GstMkMessage *m = &t.messages[i];
      fail_unless_equals_int (m->id, i);
      if (m->kind == GST_MK_POST_DECODER_ERROR)
        continue; /* needs a GstVideoDecoder: gifdec's tests */
      int n = gst_mk_message_n_values (m);
      fail_unless (n >= 0, "%s: %s", m->element, m->text);
      std::vector<std::string> values (n + 1, "VALUE");
      GstMkPosting p = gst_mk_message_fill (m, values.data (), n);
      std::string expected;
      if (m->text) {
        expected = m->text;
        for (size_t at; (at = expected.find ("%s")) != std::string::npos;)
          expected.replace (at, 2, "VALUE");
      } else {
        gchar *def =
            gst_error_get_message (domain_by_name (m->domain_name), m->code);
        expected = def;
        g_free (def);
      }
      GST_MK_POST (el, p, ("debug %d", i));

      GstMessage *msg = gst_bus_pop (bus);
      fail_unless (msg != nullptr);
      GError *err = nullptr;
      gchar *dbg = nullptr;
      if (m->kind == GST_MK_POST_WARNING) {
        fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_WARNING);
        gst_message_parse_warning (msg, &err, &dbg);
      } else {
        fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
        gst_message_parse_error (msg, &err, &dbg);
      }
      fail_unless (err->domain == domain_by_name (m->domain_name), "%s %d",
          m->element, i);
      fail_unless_equals_int (err->code, m->code);
      fail_unless_equals_string (err->message, expected.c_str ());
      std::string want_debug = "\ndebug " + std::to_string (i);
      fail_unless (g_str_has_suffix (dbg, want_debug.c_str ()), "%s", dbg);
      fail_unless (strstr (dbg, "test_messages.cpp") != nullptr, "%s", dbg);
      g_error_free (err);
      g_free (dbg);
      gst_message_unref (msg);
      posted++;
    }
  }
  fail_unless (posted > 30, "only %d entries", posted);
  gst_element_set_bus (el, nullptr);
  gst_object_unref (bus);
  gst_object_unref (el);
}

GST_END_TEST;

static GstMessage *
run_gifdemux_on (
    const std::vector<guint8> &bytes, std::vector<std::string> *warnings)
{
  gchar *path = nullptr;
  int fd = g_file_open_tmp ("mk-messages-XXXXXX.gif", &path, nullptr);
  fail_unless (fd >= 0);
  fail_unless (
      write (fd, bytes.data (), bytes.size ()) == (ssize_t)bytes.size ());
  close (fd);
  gchar *desc = g_strdup_printf (
      "filesrc location=\"%s\" ! gifdemux ! fakesink sync=false", path);
  GstElement *pipeline = gst_parse_launch (desc, nullptr);
  g_free (desc);
  GstMessage *err = mk_run_pipeline (pipeline, warnings);
  gst_object_unref (pipeline);
  unlink (path);
  g_free (path);
  return err;
}

/* The texts, domains and codes gifdemux posted before the tables, written out. */
GST_START_TEST (test_gifdemux_posts_as_before)
{
  const char *text = "This is plainly not a GIF file, just some text.";
  std::vector<std::string> warnings;
  GstMessage *msg = run_gifdemux_on (
      std::vector<guint8> (text, text + strlen (text)), &warnings);
  fail_unless (msg != nullptr);
  GError *err = nullptr;
  gchar *dbg = nullptr;
  gst_message_parse_error (msg, &err, &dbg);
  fail_unless (
      g_error_matches (err, GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE));
  fail_unless_equals_string (err->message, "This is not a GIF file.");
  fail_unless (strstr (dbg, "does not start with 'GIF'") != nullptr, "%s", dbg);
  g_error_free (err);
  g_free (dbg);
  gst_message_unref (msg);

  /* Six frames, then a stray byte where the trailer was: a warning with the count, then EOS. */
  std::vector<guint8> gif =
      mk_read_file (mk_test_file ("gif/anim-6f-loop1.gif"));
  fail_unless_equals_int (gif.back (), 0x3b);
  gif.back () = 0x00;
  warnings.clear ();
  msg = run_gifdemux_on (gif, &warnings);
  fail_unless (msg == nullptr);
  fail_unless_equals_int (warnings.size (), 1);
  fail_unless_equals_string (warnings[0].c_str (),
      "The GIF file is damaged after frame 6; the frames "
      "before the damage are shown.");
}

GST_END_TEST;

/* Offset of the LZW minimum code size byte of the first image in a GIF. */
static size_t
first_lzw_code_size_offset (const std::vector<guint8> &gif)
{
  size_t pos = 13;
  if (gif[10] & 0x80)
    pos += 3u << ((gif[10] & 7) + 1);
  while (pos < gif.size ()) {
    if (gif[pos] == 0x21) { /* extension: label, then sub-blocks */
      pos += 2;
      while (pos < gif.size () && gif[pos] != 0)
        pos += gif[pos] + 1;
      pos++;
    } else if (gif[pos] == 0x2c) {
      guint8 packed = gif[pos + 9];
      pos += 10;
      if (packed & 0x80)
        pos += 3u << ((packed & 7) + 1);
      return pos;
    } else {
      break;
    }
  }
  fail ("no image in the test file");
  return 0;
}

/* Runs a GIF through gifdemux ! gifdec with `max_errors`; counts gifdec's STREAM/DECODE
 * "A GIF frame is damaged." warnings, and says whether the stream ended in that error. */
static void
run_damaged (
    const std::vector<guint8> &gif, int max_errors, int *warnings, bool *failed)
{
  gchar *path = nullptr;
  int fd = g_file_open_tmp ("mk-messages-XXXXXX.gif", &path, nullptr);
  fail_unless (fd >= 0);
  fail_unless (write (fd, gif.data (), gif.size ()) == (ssize_t)gif.size ());
  close (fd);
  gchar *desc = g_strdup_printf ("filesrc location=\"%s\" ! gifdemux ! gifdec "
                                 "max-errors=%d ! fakesink sync=false",
      path, max_errors);
  GstElement *pipeline = gst_parse_launch (desc, nullptr);
  g_free (desc);
  GstBus *bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  *warnings = 0;
  *failed = false;
  for (;;) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
        (GstMessageType)(GST_MESSAGE_EOS | GST_MESSAGE_ERROR |
                         GST_MESSAGE_WARNING));
    fail_unless (msg != nullptr, "pipeline did not end within 60 s");
    GstMessageType type = GST_MESSAGE_TYPE (msg);
    if (type != GST_MESSAGE_EOS) {
      GError *err = nullptr;
      gchar *dbg = nullptr;
      if (type == GST_MESSAGE_WARNING)
        gst_message_parse_warning (msg, &err, &dbg);
      else
        gst_message_parse_error (msg, &err, &dbg);
      fail_unless (
          g_error_matches (err, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE));
      fail_unless_equals_string (err->message, "A GIF frame is damaged.");
      fail_unless (
          strstr (dbg, "LZW minimum code size 11") != nullptr, "%s", dbg);
      fail_unless (
          g_str_has_prefix (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), "gifdec"));
      g_error_free (err);
      g_free (dbg);
      if (type == GST_MESSAGE_WARNING)
        (*warnings)++;
      else
        *failed = true;
    }
    gst_message_unref (msg);
    if (type != GST_MESSAGE_WARNING)
      break;
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  unlink (path);
  g_free (path);
}

/* A frame gifdec cannot decode: a warning while max-errors tolerates it (the default -1 always
 * does), the decoder's error past it. */
GST_START_TEST (test_gifdec_damaged_frame)
{
  std::vector<guint8> gif =
      mk_read_file (mk_test_file ("gif/anim-6f-loop1.gif"));
  gif[first_lzw_code_size_offset (gif)] = 11;
  int warnings;
  bool failed;

  run_damaged (gif, -1, &warnings, &failed);
  fail_unless_equals_int (warnings, 1);
  fail_unless (!failed);

  run_damaged (gif, 0, &warnings, &failed);
  fail_unless_equals_int (warnings, 0);
  fail_unless (failed);
}

GST_END_TEST;

static Suite *
messages_suite (void)
{
  Suite *s = suite_create ("messages");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_fill);
  tcase_add_test (tc, test_posted_literal_texts);
  tcase_add_test (tc, test_every_entry_posts_what_the_table_says);
  tcase_add_test (tc, test_gifdemux_posts_as_before);
  tcase_add_test (tc, test_gifdec_damaged_frame);
  return s;
}

GST_CHECK_MAIN (messages);
