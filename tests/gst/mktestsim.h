/* The DVPP simulator's counters, for tests that must see it holds nothing. The types are the
 * simulator's own header's: a call through dlsym's pointer must have the function's own type
 * (clang's -fsanitize=function). */
#pragma once

#include <glib.h>

#include <dlfcn.h>

#include <cstring>

#include "dvppsim/dvppsim.h"

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
