// TranscodeVideo: three stages on three threads joined by bounded queues.
//
//   demux + decode + to BGR (upright)  ->  processor (caller's thread, in
//   order)  ->  back to stored orientation + YUV + encode + mux
//
// With prepare_threads > 0 a fourth stage sits before the processor:
// workers take decoded frames in order, run FrameProcessor::Prepare() on
// them at the same time, and leave them in a reorder buffer from which the
// processor takes them in order. A window of lookahead_frames bounds how far
// the workers run ahead (and so the memory held).
//
// Copied (audio, subtitle) packets are muxed straight from the demuxing
// thread; the muxer interleaves them with the encoded video. The first error of
// any stage aborts both queues, so every thread ends promptly, and is returned.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "base/temp_file.h"
#include "faceveil/video.h"
#include "video/bounded_queue.h"
#include "video/frame_convert.h"
#include "video/input_video.h"
#include "video/output_video.h"

namespace faceveil {
namespace {

using video::BoundedQueue;

// A demuxer that keeps failing without reaching the end is treated as
// ended; this bounds the work on hostile files.
constexpr int kMaxConsecutiveReadErrors = 32;

struct PipelineFrame {
  cv::Mat bgr;  // upright
  int64_t index = 0;
  int64_t pts = AV_NOPTS_VALUE;  // input video stream time base
  int64_t duration = 0;          // same time base; 0 when unknown
  double time_s = 0;
};

class FirstError {
 public:
  // Keeps `s` if it is the first error; returns whether it was.
  bool Set(const Status& s) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!status_.ok()) return false;
    status_ = s;
    failed_ = true;
    return true;
  }
  bool failed() const { return failed_; }
  Status Get() {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
  }

 private:
  std::mutex mutex_;
  Status status_;
  std::atomic<bool> failed_{false};
};

class Transcoder {
 public:
  Transcoder(const video::InputVideo& in, video::OutputVideo& out,
             const VideoOptions& options, FrameProcessor& processor,
             const ProgressCallback& progress)
      : in_(in),
        out_(out),
        options_(options),
        processor_(processor),
        progress_(progress),
        decoded_(options.queue_frames),
        processed_(options.queue_frames) {}

  Result<VideoStats> Run();

 private:
  Status Decode();
  Status ReceiveFrames(AVFrame* frame, video::ToBgrConverter& converter);
  Status CountDecodeError(const std::string& what, int err);
  Status PrepareWorker();
  // The next frame in order for the processor; false at the end or on
  // failure.
  bool NextFrame(PipelineFrame& item);
  Status Process();
  Status Encode();
  void Fail(const Status& s) {
    error_.Set(s);
    decoded_.Abort();
    processed_.Abort();
    // Waiters test failed() under ready_mu_; taking it here means none can
    // miss the notification between its test and its wait.
    { std::lock_guard<std::mutex> lock(ready_mu_); }
    ready_cv_.notify_all();
    window_cv_.notify_all();
  }
  // Runs `stage` on a thread body: errors and exceptions become Fail().
  template <typename F>
  void Guard(F stage) {
    try {
      Status s = stage();
      if (!s.ok()) Fail(s);
    } catch (const std::exception& e) {
      Fail(Status::Internal(std::string("video pipeline: ") + e.what()));
    } catch (...) {
      Fail(Status::Internal("video pipeline: unknown exception"));
    }
  }

  const video::InputVideo& in_;
  video::OutputVideo& out_;
  const VideoOptions& options_;
  FrameProcessor& processor_;
  const ProgressCallback& progress_;
  BoundedQueue<PipelineFrame> decoded_;
  BoundedQueue<PipelineFrame> processed_;
  FirstError error_;
  int64_t next_index_ = 0;  // decoder thread only
  std::atomic<int> decode_errors_{0};
  int64_t frames_done_ = 0;  // processor thread only
  std::atomic<int64_t> frames_encoded_{0};

  // Prepare stage (prepare_threads > 0).
  const bool preparing_ = options_.prepare_threads > 0;
  std::mutex ready_mu_;
  std::condition_variable ready_cv_;   // frame ready, worker ended, failure
  std::condition_variable window_cv_;  // the processor took a frame
  std::map<int64_t, PipelineFrame> ready_;  // prepared, by frame index
  int64_t taken_ = 0;      // frames workers have taken from decoded_
  int64_t delivered_ = 0;  // frames the processor has taken from ready_
  int workers_running_ = 0;
  // FrameProcessor::PreparedAhead(), within the window; set before the
  // threads start.
  int ahead_ = 0;
  bool decode_done_ = false;   // the decoder has delivered every frame
  int64_t decoded_total_ = 0;  // how many, once decode_done_
};

