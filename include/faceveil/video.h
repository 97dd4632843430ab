// Video transcoding with a per-frame hook: every video frame of a file is
// decoded, handed upright as 8-bit BGR to a FrameProcessor (which may change
// its pixels in place, e.g. to anonymize faces) and re-encoded; audio
// streams are copied untouched, subtitles only when asked.
//
//   class Blur : public faceveil::FrameProcessor {
//     faceveil::Status Process(cv::Mat& bgr, int64_t index, double t) override;
//   };
//   Blur blur;
//   auto stats = faceveil::TranscodeVideo("in.mp4", "out.mp4", {}, blur);
//
// What is kept and what is not:
//  - Video is re-encoded: H.264 (libx264, yuv420p 8-bit; 10-bit and 4:2:2 or
//    4:4:4 input becomes 8-bit 4:2:0) for every container but WebM, which
//    only allows VP8/VP9/AV1 and gets VP9 (libvpx-vp9). Odd frame sizes are
//    scaled to the next smaller even size, as 4:2:0 requires.
//  - Frame timestamps (variable frame rate included), frame count and
//    duration are kept: each output frame has the pts of its input frame.
//    A container that cannot start below zero (Matroska) may shift every
//    stream by the same few milliseconds (audio priming); sync is kept.
//  - Rotation: a display matrix (phone videos held upright) is honoured: the
//    processor always sees the frame as a player shows it (BlazeFace needs
//    upright faces). MP4/MOV output stores the pixels in their original
//    orientation with the same display matrix; other containers cannot carry
//    one, so they get the upright pixels and no matrix. Mirroring in a
//    display matrix is ignored.
//  - Audio streams are stream-copied (bit-identical packets and
//    timestamps). Subtitle streams are dropped unless `keep_subtitles`
//    (drones write GPS telemetry as subtitles); kept, they are copied the
//    same way. A stream the output container cannot hold is an error
//    (kUnsupported, naming a container that can) unless
//    `drop_unsupported_streams`. Data streams (timecode, GoPro GPMF telemetry
//    with GPS, ...) and attachments are dropped: they can locate a person.
//    Other video streams (a second angle, cover art) are dropped too: only
//    the main one is processed and the others could show faces. Subtitles
//    are not converted between formats (SubRip cannot go into MP4: use .mkv).
//    VideoStats counts what was dropped, by kind.
//  - Threads: demux + decode, the processor, and encode + mux run at the
//    same time, joined by queues of `queue_frames` frames. The processor
//    gets frames one at a time, in order (a tracker needs order). Work that
//    needs no order (face detection) can go in FrameProcessor::Prepare(),
//    which `prepare_threads` workers run up to `lookahead_frames` ahead.
//  - Metadata: see VideoOptions::keep_metadata. Location, device make/model/
//    software and any key not on the allow-list are never written.
//  - The output is written to a temporary file beside it (base/temp_file.h,
//    mode 0644 less the umask, as photos) and renamed only when complete; on
//    any failure nothing is left at `output_path`, and a front end that
//    calls RemoveTemporaryFiles() (faceveil/file_io.h) when stopped leaves
//    no temporary file either.
#ifndef FACEVEIL_VIDEO_H_
#define FACEVEIL_VIDEO_H_

#include <cstdint>
#include <functional>
#include <opencv2/core/mat.hpp>
#include <string>

#include "faceveil/status.h"

namespace faceveil {

// The per-frame work. TranscodeVideo calls Process() once per video frame,
// in presentation order, from one thread at a time (not necessarily the
// caller's), so a processor may keep state between frames (e.g. a tracker).
class FrameProcessor {
 public:
  virtual ~FrameProcessor() = default;

