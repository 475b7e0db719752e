// SPDX-License-Identifier: LGPL-2.1-or-later
// Fuzz target for the GIF decode half: the streaming reader (bytes pushed in chunk sizes taken from
// the input), the demuxer's index and read-ahead passes, the frame decoder on both its paths
// (parsed records and standalone record buffers, as gifdec gets them), every output format, and
// the bare LZW decoder. A third decoder draws into a ring of three buffers that hold older
// canvases (as gifdec's pool hands them back) and must give exactly the canvases of the first.
// A small canvas limit keeps each input cheap.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "gif/demuxer.h"
#include "gif/frame_decoder.h"
#include "gif/lzw_decoder.h"
#include "gif/reader.h"

namespace {

constexpr uint64_t kMaxPixels = 1u << 20;

void fuzzLzw(const uint8_t *data, size_t size) {
  static mk::gif::LzwDecoder lzw;
  static uint8_t out[4096 + 7];
  if (size < 2) return;
  if (!lzw.reset(2 + data[0] % 7, data + 1, size - 1)) return;
  size_t total = 0;
  size_t chunk = 1 + data[size - 1] % 4096;
  while (total < (4u << 20)) {
    size_t n = lzw.decode(out, chunk);
    total += n;
    if (n < chunk) break;
  }
  (void)lzw.error();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace mk::gif;
  ReaderLimits limits;
  limits.max_canvas_pixels = kMaxPixels;
  limits.max_record_bytes = 1u << 20;
  limits.max_payload_bytes = 4096;

  {
    // An index pass then a read-ahead pass over the whole input, as gifdemux reads a file.
    DemuxSettings settings;
    settings.max_canvas_pixels = static_cast<int64_t>(kMaxPixels);
    settings.honor_loop = size && (data[0] & 1);
    Demuxer demux(settings);
    for (Demuxer::Mode mode : {Demuxer::Mode::kIndex, Demuxer::Mode::kReadAhead}) {
      demux.start(mode, size / 2);
      demux.push(data, size);
      demux.finish();
      Demuxer::Event ev;
      do ev = demux.next();
      while (ev != Demuxer::Event::kEnd && ev != Demuxer::Event::kFailed &&
             ev != Demuxer::Event::kNeedData);
      DemuxFrame f;
      for (int i = 0; i < 64 && demux.cursorFrame(&f); i++) demux.advanceCursor();
      (void)demux.seekPoint(demux.index().totalNs() / 2, SeekSnap::kNearest, true);
    }
  }

  const uint8_t seed = size ? data[size - 1] : 0;
  const size_t chunk = 1 + (seed * 7u) % 61;
  DecoderOptions options;
  options.format = static_cast<PixelFormat>(seed % mk::gif::kDecoderPixelFormatCount);
  options.background_rgb = 0x123456;
  options.max_canvas_pixels = kMaxPixels;
  FrameDecoder decoder;
  decoder.setOptions(options);
  FrameDecoder standalone;  // fed the record buffers, as gifdec is
  standalone.setOptions(options);
  FrameDecoder into;  // into reused memory, as gifdec with its pool
  into.setOptions(options);
  std::vector<uint8_t> out, record;
  size_t stride = 0;
  std::vector<uint8_t> ring[3];
  uint64_t holds[3] = {};
  size_t ring_stride = 0;
  int last = -1;

  Reader reader(limits);
  size_t pos = 0;
  bool done = false;
  while (!done) {
    mk::Result<Event> ev = reader.next();
    if (!ev) break;
    switch (*ev) {
      case Event::kNeedData:
        if (pos >= size) {
          reader.finish();
        } else {
          size_t n = size - pos < chunk ? size - pos : chunk;
          if (!reader.push(data + pos, n)) done = true;
          pos += n;
        }
        break;
      case Event::kHeader:
        if (!decoder.setCodecData(reader.eventData(), reader.eventSize()) ||
            !standalone.setCodecData(reader.eventData(), reader.eventSize()) ||
            !into.setCodecData(reader.eventData(), reader.eventSize())) {
          done = true;
          break;
        }
        stride = decoder.minStride() + (seed & 3);
        out.assign(stride * decoder.screen().height, 0);
        ring_stride = decoder.minStride() + (seed >> 2 & 7);
        for (std::vector<uint8_t> &r : ring) r.assign(ring_stride * decoder.screen().height, 0xA5);
        for (uint64_t &h : holds) h = 0;
        last = -1;
        break;
      case Event::kFrame: {
        if (reader.frame().index > 64) {
          done = true;
          break;
        }
        FrameReport rep, rep_into;
        (void)decoder.decodeParsed(reader.frame(), reader.eventData(), out.data(), stride, &rep);
        const int pick = static_cast<int>((reader.frame().index * 7 + seed) % 3);
        const CanvasTarget target{ring[pick].data(), ring_stride, holds[pick]};
        const mk::gif::CanvasView source{last >= 0 ? ring[last].data() : nullptr, ring_stride};
        (void)into.decodeParsedInto(reader.frame(), reader.eventData(), target,
                                    last >= 0 ? &source : nullptr, &rep_into);
        if ((rep.update == CanvasUpdate::kNone) != (rep_into.update == CanvasUpdate::kNone))
          __builtin_trap();
        if (rep_into.update != CanvasUpdate::kNone) {
          holds[pick] = rep_into.canvas_id;
          last = pick;
          for (unsigned y = 0; y < decoder.screen().height; y++)
            if (std::memcmp(out.data() + y * stride, ring[pick].data() + y * ring_stride,
                            decoder.minStride()) != 0)
              __builtin_trap();  // reused memory must hold exactly the canvas
        }
        record.assign(reader.eventData(), reader.eventData() + reader.eventSize());
        if (reader.frame().key && (reader.frame().index & 1)) standalone.reset();
        (void)standalone.decodeFrame(record.data(), record.size(), nullptr, 0);
        break;
      }
      case Event::kExtension:
        break;
      case Event::kEnd:
        done = true;
        break;
    }
  }
  fuzzLzw(data, size);
  return 0;
}
