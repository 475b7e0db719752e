/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-mktestprops
 * @title: mktestprops
 *
 * A pass-through element whose properties come from an mk::OptionTable, one
 * option of every type, plus one property of its own (#GstMkTestProps:drop) to
 * show the two kinds coexist. It exists to test gst/common/gstmkoptions.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 fakesrc num-buffers=3 ! mktestprops mode=very-fast features=crop+rotate ! fakesink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmktestprops.h"

#include <cstdint>
#include <limits>
#include <string>

#include "common/gstmkoptions.h"
#include "core/options.h"

GST_DEBUG_CATEGORY_STATIC (gst_mk_test_props_debug);
#define GST_CAT_DEFAULT gst_mk_test_props_debug

namespace {

struct Settings
{
  bool active;
  int level;
  int64_t offset;
  unsigned count;
  double ratio;
  std::string label;
  int mode;
  unsigned features;
  int version;
};

constexpr mk::OptionConst kModes[] = {
    {"slow", "Slow", 0, "Careful and slow."},
    {"fast", "Fast", 1, "The usual trade-off."},
    {"very-fast", "Very Fast", 2, "Fast and rough."},
};

constexpr mk::OptionConst kFeatures[] = {
    {"crop", "Crop", 1, "Crop to the changed area."},
    {"scale", "Scale", 2, "Scale to the output size."},
    {"rotate", "Rotate", 4, "Rotate by the orientation tag."},
};

constexpr mk::Option kOptions[] = {
    mk::optBool<&Settings::active> (
        "active", "Active", "Whether the element processes buffers.", true),
    mk::optInt<&Settings::level> ("level", "Level",
        "Processing level in steps.", 5, -10, 100, mk::kOptionMutablePlaying),
    mk::optInt64<&Settings::offset> ("offset", "Offset",
        "Timestamp offset in nanoseconds.", -1,
        std::numeric_limits<int64_t>::min (),
        std::numeric_limits<int64_t>::max ()),
    mk::optUint<&Settings::count> ("count", "Count",
        "Number of buffers to look back.", 10, 0, 1000,
        mk::kOptionMutableReady),
    mk::optDouble<&Settings::ratio> (
        "ratio", "Ratio", "Scale ratio, 1 means unchanged.", 1.5, 0.0, 4.0),
    mk::optString<&Settings::label> (
        "label", "Label", "Label text in UTF-8.", "hello"),
    mk::optEnum<&Settings::mode> ("mode", "Mode", "Processing mode.", 1, kModes,
        mk::kOptionMutablePaused),
    mk::optFlags<&Settings::features> (
        "features", "Features", "Features to apply.", 1u, kFeatures),
    mk::optInt<&Settings::version> ("version", "Version",
        "Version of the settings layout.", 3, 0, 100, mk::kOptionReadOnly),
};

constexpr mk::OptionTable kTable (kOptions);

} // namespace

/* C++ members live in State, created in _init and deleted in _finalize. */
struct GstMkTestPropsState
{
  Settings settings;
  bool drop = false;
};

struct _GstMkTestProps
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;
  GstMkTestPropsState *state;
};

#define DEFAULT_DROP FALSE

enum {
  PROP_0,
  PROP_DROP,
  PROP_OPTIONS_FIRST, /* the table's options follow, in table order */
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE (
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE (
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE (GstMkTestProps, gst_mk_test_props, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (
    mktestprops, "mktestprops", GST_RANK_NONE, GST_TYPE_MK_TEST_PROPS);

static void gst_mk_test_props_finalize (GObject *object);
static void gst_mk_test_props_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec);
static void gst_mk_test_props_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec);
static GstFlowReturn gst_mk_test_props_chain (
    GstPad *pad, GstObject *parent, GstBuffer *buffer);

static void
gst_mk_test_props_class_init (GstMkTestPropsClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_mk_test_props_debug, "mktestprops", 0,
      "OptionTable bridge test element");

  gobject_class->finalize = gst_mk_test_props_finalize;
  gobject_class->set_property = gst_mk_test_props_set_property;
  gobject_class->get_property = gst_mk_test_props_get_property;

  g_object_class_install_property (gobject_class, PROP_DROP,
      g_param_spec_boolean ("drop", "Drop",
          "Whether to drop every buffer instead of passing it on.",
          DEFAULT_DROP,
          (GParamFlags)(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                        GST_PARAM_MUTABLE_PLAYING)));
  gst_mk_options_install_properties (gobject_class, kTable, PROP_OPTIONS_FIRST);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Option table test element", "Testing",
      "Passes buffers through; its properties come from an mk::OptionTable",
      "gst-mediakit");
}

static void
gst_mk_test_props_init (GstMkTestProps *self)
{
  self->state = new GstMkTestPropsState ();
  kTable.setDefaults (&self->state->settings);

  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (
      self->sinkpad, GST_DEBUG_FUNCPTR (gst_mk_test_props_chain));
  GST_PAD_SET_PROXY_CAPS (self->sinkpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  GST_PAD_SET_PROXY_CAPS (self->srcpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}

static void
gst_mk_test_props_finalize (GObject *object)
{
  GstMkTestProps *self = GST_MK_TEST_PROPS (object);

  delete self->state;
  self->state = nullptr;

  G_OBJECT_CLASS (gst_mk_test_props_parent_class)->finalize (object);
}

static GstFlowReturn
gst_mk_test_props_chain (GstPad *, GstObject *parent, GstBuffer *buffer)
{
  GstMkTestProps *self = GST_MK_TEST_PROPS (parent);

  GST_OBJECT_LOCK (self);
  const bool drop = self->state->drop;
  const int level = self->state->settings.level;
  GST_OBJECT_UNLOCK (self);

  if (drop) {
    GST_LOG_OBJECT (self, "dropping %" GST_PTR_FORMAT, buffer);
    gst_buffer_unref (buffer);
    return GST_FLOW_OK;
  }
  GST_LOG_OBJECT (
      self, "passing %" GST_PTR_FORMAT " at level %d", buffer, level);
  return gst_pad_push (self->srcpad, buffer);
}

static void
gst_mk_test_props_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstMkTestProps *self = GST_MK_TEST_PROPS (object);

  GST_OBJECT_LOCK (self);
  if (!gst_mk_options_set_property (
          kTable, &self->state->settings, PROP_OPTIONS_FIRST, prop_id, value)) {
    switch (prop_id) {
      case PROP_DROP:
        self->state->drop = g_value_get_boolean (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_mk_test_props_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstMkTestProps *self = GST_MK_TEST_PROPS (object);

  GST_OBJECT_LOCK (self);
  if (!gst_mk_options_get_property (
          kTable, &self->state->settings, PROP_OPTIONS_FIRST, prop_id, value)) {
    switch (prop_id) {
      case PROP_DROP:
        g_value_set_boolean (value, self->state->drop);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
  }
  GST_OBJECT_UNLOCK (self);
}