Status Transcoder::CountDecodeError(const std::string& what, int err) {
  int n = ++decode_errors_;
  if (n > options_.max_decode_errors) {
    return Status::Corrupt(
        "damaged or truncated video: " + what +
        (err < 0 ? " (" + video::AvErrorText(err) + ")" : std::string()) +
        " after " + std::to_string(next_index_) + " frames");
  }
  return Status::Ok();
}

Status Transcoder::Decode() {
  AVFormatContext* fmt = in_.format();
  video::PacketPtr packet(av_packet_alloc());
  video::FramePtr frame(av_frame_alloc());
  if (!packet || !frame) return Status::TooLarge("out of memory");
  video::ToBgrConverter converter(in_.width(), in_.height());
  int consecutive_read_errors = 0;
  while (!error_.failed()) {
    int err = av_read_frame(fmt, packet.get());
    if (err == AVERROR_EOF) break;
    if (err < 0) {
      FACEVEIL_RETURN_IF_ERROR(CountDecodeError("reading the input", err));
      if (++consecutive_read_errors >= kMaxConsecutiveReadErrors) break;
      continue;
    }
    consecutive_read_errors = 0;
    // A packet cut short by the end of the file: the input is truncated.
    if (packet->flags & AV_PKT_FLAG_CORRUPT) {
      Status s = CountDecodeError("packet cut short", 0);
      if (!s.ok()) {
        av_packet_unref(packet.get());
        return s;
      }
    }
    if (packet->stream_index != in_.stream_index()) {
      Status s = out_.WriteCopiedPacket(packet.get());
      av_packet_unref(packet.get());
      FACEVEIL_RETURN_IF_ERROR(s);
      continue;
    }
    err = avcodec_send_packet(in_.decoder(), packet.get());
    av_packet_unref(packet.get());
    if (err < 0 && err != AVERROR(EAGAIN)) {
      FACEVEIL_RETURN_IF_ERROR(CountDecodeError("decoding video", err));
    }
    FACEVEIL_RETURN_IF_ERROR(ReceiveFrames(frame.get(), converter));
  }
  if (error_.failed()) return Status::Ok();
  // Flush: frames the decoder still holds (B-frame reordering, threads).
  avcodec_send_packet(in_.decoder(), nullptr);
  return ReceiveFrames(frame.get(), converter);
}

Status Transcoder::ReceiveFrames(AVFrame* frame,
                                 video::ToBgrConverter& converter) {
  int consecutive_errors = 0;
  while (!error_.failed()) {
    int err = avcodec_receive_frame(in_.decoder(), frame);
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return Status::Ok();
    if (err < 0) {
      FACEVEIL_RETURN_IF_ERROR(CountDecodeError("decoding video", err));
      if (++consecutive_errors >= kMaxConsecutiveReadErrors) {
        return Status::Corrupt("video decoder keeps failing");
      }
      continue;
    }
    consecutive_errors = 0;
    if (frame->decode_error_flags != 0 ||
        (frame->flags & AV_FRAME_FLAG_CORRUPT)) {
      Status s = CountDecodeError("damaged frame", 0);
      if (!s.ok()) {
        av_frame_unref(frame);
        return s;
      }
    }
    PipelineFrame item;
    cv::Mat stored;
    Status s = converter.Convert(*frame, stored);
    item.pts = frame->best_effort_timestamp;
    item.duration = frame->pkt_duration;
    av_frame_unref(frame);
    FACEVEIL_RETURN_IF_ERROR(s);
    video::RotateClockwise(stored, item.bgr, in_.rotation());
    item.index = next_index_++;
    item.time_s = in_.SecondsFromStart(item.pts);
    if (!decoded_.Push(std::move(item))) return Status::Ok();  // aborted
  }
  return Status::Ok();
}

Status Transcoder::PrepareWorker() {
  const int64_t window = std::max(1, options_.lookahead_frames);
  while (true) {
    {
      std::unique_lock<std::mutex> lock(ready_mu_);
      window_cv_.wait(lock, [&] {
        return error_.failed() || taken_ - delivered_ < window;
      });
      if (error_.failed()) return Status::Ok();
      // decoded_ is FIFO, so the frames taken so far are exactly frames
      // 0 .. taken_-1: once the window has room the processor's next frame
      // is taken, and the window cannot fill up without it.
      ++taken_;
    }
    PipelineFrame item;
    if (!decoded_.Pop(item)) return Status::Ok();  // end of input or abort
    Status s = processor_.Prepare(item.bgr, item.index, item.time_s);
    if (!s.ok()) {
      return s.WithContext("preparing frame " + std::to_string(item.index));
    }
    {
      std::lock_guard<std::mutex> lock(ready_mu_);
      ready_.emplace(item.index, std::move(item));
    }
    ready_cv_.notify_all();
  }
}

