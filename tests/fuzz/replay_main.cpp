// SPDX-License-Identifier: LGPL-2.1-or-later
// The main() of a fuzz target built without libFuzzer: runs LLVMFuzzerTestOneInput over every file
// named on the command line (folders are walked). Missing paths are skipped; when no input at all
// was found it exits 77, which meson counts as a skip. An abort or a crash names the input it
// happened on.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

std::string g_current;  // "replaying <path>\n" while an input runs

void nameInput(int sig) {
  if (!g_current.empty()) {
    ssize_t ignored = write(STDERR_FILENO, g_current.data(), g_current.size());
    (void)ignored;
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

bool runFile(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  // A copy of exactly `size` bytes, so AddressSanitizer sees any read past the end.
  std::vector<uint8_t> exact(bytes.begin(), bytes.end());
  g_current = "replaying " + path.string() + "\n";
  LLVMFuzzerTestOneInput(exact.empty() ? nullptr : exact.data(), exact.size());
  g_current.clear();
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  namespace fs = std::filesystem;
  size_t n = 0;
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, nameInput);
  for (int i = 1; i < argc; i++) {
    std::error_code ec;
    fs::path p(argv[i]);
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> files;
      for (auto &e : fs::recursive_directory_iterator(p, ec))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (auto &f : files) n += runFile(f);
    } else if (fs::is_regular_file(p, ec)) {
      n += runFile(p);
    }
  }
  std::printf("replayed %zu inputs\n", n);
  return n ? 0 : 77;
}
