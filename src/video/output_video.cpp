#include "video/output_video.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string_view>

extern "C" {
#include <libavutil/opt.h>
}

#include "video/metadata_policy.h"

namespace faceveil::video {
namespace {

struct Container {
  std::string_view extension;  // lower case, with the dot
  const char* muxer;           // FFmpeg's muxer name
  const char* encoder;         // video encoder
  bool display_matrix;         // the muxer stores a stream display matrix
};

// WebM only admits VP8/VP9/AV1 video; VP9 is the best of those libavcodec
// encodes at a usable speed here.
constexpr std::array<Container, 6> kContainers = {{
    {".mp4", "mp4", "libx264", true},
    {".m4v", "mp4", "libx264", true},
    {".mov", "mov", "libx264", true},
    {".mkv", "matroska", "libx264", false},
    {".webm", "webm", "libvpx-vp9", false},
    {".avi", "avi", "libx264", false},
}};

const Container* FindContainer(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const Container& c : kContainers) {
    if (c.extension == ext) return &c;
  }
  return nullptr;
}

// libvpx's cpu-used for an x264 preset name: the same speed/size trade-off.
int VpxCpuUsed(const std::string& preset) {
  static constexpr std::array<std::string_view, 9> kPresets = {
      "veryslow", "slower",   "slow",      "medium",   "fast",
      "faster",   "veryfast", "superfast", "ultrafast"};
  for (size_t i = 0; i < kPresets.size(); ++i) {
    if (kPresets[i] == preset) return static_cast<int>(i);
  }
  return 6;
}

// The container that holds every common audio and subtitle codec.
constexpr const char* kUniversalContainer = ".mkv";

// The muxer's I/O on a descriptor (the opaque pointer carries it). FFmpeg
// 5.1's callbacks take a non-const buffer.
int WriteToFd(void* opaque, uint8_t* buf, int size) {
  const int fd = static_cast<int>(reinterpret_cast<intptr_t>(opaque));
  int done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, buf + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return AVERROR(errno);
    }
    done += static_cast<int>(n);
  }
  return done;
}

int64_t SeekFd(void* opaque, int64_t offset, int whence) {
  const int fd = static_cast<int>(reinterpret_cast<intptr_t>(opaque));
  if (whence & AVSEEK_SIZE) {
    struct stat st;
    if (::fstat(fd, &st) != 0) return AVERROR(errno);
    return st.st_size;
  }
  const off_t at = ::lseek(fd, offset, whence & ~AVSEEK_FORCE);
  return at < 0 ? AVERROR(errno) : at;
}

// Buffer of the muxer's I/O context.
constexpr int kIoBufferBytes = 1 << 16;

}  // namespace

bool IsSupportedOutputPath(const std::string& path) {
  return FindContainer(path) != nullptr;
}

