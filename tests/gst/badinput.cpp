/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "badinput.h"

#include <gst/check/gstharness.h>

#include <glib/gstdio.h>

#include <atomic>
#include <cstdio>
#include <random>

/* ---- records ---- */

static std::string
json_string (const std::string &s)
{
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += (char)c;
    } else if (c < 0x20) {
      char esc[8];
      snprintf (esc, sizeof (esc), "\\u%04x", c);
      out += esc;
    } else {
      out += (char)c;
    }
  }
  return out + "\"";
}

void
record_begin (void)
{
  const char *path = g_getenv ("MK_BAD_INPUT_RECORD");
  if (!path)
    return;
  /* (outside any check test: no fail_unless here) */
  FILE *f = fopen (path, "w");
  if (!f)
    g_error ("cannot write %s", path);
  fclose (f);
}

void
record_case (const Case &c, const Outcome &o)
{
  const char *path = g_getenv ("MK_BAD_INPUT_RECORD");
  if (!path)
    return;
  std::string line =
      "{\"class\": " + json_string (c.klass) +
      ", \"group\": " + json_string (c.group) +
      ", \"case\": " + json_string (c.name) +
      ", \"at\": " + std::to_string (c.at) +
      ", \"path\": " + json_string (c.path) +
      ", \"result\": " + json_string (o.error ? "error" : "eos") +
      ", \"error\": " + json_string (o.error_code) +
      ", \"message\": " + json_string (o.error_text) + ", \"warnings\": [";
  for (size_t i = 0; i < o.warnings.size (); i++)
    line += (i ? ", " : "") + json_string (o.warnings[i]);
  line += "], \"frames\": " + std::to_string (o.frames) +
          ", \"bytes\": " + std::to_string (o.bytes) +
          ", \"width\": " + std::to_string (o.width) +
          ", \"height\": " + std::to_string (o.height) + "}\n";
  /* Each check test runs in its own process, one after the other: append. */
  FILE *f = fopen (path, "a");
  fail_unless (f != nullptr, "cannot append to %s", path);
  fputs (line.c_str (), f);
  fclose (f);
}

/* ---- outcomes ---- */

static std::string
error_code_name (GQuark domain, gint code)
{
  GType type;
  std::string name;
  if (domain == GST_CORE_ERROR) {
    type = GST_TYPE_CORE_ERROR;
    name = "CORE";
  } else if (domain == GST_LIBRARY_ERROR) {
    type = GST_TYPE_LIBRARY_ERROR;
    name = "LIBRARY";
  } else if (domain == GST_RESOURCE_ERROR) {
    type = GST_TYPE_RESOURCE_ERROR;
    name = "RESOURCE";
  } else if (domain == GST_STREAM_ERROR) {
    type = GST_TYPE_STREAM_ERROR;
    name = "STREAM";
  } else {
    return std::string (g_quark_to_string (domain)) + "/" +
           std::to_string (code);
  }
  GEnumClass *klass = (GEnumClass *)g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, code);
  std::string nick = v ? v->value_nick : std::to_string (code);
  g_type_class_unref (klass);
  for (char &c : nick)
    c = c == '-' ? '_' : g_ascii_toupper (c);
  return name + "/" + nick;
}

static void
add_message (Outcome &o, GstMessage *msg)
{
  GError *err = nullptr;
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, nullptr);
    if (!o.error) {
      o.error = true;
      o.error_code = error_code_name (err->domain, err->code);
      o.error_text = err->message;
    }
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
    gst_message_parse_warning (msg, &err, nullptr);
    std::string text = err->message;
    bool seen = false;
    for (const std::string &w : o.warnings)
      seen = seen || w == text;
    if (!seen)
      o.warnings.push_back (text);
  }
  if (err)
    g_error_free (err);
}

static void
read_caps_size (Outcome &o, GstCaps *caps)
{
  if (!caps || gst_caps_is_empty (caps))
    return;
  GstStructure *s = gst_caps_get_structure (caps, 0);
  gst_structure_get_int (s, "width", &o.width);
  gst_structure_get_int (s, "height", &o.height);
}

std::string
describe (const Outcome &o)
{
  std::string s = o.error ? "error " + o.error_code + " '" + o.error_text + "'"
                          : std::string ("eos");
  s += ", " + std::to_string (o.frames) + " buffers, " +
       std::to_string (o.bytes) + " bytes";
  for (const std::string &w : o.warnings)
    s += "; warning '" + w + "'";
  return s;
}

bool
has_warning (const Outcome &o, const char *text)
{
  for (const std::string &w : o.warnings)
    if (w.find (text) != std::string::npos)
      return true;
  return false;
}

/* ---- harness runs ---- */

static void
on_pad_added (GstElement *, GstPad *pad, GstHarness *h)
{
  if (GST_PAD_IS_SRC (pad))
    gst_harness_add_element_src_pad (h, pad);
}

