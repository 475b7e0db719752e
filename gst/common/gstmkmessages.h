/* gst-mediakit
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The error and warning messages our elements post, as data. Each plugin keeps one table of
 * GstMkMessage entries (gst/gif/gstgifmessages.cpp, gst/ascend/gstascendmessages.cpp): the
 * GError domain and code, the user text, and for the documentation the cause and what to do.
 * Elements post only through GST_MK_POST / GST_MK_DECODER_ERROR with an entry of their table,
 * so docs/troubleshooting.md, generated from the same tables, lists every message they can post.
 * C++ only. */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>

#include <string>
#include <type_traits>

typedef enum {
  GST_MK_POST_ERROR,
  GST_MK_POST_WARNING,
  /* GST_VIDEO_DECODER_ERROR, counted against the decoder's max-errors: a warning until that
   * is exceeded, then an error */
  GST_MK_POST_DECODER_ERROR,
} GstMkPostKind;

typedef enum {
  GST_MK_DOMAIN_CORE,
  GST_MK_DOMAIN_LIBRARY,
  GST_MK_DOMAIN_RESOURCE,
  GST_MK_DOMAIN_STREAM,
} GstMkDomain;

typedef struct
{
  gint id; /* the plugin's message enum; equal to the entry's index */
  const gchar *element; /* factory name of the element that posts it */
  GstMkPostKind kind;
  GstMkDomain domain;
  gint code;                /* GST_<DOMAIN>_ERROR_<CODE> */
  const gchar *domain_name; /* "STREAM" */
  const gchar *code_name;   /* "DECODE" */
  /* User text, a short sentence. "%s" stands for a value given where it is posted (the only
   * placeholder). nullptr: GStreamer's own text for the code. */
  const gchar *text;
  const gchar *debug; /* what the debug text holds (for the docs) */
  const gchar *cause;
  const gchar *action;
} GstMkMessage;

/* Fills the domain and code fields of an entry: GST_MK_CODE (STREAM, DECODE). */
#define GST_MK_CODE(domain, code)                                              \
  GST_MK_DOMAIN_##domain, GST_##domain##_ERROR_##code, #domain, #code

/* An entry with its user text filled in, ready to post. */
typedef struct
{
  const GstMkMessage *message;
  gchar *text; /* owned; nullptr when the entry has no text */
} GstMkPosting;

GQuark gst_mk_message_domain_quark (const GstMkMessage *message);

/* The user text as the element posts it: the entry's text, or GStreamer's for the code. */
gchar *gst_mk_message_user_text (const GstMkMessage *message);

/* Number of "%s" in the entry's text; -1 when it holds another '%' sequence (not allowed). */
gint gst_mk_message_n_values (const GstMkMessage *message);

/* Substitutes `values` for the "%s" of the entry's text, in order. */
GstMkPosting gst_mk_message_fill (
    const GstMkMessage *message, const std::string *values, gsize n_values);

/* Posts an error or warning entry (takes `text` of the posting and `debug`). */
void gst_mk_message_post (GstElement *element, GstMkPosting posting,
    gchar *debug, const gchar *file, const gchar *function, gint line);

/* Posts a GST_MK_POST_DECODER_ERROR entry through the video decoder's error counting: an
 * error past max-errors, else a warning (none when `warn` is FALSE: the element rate-limits). */
GstFlowReturn gst_mk_message_decoder_error (GstVideoDecoder *decoder,
    gint weight, GstMkPosting posting, gchar *debug, gboolean warn,
    const gchar *file, const gchar *function, gint line);

/* Values for a message's "%s": strings as they are, numbers in decimal. */
static inline std::string
gst_mk_message_value (const char *s)
{
  return s ? s : "(null)";
}

static inline std::string
gst_mk_message_value (const std::string &s)
{
  return s;
}

template <typename T,
    typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
static inline std::string
gst_mk_message_value (T v)
{
  return std::to_string (v);
}

template <typename... Args>
static inline GstMkPosting
gst_mk_message_prepare (const GstMkMessage *message, const Args &...args)
{
  const std::string values[] = {gst_mk_message_value (args)..., std::string ()};
  return gst_mk_message_fill (message, values, sizeof...(Args));
}

/* Posts a table entry. `posting` is a plugin's gst_<plugin>_message (ID, values...) call;
 * `debug` is a parenthesised printf list for the debug text (or (nullptr)), as in
 * GST_ELEMENT_ERROR. The text is logged under the caller's debug category, as
 * GST_ELEMENT_ERROR does. */
#define GST_MK_POST(el, posting, debug)                                        \
  G_STMT_START                                                                 \
  {                                                                            \
    GstMkPosting __p = posting;                                                \
    gchar *__dbg = _gst_element_error_printf debug;                            \
    const gchar *__what =                                                      \
        __p.message->kind == GST_MK_POST_WARNING ? "warning" : "error";        \
    if (__p.text)                                                              \
      GST_WARNING_OBJECT (el, "%s: %s", __what, __p.text);                     \
    if (__dbg)                                                                 \
      GST_WARNING_OBJECT (el, "%s: %s", __what, __dbg);                        \
    gst_mk_message_post (                                                      \
        GST_ELEMENT (el), __p, __dbg, __FILE__, GST_FUNCTION, __LINE__);       \
  }                                                                            \
  G_STMT_END

/* GST_VIDEO_DECODER_ERROR for a GST_MK_POST_DECODER_ERROR entry; sets `ret`. With `warn`
 * FALSE, an error the decoder tolerates is counted but not posted as a warning. */
#define GST_MK_DECODER_ERROR_FULL(el, weight, posting, debug, warn, ret)       \
  G_STMT_START                                                                 \
  {                                                                            \
    GstMkPosting __p = posting;                                                \
    gchar *__dbg = _gst_element_error_printf debug;                            \
    ret = gst_mk_message_decoder_error (GST_VIDEO_DECODER (el), weight, __p,   \
        __dbg, warn, __FILE__, GST_FUNCTION, __LINE__);                        \
  }                                                                            \
  G_STMT_END

#define GST_MK_DECODER_ERROR(el, weight, posting, debug, ret)                  \
  GST_MK_DECODER_ERROR_FULL (el, weight, posting, debug, TRUE, ret)
