// SPDX-License-Identifier: LGPL-2.1-or-later
// mk log hook: nothing is formatted without a sink; the sink's filter is asked first; messages
// arrive whole with their origin; replacing the sink under concurrent logging loses nothing.
#include <check.h>

#include "../check_main.h"

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "core/log.h"

namespace {

struct Capture {
  std::atomic<int> enabled_calls{0};
  std::atomic<int> writes{0};
  mk::LogLevel threshold = mk::LogLevel::kDebug;
  std::string last_module, last_message, last_function;
  int last_line = 0;
};

bool capture_enabled(void *opaque, mk::LogLevel level, const char *) noexcept {
  auto *c = static_cast<Capture *>(opaque);
  c->enabled_calls++;
  return level <= c->threshold;
}

void capture_write(void *opaque, mk::LogLevel, const char *module, const char *, int line,
                   const char *function, const char *message) noexcept {
  auto *c = static_cast<Capture *>(opaque);
  c->writes++;
  c->last_module = module;
  c->last_message = message;
  c->last_function = function;
  c->last_line = line;
}

int g_side_effects = 0;
int side_effect() {
  return ++g_side_effects;
}

}  // namespace

START_TEST(test_no_sink_formats_nothing) {
  mk::setLogSink(mk::LogSink{});
  g_side_effects = 0;
  MK_LOG_ERROR("test", "value %d", side_effect());
  ck_assert_int_eq(g_side_effects, 0);
  ck_assert(!mk::logEnabled(mk::LogLevel::kError, "test"));
}
END_TEST

START_TEST(test_sink_receives_message) {
  Capture c;
  mk::setLogSink(mk::LogSink{&c, capture_enabled, capture_write});
  int line = __LINE__ + 1;
  MK_LOG_WARNING("pool", "freed %d of %s", 3, "buffers");
  ck_assert_int_eq(c.writes.load(), 1);
  ck_assert_str_eq(c.last_module.c_str(), "pool");
  ck_assert_str_eq(c.last_message.c_str(), "freed 3 of buffers");
  ck_assert_int_eq(c.last_line, line);
  ck_assert(c.last_function.find("test_sink_receives_message") != std::string::npos);
  mk::setLogSink(mk::LogSink{});
}
END_TEST

START_TEST(test_filter_skips_formatting) {
  Capture c;
  c.threshold = mk::LogLevel::kWarning;
  mk::setLogSink(mk::LogSink{&c, capture_enabled, capture_write});
  g_side_effects = 0;
  MK_LOG_DEBUG("gif", "%d", side_effect());
  ck_assert_int_eq(g_side_effects, 0);
  ck_assert_int_eq(c.writes.load(), 0);
  ck_assert_int_eq(c.enabled_calls.load(), 1);
  MK_LOG_ERROR("gif", "%d", side_effect());
  ck_assert_int_eq(g_side_effects, 1);
  ck_assert_int_eq(c.writes.load(), 1);
  mk::setLogSink(mk::LogSink{});
}
END_TEST

START_TEST(test_long_message_truncated_safely) {
  Capture c;
  mk::setLogSink(mk::LogSink{&c, capture_enabled, capture_write});
  std::string big(5000, 'x');
  MK_LOG_ERROR("gif", "%s", big.c_str());
  ck_assert_int_eq(c.writes.load(), 1);
  ck_assert_uint_gt(c.last_message.size(), 500);
  ck_assert_uint_lt(c.last_message.size(), big.size());
  mk::setLogSink(mk::LogSink{});
}
END_TEST

namespace {
std::atomic<int> g_count_a{0}, g_count_b{0};
void count_a(void *, mk::LogLevel, const char *, const char *, int, const char *,
             const char *) noexcept {
  g_count_a++;
}
void count_b(void *, mk::LogLevel, const char *, const char *, int, const char *,
             const char *) noexcept {
  g_count_b++;
}
}  // namespace

START_TEST(test_replace_sink_while_logging) {
  constexpr int kThreads = 2, kPerThread = 20000;
  mk::setLogSink(mk::LogSink{nullptr, nullptr, count_a});
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++)
    threads.emplace_back([&] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < kPerThread; i++) MK_LOG_INFO("t", "%d", i);
    });
  go = true;
  for (int i = 0; i < 100; i++)
    mk::setLogSink(mk::LogSink{nullptr, nullptr, (i % 2) ? count_a : count_b});
  for (auto &t : threads) t.join();
  ck_assert_int_eq(g_count_a.load() + g_count_b.load(), kThreads * kPerThread);
  mk::setLogSink(mk::LogSink{});
}
END_TEST

int main() {
  Suite *s = suite_create("core-log");
  TCase *tc = tcase_create("log");
  tcase_add_test(tc, test_no_sink_formats_nothing);
  tcase_add_test(tc, test_sink_receives_message);
  tcase_add_test(tc, test_filter_skips_formatting);
  tcase_add_test(tc, test_long_message_truncated_safely);
  tcase_add_test(tc, test_replace_sink_while_logging);
  suite_add_tcase(s, tc);
  return mktest::runSuite(s);
}