static void
link_downstream (GstElement *, GstPad *pad, GstElement *down)
{
  GstPad *sink = gst_element_get_static_pad (down, "sink");
  fail_unless_equals_int (gst_pad_link (pad, sink), GST_PAD_LINK_OK);
  gst_object_unref (sink);
}

static GstElement *
parse_element (const char *description)
{
  GError *err = nullptr;
  GstElement *e = gst_parse_launch (description, &err);
  fail_unless (e != nullptr && err == nullptr, "%s: %s", description,
      err ? err->message : "?");
  return e;
}

GstElement *
make_bin (const char *description)
{
  /* "demuxer ! element": gst_parse_bin_from_description would ghost the second element's
   * sink pad, the first having none linked yet. */
  gchar **parts = g_strsplit (description, " ! ", 2);
  fail_unless (parts[0] && parts[1], "%s", description);
  GstElement *up = parse_element (parts[0]);
  GstElement *down = parse_element (parts[1]);
  g_strfreev (parts);
  GstElement *bin = gst_bin_new (nullptr);
  gst_bin_add_many (GST_BIN (bin), up, down, nullptr);
  g_signal_connect (up, "pad-added", G_CALLBACK (link_downstream), down);
  GstPad *sink = gst_element_get_static_pad (up, "sink");
  GstPad *src = gst_element_get_static_pad (down, "src");
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", sink));
  gst_element_add_pad (bin, gst_ghost_pad_new ("src", src));
  gst_object_unref (sink);
  gst_object_unref (src);
  return bin;
}

Outcome
run_harness (GstElement *element, GstCaps *caps,
    std::vector<GstBuffer *> buffers, bool eos)
{
  Outcome o;
  GstPad *src = gst_element_get_static_pad (element, "src");
  GstHarness *h =
      gst_harness_new_with_element (element, "sink", src ? "src" : nullptr);
  if (src)
    gst_object_unref (src);
  else
    g_signal_connect (h->element, "pad-added", G_CALLBACK (on_pad_added), h);
  gst_object_unref (element); /* the harness holds its own reference */
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);

  gst_harness_set_src_caps (h, caps);
  size_t i = 0;
  for (; i < buffers.size (); i++) {
    if (gst_harness_push (h, buffers[i]) != GST_FLOW_OK) {
      i++;
      break;
    }
  }
  for (; i < buffers.size (); i++)
    gst_buffer_unref (buffers[i]);
  if (eos)
    gst_harness_push_event (h, gst_event_new_eos ());

  if (h->sinkpad) {
    o.frames = (int)gst_harness_buffers_received (h);
    GstBuffer *buf;
    while ((buf = gst_harness_try_pull (h))) {
      o.bytes += (gint64)gst_buffer_get_size (buf);
      gst_buffer_unref (buf);
    }
    GstCaps *out = gst_pad_get_current_caps (h->sinkpad);
    read_caps_size (o, out);
    if (out)
      gst_caps_unref (out);
  }
  GstMessage *msg;
  while ((msg = gst_bus_pop (bus))) {
    add_message (o, msg);
    gst_message_unref (msg);
  }
  gst_element_set_bus (h->element, nullptr);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  return o;
}

Outcome
run_harness_bytes (GstElement *element, const char *caps, const Bytes &bytes)
{
  std::vector<GstBuffer *> buffers;
  if (!bytes.empty ())
    buffers.push_back (gst_buffer_new_memdup (bytes.data (), bytes.size ()));
  return run_harness (element, gst_caps_from_string (caps), buffers);
}

/* ---- pipelines ---- */

struct SinkCount
{
  std::atomic<int> frames{0};
  std::atomic<gint64> bytes{0};
  std::atomic<int> width{0}, height{0};
};

static void
on_handoff (GstElement *, GstBuffer *buf, GstPad *pad, SinkCount *c)
{
  if (c->frames.fetch_add (1) == 0) {
    Outcome o;
    GstCaps *caps = gst_pad_get_current_caps (pad);
    read_caps_size (o, caps);
    if (caps)
      gst_caps_unref (caps);
    c->width = o.width;
    c->height = o.height;
  }
  c->bytes += (gint64)gst_buffer_get_size (buf);
}

Outcome
run_pipeline (const std::string &description,
    const std::function<void (GstElement *)> &when_paused)
{
  Outcome o;
  SinkCount count;
  GError *err = nullptr;
  GstElement *pipeline = gst_parse_launch (description.c_str (), &err);
  fail_unless (pipeline != nullptr && err == nullptr, "%s: %s",
      description.c_str (), err ? err->message : "?");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  fail_unless (sink != nullptr);
  g_object_set (sink, "signal-handoffs", TRUE, "sync", FALSE, nullptr);
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), &count);
  gst_object_unref (sink);

  GstBus *bus = gst_element_get_bus (pipeline);
  if (when_paused) {
    gst_element_set_state (pipeline, GST_STATE_PAUSED);
    fail_unless (gst_element_get_state (pipeline, nullptr, nullptr,
                     60 * GST_SECOND) == GST_STATE_CHANGE_SUCCESS,
        "%s: no preroll within 60 s", description.c_str ());
    when_paused (pipeline);
  }
  /* A state change may fail at once (gifdemux refusing a file while activating); the error
   * that says why is on the bus either way. */
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (;;) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
        (GstMessageType)(GST_MESSAGE_EOS | GST_MESSAGE_ERROR |
                         GST_MESSAGE_WARNING));
    fail_unless (msg != nullptr, "%s: no end within 60 s (a hang)",
        description.c_str ());
    GstMessageType type = GST_MESSAGE_TYPE (msg);
    add_message (o, msg);
    gst_message_unref (msg);
    if (type != GST_MESSAGE_WARNING)
      break;
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  /* Warnings posted while the error was on its way. */
  GstMessage *msg;
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING))) {
    add_message (o, msg);
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  o.frames = count.frames;
  o.bytes = count.bytes;
  o.width = count.width;
  o.height = count.height;
  return o;
}

