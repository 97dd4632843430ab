// The input side of a transcode: the opened container, the chosen video
// stream and its decoder.
#ifndef FACEVEIL_VIDEO_INPUT_VIDEO_H_
#define FACEVEIL_VIDEO_INPUT_VIDEO_H_

#include <memory>
#include <string>

#include "faceveil/status.h"
#include "faceveil/video.h"
#include "video/av_common.h"

namespace faceveil::video {

class InputVideo {
 public:
  // Opens `path`, probes its streams and opens a decoder for its main video
  // stream (cover art and other attached pictures are not candidates).
  static Result<std::unique_ptr<InputVideo>> Open(const std::string& path,
                                                  const VideoOptions& options);

  AVFormatContext* format() const { return format_.get(); }
  AVCodecContext* decoder() const { return decoder_.get(); }
  AVStream* stream() const { return format_->streams[stream_index_]; }
  int stream_index() const { return stream_index_; }

  // Stored frame size (before rotation).
  int width() const { return width_; }
  int height() const { return height_; }
  // Clockwise quarter turns, in degrees, that make frames upright.
  int rotation() const { return rotation_; }
  // Container duration in seconds; 0 when unknown.
  double duration_s() const;
  // Frames the stream holds: the container's count when it has one
  // (exact), else duration x average frame rate (an estimate); 0 when
  // neither is known. `estimated` says which.
  int64_t FrameCount(bool* estimated) const;
  // Presentation time, in seconds from the stream's start, of `pts`.
  double SecondsFromStart(int64_t pts) const;

 private:
  InputVideo() = default;
  InputFormatPtr format_;
  CodecContextPtr decoder_;
  int stream_index_ = -1;
  int width_ = 0;
  int height_ = 0;
  int rotation_ = 0;
};

}  // namespace faceveil::video

#endif  // FACEVEIL_VIDEO_INPUT_VIDEO_H_
