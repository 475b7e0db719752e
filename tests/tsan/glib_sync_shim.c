/* Lets ThreadSanitizer see GLib's locks when GLib itself is not built with it.
 *
 * GLib's GMutex and GCond are futexes and its GRecMutex is a pthread mutex taken inside
 * libglib, which TSan is told to ignore (ignore_noninstrumented_modules=1): without this shim it
 * sees no ordering between two GStreamer threads and reports every access our elements make under
 * GST_OBJECT_LOCK or the stream lock as a race. Preloaded in the TSan build's gst tests only: each
 * wrapper calls GLib's function and tells TSan it acquired or released the lock. Programs those
 * tests start (ffmpeg) inherit the preload without TSan: there the wrappers only pass through. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <glib.h>

/* Weak: absent in a child process that is not built with TSan. */
extern void __tsan_acquire (void *addr) __attribute__ ((weak));
extern void __tsan_release (void *addr) __attribute__ ((weak));

#define ACQUIRE(p)                                                             \
  do {                                                                         \
    if (__tsan_acquire)                                                        \
      __tsan_acquire (p);                                                      \
  } while (0)
#define RELEASE(p)                                                             \
  do {                                                                         \
    if (__tsan_release)                                                        \
      __tsan_release (p);                                                      \
  } while (0)

#define REAL(ret, name, args)                                                  \
  static ret (*real_##name) args;                                              \
  if (!real_##name)                                                            \
  real_##name = (ret (*) args)dlsym (RTLD_NEXT, #name)

void
g_mutex_lock (GMutex *m)
{
  REAL (void, g_mutex_lock, (GMutex *));
  real_g_mutex_lock (m);
  ACQUIRE (m);
}

gboolean
g_mutex_trylock (GMutex *m)
{
  REAL (gboolean, g_mutex_trylock, (GMutex *));
  gboolean ok = real_g_mutex_trylock (m);
  if (ok)
    ACQUIRE (m);
  return ok;
}

void
g_mutex_unlock (GMutex *m)
{
  REAL (void, g_mutex_unlock, (GMutex *));
  RELEASE (m);
  real_g_mutex_unlock (m);
}

void
g_rec_mutex_lock (GRecMutex *m)
{
  REAL (void, g_rec_mutex_lock, (GRecMutex *));
  real_g_rec_mutex_lock (m);
  ACQUIRE (m);
}

gboolean
g_rec_mutex_trylock (GRecMutex *m)
{
  REAL (gboolean, g_rec_mutex_trylock, (GRecMutex *));
  gboolean ok = real_g_rec_mutex_trylock (m);
  if (ok)
    ACQUIRE (m);
  return ok;
}

void
g_rec_mutex_unlock (GRecMutex *m)
{
  REAL (void, g_rec_mutex_unlock, (GRecMutex *));
  RELEASE (m);
  real_g_rec_mutex_unlock (m);
}

void
g_rw_lock_writer_lock (GRWLock *l)
{
  REAL (void, g_rw_lock_writer_lock, (GRWLock *));
  real_g_rw_lock_writer_lock (l);
  ACQUIRE (l);
}

void
g_rw_lock_writer_unlock (GRWLock *l)
{
  REAL (void, g_rw_lock_writer_unlock, (GRWLock *));
  RELEASE (l);
  real_g_rw_lock_writer_unlock (l);
}

void
g_rw_lock_reader_lock (GRWLock *l)
{
  REAL (void, g_rw_lock_reader_lock, (GRWLock *));
  real_g_rw_lock_reader_lock (l);
  ACQUIRE (l);
}

void
g_rw_lock_reader_unlock (GRWLock *l)
{
  REAL (void, g_rw_lock_reader_unlock, (GRWLock *));
  RELEASE (l);
  real_g_rw_lock_reader_unlock (l);
}

void
g_cond_wait (GCond *c, GMutex *m)
{
  REAL (void, g_cond_wait, (GCond *, GMutex *));
  RELEASE (m);
  real_g_cond_wait (c, m);
  ACQUIRE (m);
  ACQUIRE (c);
}

gboolean
g_cond_wait_until (GCond *c, GMutex *m, gint64 end_time)
{
  REAL (gboolean, g_cond_wait_until, (GCond *, GMutex *, gint64));
  RELEASE (m);
  gboolean ok = real_g_cond_wait_until (c, m, end_time);
  ACQUIRE (m);
  ACQUIRE (c);
  return ok;
}

void
g_cond_signal (GCond *c)
{
  REAL (void, g_cond_signal, (GCond *));
  RELEASE (c);
  real_g_cond_signal (c);
}

void
g_cond_broadcast (GCond *c)
{
  REAL (void, g_cond_broadcast, (GCond *));
  RELEASE (c);
  real_g_cond_broadcast (c);
}
