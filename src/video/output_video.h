// The output side of a transcode: the muxer, the video encoder and the map
// of stream-copied audio/subtitle streams. Packets may be written from two
// threads (copied packets from the demuxer's, encoded ones from the
// encoder's); the muxer is guarded by a mutex.
#ifndef FACEVEIL_VIDEO_OUTPUT_VIDEO_H_
#define FACEVEIL_VIDEO_OUTPUT_VIDEO_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "faceveil/status.h"
#include "faceveil/video.h"
#include "video/av_common.h"
#include "video/input_video.h"

namespace faceveil::video {

// True when the extension of `path` names a container OutputVideo writes.
bool IsSupportedOutputPath(const std::string& path);

class OutputVideo {
 public:
  // Sets up the muxer for `final_path`'s container, the encoder and the
  // copied streams, and writes the header. The file is written through
  // `fd` (open for reading and writing, owned by the caller: a TempFile's),
  // never opened by name, so it is exactly the file the caller created.
  // *in must outlive the OutputVideo.
  static Result<std::unique_ptr<OutputVideo>> Open(
      const std::string& final_path, int fd, const InputVideo& in,
      const VideoOptions& options);

  // Frame size and pixel format the encoder takes.
  int width() const { return encoder_->width; }
  int height() const { return encoder_->height; }
  AVPixelFormat pixel_format() const { return encoder_->pix_fmt; }
  // Clockwise degrees to turn upright frames back before encoding: the
  // input's rotation when the container keeps its display matrix, else 0.
  int unrotate_degrees() const { return unrotate_; }

  // Streams of the input left out of the output, by kind.
  struct Dropped {
    int subtitles = 0;    // VideoOptions::keep_subtitles false
    int videos = 0;       // video streams besides the main one
    int data = 0;         // data streams, attachments, unknown kinds
    int unsupported = 0;  // audio/subtitles the container cannot hold
    int total() const { return subtitles + videos + data + unsupported; }
  };
  int streams_copied() const { return streams_copied_; }
  const Dropped& dropped() const { return dropped_; }

  // Writes a packet of input stream `packet->stream_index` if that stream
  // is copied; other packets are ignored. Thread-safe.
  Status WriteCopiedPacket(AVPacket* packet);

  // Encodes `frame` (pts and duration in the input video stream's time
  // base), or flushes the encoder when null. Call from one thread only.
  Status EncodeFrame(AVFrame* frame);

  // Writes the trailer and flushes it to the descriptor (which stays
  // open). Call once, after the encoder's flush.
  Status Finish();

 private:
  OutputVideo() = default;
  Status AddCopiedStreams(const VideoOptions& options);
  Status WritePacket(AVPacket* packet, AVRational from);

  const InputVideo* in_ = nullptr;
  OutputFormatPtr format_;
  CodecContextPtr encoder_;
  AVStream* video_stream_ = nullptr;
  std::vector<int> copied_index_;  // input stream -> output stream or -1
  int streams_copied_ = 0;
  Dropped dropped_;
  int unrotate_ = 0;
  bool strip_codec_delay_ = false;  // see Open()
  int64_t last_pts_ = AV_NOPTS_VALUE;
  std::map<int64_t, int64_t> durations_;  // pts -> duration, frames in flight
  PacketPtr encoded_;
  std::mutex mux_mutex_;
};

}  // namespace faceveil::video

#endif  // FACEVEIL_VIDEO_OUTPUT_VIDEO_H_
