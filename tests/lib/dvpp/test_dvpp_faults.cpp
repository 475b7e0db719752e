// SPDX-License-Identifier: LGPL-2.1-or-later
// Fault injection through DVPPSIM_FAULTS: every kind (fail, timeout, empty, slow) on the calls
// the session makes ends in a reported error, or a correct result, in bounded time, never a
// hang, and with nothing leaked in the simulator afterwards.
#include <cstdlib>
#include <string>

#include "dvpp_test_util.h"
#include "../check_main.h"

namespace {

using namespace dvpptest;

constexpr auto kDrain = std::chrono::milliseconds(20000);
constexpr int kFrames = 8;

bool has(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// Sends kFrames frames (user ids 100..), returning each sendFrame status.
std::vector<mk::Status> sendAll(mk::dvpp::EncoderSession &session) {
  Nv12Source source(320, 240, 320);
  std::vector<mk::Status> results;
  for (int i = 0; i < kFrames; i++) {
    mk::dvpp::FrameMeta meta;
    meta.user_id = static_cast<std::uint64_t>(100 + i);
    meta.pts = i;
    results.push_back(session.sendFrame(source.frame(i), meta));
  }
  return results;
}

std::vector<std::uint64_t> userIds(const std::vector<Output> &outputs) {
  std::vector<std::uint64_t> ids;
  for (const auto &o : outputs) ids.push_back(o.user_id);
  return ids;
}

START_TEST(send_frame_fail) {
  setenv("DVPPSIM_FAULTS", "hi_mpi_venc_send_frame=fail@3", 1);
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    auto results = sendAll(*session);
    for (int i = 0; i < kFrames; i++) ck_assert(results[i].isOk() == (i != 2));
    ck_assert_int_eq((int)results[2].code(), (int)mk::Errc::kIo);
    ck_assert_msg(has(results[2].message(), "hi_mpi_venc_send_frame") &&
                      has(results[2].message(), "0xA0088015"),
                  "%s", results[2].message().c_str());
    checkOk(session->drain(kDrain));
    ck_assert_int_eq((int)session->stats().in_flight, 0);
  }
  assertNothingLeaked();
  auto ids = userIds(collector.outputs());
  ck_assert_int_eq((int)ids.size(), kFrames - 1);
  for (auto id : ids) ck_assert(id != 102);
}
END_TEST

START_TEST(send_frame_timeout_names_lost_frame) {
  setenv("DVPPSIM_FAULTS", "hi_mpi_venc_send_frame=timeout@4", 1);
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    for (const auto &r : sendAll(*session)) checkOk(r);
    auto start = std::chrono::steady_clock::now();
    mk::Status drained = session->drain(std::chrono::milliseconds(1500));
    ck_assert(std::chrono::steady_clock::now() - start < kHang);
    ck_assert_int_eq((int)drained.code(), (int)mk::Errc::kTimeout);
    ck_assert_msg(has(drained.message(), "1 frame(s)") && has(drained.message(), "103"), "%s",
                  drained.message().c_str());
    ck_assert_int_eq((int)session->stats().in_flight, 1);
  }
  assertNothingLeaked();
  ck_assert_int_eq((int)collector.outputs().size(), kFrames - 1);
  ck_assert_int_eq((int)simStats().frames_swallowed, 1);
}
END_TEST

START_TEST(send_frame_empty_is_reported) {
  setenv("DVPPSIM_FAULTS", "hi_mpi_venc_send_frame=empty@2", 1);
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    for (const auto &r : sendAll(*session)) checkOk(r);
    checkOk(session->drain(kDrain));
    ck_assert_int_eq((int)session->stats().failed, 1);
  }
  assertNothingLeaked();
  auto errors = collector.errors();
  ck_assert_int_eq((int)errors.size(), 1);
  ck_assert(errors[0].has_frame && !errors[0].fatal);
  ck_assert_int_eq((int)errors[0].user_id, 101);
  ck_assert_msg(has(errors[0].message, "101"), "%s", errors[0].message.c_str());
  ck_assert_int_eq((int)collector.outputs().size(), kFrames - 1);
}
END_TEST

START_TEST(get_stream_empty_is_reported) {
  setenv("DVPPSIM_FAULTS", "hi_mpi_venc_get_stream=empty@3", 1);
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    for (const auto &r : sendAll(*session)) checkOk(r);
    checkOk(session->drain(kDrain));
  }
  assertNothingLeaked();
  auto errors = collector.errors();
  ck_assert_int_eq((int)errors.size(), 1);
  ck_assert(errors[0].has_frame);
  ck_assert_int_eq((int)errors[0].user_id, 102);
  ck_assert_int_eq((int)collector.outputs().size(), kFrames - 1);
}
END_TEST

START_TEST(get_stream_fail_is_reported_and_recovered) {
  setenv("DVPPSIM_FAULTS", "hi_mpi_venc_get_stream=fail@2", 1);
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    for (const auto &r : sendAll(*session)) checkOk(r);
    checkOk(session->drain(kDrain));
  }
  assertNothingLeaked();
  auto errors = collector.errors();
  ck_assert_int_eq((int)errors.size(), 1);
  ck_assert(!errors[0].has_frame && !errors[0].fatal);
  ck_assert_msg(has(errors[0].message, "hi_mpi_venc_get_stream"), "%s", errors[0].message.c_str());
  ck_assert_int_eq((int)collector.outputs().size(), kFrames);  // the stream was got again
}
END_TEST