  // `bgr` is an upright 8-bit 3-channel frame; changes to its pixels are
  // encoded. Its size must not change. `frame_index` counts decoded frames
  // from 0; `time_s` is the frame's presentation time in seconds from the
  // start of the stream. A non-OK Status stops the transcode and is
  // returned by TranscodeVideo (with context).
  virtual Status Process(cv::Mat& bgr, int64_t frame_index, double time_s) = 0;

  // Optional first step for work that needs no other frame, such as face
  // detection. Called exactly once per frame, before Process() of that
  // frame, with the same arguments and a read-only frame. With
  // VideoOptions::prepare_threads > 0 it runs on that many worker threads,
  // concurrently and out of order, up to VideoOptions::lookahead_frames
  // ahead of Process(): an override must be thread-safe and keep its result
  // (keyed by frame_index) for Process(). With 0 it runs on the processing
  // thread right before Process(). A non-OK Status stops the transcode as
  // one from Process() does.
  virtual Status Prepare(const cv::Mat& bgr, int64_t frame_index,
                         double time_s) {
    (void)bgr, (void)frame_index, (void)time_s;
    return Status::Ok();
  }

  // How many frames past frame i must have been prepared before Process(i)
  // is called (fewer at the end of the input), so that Process() can use a
  // later frame's Prepare() result: e.g. hide a face the next key frame
  // detects in the frames before it too. Only with
  // VideoOptions::prepare_threads > 0, and at most lookahead_frames - 1;
  // read once, when the transcode starts.
  virtual int PreparedAhead() const { return 0; }
};

// Adapts a callable to a FrameProcessor.
class FrameFunction : public FrameProcessor {
 public:
  using Fn = std::function<Status(cv::Mat&, int64_t, double)>;
  explicit FrameFunction(Fn fn) : fn_(std::move(fn)) {}
  Status Process(cv::Mat& bgr, int64_t frame_index, double time_s) override {
    return fn_(bgr, frame_index, time_s);
  }

 private:
  Fn fn_;
};

struct VideoOptions {
  // x264 constant rate factor: 0 lossless, 18 visually lossless, 23 x264's
  // default, 51 worst. For WebM (VP9) the same number is used as VP9's crf
  // (0-63).
  int crf = 20;

  // x264 preset: ultrafast, superfast, veryfast, faster, fast, medium, slow,
  // slower, veryslow. Slower presets compress better at the same quality.
  // For VP9 it maps to cpu-used (ultrafast 8 ... veryslow 0). superfast:
  // at 1080p it needs 20% less CPU than veryfast for decode + encode
  // (bench/video_bench.cpp) and keeps CABAC; ultrafast needs half but
  // writes much larger files.
  std::string preset = "superfast";

  // Replace an existing file at the output path. When false, an existing
  // output is an error (kInvalidArgument) and is left untouched.
  bool overwrite = false;

  // The output path is the input itself (faceveil anonymize --in-place):
  // the input is read while its replacement is written beside it, and
  // renamed over it only when complete, so the input is either untouched
  // or wholly replaced. When false, an output that is the input is an error
  // (kInvalidArgument); when true, an output that is not is one.
  bool in_place = false;

  // Copy subtitle streams (stream-copied like audio). false (default):
  // they are dropped, because drones (DJI and others) and dash cameras
  // write per-frame GPS position, altitude and time as a subtitle track.
  // true keeps them as they are: a possible location leak.
  bool keep_subtitles = false;

  // false (default): no container or stream metadata is copied except each
  // stream's language (needed to pick audio and subtitle tracks).
  // true: also copy an allow-list of descriptive tags: title, comment,
  // description, copyright, artist, album, genre, date, creation_time, and
  // each stream's title and handler name. Location, device make/model/
  // software and everything else are dropped either way.
  bool keep_metadata = false;

  // Drop audio/subtitle streams the output container cannot hold (instead
  // of failing with kUnsupported).
  bool drop_unsupported_streams = false;