std::string
write_temp_file (const Bytes &bytes)
{
  gchar *path =
      g_build_filename (g_get_tmp_dir (), "mk-bad-input-XXXXXX.gif", nullptr);
  gint fd = g_mkstemp (path);
  fail_unless (fd >= 0);
  fail_unless (
      write (fd, bytes.data (), bytes.size ()) == (ssize_t)bytes.size ());
  close (fd);
  std::string out = path;
  g_free (path);
  return out;
}

GstBuffer *
raw_frame (size_t size, guint8 value)
{
  GstBuffer *b = gst_buffer_new_allocate (nullptr, size, nullptr);
  gst_buffer_memset (b, 0, value, size);
  return b;
}

GstElement *
element (const char *name)
{
  GstElement *e = gst_element_factory_make (name, nullptr);
  fail_unless (e != nullptr, "no %s", name);
  return e;
}

/* ---- GIF files ---- */

static size_t
skip_sub_blocks (const Bytes &f, size_t p)
{
  while (p < f.size () && f[p] != 0)
    p += 1 + f[p];
  fail_unless (p < f.size (), "sub-blocks run past the end");
  return p + 1;
}

GifLayout
walk_gif (const Bytes &f)
{
  GifLayout l;
  fail_unless (f.size () >= 13 && memcmp (f.data (), "GIF", 3) == 0);
  size_t p = 13;
  if (f[10] & 0x80)
    p += 3u * (2u << (f[10] & 7));
  l.header_end = p;
  int frame = 0;
  while (p < f.size () && f[p] != 0x3b) {
    GifBlock b = {};
    b.offset = p;
    b.frame = frame;
    if (f[p] == 0x21) {
      b.kind = GifBlock::kExtension;
      b.label = f[p + 1];
      b.end = skip_sub_blocks (f, p + 2);
    } else {
      fail_unless (f[p] == 0x2c, "unexpected byte at %zu", p);
      b.kind = GifBlock::kImage;
      size_t q = p + 10;
      if (f[p + 9] & 0x80)
        q += 3u * (2u << (f[p + 9] & 7));
      b.data_offset = q;
      b.end = skip_sub_blocks (f, q + 1);
      l.frame_ends.push_back (b.end);
      frame++;
    }
    l.blocks.push_back (b);
    p = b.end;
  }
  fail_unless (p < f.size (), "no trailer");
  l.trailer = p;
  return l;
}

const GifBlock &
image_block (const GifLayout &l, int frame)
{
  for (const GifBlock &b : l.blocks)
    if (b.kind == GifBlock::kImage && b.frame == frame)
      return b;
  fail ("no frame %d", frame);
  return l.blocks[0];
}

const GifBlock &
extension_block (const GifLayout &l, guint8 label, int frame)
{
  for (const GifBlock &b : l.blocks)
    if (b.kind == GifBlock::kExtension && b.label == label && b.frame == frame)
      return b;
  fail ("no extension 0x%02x before frame %d", label, frame);
  return l.blocks[0];
}

Bytes
reblock_image_data (const Bytes &f, const GifBlock &image, size_t block)
{
  Bytes data;
  for (size_t p = image.data_offset + 1; f[p] != 0; p += 1 + f[p])
    data.insert (data.end (), f.begin () + p + 1, f.begin () + p + 1 + f[p]);
  Bytes out;
  for (size_t i = 0; i < data.size (); i += block) {
    size_t n = MIN (block, data.size () - i);
    out.push_back ((guint8)n);
    out.insert (out.end (), data.begin () + i, data.begin () + i + n);
  }
  return out;
}

void
scramble_image_data (Bytes &f, const GifBlock &image, guint32 seed)
{
  std::mt19937 rng (seed);
  for (size_t p = image.data_offset + 1; f[p] != 0; p += 1 + f[p])
    for (size_t i = 1; i <= f[p]; i++)
      f[p + i] = (guint8)(rng () & 0xff);
}

void
put_u16 (Bytes &f, size_t offset, guint16 value)
{
  f[offset] = value & 0xff;
  f[offset + 1] = value >> 8;
}
