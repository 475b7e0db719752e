/* gst-mediakit
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmkmessages.h"

GQuark
gst_mk_message_domain_quark (const GstMkMessage *message)
{
  switch (message->domain) {
    case GST_MK_DOMAIN_CORE:
      return GST_CORE_ERROR;
    case GST_MK_DOMAIN_LIBRARY:
      return GST_LIBRARY_ERROR;
    case GST_MK_DOMAIN_RESOURCE:
      return GST_RESOURCE_ERROR;
    case GST_MK_DOMAIN_STREAM:
      return GST_STREAM_ERROR;
  }
  return GST_CORE_ERROR;
}

gchar *
gst_mk_message_user_text (const GstMkMessage *message)
{
  if (message->text)
    return g_strdup (message->text);
  return gst_error_get_message (
      gst_mk_message_domain_quark (message), message->code);
}

gint
gst_mk_message_n_values (const GstMkMessage *message)
{
  gint n = 0;
  if (!message->text)
    return 0;
  for (const gchar *p = message->text; *p; p++) {
    if (*p != '%')
      continue;
    if (p[1] != 's')
      return -1;
    n++;
    p++;
  }
  return n;
}

GstMkPosting
gst_mk_message_fill (
    const GstMkMessage *message, const std::string *values, gsize n_values)
{
  GstMkPosting posting = {message, nullptr};
  if (!message->text) {
    g_return_val_if_fail (n_values == 0, posting);
    return posting;
  }
  /* A call site passing the wrong number of values is a bug; the text still goes out. */
  if (gst_mk_message_n_values (message) != (gint)n_values)
    g_critical ("message %d of %s takes %d values, %" G_GSIZE_FORMAT " given",
        message->id, message->element, gst_mk_message_n_values (message),
        n_values);

  std::string text;
  gsize next = 0;
  for (const gchar *p = message->text; *p; p++) {
    if (p[0] == '%' && p[1] == 's') {
      if (next < n_values)
        text += values[next++];
      p++;
      continue;
    }
    text += *p;
  }
  posting.text = g_strdup (text.c_str ());
  return posting;
}

void
gst_mk_message_post (GstElement *element, GstMkPosting posting, gchar *debug,
    const gchar *file, const gchar *function, gint line)
{
  const GstMkMessage *m = posting.message;
  g_warn_if_fail (m->kind != GST_MK_POST_DECODER_ERROR);
  gst_element_message_full (element,
      m->kind == GST_MK_POST_WARNING ? GST_MESSAGE_WARNING : GST_MESSAGE_ERROR,
      gst_mk_message_domain_quark (m), m->code, posting.text, debug, file,
      function, line);
}

GstFlowReturn
gst_mk_message_decoder_error (GstVideoDecoder *decoder, gint weight,
    GstMkPosting posting, gchar *debug, gboolean warn, const gchar *file,
    const gchar *function, gint line)
{
  const GstMkMessage *m = posting.message;
  g_warn_if_fail (m->kind == GST_MK_POST_DECODER_ERROR);
  /* GStreamer 1.22's decoder only logs an error it tolerates (below max-errors, or always with
   * the default -1): the application would never hear of the damaged frame. Post it as a
   * warning then, as our documentation promises; past max-errors it is the decoder's error. */
  gchar *warn_text = g_strdup (posting.text);
  gchar *warn_debug = g_strdup (debug);
  GstFlowReturn ret = _gst_video_decoder_error (decoder, weight,
      gst_mk_message_domain_quark (m), m->code, posting.text, debug, file,
      function, line);
  if (ret == GST_FLOW_OK && warn) {
    gst_element_message_full (GST_ELEMENT (decoder), GST_MESSAGE_WARNING,
        gst_mk_message_domain_quark (m), m->code, warn_text, warn_debug, file,
        function, line);
  } else {
    g_free (warn_text);
    g_free (warn_debug);
  }
  return ret;
}
