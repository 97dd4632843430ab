#include "video/clip_probe.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <memory>

namespace faceveil::testing {
namespace {

struct InputCloser {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
using Input = std::unique_ptr<AVFormatContext, InputCloser>;

Result<Input> OpenInput(const std::string& path) {
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, path.c_str(), nullptr, nullptr) < 0) {
    return Status::Corrupt("cannot open " + path);
  }
  Input in(raw);
  if (avformat_find_stream_info(raw, nullptr) < 0) {
    return Status::Corrupt("no stream info in " + path);
  }
  return in;
}

std::map<std::string, std::string> ToMap(const AVDictionary* d) {
  std::map<std::string, std::string> m;
  const AVDictionaryEntry* e = nullptr;
  while ((e = av_dict_get(d, "", e, AV_DICT_IGNORE_SUFFIX))) {
    m[e->key] = e->value;
  }
  return m;
}

uint64_t Fnv1a(const uint8_t* data, int size) {
  uint64_t h = 1469598103934665603ull;
  for (int i = 0; i < size; ++i) {
    h = (h ^ data[i]) * 1099511628211ull;
  }
  return h;
}

}  // namespace

const StreamProbe* ClipProbe::First(AVMediaType type) const {
  for (const StreamProbe& s : streams) {
    if (s.type == type) return &s;
  }
  return nullptr;
}

int ClipProbe::Count(AVMediaType type) const {
  int n = 0;
  for (const StreamProbe& s : streams) n += s.type == type;
  return n;
}

Result<ClipProbe> ProbeClip(const std::string& path) {
  auto in = OpenInput(path);
  if (!in.ok()) return in.status();
  AVFormatContext* fmt = in->get();
  ClipProbe probe;
  probe.metadata = ToMap(fmt->metadata);
  probe.duration_s =
      fmt->duration > 0 ? static_cast<double>(fmt->duration) / AV_TIME_BASE : 0;
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    const AVStream* st = fmt->streams[i];
    StreamProbe s;
    s.type = st->codecpar->codec_type;
    s.codec = avcodec_get_name(st->codecpar->codec_id);
    s.metadata = ToMap(st->metadata);
    if (s.type == AVMEDIA_TYPE_VIDEO) {
      const char* name =
          av_get_pix_fmt_name(static_cast<AVPixelFormat>(st->codecpar->format));
      s.pixel_format = name ? name : "";
      s.width = st->codecpar->width;
      s.height = st->codecpar->height;
    }
    const uint8_t* m =
        av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
    if (m != nullptr) {
      s.has_display_matrix = true;
      s.display_rotation_ccw =
          av_display_rotation_get(reinterpret_cast<const int32_t*>(m));
    }
    probe.streams.push_back(std::move(s));
  }
  AVPacket* pkt = av_packet_alloc();
  while (av_read_frame(fmt, pkt) >= 0) {
    StreamProbe& s = probe.streams[pkt->stream_index];
    s.packet_hashes.push_back(Fnv1a(pkt->data, pkt->size));
    s.packet_pts_s.push_back(
        pkt->pts * av_q2d(fmt->streams[pkt->stream_index]->time_base));
    av_packet_unref(pkt);
  }
  av_packet_free(&pkt);
  return probe;
}

Result<int> DecodeClip(const std::string& path,
                       const std::function<void(const cv::Mat&, double)>& fn) {
  auto in = OpenInput(path);
  if (!in.ok()) return in.status();
  AVFormatContext* fmt = in->get();
  int index = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) return Status::NotFound("no video stream in " + path);
  const AVStream* st = fmt->streams[index];
  const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
  if (codec == nullptr) return Status::Unsupported("no decoder");
  AVCodecContext* dec = avcodec_alloc_context3(codec);
  avcodec_parameters_to_context(dec, st->codecpar);
  dec->pkt_timebase = st->time_base;
  if (avcodec_open2(dec, codec, nullptr) < 0) {
    avcodec_free_context(&dec);
    return Status::Unsupported("cannot open decoder");
  }
  AVPacket* pkt = av_packet_alloc();
  AVFrame* frame = av_frame_alloc();
  SwsContext* sws = nullptr;
  int frames = 0;
  auto drain = [&] {
    while (avcodec_receive_frame(dec, frame) >= 0) {
      sws = sws_getCachedContext(sws, frame->width, frame->height,
                                 static_cast<AVPixelFormat>(frame->format),
                                 frame->width, frame->height, AV_PIX_FMT_BGR24,
                                 SWS_BILINEAR, nullptr, nullptr, nullptr);
      // swscale's SIMD writers may store a few bytes past the end of a row
      // whose length is not a multiple of 16 (the 360-pixel-wide upright
      // clips); a spare row keeps them inside the buffer.
      cv::Mat padded(frame->height + 1, frame->width, CV_8UC3);
      cv::Mat bgr = padded.rowRange(0, frame->height);
      uint8_t* dst[4] = {bgr.data};
      int stride[4] = {static_cast<int>(bgr.step)};
      sws_scale(sws, frame->data, frame->linesize, 0, frame->height, dst,
                stride);
      fn(bgr, frame->best_effort_timestamp * av_q2d(st->time_base));
      ++frames;
      av_frame_unref(frame);
    }
  };
  while (av_read_frame(fmt, pkt) >= 0) {
    if (pkt->stream_index == index) {
      avcodec_send_packet(dec, pkt);
      drain();
    }
    av_packet_unref(pkt);
  }
  avcodec_send_packet(dec, nullptr);
  drain();
  sws_freeContext(sws);
  av_frame_free(&frame);
  av_packet_free(&pkt);
  avcodec_free_context(&dec);
  return frames;
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

}  // namespace faceveil::testing
