// The end of every lib test's main(): runs a Check suite and gives main's exit status.
#pragma once

#include <check.h>

#include <cstdlib>

namespace mktest {

enum class Fork { kAsConfigured, kAlways };

// Runs every test of `suite` (the runner frees it) and returns EXIT_SUCCESS when all passed.
// Fork::kAlways runs each test in a process of its own even when CK_FORK=no is set, for tests
// that need a fresh process (the DVPP runtime reads its faults and environment once).
inline int runSuite(Suite *suite, Fork fork = Fork::kAsConfigured) {
  SRunner *runner = srunner_create(suite);
  if (fork == Fork::kAlways) srunner_set_fork_status(runner, CK_FORK);
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

}  // namespace mktest
