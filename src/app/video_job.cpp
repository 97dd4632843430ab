#include "app/video_job.h"

#include <algorithm>

#include "video/tracker.h"

namespace faceveil {

namespace {

// Detects (on the frames the tracker asks for), tracks and anonymizes each
// frame in order. Frames arrive one at a time from the transcoder's
// processing thread, so the tracker needs no lock.
class AnonymizingProcessor : public FrameProcessor {
 public:
  AnonymizingProcessor(const Pipeline& pipeline, int detect_every)
      : pipeline_(pipeline), tracker_(MakeTrackerOptions(detect_every)) {}

  Status Process(cv::Mat& bgr, int64_t frame_index, double time_s) override {
    std::vector<Face> detected;
    const bool detect = tracker_.WantsDetection(frame_index);
    if (detect) {
      auto faces = pipeline_.detector().Detect(bgr);
      if (!faces.ok()) return faces.status();
      detected = std::move(faces).value();
    }
    const std::vector<Face> cover =
        tracker_.Update(time_s, detect ? &detected : nullptr);
    result_.max_faces_in_frame = std::max<int64_t>(
        result_.max_faces_in_frame, static_cast<int64_t>(cover.size()));
    if (!cover.empty()) ++result_.frames_with_faces;
    return Anonymize(bgr, cover, pipeline_.options().anonymize);
  }

  VideoJobResult& result() { return result_; }

 private:
  static video::TrackerOptions MakeTrackerOptions(int detect_every) {
    video::TrackerOptions options;
    options.detect_every = std::max(1, detect_every);
    return options;
  }

  const Pipeline& pipeline_;
  video::FaceTracker tracker_;
  VideoJobResult result_;
};

}  // namespace

Result<VideoJobResult> AnonymizeVideoFile(const Pipeline& pipeline,
                                          const std::string& input,
                                          const std::string& output,
                                          const VideoOptions& options,
                                          int detect_every,
                                          const VideoJobProgress& progress) {
  AnonymizingProcessor processor(pipeline, detect_every);
  auto stats = TranscodeVideo(input, output, options, processor, progress);
  if (!stats.ok()) return stats.status();
  VideoJobResult result = processor.result();
  result.stats = *stats;
  return result;
}

}  // namespace faceveil