bool Transcoder::NextFrame(PipelineFrame& item) {
  if (!preparing_) return decoded_.Pop(item);
  {
    std::unique_lock<std::mutex> lock(ready_mu_);
    ready_cv_.wait(lock, [&] {
      if (error_.failed() || workers_running_ == 0) return true;
      // The next frame and the processor's look-ahead: frames delivered_
      // .. delivered_ + ahead_ all prepared, or as many as the input holds.
      int64_t last = delivered_ + ahead_;
      if (decode_done_) last = std::min(last, decoded_total_ - 1);
      last = std::max(last, delivered_);
      int64_t want = delivered_;
      for (auto it = ready_.find(delivered_);
           it != ready_.end() && it->first == want && want <= last; ++it) {
        ++want;
      }
      return want > last;
    });
    auto it = ready_.find(delivered_);
    if (error_.failed() || it == ready_.end()) return false;
    item = std::move(it->second);
    ready_.erase(it);
    ++delivered_;
  }
  window_cv_.notify_all();
  return true;
}

Status Transcoder::Process() {
  PipelineFrame item;
  bool estimated = false;
  const int64_t total = in_.FrameCount(&estimated);
  const double duration = in_.duration_s();
  while (NextFrame(item)) {
    const cv::Size size = item.bgr.size();
    if (!preparing_) {
      Status s = processor_.Prepare(item.bgr, item.index, item.time_s);
      if (!s.ok()) {
        return s.WithContext("preparing frame " + std::to_string(item.index));
      }
    }
    Status s = processor_.Process(item.bgr, item.index, item.time_s);
    if (!s.ok()) {
      return s.WithContext("processing frame " + std::to_string(item.index));
    }
    if (item.bgr.size() != size || item.bgr.type() != CV_8UC3) {
      return Status::InvalidArgument(
          "the frame processor changed the frame's size or type");
    }
    ++frames_done_;
    if (progress_ &&
        !progress_(VideoProgress{frames_done_, item.time_s, duration,
                                 std::max(total, frames_done_), estimated})) {
      return Status::InvalidArgument("cancelled");
    }
    if (!processed_.Push(std::move(item))) return Status::Ok();  // aborted
  }
  if (error_.failed()) return Status::Ok();
  processed_.Close();
  return Status::Ok();
}

Status Transcoder::Encode() {
  video::FromBgrConverter converter(out_.width(), out_.height(),
                                    out_.pixel_format());
  PipelineFrame item;
  while (processed_.Pop(item)) {
    cv::Mat stored;
    video::RotateClockwise(item.bgr, stored, out_.unrotate_degrees());
    auto frame = converter.Convert(stored);
    if (!frame.ok()) return frame.status();
    (*frame)->pts = item.pts;
    (*frame)->pkt_duration = item.duration;
    FACEVEIL_RETURN_IF_ERROR(out_.EncodeFrame(frame->get()));
    ++frames_encoded_;
  }
  if (error_.failed()) return Status::Ok();
  return out_.EncodeFrame(nullptr);
}