START_TEST(get_stream_timeout_and_slow) {
  setenv("DVPPSIM_FAULTS", "hi_mpi_venc_get_stream=timeout@2,hi_mpi_venc_get_stream=slow@4", 1);
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    for (const auto &r : sendAll(*session)) checkOk(r);
    checkOk(session->drain(kDrain));
  }
  assertNothingLeaked();
  ck_assert(collector.errors().empty());
  ck_assert_int_eq((int)collector.outputs().size(), kFrames);
}
END_TEST

START_TEST(query_status_fail_is_reported) {
  setenv("DVPPSIM_FAULTS", "hi_mpi_venc_query_status=fail@1", 1);
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    for (const auto &r : sendAll(*session)) checkOk(r);
    checkOk(session->drain(kDrain));
  }
  assertNothingLeaked();
  ck_assert_int_eq((int)collector.errors().size(), 1);
  ck_assert_int_eq((int)collector.outputs().size(), kFrames);
}
END_TEST

START_TEST(release_stream_fail_is_retried) {
  setenv("DVPPSIM_FAULTS", "hi_mpi_venc_release_stream=fail@2", 1);
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    for (const auto &r : sendAll(*session)) checkOk(r);
    checkOk(session->drain(kDrain));
    ck_assert_int_eq(simStats().unreleased_streams, 0);
  }
  assertNothingLeaked();
  ck_assert_int_eq((int)collector.outputs().size(), kFrames);
}
END_TEST

START_TEST(release_stream_fail_twice_is_reported) {
  setenv("DVPPSIM_FAULTS", "hi_mpi_venc_release_stream=fail@1,hi_mpi_venc_release_stream=fail@2",
         1);
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    for (const auto &r : sendAll(*session)) checkOk(r);
    // The first stream is never released: the stream buffer holds it, and the error is reported.
    ck_assert(collector.waitErrors(1));
    (void)session->drain(std::chrono::milliseconds(500));
  }
  auto errors = collector.errors();
  ck_assert_msg(has(errors.at(0).message, "hi_mpi_venc_release_stream"), "%s",
                errors.at(0).message.c_str());
  dvppsim_stats s = simStats();
  ck_assert_int_eq(s.streams_lost_at_destroy, 1);  // the simulator saw the one we could not free
  ck_assert_int_eq(s.dvpp_allocations, 0);
  ck_assert_int_eq(s.open_channels, 0);
}
END_TEST

START_TEST(wait_epoll_failing_is_fatal) {
  setenv("DVPPSIM_FAULTS",
         "hi_mpi_sys_wait_epoll=fail@1,hi_mpi_sys_wait_epoll=fail@2,hi_mpi_sys_wait_epoll=fail@3",
         1);
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    ck_assert(collector.waitErrors(1));
    auto errors = collector.errors();
    ck_assert(errors[0].fatal);
    mk::Status sent = session->sendFrame(Nv12Source(320, 240, 320).frame(0), mk::dvpp::FrameMeta());
    ck_assert(!sent.isOk());
    ck_assert_int_eq((int)session->drain(kDrain).code(), (int)mk::Errc::kIo);
    ck_assert(!session->failure().isOk());
  }
  assertNothingLeaked();
}
END_TEST

// Every channel of a device shares one looper: when its wait fails for good, every session hears
// of it; once they are gone, the next session starts a new looper and encodes.
START_TEST(wait_epoll_failing_reaches_every_session) {
  setenv("DVPPSIM_FAULTS",
         "hi_mpi_sys_wait_epoll=fail@2,hi_mpi_sys_wait_epoll=fail@3,hi_mpi_sys_wait_epoll=fail@4",
         1);
  // Held throughout, so that the device stays open (a new hi_mpi_sys_init would re-arm the
  // faults) and the third session meets the dead looper.
  auto runtime = mk::dvpp::Runtime::acquire(0);
  ck_assert(runtime.isOk());
  Collector a_collector, b_collector;
  {
    auto a = open(smallSettings(), a_collector);
    auto b = open(smallSettings(), b_collector);
    (void)sendAll(*a);  // the first stream ends the first wait; the next three fail
    ck_assert(a_collector.waitErrors(1));
    ck_assert(b_collector.waitErrors(1));
    ck_assert(a_collector.errors()[0].fatal && b_collector.errors()[0].fatal);
    ck_assert_msg(has(b_collector.errors()[0].message, "hi_mpi_sys_wait_epoll"), "%s",
                  b_collector.errors()[0].message.c_str());
    ck_assert(!b->sendFrame(Nv12Source(320, 240, 320).frame(0), mk::dvpp::FrameMeta()).isOk());
  }
  Collector c_collector;
  {
    auto c = open(smallSettings(), c_collector);
    for (const auto &r : sendAll(*c)) checkOk(r);
    checkOk(c->drain(kDrain));
  }
  runtime->reset();
  assertNothingLeaked();
  ck_assert(c_collector.errors().empty());
  ck_assert_int_eq((int)c_collector.outputs().size(), kFrames);
}
END_TEST

