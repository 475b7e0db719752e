/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A stand-in runtime library that exports one hi_mpi symbol and lacks the rest, so the loader's
 * "missing symbol" message can be checked. */
int hi_mpi_sys_init(void) {
  return 0;
}
