/* The DVPP simulator's counters, for tests that must see it holds nothing. Restated from
 * lib/dvppsim/dvppsim.h (tests do not use lib/ include paths) under the header's type name: a
 * call through dlsym's pointer must have the function's own type (clang's -fsanitize=function). */
#pragma once

#include <glib.h>

#include <dlfcn.h>

#include <cstring>

extern "C" {
typedef struct
{
  int dvpp_allocations;
  size_t dvpp_bytes;
  int open_channels;
  int unreleased_streams;
  int streams_lost_at_destroy;
  int epoll_instances;
  int contexts;
  int sys_initialised;
  guint64 no_buf_returns;
  guint64 frames_encoded;
  guint64 frames_swallowed;
} dvppsim_stats;
}

/* A function of the simulator GST_ASCEND_MPI_LIB names (loading it if it is not yet), or nullptr. */
static inline void *
mk_test_sim_symbol (const char *name)
{
  const char *path = g_getenv ("GST_ASCEND_MPI_LIB");
  if (!path)
    return nullptr;
  void *lib = dlopen (path, RTLD_NOW | RTLD_NOLOAD);
  if (!lib)
    lib = dlopen (path, RTLD_NOW);
  return lib ? dlsym (lib, name) : nullptr;
}

/* The simulator's counters now; false if the simulator cannot be found. */
static inline bool
mk_test_sim_stats (dvppsim_stats *out)
{
  auto get =
      (void (*) (dvppsim_stats *))mk_test_sim_symbol ("dvppsim_get_stats");
  memset (out, 0, sizeof (*out));
  if (!get)
    return false;
  get (out);
  return true;
}
