#include "video/input_video.h"

#include <sys/stat.h>

#include <cmath>

#include "video/frame_convert.h"

namespace faceveil::video {
namespace {

bool IsAttachedPicture(const AVStream* s) {
  return (s->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
}

int FindVideoStream(AVFormatContext* fmt) {
  int best = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (best >= 0 && !IsAttachedPicture(fmt->streams[best])) return best;
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    const AVStream* s = fmt->streams[i];
    if (s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
        !IsAttachedPicture(s)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace

Result<std::unique_ptr<InputVideo>> InputVideo::Open(
    const std::string& path, const VideoOptions& options) {
  InitAvLogging();
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return Status::NotFound(path);
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(path + " is not a regular file");
  }

  std::unique_ptr<InputVideo> in(new InputVideo());
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (err < 0) {
    if (err == AVERROR_INVALIDDATA) {
      return Status::Corrupt(path + ": not a video file, or damaged (" +
                             AvErrorText(err) + ")");
    }
    return AvStatus(err, "opening " + path);
  }
  in->format_.reset(raw);
  err = avformat_find_stream_info(raw, nullptr);
  if (err < 0) {
    return Status::Corrupt(path + ": cannot read its streams (" +
                           AvErrorText(err) + ")");
  }

  in->stream_index_ = FindVideoStream(raw);
  if (in->stream_index_ < 0) {
    return Status::Unsupported(path + " has no video stream");
  }
  AVStream* stream = in->stream();
  const AVCodecParameters* par = stream->codecpar;
  if (par->width <= 0 || par->height <= 0) {
    return Status::Corrupt(path + ": video stream has no frame size");
  }
  if (int64_t{par->width} * par->height > options.max_pixels) {
    return Status::TooLarge(path + ": frames of " + std::to_string(par->width) +
                            "x" + std::to_string(par->height) +
                            " exceed the limit of " +
                            std::to_string(options.max_pixels) + " pixels");
  }
  in->width_ = par->width;
  in->height_ = par->height;
  in->rotation_ = DisplayRotationDegrees(stream);

  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (codec == nullptr) {
    return Status::Unsupported(path + ": no decoder for video codec " +
                               avcodec_get_name(par->codec_id));
  }
  in->decoder_.reset(avcodec_alloc_context3(codec));
  if (!in->decoder_) return Status::TooLarge("out of memory for a decoder");
  AVCodecContext* dec = in->decoder_.get();
  err = avcodec_parameters_to_context(dec, par);
  if (err < 0) return AvStatus(err, "configuring the video decoder");
  dec->pkt_timebase = stream->time_base;
  dec->thread_count = options.codec_threads;
  err = avcodec_open2(dec, codec, nullptr);
  if (err < 0) {
    return AvStatus(err,
                    std::string("opening the ") + codec->name + " decoder");
  }
  return in;
}

double InputVideo::duration_s() const {
  if (format_->duration > 0) {
    return static_cast<double>(format_->duration) / AV_TIME_BASE;
  }
  const AVStream* s = stream();
  if (s->duration > 0) return s->duration * av_q2d(s->time_base);
  return 0;
}

int64_t InputVideo::FrameCount(bool* estimated) const {
  const AVStream* s = stream();
  *estimated = false;
  if (s->nb_frames > 0) return s->nb_frames;
  *estimated = true;
  AVRational rate = s->avg_frame_rate;
  if (rate.num <= 0 || rate.den <= 0) rate = s->r_frame_rate;
  const double duration = duration_s();
  if (rate.num <= 0 || rate.den <= 0 || duration <= 0) return 0;
  return static_cast<int64_t>(std::llround(duration * av_q2d(rate)));
}

double InputVideo::SecondsFromStart(int64_t pts) const {
  const AVStream* s = stream();
  if (pts == AV_NOPTS_VALUE) return 0;
  int64_t start = s->start_time == AV_NOPTS_VALUE ? 0 : s->start_time;
  return (pts - start) * av_q2d(s->time_base);
}

}  // namespace faceveil::video
