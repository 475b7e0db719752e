// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::dvpp loader and runtime: a missing library is named with the variable that overrides its
// path; a library lacking required symbols is named with each symbol; optional symbols may be
// absent; the cached load answers the same every time; the runtime is shared and released, and
// refuses the first-generation Ascend 310.

#include <cstdlib>
#include <string>

#include "dvpp/loader.h"
#include "dvpp/runtime.h"
#include "dvpp_test_util.h"
#include "../check_main.h"

namespace {

using dvpptest::checkOk;

std::string env(const char *name) {
  const char *value = std::getenv(name);
  ck_assert_msg(value != nullptr, "%s is not set", name);
  return value;
}

bool has(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

START_TEST(missing_mpi_library) {
  auto api = mk::dvpp::loadApiFrom("/nonexistent/libacl_dvpp_mpi.so", env("DVPP_TEST_SIM_LIB"));
  ck_assert(!api.isOk());
  ck_assert_int_eq((int)api.status().code(), (int)mk::Errc::kNotFound);
  const std::string &m = api.status().message();
  ck_assert_msg(has(m, "/nonexistent/libacl_dvpp_mpi.so"), "%s", m.c_str());
  ck_assert_msg(has(m, "GST_ASCEND_MPI_LIB"), "%s", m.c_str());
}
END_TEST

START_TEST(missing_acl_library) {
  auto api = mk::dvpp::loadApiFrom(env("DVPP_TEST_SIM_LIB"), "/nonexistent/libascendcl.so");
  ck_assert(!api.isOk());
  const std::string &m = api.status().message();
  ck_assert_msg(has(m, "/nonexistent/libascendcl.so") && has(m, "GST_ASCEND_ACL_LIB"), "%s",
                m.c_str());
}
END_TEST

START_TEST(missing_required_symbols) {
  std::string broken = env("DVPP_TEST_BROKEN_LIB");
  auto api = mk::dvpp::loadApiFrom(broken, env("DVPP_TEST_SIM_LIB"));
  ck_assert(!api.isOk());
  ck_assert_int_eq((int)api.status().code(), (int)mk::Errc::kNotFound);
  const std::string &m = api.status().message();
  ck_assert_msg(has(m, broken), "%s", m.c_str());
  ck_assert_msg(has(m, "hi_mpi_venc_send_frame") && has(m, "hi_mpi_sys_wait_epoll"), "%s",
                m.c_str());
  ck_assert_msg(!has(m, "hi_mpi_sys_init,") && !has(m, "hi_mpi_sys_init;"), "%s", m.c_str());
  // Optional symbols are never reported as missing.
  ck_assert_msg(!has(m, "hi_mpi_venc_set_chn_attr"), "%s", m.c_str());

  auto acl = mk::dvpp::loadApiFrom(env("DVPP_TEST_SIM_LIB"), broken);
  ck_assert(!acl.isOk());
  const std::string &ma = acl.status().message();
  ck_assert_msg(has(ma, broken) && has(ma, "aclInit") && has(ma, "aclrtSetCurrentContext"), "%s",
                ma.c_str());
}
END_TEST

START_TEST(complete_and_optional) {
  auto api = mk::dvpp::loadApiFrom(env("DVPP_TEST_SIM_LIB"), env("DVPP_TEST_SIM_LIB"));
  ck_assert_msg(api.isOk(), "%s", api.status().message().c_str());
  ck_assert((*api)->hi_mpi_venc_send_frame != nullptr);
  ck_assert((*api)->aclrtSetCurrentContext != nullptr);
  ck_assert((*api)->hi_mpi_venc_set_chn_attr != nullptr);
  ck_assert((*api)->hi_mpi_venc_set_h264_vui == nullptr);  // the simulator has no VUI

  auto older = mk::dvpp::loadApiFrom(env("DVPP_TEST_SIM_NOCHNATTR_LIB"), env("DVPP_TEST_SIM_LIB"));
  ck_assert_msg(older.isOk(), "%s", older.status().message().c_str());
  ck_assert((*older)->hi_mpi_venc_set_chn_attr == nullptr);
  ck_assert((*older)->hi_mpi_venc_get_chn_attr == nullptr);
}
END_TEST

START_TEST(cached_load_from_env) {
  auto first = mk::dvpp::loadApi();
  ck_assert_msg(first.isOk(), "%s", first.status().message().c_str());
  auto second = mk::dvpp::loadApi();
  ck_assert(second.isOk());
  ck_assert_ptr_eq(*first, *second);
  std::string want = env("GST_ASCEND_MPI_LIB");
  ck_assert_str_eq((*first)->mpi_path.c_str(), want.c_str());
}
END_TEST

START_TEST(cached_failure_from_env) {
  setenv("GST_ASCEND_MPI_LIB", "/nonexistent/mpi.so", 1);
  auto first = mk::dvpp::loadApi();
  ck_assert(!first.isOk());
  ck_assert_msg(has(first.status().message(), "/nonexistent/mpi.so"), "%s",
                first.status().message().c_str());
  setenv("GST_ASCEND_MPI_LIB", env("DVPP_TEST_SIM_LIB").c_str(), 1);
  auto second = mk::dvpp::loadApi();  // the first answer stands for the process
  ck_assert(!second.isOk());
  ck_assert_str_eq(first.status().message().c_str(), second.status().message().c_str());
}
END_TEST

START_TEST(runtime_shared_and_released) {
  {
    auto a = mk::dvpp::Runtime::acquire(0);
    ck_assert_msg(a.isOk(), "%s", a.status().message().c_str());
    auto b = mk::dvpp::Runtime::acquire(0);
    ck_assert(b.isOk());
    ck_assert_ptr_eq(a->get(), b->get());
    ck_assert_str_eq((*a)->socName().c_str(), "Ascend310P3");
    ck_assert((*a)->chip() == mk::dvpp::Chip::k310P);
    ck_assert((*a)->runMode() == mk::dvpp::RunMode::kDevice);
    ck_assert_int_eq(dvpptest::simStats().contexts, 1);
    ck_assert_int_eq(dvpptest::simStats().sys_initialised, 1);
    auto other = mk::dvpp::Runtime::acquire(1);
    ck_assert(other.isOk());
    ck_assert_ptr_ne(a->get(), other->get());
    ck_assert_int_eq(dvpptest::simStats().contexts, 2);
    ck_assert_int_eq(dvpptest::simStats().sys_initialised, 1);  // once per process
    auto missing = mk::dvpp::Runtime::acquire(7);
    ck_assert(!missing.isOk());
    ck_assert_int_eq((int)missing.status().code(), (int)mk::Errc::kNotFound);
  }
  dvpptest::assertNothingLeaked();
  // And again after a full release.
  auto again = mk::dvpp::Runtime::acquire(0);
  ck_assert(again.isOk());
  checkOk((*again)->bindThread());
}
END_TEST

START_TEST(refuses_first_generation_310) {
  setenv("DVPPSIM_CHIP", "310", 1);
  auto runtime = mk::dvpp::Runtime::acquire(0);
  ck_assert(!runtime.isOk());
  ck_assert_int_eq((int)runtime.status().code(), (int)mk::Errc::kUnsupported);
  const std::string &m = runtime.status().message();
  ck_assert_msg(has(m, "Ascend310") && has(m, "first-generation") && has(m, "310B"), "%s",
                m.c_str());
  dvpptest::assertNothingLeaked();
}
END_TEST

START_TEST(knows_310b) {
  setenv("DVPPSIM_CHIP", "310B", 1);
  auto runtime = mk::dvpp::Runtime::acquire(0);
  ck_assert_msg(runtime.isOk(), "%s", runtime.status().message().c_str());
  ck_assert((*runtime)->chip() == mk::dvpp::Chip::k310B);
  ck_assert_int_eq((*runtime)->maxChannels(), 128);
}
END_TEST

Suite *loaderSuite() {
  Suite *s = suite_create("dvpp-loader");
  TCase *tc = tcase_create("loader");
  tcase_add_test(tc, missing_mpi_library);
  tcase_add_test(tc, missing_acl_library);
  tcase_add_test(tc, missing_required_symbols);
  tcase_add_test(tc, complete_and_optional);
  tcase_add_test(tc, cached_load_from_env);
  tcase_add_test(tc, cached_failure_from_env);
  tcase_add_test(tc, runtime_shared_and_released);
  tcase_add_test(tc, refuses_first_generation_310);
  tcase_add_test(tc, knows_310b);
  suite_add_tcase(s, tc);
  return s;
}

}  // namespace

int main() {
  if (!dvpptest::haveSimulator()) return dvpptest::skipWithoutSimulator();
  // each test loads the runtime afresh
  return mktest::runSuite(loaderSuite(), mktest::Fork::kAlways);
}
