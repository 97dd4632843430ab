// RAII owners for FFmpeg objects and the translation of FFmpeg error codes
// into Status. Every av* object the video part allocates lives in one of
// these, so no early return leaks or double-frees.
#ifndef FACEVEIL_VIDEO_AV_COMMON_H_
#define FACEVEIL_VIDEO_AV_COMMON_H_

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libswscale/swscale.h>
}

#include <memory>
#include <string>

#include "faceveil/status.h"

namespace faceveil::video {

struct InputFormatDeleter {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
// Closes the output's AVIOContext too, if one was opened; a custom one
// (AVFMT_FLAG_CUSTOM_IO) is freed without closing its descriptor.
struct OutputFormatDeleter {
  void operator()(AVFormatContext* c) const;
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};

using InputFormatPtr = std::unique_ptr<AVFormatContext, InputFormatDeleter>;
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

// An AVDictionary freed on scope exit (for codec/format open options).
class Dictionary {
 public:
  Dictionary() = default;
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;
  ~Dictionary() { av_dict_free(&dict_); }
  void Set(const char* key, const std::string& value) {
    av_dict_set(&dict_, key, value.c_str(), 0);
  }
  AVDictionary** get() { return &dict_; }

 private:
  AVDictionary* dict_ = nullptr;
};

// FFmpeg's message for an AVERROR code.
std::string AvErrorText(int err);

// A Status for a failed FFmpeg call: "<what>: <FFmpeg's message>", with a
// code chosen from the error (missing file -> kNotFound, invalid data ->
// kCorrupt, no memory -> kTooLarge, I/O -> kIoError, else kInternal).
Status AvStatus(int err, const std::string& what);

// Quiets FFmpeg's logging to errors only, once per process; the library
// reports through Status instead of stderr chatter.
void InitAvLogging();

}  // namespace faceveil::video

#endif  // FACEVEIL_VIDEO_AV_COMMON_H_