Result<VideoStats> Transcoder::Run() {
  std::thread decoder, encoder;
  std::vector<std::thread> workers;
  // Workers may take frames up to lookahead_frames - 1 past the one the
  // processor waits for, so a larger look-ahead could never be met.
  ahead_ = preparing_ ? std::clamp(processor_.PreparedAhead(), 0,
                                   std::max(1, options_.lookahead_frames) - 1)
                      : 0;
  try {
    decoder = std::thread([this] {
      Guard([this] { return Decode(); });
      {
        std::lock_guard<std::mutex> lock(ready_mu_);
        decode_done_ = true;
        decoded_total_ = next_index_;
      }
      ready_cv_.notify_all();
      decoded_.Close();
    });
    encoder = std::thread([this] { Guard([this] { return Encode(); }); });
    // Counted before any starts, so that NextFrame() cannot take a worker
    // not started yet for the end of the input.
    if (preparing_) workers_running_ = options_.prepare_threads;
    for (int i = 0; preparing_ && i < options_.prepare_threads; ++i) {
      try {
        workers.emplace_back([this] {
          Guard([this] { return PrepareWorker(); });
          {
            std::lock_guard<std::mutex> lock(ready_mu_);
            --workers_running_;
          }
          ready_cv_.notify_all();
        });
      } catch (...) {
        std::lock_guard<std::mutex> lock(ready_mu_);
        workers_running_ -= options_.prepare_threads - i;
        throw;
      }
    }
  } catch (const std::exception& e) {
    Fail(Status::Internal(std::string("cannot start threads: ") + e.what()));
  }
  if (!error_.failed()) Guard([this] { return Process(); });
  // A failed Process() has already aborted both queues; a cancelled
  // transcode must also stop the others.
  if (decoder.joinable()) decoder.join();
  if (encoder.joinable()) encoder.join();
  for (std::thread& t : workers) t.join();
  if (error_.failed()) return error_.Get();
  FACEVEIL_RETURN_IF_ERROR(out_.Finish());

  VideoStats stats;
  stats.frames = frames_encoded_;
  const bool quarter = in_.rotation() == 90 || in_.rotation() == 270;
  stats.width = quarter ? in_.height() : in_.width();
  stats.height = quarter ? in_.width() : in_.height();
  stats.rotation_degrees = in_.rotation();
  stats.duration_s = in_.duration_s();
  stats.decode_errors = decode_errors_;
  stats.streams_copied = out_.streams_copied();
  const video::OutputVideo::Dropped& dropped = out_.dropped();
  stats.streams_dropped = dropped.total();
  stats.subtitles_dropped = dropped.subtitles;
  stats.videos_dropped = dropped.videos;
  stats.data_dropped = dropped.data;
  stats.unsupported_dropped = dropped.unsupported;
  stats.video_codec = avcodec_get_name(in_.stream()->codecpar->codec_id);
  return stats;
}

Result<VideoStats> TranscodeImpl(const std::string& input_path,
                                 const std::string& output_path,
                                 const VideoOptions& options,
                                 FrameProcessor& processor,
                                 const ProgressCallback& progress) {
  namespace fs = std::filesystem;
  if (!video::IsSupportedOutputPath(output_path)) {
    return Status::InvalidArgument(
        output_path +
        ": unknown video container (use .mp4, .m4v, .mov, .mkv, .webm or "
        ".avi)");
  }
  if (options.queue_frames < 1) {
    return Status::InvalidArgument("queue_frames must be at least 1");
  }
  if (options.prepare_threads < 0 || options.prepare_threads > 64 ||
      options.lookahead_frames < 1) {
    return Status::InvalidArgument(
        "prepare_threads must be in [0, 64] and lookahead_frames at least 1");
  }
  std::error_code ec;
  const bool same = fs::exists(output_path, ec) &&
                    fs::equivalent(input_path, output_path, ec);
  if (same && !options.in_place) {
    return Status::InvalidArgument("the output would replace the input " +
                                   input_path + " (set in_place to allow it)");
  }
  if (!same && options.in_place && fs::exists(input_path, ec)) {
    return Status::InvalidArgument(
        "in_place needs the output to be the input itself, not " + output_path);
  }
  const bool replace = options.overwrite || options.in_place;
  if (!replace && fs::exists(output_path, ec)) {
    return Status::InvalidArgument(output_path +
                                   " already exists (not overwritten)");
  }
  auto in = video::InputVideo::Open(input_path, options);
  if (!in.ok()) return in.status();
  // The input stays open (and readable) while its replacement is written
  // beside it; the rename swaps them in one step.
  auto temp = TempFile::Create(output_path);
  if (!temp.ok()) return temp.status();
  auto out = video::OutputVideo::Open(output_path, temp->fd(), **in, options);
  if (!out.ok()) return out.status();
  Transcoder transcoder(**in, **out, options, processor, progress);
  auto stats = transcoder.Run();
  if (!stats.ok()) return stats;
  out->reset();  // the muxer is done with the descriptor
  Status published = temp->Publish(replace);
  if (!published.ok()) {
    if (published.message().find("already exists") != std::string::npos) {
      return Status::InvalidArgument(output_path +
                                     " already exists (not overwritten)");
    }
    return published;
  }
  std::error_code size_error;
  const auto bytes = fs::file_size(output_path, size_error);
  if (!size_error) stats->output_bytes = static_cast<int64_t>(bytes);
  return stats;
}

}  // namespace

Result<VideoStats> TranscodeVideo(const std::string& input_path,
                                  const std::string& output_path,
                                  const VideoOptions& options,
                                  FrameProcessor& processor,
                                  const ProgressCallback& progress) {
  try {
    return TranscodeImpl(input_path, output_path, options, processor, progress);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("transcoding ") + input_path + ": " +
                            e.what());
  }
}

bool IsVideoPath(const std::string& path) {
  return video::IsSupportedOutputPath(path);
}

}  // namespace faceveil
