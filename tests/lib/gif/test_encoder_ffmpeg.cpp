// SPDX-License-Identifier: LGPL-2.1-or-later
// Files from mk::gif::Encoder, read back by FFmpeg (and ImageMagick when installed): every frame
// is there, few-colour input comes back exactly, many-colour input closely. Skipped (77) when
// `ffmpeg` is not on PATH.
#include <check.h>

#include "../check_main.h"
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "test_helpers.h"

namespace {

using namespace mk::gif;

std::string g_dir;

bool haveProgram(const char *name) {
  std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

std::string writeTemp(const std::vector<uint8_t> &bytes, const char *name) {
  std::string path = g_dir + "/" + name;
  FILE *f = std::fopen(path.c_str(), "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  std::fclose(f);
  return path;
}

std::vector<uint8_t> run(const std::string &cmd) {
  FILE *p = popen(cmd.c_str(), "r");
  ck_assert_ptr_nonnull(p);
  std::vector<uint8_t> out;
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.insert(out.end(), buf, buf + n);
  int rc = pclose(p);
  ck_assert_msg(rc == 0, "'%s' failed (%d)", cmd.c_str(), rc);
  return out;
}

std::vector<uint8_t> ffmpegDecode(const std::string &path) {
  return run("ffmpeg -nostdin -v error -i '" + path +
             "' -vsync passthrough -f rawvideo -pix_fmt rgba -");
}

void checkImageMagick(const std::string &path, size_t frames) {
  if (access("/usr/bin/identify", X_OK) != 0) return;
  auto out = run("/usr/bin/identify '" + path + "' 2>&1");
  size_t lines = 0;
  for (uint8_t c : out) lines += c == '\n';
  ck_assert_uint_eq(lines, frames);
}

START_TEST(test_ffmpeg_lossless) {
  const int w = 48, h = 32, n = 10;
  std::vector<std::vector<uint8_t>> frames;
  for (int t = 0; t < n; t++) frames.push_back(gifenc_test::makeFrame(w, h, t, false));
  for (PaletteScope scope : {PaletteScope::kAuto, PaletteScope::kPerFrame}) {
    EncoderConfig c;
    c.width = w;
    c.height = h;
    c.settings.palette = scope;
    c.settings.dither = DitherMode::kNone;
    auto e = gifenc_test::encodeClip(c, frames);
    std::string path = writeTemp(e.file, "lossless.gif");
    auto raw = ffmpegDecode(path);
    const size_t frameBytes = static_cast<size_t>(w) * h * 4;
    ck_assert_uint_eq(raw.size(), frameBytes * n);
    for (int t = 0; t < n; t++)
      ck_assert_msg(std::equal(frames[t].begin(), frames[t].end(), raw.begin() + t * frameBytes),
                    "frame %d differs", t);
    checkImageMagick(path, n);
  }
}
END_TEST

START_TEST(test_ffmpeg_quantized) {
  const int w = 80, h = 60, n = 6;
  std::vector<std::vector<uint8_t>> frames;
  for (int t = 0; t < n; t++) frames.push_back(gifenc_test::makeFrame(w, h, t, true));
  EncoderConfig c;
  c.width = w;
  c.height = h;
  c.format = PixelFormat::kRGBA;
  auto e = gifenc_test::encodeClip(c, frames);
  std::string path = writeTemp(e.file, "quantized.gif");
  auto raw = ffmpegDecode(path);
  const size_t frameBytes = static_cast<size_t>(w) * h * 4;
  ck_assert_uint_eq(raw.size(), frameBytes * n);
  for (int t = 0; t < n; t++) {
    std::vector<uint32_t> canvas(static_cast<size_t>(w) * h);
    for (size_t i = 0; i < canvas.size(); i++)
      canvas[i] = gifenc_test::px(std::vector<uint8_t>(raw.begin() + t * frameBytes + i * 4,
                                                       raw.begin() + t * frameBytes + i * 4 + 4),
                                  0);
    double p = gifenc_test::psnr(gifenc_test::mse(canvas, frames[t]));
    ck_assert_msg(p > 28, "frame %d: %.1f dB", t, p);
  }
  checkImageMagick(path, n);
}
END_TEST

}  // namespace

int main() {
  if (!haveProgram("ffmpeg")) {
    std::printf("ffmpeg not found: skipped\n");
    return 77;
  }
  char tmpl[] = "/tmp/gifenc-ffmpeg-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  g_dir = tmpl;
  Suite *s = suite_create("gif-encoder-ffmpeg");
  TCase *tc = tcase_create("ffmpeg");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_ffmpeg_lossless);
  tcase_add_test(tc, test_ffmpeg_quantized);
  suite_add_tcase(s, tc);
  int status = mktest::runSuite(s);
  std::system(("rm -rf '" + g_dir + "'").c_str());
  return status;
}
