// SPDX-License-Identifier: LGPL-2.1-or-later
// gif-dump: decodes a GIF with mk::gif and writes every composited canvas as raw RGBA, concatenated
// (the layout of ImageMagick's `convert f.gif -coalesce -depth 8 rgba:out`), for comparisons with
// /work/shared/tools/rgba_compare.py. Prints one line per frame and a summary on stderr.
// Usage: gif-dump [-q] [-k] IN.gif OUT.rgba   (-k: keep frames whose decoding reported an error;
// by default they are dropped, as pygif expects)
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "gif/frame_decoder.h"
#include "gif/reader.h"

int main(int argc, char **argv) {
  bool quiet = false, keep_broken = false;
  int a = 1;
  for (; a < argc && argv[a][0] == '-'; a++) {
    if (!std::strcmp(argv[a], "-q"))
      quiet = true;
    else if (!std::strcmp(argv[a], "-k"))
      keep_broken = true;
  }
  if (argc - a != 2) {
    std::fprintf(stderr, "usage: %s [-q] [-k] IN.gif OUT.rgba\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[a], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", argv[a]);
    return 2;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  FILE *out = std::fopen(argv[a + 1], "wb");
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", argv[a + 1]);
    return 2;
  }
  mk::gif::Reader reader;
  mk::gif::FrameDecoder decoder;
  std::vector<uint8_t> canvas;
  (void)reader.push(bytes.data(), bytes.size());
  reader.finish();
  int rc = 0, frames = 0;
  for (;;) {
    mk::Result<mk::gif::Event> ev = reader.next();
    if (!ev) {
      std::fprintf(stderr, "stopped: %s\n", ev.status().message().c_str());
      rc = 1;
      break;
    }
    if (*ev == mk::gif::Event::kEnd) break;
    if (*ev == mk::gif::Event::kHeader) {
      mk::Status st = decoder.setCodecData(reader.eventData(), reader.eventSize());
      if (!st) {
        std::fprintf(stderr, "header: %s\n", st.message().c_str());
        rc = 1;
        break;
      }
      canvas.resize(decoder.minStride() * decoder.screen().height);
      if (!quiet)
        std::fprintf(stderr, "screen %ux%u\n", decoder.screen().width, decoder.screen().height);
    } else if (*ev == mk::gif::Event::kFrame) {
      mk::gif::FrameReport rep;
      mk::Status st = decoder.decodeParsed(reader.frame(), reader.eventData(), canvas.data(),
                                           decoder.minStride(), &rep);
      const auto &f = reader.frame();
      if (!quiet)
        std::fprintf(stderr, "frame %u %ux%u+%u+%u disp %u delay %u key %d: %s\n", f.index, f.width,
                     f.height, f.left, f.top, static_cast<unsigned>(f.control.disposal),
                     f.control.delay_cs, f.key, st ? "ok" : st.message().c_str());
      if (!st) rc = 1;
      if (rep.output_written && (st || keep_broken)) {
        std::fwrite(canvas.data(), 1, canvas.size(), out);
        frames++;
      }
    }
  }
  std::fclose(out);
  if (!quiet) std::fprintf(stderr, "%d frames written\n", frames);
  return rc;
}