Result<std::unique_ptr<OutputVideo>> OutputVideo::Open(
    const std::string& final_path, int fd, const InputVideo& in,
    const VideoOptions& options) {
  const Container* container = FindContainer(final_path);
  if (container == nullptr) {
    return Status::InvalidArgument(
        final_path +
        ": unknown video container (use .mp4, .m4v, .mov, .mkv, .webm or "
        ".avi)");
  }
  std::unique_ptr<OutputVideo> out(new OutputVideo());
  out->in_ = &in;
  AVFormatContext* raw = nullptr;
  int err = avformat_alloc_output_context2(&raw, nullptr, container->muxer,
                                           final_path.c_str());
  if (err < 0 || raw == nullptr) return AvStatus(err, "creating the muxer");
  out->format_.reset(raw);
  out->encoded_.reset(av_packet_alloc());
  if (!out->encoded_) return Status::TooLarge("out of memory for a packet");

  // Video encoder.
  const AVCodec* codec = avcodec_find_encoder_by_name(container->encoder);
  if (codec == nullptr) {
    return Status::Unsupported(std::string("encoder ") + container->encoder +
                               " is not available in this FFmpeg");
  }
  out->encoder_.reset(avcodec_alloc_context3(codec));
  if (!out->encoder_) return Status::TooLarge("out of memory for an encoder");
  AVCodecContext* enc = out->encoder_.get();
  const AVStream* in_stream = in.stream();
  const AVCodecParameters* in_par = in_stream->codecpar;
  bool keep_matrix = container->display_matrix && in.rotation() != 0;
  bool quarter_turn = in.rotation() == 90 || in.rotation() == 270;
  out->unrotate_ = keep_matrix ? (360 - in.rotation()) % 360 : 0;
  bool swap = quarter_turn && !keep_matrix;
  // 4:2:0 needs even sizes.
  enc->width = (swap ? in.height() : in.width()) & ~1;
  enc->height = (swap ? in.width() : in.height()) & ~1;
  if (enc->width < 2 || enc->height < 2) {
    return Status::Unsupported("video frames are too small to encode");
  }
  enc->pix_fmt = AV_PIX_FMT_YUV420P;
  enc->color_range = AVCOL_RANGE_MPEG;
  enc->color_primaries = in_par->color_primaries;
  enc->color_trc = in_par->color_trc;
  enc->colorspace = in_par->color_space;
  AVRational sar = in_par->sample_aspect_ratio;
  if (sar.num > 0 && sar.den > 0) {
    enc->sample_aspect_ratio = swap ? AVRational{sar.den, sar.num} : sar;
  }
  // Encoding in the input's time base keeps every pts exact (VFR too).
  enc->time_base = in_stream->time_base;
  if (enc->time_base.num <= 0 || enc->time_base.den <= 0) {
    enc->time_base = AVRational{1, 90000};
  }
  AVRational rate = av_guess_frame_rate(
      in.format(), const_cast<AVStream*>(in_stream), nullptr);
  if (rate.num > 0 && rate.den > 0) enc->framerate = rate;
  enc->thread_count = options.codec_threads;
  if (raw->oformat->flags & AVFMT_GLOBALHEADER) {
    enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  }
  Dictionary enc_opts;
  if (std::string_view(container->encoder) == "libvpx-vp9") {
    enc->bit_rate = 0;  // constant quality
    enc_opts.Set("crf", std::to_string(std::clamp(options.crf, 0, 63)));
    enc_opts.Set("deadline", "good");
    enc_opts.Set("cpu-used", std::to_string(VpxCpuUsed(options.preset)));
    enc_opts.Set("row-mt", "1");
  } else {
    enc_opts.Set("crf", std::to_string(std::clamp(options.crf, 0, 51)));
    enc_opts.Set("preset", options.preset);
  }
  err = avcodec_open2(enc, codec, enc_opts.get());
  if (err < 0) {
    return AvStatus(err, std::string("opening the ") + codec->name +
                             " encoder (preset '" + options.preset + "')");
  }
  out->video_stream_ = avformat_new_stream(raw, nullptr);
  if (out->video_stream_ == nullptr) return Status::TooLarge("out of memory");
  AVStream* vs = out->video_stream_;
  err = avcodec_parameters_from_context(vs->codecpar, enc);
  if (err < 0) return AvStatus(err, "configuring the video stream");
  vs->time_base = enc->time_base;
  vs->avg_frame_rate = in_stream->avg_frame_rate;
  vs->disposition = in_stream->disposition;
  CopyAllowedMetadata(in_stream->metadata, &vs->metadata,
                      MetadataScope::kStream, options.keep_metadata);
  if (keep_matrix) {
    size_t size = 0;
    const uint8_t* matrix =
        av_stream_get_side_data(in_stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    uint8_t* copy =
        av_stream_new_side_data(vs, AV_PKT_DATA_DISPLAYMATRIX, size);
    if (copy == nullptr) return Status::TooLarge("out of memory");
    std::memcpy(copy, matrix, size);
  }

  // libavformat 59's Matroska muxer writes a stream's priming (codec delay,
  // e.g. Opus pre-skip) into the header but does not offset the copied
  // timestamps by it, so each remux moved that audio earlier by the delay
  // (6.5 ms for Opus). The timestamps already account for priming, and the
  // decoder reads Opus pre-skip from the codec header, so no delay is written.
  out->strip_codec_delay_ = std::string_view(container->muxer) == "matroska" ||
                            std::string_view(container->muxer) == "webm";
  FACEVEIL_RETURN_IF_ERROR(out->AddCopiedStreams(options));
  CopyAllowedMetadata(in.format()->metadata, &raw->metadata,
                      MetadataScope::kContainer, options.keep_metadata);

  auto* buffer = static_cast<unsigned char*>(av_malloc(kIoBufferBytes));
  if (buffer == nullptr) return Status::TooLarge("out of memory");
  raw->pb = avio_alloc_context(buffer, kIoBufferBytes, /*write_flag=*/1,
                               reinterpret_cast<void*>(intptr_t{fd}), nullptr,
                               WriteToFd, SeekFd);
  if (raw->pb == nullptr) {
    av_free(buffer);
    return Status::TooLarge("out of memory");
  }
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  err = avformat_write_header(raw, nullptr);
  if (err < 0) return AvStatus(err, "writing the " + final_path + " header");
  return out;
}

Status OutputVideo::AddCopiedStreams(const VideoOptions& options) {
  AVFormatContext* in_fmt = in_->format();
  AVFormatContext* fmt = format_.get();
  copied_index_.assign(in_fmt->nb_streams, -1);
  for (unsigned i = 0; i < in_fmt->nb_streams; ++i) {
    if (static_cast<int>(i) == in_->stream_index()) continue;
    const AVStream* s = in_fmt->streams[i];
    AVMediaType type = s->codecpar->codec_type;
    // Only the main video stream is anonymized; any other picture stream
    // (a second angle, cover art) could show a face, and data streams or
    // attachments can carry GPS telemetry. None of them is copied, nor are
    // subtitles unless asked for: drones write their GPS track as one.
    if (type == AVMEDIA_TYPE_VIDEO) {
      ++dropped_.videos;
      continue;
    }
    if (type == AVMEDIA_TYPE_SUBTITLE && !options.keep_subtitles) {
      ++dropped_.subtitles;
      continue;
    }
    if (type != AVMEDIA_TYPE_AUDIO && type != AVMEDIA_TYPE_SUBTITLE) {
      ++dropped_.data;
      continue;
    }
    AVCodecID id = s->codecpar->codec_id;
    if (avformat_query_codec(fmt->oformat, id, FF_COMPLIANCE_NORMAL) == 0) {
      if (options.drop_unsupported_streams) {
        ++dropped_.unsupported;
        continue;
      }
      return Status::Unsupported(
          std::string("the ") + fmt->oformat->name + " container cannot hold " +
          (type == AVMEDIA_TYPE_AUDIO ? "audio" : "subtitle") + " stream #" +
          std::to_string(i) + " (" + avcodec_get_name(id) + "); write " +
          kUniversalContainer + " instead, or drop such streams");
    }
    AVStream* os = avformat_new_stream(fmt, nullptr);
    if (os == nullptr) return Status::TooLarge("out of memory");
    int err = avcodec_parameters_copy(os->codecpar, s->codecpar);
    if (err < 0) return AvStatus(err, "copying stream parameters");
    os->codecpar->codec_tag = 0;  // let the muxer pick its own tag
    if (strip_codec_delay_) os->codecpar->initial_padding = 0;
    os->time_base = s->time_base;
    os->disposition = s->disposition;
    CopyAllowedMetadata(s->metadata, &os->metadata, MetadataScope::kStream,
                        options.keep_metadata);
    copied_index_[i] = os->index;
    ++streams_copied_;
  }
  return Status::Ok();
}

Status OutputVideo::WritePacket(AVPacket* packet, AVRational from) {
  std::lock_guard<std::mutex> lock(mux_mutex_);
  AVStream* os = format_->streams[packet->stream_index];
  av_packet_rescale_ts(packet, from, os->time_base);
  packet->pos = -1;
  int err = av_interleaved_write_frame(format_.get(), packet);
  if (err < 0) return AvStatus(err, "writing a packet");
  return Status::Ok();
}

Status OutputVideo::WriteCopiedPacket(AVPacket* packet) {
  int index = packet->stream_index;
  if (index < 0 || index >= static_cast<int>(copied_index_.size()) ||
      copied_index_[index] < 0) {
    return Status::Ok();
  }
  AVRational from = in_->format()->streams[index]->time_base;
  packet->stream_index = copied_index_[index];
  return WritePacket(packet, from);
}

Status OutputVideo::EncodeFrame(AVFrame* frame) {
  AVCodecContext* enc = encoder_.get();
  if (frame != nullptr) {
    // Encoders need strictly increasing pts; a broken input may repeat one.
    if (frame->pts == AV_NOPTS_VALUE) {
      frame->pts = last_pts_ == AV_NOPTS_VALUE ? 0 : last_pts_ + 1;
    } else if (last_pts_ != AV_NOPTS_VALUE && frame->pts <= last_pts_) {
      frame->pts = last_pts_ + 1;
    }
    last_pts_ = frame->pts;
    durations_[frame->pts] = frame->pkt_duration;
  }
  int err = avcodec_send_frame(enc, frame);
  if (err < 0) return AvStatus(err, "encoding a frame");
  AVPacket* pkt = encoded_.get();
  while (true) {
    err = avcodec_receive_packet(enc, pkt);
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) break;
    if (err < 0) return AvStatus(err, "encoding a frame");
    // Encoders in FFmpeg 5.1 do not carry frame durations over; the muxer
    // needs the last one for the stream's duration.
    auto it = durations_.find(pkt->pts);
    if (it != durations_.end()) {
      if (pkt->duration <= 0 && it->second > 0) pkt->duration = it->second;
      durations_.erase(it);
    }
    pkt->stream_index = video_stream_->index;
    Status s = WritePacket(pkt, enc->time_base);
    av_packet_unref(pkt);
    FACEVEIL_RETURN_IF_ERROR(s);
  }
  return Status::Ok();
}

Status OutputVideo::Finish() {
  std::lock_guard<std::mutex> lock(mux_mutex_);
  int err = av_write_trailer(format_.get());
  if (err < 0) return AvStatus(err, "finishing the output");
  if (format_->pb != nullptr) {
    avio_flush(format_->pb);
    if (format_->pb->error < 0) {
      return AvStatus(format_->pb->error, "writing the output");
    }
  }
  return Status::Ok();
}

}  // namespace faceveil::video
