/* gst-mediakit
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The gifkit message table. docs/troubleshooting.md is generated from it
 * (ninja -C build update-troubleshooting): change a text here, then regenerate. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgifmessages.h"

static const GstMkMessage gif_messages[] = {
    /* gifdemux */
    {GST_GIF_MSG_DEMUX_NOT_GIF, "gifdemux", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, WRONG_TYPE), "This is not a GIF file.",
        "what the reader found instead (\"not a GIF: the file does not start "
        "with 'GIF'\", \"unknown GIF version ... (expected 87a or 89a)\"), or "
        "that the stream ended before a GIF header",
        "The data does not start with the GIF87a / GIF89a signature, or ends "
        "before it.",
        "Check what the file is (`file a.gif`, `gst-typefind-1.0 a.gif`); use "
        "`decodebin` to pick the right demuxer for other formats."},
    {GST_GIF_MSG_DEMUX_TOO_LARGE, "gifdemux", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, DEMUX), "This GIF is too large to decode: %s.",
        "\"raise the max-canvas-pixels property to accept it\"",
        "The logical screen has more pixels than `max-canvas-pixels` "
        "(8192x4096 "
        "by default); `%s` names the size. A tiny file can declare a "
        "65535x65535 screen, 16 GiB of RGBA.",
        "If the file is trusted and memory allows, raise `max-canvas-pixels` "
        "on "
        "gifdemux (and on gifdec)."},
    {GST_GIF_MSG_DEMUX_BAD_HEADER, "gifdemux", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, DEMUX), "The GIF header is damaged.",
        "the reader's message, e.g. \"logical screen is 0x0: nothing can be "
        "shown\", \"file ended after 9 bytes, inside the GIF header\"",
        "The file starts like a GIF, but its screen descriptor or global "
        "palette is invalid or cut short.",
        "The file cannot be shown; get an intact copy of it."},
    {GST_GIF_MSG_DEMUX_DAMAGED, "gifdemux", GST_MK_POST_WARNING,
        GST_MK_CODE (STREAM, DEMUX),
        "The GIF file is damaged after frame %s; the frames before the damage "
        "are shown.",
        "the reader's message naming the byte and offset, e.g. \"unexpected "
        "byte 0x00 at offset 1234 where an extension, an image or the trailer "
        "should start\", or a record over the size limit",
        "Bytes after the header do not follow the GIF format (garbage where a "
        "block should start, a record larger than the reader accepts).",
        "Nothing to do for playback: the frames before the damage play, then "
        "the stream ends (EOS). Re-encode or repair the file to get the rest."},
    {GST_GIF_MSG_DEMUX_TRUNCATED, "gifdemux", GST_MK_POST_WARNING,
        GST_MK_CODE (STREAM, DEMUX),
        "The GIF file is truncated; its last frame is incomplete.",
        "the frame's index and the offset where its record ends",
        "The file ends inside a frame's image data (an interrupted download or "
        "copy).",
        "Nothing to do for playback: the cut frame is shown as far as it goes, "
        "then EOS. Fetch the whole file to see the rest."},
    {GST_GIF_MSG_DEMUX_NO_IMAGES, "gifdemux", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, DEMUX), "This GIF file contains no images.",
        "how far the demuxer read (\"scanned N bytes\", \"end of stream after "
        "N bytes\", \"read N bytes\")",
        "The file has a valid header but no frame before its end or its "
        "damage.",
        "The file has nothing to show; check that it is complete."},
    {GST_GIF_MSG_DEMUX_READ_FAILED, "gifdemux", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, READ), "Could not read the file.",
        "the offset and the flow return of the failed pull_range",
        "In pull mode, upstream (e.g. `filesrc`) failed to deliver the bytes "
        "the demuxer asked for while indexing the file.",
        "Look for an earlier error from the source element (file removed, I/O "
        "error)."},
    {GST_GIF_MSG_DEMUX_MAP_FAILED, "gifdemux", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, READ), nullptr, "\"could not map input buffer\"",
        "An input buffer could not be mapped for reading (upstream's memory "
        "cannot be read by the CPU).",
        "Put a converter or a copy (e.g. `queue` after a hardware source) in "
        "front; report it if it happens after a plain `filesrc`."},
    {GST_GIF_MSG_DEMUX_LOOP_NO_TIME, "gifdemux", GST_MK_POST_WARNING,
        GST_MK_CODE (STREAM, DEMUX),
        "The GIF animation takes no time; it is played once instead of "
        "looping.",
        "the loop count and the number of frames",
        "`honor-loop=true`, and every frame delay is 0 after the delay policy "
        "(`min-delay=0`, or `default-delay=0`): replaying the animation would "
        "give frames without end, all at the same timestamp.",
        "To see the animation loop as a browser shows it, keep `min-delay` "
        "and `default-delay` at their defaults (2 and 10)."},
    {GST_GIF_MSG_DEMUX_NO_REVERSE, "gifdemux", GST_MK_POST_WARNING,
        GST_MK_CODE (CORE, SEEK),
        "gifdemux does not play backwards; the seek was refused.",
        "the rate asked for",
        "A seek with a negative rate. Most GIF frames depend on the frames "
        "before them (often only the first is a key frame), so playing "
        "backwards would mean keeping every decoded canvas of the animation "
        "in memory.",
        "Play forwards; to show an animation backwards, decode its frames and "
        "reverse them in the application (or re-encode it reversed)."},

    /* gifdec */
    {GST_GIF_MSG_DEC_NO_CODEC_DATA, "gifdec", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, FORMAT),
        "The GIF stream has no header (codec_data).",
        "\"gifdec decodes frames as gifdemux or gifenc deliver them: put "
        "gifdemux in front of it\"",
        "gifdec takes single frames with the GIF header in the caps' "
        "`codec_data`; it got `image/gif` caps without it (e.g. a whole file "
        "from a parser other than gifdemux).",
        "Put `gifdemux` in front of `gifdec` (or use `decodebin`)."},
    {GST_GIF_MSG_DEC_TOO_LARGE, "gifdec", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, DECODE), "This GIF is too large to decode: %s.",
        "\"raise the max-canvas-pixels property to accept it\"",
        "The screen in `codec_data` has more pixels than gifdec's "
        "`max-canvas-pixels`; `%s` names the size.",
        "If the stream is trusted and memory allows, raise `max-canvas-pixels` "
        "on gifdec (and on gifdemux)."},
    {GST_GIF_MSG_DEC_BAD_HEADER, "gifdec", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, DECODE), "The GIF header (codec_data) is damaged.",
        "the decoder's message, e.g. \"codec data holds no GIF header\"",
        "The caps' `codec_data` is not a GIF header + screen descriptor + "
        "global palette.",
        "Whatever made the caps is at fault: feed gifdec from gifdemux or "
        "gifenc."},
    {GST_GIF_MSG_DEC_DAMAGED_FRAME, "gifdec", GST_MK_POST_DECODER_ERROR,
        GST_MK_CODE (STREAM, DECODE), "A GIF frame is damaged.",
        "the frame index and the decoder's message, e.g. \"invalid LZW code "
        "4095 near byte 17 of the image data ...\", \"LZW minimum code size 11 "
        "is outside 2..8\", \"LZW data ended after 100 of 4096 pixels\"",
        "A frame's image data is corrupt or short. Counted against the "
        "decoder's `max-errors`; past that count it is an error. Below it, "
        "the first damaged frame of a stream is posted as a warning, the "
        "others are summed up in one warning at the end of the stream. "
        "Corrupt or short data is drawn as far as it goes; a frame that "
        "cannot be decoded at all is dropped.",
        "Nothing to do for playback with the default `max-errors=-1` (never "
        "fail). Set `max-errors` to N to stop after N damaged frames in a "
        "row."},
    {GST_GIF_MSG_DEC_NOT_NEGOTIATED, "gifdec", GST_MK_POST_ERROR,
        GST_MK_CODE (CORE, NEGOTIATION), nullptr, "\"frame before caps\"",
        "A frame arrived before the caps that configure the decoder (or after "
        "caps it refused).",
        "Look for an earlier error from gifdec; otherwise upstream is at "
        "fault."},
    {GST_GIF_MSG_DEC_MAP_INPUT_FAILED, "gifdec", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, READ), nullptr, "\"could not map input buffer\"",
        "An input buffer could not be mapped for reading.",
        "Report it with the pipeline."},
    {GST_GIF_MSG_DEC_MAP_OUTPUT_FAILED, "gifdec", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, WRITE), nullptr,
        "\"could not map output buffer\"",
        "An output buffer from downstream's pool could not be mapped for "
        "writing.",
        "Put `videoconvert` after gifdec so it allocates system memory; "
        "report it if that does not help."},
    {GST_GIF_MSG_DEC_NO_MEMORY, "gifdec", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, NO_SPACE_LEFT),
        "Not enough memory to decode this GIF: %s.",
        "where it happened (\"setting up the canvas\", \"decoding a frame\")",
        "An allocation failed: the canvas (4 bytes a pixel of the logical "
        "screen, 128 MiB at the default `max-canvas-pixels`), the copy a "
        "restore-previous frame needs, or a frame's LZW data and palette "
        "indexes. `%s` names what and how many bytes. Seen under an "
        "address-space limit (`ulimit -v`) or on small boards.",
        "Free memory or raise the limit; or lower `max-canvas-pixels` on "
        "gifdemux and gifdec so that such files are refused up front with a "
        "clear message."},
    {GST_GIF_MSG_DEC_NO_OUTPUT_BUFFERS, "gifdec", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, NO_SPACE_LEFT),
        "Could not allocate the decoder's output buffers (%s).",
        "\"the output buffer pool did not start\", \"the output buffer pool "
        "could not give a buffer\"",
        "The buffer pool for the decoded canvases (gifdec's own, or one "
        "downstream offered) could not allocate its first buffers, or one "
        "more while downstream holds the others: each holds a whole canvas. "
        "`%s` gives their size, and how many the pool allocates at the start "
        "or that it needed one more.",
        "Free memory or raise the limit (`ulimit -v`); lower "
        "`max-canvas-pixels` to refuse such screens up front."},
    {GST_GIF_MSG_DEC_DAMAGED_FRAMES, "gifdec", GST_MK_POST_WARNING,
        GST_MK_CODE (STREAM, DECODE), "%s GIF frames in all were damaged.",
        "\"the first was reported on its own\"",
        "Posted at the end of the stream when more than one frame was "
        "damaged: only the first damaged frame of a stream is posted as a "
        "warning of its own, the others are counted (a damaged file may hold "
        "thousands). Each is still logged, and still counts against "
        "`max-errors`.",
        "Nothing to do for playback; `GST_DEBUG=gifdec:4` lists every "
        "damaged frame."},

    /* gifenc */
    {GST_GIF_MSG_ENC_BAD_FORMAT, "gifenc", GST_MK_POST_ERROR,
        GST_MK_CODE (CORE, NEGOTIATION),
        "GIF encoding does not support the %s format.", "the caps",
        "The input caps have a pixel format gifenc does not take (its pad "
        "template keeps these out, so this is a bug elsewhere).",
        "Put `videoconvert` in front of gifenc."},
    {GST_GIF_MSG_ENC_BAD_SETTINGS, "gifenc", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, SETTINGS),
        "The GIF encoder settings are invalid: %s.", "the input size",
        "The encoder refused its settings; `%s` names the value and the "
        "allowed range (e.g. \"GIF screen size 70000x480 is outside "
        "1..65535\"), or memory ran out for the frame buffers.",
        "Change the named property, or scale the input (`videoscale`) to at "
        "most 65535 pixels a side."},
    {GST_GIF_MSG_ENC_ENCODE_FAILED, "gifenc", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, ENCODE), "Could not encode a GIF frame.",
        "the frame number and the encoder's message (\"no memory to encode a "
        "frame\", \"stride 10 is less than a row of 40 bytes\", \"RGB8P frame "
        "has no palette\")",
        "The encoder failed on a frame: out of memory, or a frame whose "
        "layout does not match its caps.",
        "Check memory; put `videoconvert` in front of gifenc when upstream "
        "sends odd layouts; otherwise report it with the debug text."},
    {GST_GIF_MSG_ENC_DOWNSTREAM_REFUSED, "gifenc", GST_MK_POST_ERROR,
        GST_MK_CODE (CORE, NEGOTIATION),
        "Downstream does not accept the GIF stream.", "none",
        "Downstream refused the `image/gif, parsed=true` caps with the "
        "stream's `codec_data`.",
        "Put `gifmux` (or another element that takes GIF frames) after "
        "gifenc."},
    {GST_GIF_MSG_ENC_NOT_NEGOTIATED, "gifenc", GST_MK_POST_ERROR,
        GST_MK_CODE (CORE, NEGOTIATION), nullptr, "\"frame before caps\"",
        "A frame arrived before caps configured the encoder (or after caps "
        "it refused).",
        "Look for an earlier error from gifenc; otherwise upstream is at "
        "fault."},
    {GST_GIF_MSG_ENC_MAP_FAILED, "gifenc", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, READ),
        "Could not read an input frame: it is smaller than its caps say, or "
        "its memory cannot be read.",
        "\"could not map input frame N\"",
        "An input frame could not be mapped for reading (memory the CPU "
        "cannot read, or a buffer smaller than its caps say).",
        "Put `videoconvert` in front of gifenc."},
    {GST_GIF_MSG_ENC_TIMESTAMP_BACKWARDS, "gifenc", GST_MK_POST_WARNING,
        GST_MK_CODE (STREAM, ENCODE),
        "The input timestamps went backwards; the frame before is shown for "
        "the shortest delay.",
        "the two timestamps and the delay given",
        "A frame's timestamp is earlier than the frame before it (a source "
        "restarting its clock, a badly joined stream). gifenc shows the "
        "frame before for 2 cs and goes on from the new timestamp. Posted "
        "once per stream (until a flush); later ones are logged.",
        "Put `videorate` or a timestamp fix in front of gifenc if the "
        "animation must keep the source's timing."},
    {GST_GIF_MSG_ENC_DELAY_CLAMPED, "gifenc", GST_MK_POST_WARNING,
        GST_MK_CODE (STREAM, ENCODE),
        "A frame shows longer than a GIF delay can say (655.35 s); it is "
        "shown for 655.35 s.",
        "the frame number and how long it should show",
        "The time from a frame to the next (or to the end of the stream) is "
        "over 65535 cs, the largest delay a GIF holds: a gap in the input, a "
        "still image with a long duration.",
        "Nothing to do if the animation may move on sooner; otherwise repeat "
        "the frame (e.g. `videorate`) so that no single frame lasts that "
        "long."},
    {GST_GIF_MSG_ENC_NO_DURATION, "gifenc", GST_MK_POST_WARNING,
        GST_MK_CODE (STREAM, ENCODE),
        "max-size needs the stream's duration, which upstream does not "
        "know: frames are coded at quality %s until the file is nearly "
        "full, then the picture stops.",
        "\"no duration from upstream\"",
        "Upstream answered a duration query neither in time nor in bytes it "
        "can convert to time (a live source, a pipe, `videotestsrc`). gifenc "
        "cannot share the budget out over the stream, so max-size becomes a "
        "ceiling: frames are coded at `quality` while they fit (lower as the "
        "file nears the limit), then left out. The file still never exceeds "
        "max-size.",
        "Use `bitrate` for live input, or give gifenc a stream with a "
        "duration (a file through a demuxer or a parser)."},
    {GST_GIF_MSG_ENC_MAX_SIZE_TOO_SMALL, "gifenc", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, SETTINGS),
        "max-size %s is too small: the header and the first frame alone "
        "take %s bytes.",
        "the frame number and its quality",
        "The first frame is coded at `quality` (the rate control learns "
        "from it, and its palette serves the stream); the GIF header, "
        "palette and that frame do not fit in max-size.",
        "Raise max-size, lower `quality` (the first frame's), or scale the "
        "input down (`videoscale`)."},

    /* gifmux */
    {GST_GIF_MSG_MUX_NO_CODEC_DATA, "gifmux", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, FORMAT),
        "The GIF stream has no header (codec_data).", "the caps",
        "gifmux writes frames with the GIF header taken from the caps' "
        "`codec_data`; the caps have none.",
        "Feed gifmux from `gifenc` or `gifdemux`."},
    {GST_GIF_MSG_MUX_BAD_CODEC_DATA, "gifmux", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, MUX), "The GIF header (codec_data) is damaged.",
        "the muxer's message, e.g. \"codec_data is 20 bytes; its header "
        "announces 781\"",
        "The caps' `codec_data` is not exactly a GIF header + screen "
        "descriptor + global palette.",
        "Whatever made the caps is at fault: feed gifmux from gifenc or "
        "gifdemux."},
    {GST_GIF_MSG_MUX_HEADER_CHANGED, "gifmux", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, MUX),
        "The GIF stream changed its screen size or global palette; a GIF file "
        "has one header, so this stream cannot go on in the same file.",
        "the new screen size and the number of frames written",
        "New caps with a different `codec_data` arrived after the header was "
        "written, e.g. gifenc restarted its stream because the input size "
        "changed.",
        "Keep the input size constant (`videoscale` with fixed caps in front "
        "of gifenc), or write a new file for the new size."},
    {GST_GIF_MSG_MUX_DAMAGED_FRAME, "gifmux", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, MUX), "A GIF frame is damaged.",
        "the frame number and the muxer's message, e.g. \"frame record has no "
        "image descriptor\", \"frame record: unexpected byte 0x07 at offset 0 "
        "where an extension, an image or the trailer should start\"",
        "A frame buffer is not a GIF frame record (extensions, image "
        "descriptor, image data).",
        "Feed gifmux from gifenc or gifdemux; when remuxing a damaged file, "
        "decode and re-encode it instead."},
    {GST_GIF_MSG_MUX_TRUNCATED_FRAME, "gifmux", GST_MK_POST_WARNING,
        GST_MK_CODE (STREAM, MUX),
        "A GIF frame is truncated; it is written as far as its data goes.",
        "the frame number",
        "A frame record ends inside its image data (e.g. the last frame of a "
        "cut file, remuxed); it is closed properly so the file stays valid.",
        "Nothing to do; the output is a valid GIF with the frame as far as "
        "it went."},
    {GST_GIF_MSG_MUX_NO_FRAMES, "gifmux", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, MUX), "No GIF frames to write.",
        "\"end of stream before the first frame\"",
        "The stream ended before any frame: a GIF file needs at least one "
        "image.",
        "Check upstream (e.g. `num-buffers`, an empty source, or every frame "
        "dropped before gifenc)."},
    {GST_GIF_MSG_MUX_NOT_NEGOTIATED, "gifmux", GST_MK_POST_ERROR,
        GST_MK_CODE (CORE, NEGOTIATION), nullptr, "\"frame before caps\"",
        "A frame arrived before the caps with the GIF header (or after caps "
        "gifmux refused).",
        "Look for an earlier error from gifmux; otherwise upstream is at "
        "fault."},
    {GST_GIF_MSG_MUX_MAP_FAILED, "gifmux", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, READ), nullptr, "\"could not map input buffer\"",
        "An input buffer could not be mapped for reading.",
        "Report it with the pipeline."},
};

G_STATIC_ASSERT (G_N_ELEMENTS (gif_messages) == GST_GIF_MSG_COUNT);

const GstMkMessage *
gst_gif_messages (void)
{
  return gif_messages;
}