// A channel that fails on the shared looper fails alone: the other channel goes on.
START_TEST(channel_failure_stays_its_own) {
  setenv("DVPPSIM_FAULTS",
         "hi_mpi_venc_get_stream#1=fail@1,hi_mpi_venc_get_stream#1=fail@2,"
         "hi_mpi_venc_get_stream#1=fail@3",
         1);
  Collector a_collector, b_collector;
  {
    auto a = open(smallSettings(), a_collector);
    auto b = open(smallSettings(), b_collector);
    ck_assert_int_eq(a->channelId(), 0);
    ck_assert_int_eq(b->channelId(), 1);
    (void)sendAll(*b);
    ck_assert(b_collector.waitErrors(3));  // two reported, then the third is fatal
    ck_assert(b_collector.errors()[2].fatal);
    ck_assert(!b->failure().isOk());
    for (const auto &r : sendAll(*a)) checkOk(r);
    checkOk(a->drain(kDrain));
    ck_assert(a->failure().isOk());
  }
  assertNothingLeaked();
  ck_assert(a_collector.errors().empty());
  ck_assert_int_eq((int)a_collector.outputs().size(), kFrames);
  ck_assert(b_collector.outputs().empty());
}
END_TEST

START_TEST(wait_epoll_blips_are_survived) {
  setenv("DVPPSIM_FAULTS", "hi_mpi_sys_wait_epoll=fail@2,hi_mpi_sys_wait_epoll=timeout@4", 1);
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    for (const auto &r : sendAll(*session)) checkOk(r);
    checkOk(session->drain(kDrain));
  }
  assertNothingLeaked();
  ck_assert_int_eq((int)collector.outputs().size(), kFrames);
}
END_TEST

START_TEST(create_failures) {
  struct Case {
    const char *faults;
    mk::Errc code;
    const char *text;
  } cases[] = {
      {"hi_mpi_venc_create_chn=fail@1", mk::Errc::kIo, "hi_mpi_venc_create_chn"},
      {"hi_mpi_dvpp_malloc=fail@3", mk::Errc::kNoMemory, "DVPP memory"},
      {"hi_mpi_venc_start_chn=fail@1", mk::Errc::kIo, "hi_mpi_venc_start_chn"},
      {"hi_mpi_venc_get_fd=fail@1", mk::Errc::kIo, "hi_mpi_venc_get_fd"},
      {"hi_mpi_sys_create_epoll=fail@1", mk::Errc::kIo, "create_epoll"},
  };
  for (const auto &c : cases) {
    setenv("DVPPSIM_FAULTS", c.faults, 1);
    Collector collector;
    auto session = mk::dvpp::EncoderSession::create(smallSettings(), collector.callbacks());
    ck_assert_msg(!session.isOk(), "%s: created", c.faults);
    ck_assert_msg(session.status().code() == c.code && has(session.status().message(), c.text),
                  "%s: %s", c.faults, session.status().message().c_str());
    assertNothingLeaked();
  }
}
END_TEST

START_TEST(set_device_failure) {
  setenv("DVPPSIM_FAULTS", "aclrtSetDevice=fail@1", 1);
  Collector collector;
  auto session = mk::dvpp::EncoderSession::create(smallSettings(), collector.callbacks());
  ck_assert(!session.isOk());
  ck_assert_int_eq((int)session.status().code(), (int)mk::Errc::kNotFound);
  ck_assert_msg(has(session.status().message(), "device 0"), "%s",
                session.status().message().c_str());
  assertNothingLeaked();
}
END_TEST

Suite *faultSuite() {
  Suite *s = suite_create("dvpp-faults");
  TCase *tc = tcase_create("faults");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, send_frame_fail);
  tcase_add_test(tc, send_frame_timeout_names_lost_frame);
  tcase_add_test(tc, send_frame_empty_is_reported);
  tcase_add_test(tc, get_stream_empty_is_reported);
  tcase_add_test(tc, get_stream_fail_is_reported_and_recovered);
  tcase_add_test(tc, get_stream_timeout_and_slow);
  tcase_add_test(tc, query_status_fail_is_reported);
  tcase_add_test(tc, release_stream_fail_is_retried);
  tcase_add_test(tc, release_stream_fail_twice_is_reported);
  tcase_add_test(tc, wait_epoll_failing_is_fatal);
  tcase_add_test(tc, wait_epoll_failing_reaches_every_session);
  tcase_add_test(tc, channel_failure_stays_its_own);
  tcase_add_test(tc, wait_epoll_blips_are_survived);
  tcase_add_test(tc, create_failures);
  tcase_add_test(tc, set_device_failure);
  suite_add_tcase(s, tc);
  return s;
}

}  // namespace

int main() {
  if (!haveSimulator()) return skipWithoutSimulator();
  // faults are read per process, at hi_mpi_sys_init
  return mktest::runSuite(faultSuite(), mktest::Fork::kAlways);
}