  // Video packets that may fail to decode (each is skipped, its frames
  // lost) before the transcode fails with kCorrupt. A file that ends before
  // its index says it should (truncated) counts as one error. 0: any damage
  // is an error, so a damaged input never yields a silently shorter output.
  int max_decode_errors = 0;

  // Frames larger than this many pixels (width x height) are refused with
  // kTooLarge before any memory is allocated for them. Default: 8K UHD.
  int64_t max_pixels = int64_t{7680} * 4320;

  // Frames buffered between the decode, process and encode threads (per
  // queue). Bounds memory: each 1080p frame is ~6 MB.
  int queue_frames = 4;

  // Threads for the decoder and for the encoder each; 0 lets FFmpeg choose
  // from the number of CPUs.
  int codec_threads = 0;

  // Worker threads running FrameProcessor::Prepare(); 0: none (Prepare()
  // runs in order on the processing thread).
  int prepare_threads = 0;

  // How many frames Prepare() may run ahead of Process() (decoded frames
  // being prepared or waiting for Process()). With detection on every n-th
  // frame, about 2n lets two detections overlap. Each 1080p frame held is
  // ~6 MB. At least 1.
  int lookahead_frames = 8;
};

struct VideoProgress {
  int64_t frames_done = 0;   // frames processed so far, in order
  double time_s = 0;         // presentation time of the last processed frame
  double duration_s = 0;     // the input's duration; 0 when unknown
  int64_t frames_total = 0;  // frames expected in all; 0 when unknown
  bool frames_total_estimated = false;  // from duration x frame rate
};

// Called on the thread that runs the processor after each frame; return
// false to cancel (TranscodeVideo then fails with kInvalidArgument
// "cancelled" and leaves no output).
using ProgressCallback = std::function<bool(const VideoProgress&)>;

struct VideoStats {
  int64_t frames = 0;           // video frames decoded, processed, encoded
  int width = 0;                // frame size the processor saw (upright)
  int height = 0;               //
  int rotation_degrees = 0;     // clockwise display rotation: 0/90/180/270
  double duration_s = 0;        // input duration; 0 when unknown
  int decode_errors = 0;        // packets skipped, see max_decode_errors
  int streams_copied = 0;       // audio (+ subtitle) streams copied
  int streams_dropped = 0;      // every stream not copied, the ones below too
  int subtitles_dropped = 0;    // subtitle streams (keep_subtitles false)
  int videos_dropped = 0;       // video streams besides the main one
  int data_dropped = 0;         // data streams and attachments
  int unsupported_dropped = 0;  // drop_unsupported_streams: audio/subtitle
  std::string video_codec;      // name of the input video codec
  int64_t output_bytes = 0;     // size of the written file
};

// Transcodes `input_path` to `output_path` (container chosen by the output's
// extension: .mp4, .m4v, .mov, .mkv, .webm, .avi). `processor` must stay
// valid until this returns. Errors: kNotFound (no input), kInvalidArgument
// (output exists, unknown extension, output is the input without in_place),
// kCorrupt (not a video or damaged, see max_decode_errors), kUnsupported (no
// video stream, codec without decoder, stream the container cannot hold),
// kTooLarge, kIoError, or the processor's own error.
Result<VideoStats> TranscodeVideo(const std::string& input_path,
                                  const std::string& output_path,
                                  const VideoOptions& options,
                                  FrameProcessor& processor,
                                  const ProgressCallback& progress = {});

// When anonymizing a video, full face detection runs on every this-many-th
// frame (a key frame) unless told otherwise; tracking and look-ahead (the
// frames before a key frame hide the new faces it finds) cover the frames
// between (src/app/video_job.h). A longer interval is cheaper but leaves
// fast motion between key frames to the tracker's predicted boxes alone.
inline constexpr int kDefaultVideoDetectEvery = 4;

// True when `path`'s extension names a container TranscodeVideo writes.
bool IsVideoPath(const std::string& path);

}  // namespace faceveil

#endif  // FACEVEIL_VIDEO_H_
