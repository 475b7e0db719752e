/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Scoped locks for GStreamer objects, after libcamera's GLibLocker: a lock taken in a
 * constructor is released in the destructor, so an early return or a goto to an error label
 * cannot skip it. C++ only.
 *
 *   GstMkObjectLocker       holds a GstObject's object lock (GST_OBJECT_LOCK) for a scope.
 *   GstMkStreamLocker       holds a video encoder's or decoder's stream lock for a scope (for
 *                           threads of an element's own that finish frames).
 *   GstMkStreamUnlocker     releases the stream lock that the calling thread holds, for the
 *                           scope of a blocking call (waiting on hardware, draining), and takes
 *                           it back at the end of the scope: the element's other threads can
 *                           finish frames meanwhile, as gst-plugins-bad's nvcodec does it.
 *
 * The stream lock is a GRecMutex: an unlocker releases one level, so the caller must hold it
 * exactly once (as a GstVideoEncoder vfunc does). Never destroy an unlocker on another thread. */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>

class GstMkObjectLocker
{
public:
  explicit GstMkObjectLocker (gpointer object) : object_ (GST_OBJECT (object))
  {
    GST_OBJECT_LOCK (object_);
  }
  ~GstMkObjectLocker ()
  {
    GST_OBJECT_UNLOCK (object_);
  }
  GstMkObjectLocker (const GstMkObjectLocker &) = delete;
  GstMkObjectLocker &operator= (const GstMkObjectLocker &) = delete;

private:
  GstObject *object_;
};

class GstMkStreamLocker
{
public:
  explicit GstMkStreamLocker (GstVideoEncoder *encoder)
      : mutex_ (&encoder->stream_lock)
  {
    g_rec_mutex_lock (mutex_);
  }
  explicit GstMkStreamLocker (GstVideoDecoder *decoder)
      : mutex_ (&decoder->stream_lock)
  {
    g_rec_mutex_lock (mutex_);
  }
  ~GstMkStreamLocker ()
  {
    g_rec_mutex_unlock (mutex_);
  }
  GstMkStreamLocker (const GstMkStreamLocker &) = delete;
  GstMkStreamLocker &operator= (const GstMkStreamLocker &) = delete;

private:
  GRecMutex *mutex_;
};

class GstMkStreamUnlocker
{
public:
  explicit GstMkStreamUnlocker (GstVideoEncoder *encoder)
      : mutex_ (&encoder->stream_lock)
  {
    g_rec_mutex_unlock (mutex_);
  }
  explicit GstMkStreamUnlocker (GstVideoDecoder *decoder)
      : mutex_ (&decoder->stream_lock)
  {
    g_rec_mutex_unlock (mutex_);
  }
  ~GstMkStreamUnlocker ()
  {
    g_rec_mutex_lock (mutex_);
  }
  GstMkStreamUnlocker (const GstMkStreamUnlocker &) = delete;
  GstMkStreamUnlocker &operator= (const GstMkStreamUnlocker &) = delete;

private:
  GRecMutex *mutex_;
};
