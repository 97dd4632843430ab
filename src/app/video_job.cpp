#include "app/video_job.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <set>
#include <thread>

#include "app/progress.h"
#include "app/track_people.h"
#include "video/input_video.h"
#include "video/tracker.h"

namespace faceveil {

DetectOptions BetweenFramesDetectorOptions(const DetectOptions& full) {
  DetectOptions options = full;
  options.mode = DetectionMode::kSingle;
  return options;
}

namespace {

// A face of the next key frame is "already tracked" on a frame before it
// when a track's box overlaps it as much as the tracker needs to match it.
constexpr float kComingMatchIou = video::TrackerOptions{}.match_iou;
// Growth of a coming face's box per frame before its key frame.
constexpr float kComingGrowthPerFrame = 0.1f;

void ScaleFace(Face& face, float s) {
  face.box =
      Box{face.box.x * s, face.box.y * s, face.box.w * s, face.box.h * s};
  for (Point& p : face.keypoints) p = Point{p.x * s, p.y * s};
}

// Detects in Prepare() (worker threads, ahead, out of order), then tracks
// and anonymizes in Process() (in order, one frame at a time).
class AnonymizingProcessor : public FrameProcessor {
 public:
  AnonymizingProcessor(const Pipeline& pipeline, const PipelineOptions& call,
                       bool detect_between, bool look_ahead,
                       const VideoJobOptions& options, int detect_every,
                       double hold_s)
      : pipeline_(pipeline),
        call_(call),
        between_(detect_between
                     ? std::optional<DetectOptions>(
                           BetweenFramesDetectorOptions(call.detector))
                     : std::nullopt),
        options_(options),
        detect_every_(detect_every),
        look_ahead_(look_ahead),
        tracker_(MakeTrackerOptions(hold_s)) {
    if (call.people != nullptr) {
      people_.emplace(*call.people);
      result_.people = true;
    }
  }

  Status Prepare(const cv::Mat& bgr, int64_t frame_index, double) override {
    Detected detected;
    std::vector<Face>& faces = detected.faces;
    if (frame_index % detect_every_ == 0) {
      auto found = pipeline_.detector().Detect(bgr, call_.detector);
      if (!found.ok()) return found.status();
      faces = std::move(found).value();
      // Key frames only: their full detection gives the best boxes, and
      // embedding every frame would cost more than detecting it.
      if (call_.people != nullptr) {
        detected.matches = MatchFaces(bgr, faces);
      }
    } else if (between_) {
      auto found = DetectDownscaled(bgr);
      if (!found.ok()) return found.status();
      faces = std::move(found).value();
    } else {
      return Status::Ok();  // tracking alone
    }
    std::lock_guard<std::mutex> lock(mu_);
    detections_[frame_index] = std::move(detected);
    return Status::Ok();
  }

  // The next key frame's detections are known when a frame between is
  // processed (VideoJobOptions::look_ahead).
  int PreparedAhead() const override {
    return look_ahead_ ? detect_every_ - 1 : 0;
  }

  Status Process(cv::Mat& bgr, int64_t frame_index, double time_s) override {
    std::optional<Detected> detected;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = detections_.find(frame_index);
      if (it != detections_.end()) {
        detected = std::move(it->second);
        detections_.erase(it);
      }
    }
    std::vector<Face> cover =
        tracker_.Update(time_s, detected ? &detected->faces : nullptr);
    const std::vector<Face> coming = ComingFaces(frame_index, cover);
    if (people_) {
      cover =
          FilterByPeople(cover, detected ? &*detected : nullptr, frame_index);
    }
    cover.insert(cover.end(), coming.begin(), coming.end());
    for (const video::Track& t : tracker_.tracks()) {
      result_.tracks = std::max<int64_t>(result_.tracks, t.id);
    }
    result_.max_faces_in_frame = std::max<int64_t>(
        result_.max_faces_in_frame, static_cast<int64_t>(cover.size()));
    if (!cover.empty()) ++result_.frames_with_faces;
    return Anonymize(bgr, cover, call_.anonymize);
  }

  // The result once every frame has been processed.
  VideoJobResult TakeResult() {
    for (auto& [id, decisions] : decisions_) {
      result_.track_decisions.push_back(std::move(decisions));
    }
    decisions_.clear();
    std::sort(result_.track_decisions.begin(), result_.track_decisions.end(),
              [](const TrackDecisions& a, const TrackDecisions& b) {
                return a.id < b.id;
              });
    return std::move(result_);
  }

 private:
  static video::TrackerOptions MakeTrackerOptions(double hold_s) {
    video::TrackerOptions options;
    options.hold_s = hold_s;
    return options;
  }

  // A frame's detections and, on a key frame with a people filter, the
  // closest listed person to each face (person -1: not embeddable).
  struct Detected {
    std::vector<Face> faces;
    std::vector<PersonSet::Match> matches;  // parallel to faces, or empty
  };

  // Runs on the Prepare() threads; reads only the shared, immutable filter.
  std::vector<PersonSet::Match> MatchFaces(
      const cv::Mat& bgr, const std::vector<Face>& faces) const {
    const PeopleFilter& filter = *call_.people;
    std::vector<PersonSet::Match> out(faces.size());
    if (filter.identifier == nullptr) return out;
    for (size_t i = 0; i < faces.size(); ++i) {
      auto embedding = filter.identifier->Embed(bgr, faces[i]);
      if (embedding.ok()) out[i] = filter.people.Closest(*embedding);
    }
    return out;
  }

  // Adds this frame's evidence to each track, records the decisions for
  // the report and returns the faces of `cover` (parallel to the tracks)
  // whose tracks are to be hidden.
  std::vector<Face> FilterByPeople(const std::vector<Face>& cover,
                                   const Detected* detected,
                                   int64_t frame_index) {
    const std::vector<video::Track>& tracks = tracker_.tracks();
    std::vector<int> live;
    std::vector<Face> hidden;
    for (size_t i = 0; i < tracks.size() && i < cover.size(); ++i) {
      const video::Track& t = tracks[i];
      live.push_back(t.id);
      if (detected != nullptr && t.detection >= 0 &&
          static_cast<size_t>(t.detection) < detected->matches.size()) {
        const PersonSet::Match& match = detected->matches[t.detection];
        people_->Add(t.id, &match);
        TrackDecisions& d = Decisions(t.id, frame_index);
        ++d.key_frames;
        if (match.person >= 0) ++d.embedded;
      }
      const FaceIdentity decision = people_->Decide(t.id);
      Record(t.id, frame_index, decision);
      if (decision.hidden) {
        hidden.push_back(cover[i]);
      } else {
        visible_tracks_.insert(t.id);
      }
    }
    people_->Retain(live);
    for (auto it = decisions_.begin(); it != decisions_.end();) {
      if (std::find(live.begin(), live.end(), it->first) == live.end()) {
        result_.track_decisions.push_back(std::move(it->second));
        it = decisions_.erase(it);
      } else {
        ++it;
      }
    }
    result_.tracks_visible = static_cast<int64_t>(visible_tracks_.size());
    return hidden;
  }

  // On a frame between key frames, with look-ahead: the faces the next key
  // frame detects that no track covers here (`tracked`: the tracker's boxes
  // for this frame), i.e. faces that appear before that key frame sees
  // them. Their boxes grow by kComingGrowthPerFrame of their size for each
  // frame before the key frame, to cover the motion in between. Always
  // hidden, people filter or not: they have no track, so no decision yet
  // (privacy first).
  std::vector<Face> ComingFaces(int64_t frame_index,
                                const std::vector<Face>& tracked) {
    if (!look_ahead_ || frame_index % detect_every_ == 0) return {};
    const int64_t key = (frame_index / detect_every_ + 1) * detect_every_;
    std::vector<Face> coming;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = detections_.find(key);
    if (it == detections_.end()) return {};  // past the end of the input
    const float grow =
        1.0f + kComingGrowthPerFrame * static_cast<float>(key - frame_index);
    for (const Face& f : it->second.faces) {
      bool covered = false;
      for (const Face& t : tracked) {
        covered = covered || IoU(f.box, t.box) >= kComingMatchIou;
      }
      if (!covered) coming.push_back(Grown(f, grow));
    }
    return coming;
  }

  static Face Grown(Face face, float factor) {
    const float cx = face.box.x + face.box.w / 2;
    const float cy = face.box.y + face.box.h / 2;
    face.box = Box{cx - face.box.w * factor / 2, cy - face.box.h * factor / 2,
                   face.box.w * factor, face.box.h * factor};
    for (Point& p : face.keypoints) {
      p = Point{cx + (p.x - cx) * factor, cy + (p.y - cy) * factor};
    }
    return face;
  }

  // The report's record of track `id`, started at `frame_index` if new.
  TrackDecisions& Decisions(int id, int64_t frame_index) {
    auto [it, added] = decisions_.try_emplace(id);
    if (added) {
      it->second.id = id;
      it->second.first_frame = frame_index;
    }
    return it->second;
  }

  // Adds one frame's decision to the track's stretches.
  void Record(int id, int64_t frame_index, const FaceIdentity& decision) {
    TrackDecisions& d = Decisions(id, frame_index);
    d.last_frame = frame_index;
    if (!decision.hidden) ++d.visible_frames;
    const float distance = decision.embedded ? decision.distance : -1.0f;
    if (d.stretches.empty() || d.stretches.back().hidden != decision.hidden ||
        d.stretches.back().person != decision.person) {
      d.stretches.push_back({frame_index, frame_index, decision.hidden,
                             decision.person, distance});
      return;
    }
    TrackDecisions::Stretch& s = d.stretches.back();
    s.last_frame = frame_index;
    if (distance >= 0 && (s.distance < 0 || distance < s.distance)) {
      s.distance = distance;
    }
  }

  Result<std::vector<Face>> DetectDownscaled(const cv::Mat& bgr) const {
    const int side = std::max(bgr.cols, bgr.rows);
    const int target = options_.between_long_side;
    const Detector& detector = pipeline_.detector();
    if (target <= 0 || side <= target) return detector.Detect(bgr, *between_);
    const double s = static_cast<double>(target) / side;
    cv::Mat small;
    cv::resize(bgr, small,
               cv::Size(std::max(1, static_cast<int>(bgr.cols * s + 0.5)),
                        std::max(1, static_cast<int>(bgr.rows * s + 0.5))),
               0, 0, cv::INTER_AREA);
    auto faces = detector.Detect(small, *between_);
    if (!faces.ok()) return faces.status();
    const float back = static_cast<float>(bgr.cols) / small.cols;
    for (Face& f : *faces) ScaleFace(f, back);
    return faces;
  }

  const Pipeline& pipeline_;
  const PipelineOptions& call_;                 // the video's options
  const std::optional<DetectOptions> between_;  // unset: no between pass
  const VideoJobOptions& options_;
  const int detect_every_;
  const bool look_ahead_;  // frames between see the next key frame's faces
  std::mutex mu_;
  std::map<int64_t, Detected> detections_;  // by frame index
  video::FaceTracker tracker_;              // Process() only
  VideoJobResult result_;                   // Process() only
  std::optional<TrackPeople> people_;       // with a people filter
  std::set<int> visible_tracks_;            // tracks left visible at least once
  std::map<int, TrackDecisions> decisions_;  // the live tracks', by id
};

// Seconds between key frames from the input's average frame rate; 0 when
// unknown.
double KeyIntervalSeconds(const std::string& input, const VideoOptions& video,
                          int detect_every) {
  auto in = video::InputVideo::Open(input, video);
  if (!in.ok()) return 0;
  const AVRational rate = (*in)->stream()->avg_frame_rate;
  if (rate.num <= 0 || rate.den <= 0) return 0;
  return detect_every / av_q2d(rate);
}

Result<VideoJobResult> Run(const Pipeline& pipeline, const std::string& input,
                           const std::string& output,
                           const VideoJobOptions& options,
                           const VideoJobProgress& progress) {
  const auto start = std::chrono::steady_clock::now();
  if (options.detect_every < 0 || options.detect_every > 1000) {
    return Status::InvalidArgument("detect_every must be in [0, 1000]");
  }
  const int every = options.detect_every > 0 ? options.detect_every
                                             : kDefaultVideoDetectEvery;
  const PipelineOptions& call =
      options.call ? *options.call : pipeline.options();
  FACEVEIL_RETURN_IF_ERROR(pipeline.CheckCall(call));
  // A variable frame rate or a very low one must not let a track die
  // between key frames; a key interval of 0 (unknown) keeps the minimum.
  const double hold_s =
      std::max(options.min_hold_s,
               2.5 * KeyIntervalSeconds(input, options.video, every));

  VideoOptions video = options.video;
  const int cores =
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (video.prepare_threads == 0) {
    video.prepare_threads =
        options.detect_threads > 0 ? options.detect_threads : cores;
  }
  // Two key frames in flight at once, and room for the cheap frames
  // between them.
  video.lookahead_frames =
      std::max(video.lookahead_frames, std::min(2 * every + 2, 32));

  // The detection workers are the parallelism; OpenCV's own pool inside
  // each inference would only add threads that spin waiting for work.
  const int saved_cv_threads = cv::getNumThreads();
  if (video.prepare_threads > 1) cv::setNumThreads(1);
  struct RestoreCvThreads {
    int n;
    ~RestoreCvThreads() { cv::setNumThreads(n); }
  } restore{saved_cv_threads};
  // Look-ahead needs the next key frame inside the window of prepared
  // frames (so what a frame gets never depends on thread timing).
  const bool look_ahead = options.look_ahead && every > 1 &&
                          every <= video.lookahead_frames &&
                          video.prepare_threads > 0;
  AnonymizingProcessor processor(pipeline, call,
                                 every > 1 && options.detect_between,
                                 look_ahead, options, every, hold_s);
  auto stats = TranscodeVideo(input, output, video, processor, progress);
  if (!stats.ok()) return stats.status();
  VideoJobResult result = processor.TakeResult();
  result.stats = *stats;
  result.detect_every = every;
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

}  // namespace

Result<VideoJobResult> AnonymizeVideoFile(const Pipeline& pipeline,
                                          const std::string& input,
                                          const std::string& output,
                                          const VideoJobOptions& options,
                                          const VideoJobProgress& progress) {
  try {
    return Run(pipeline, input, output, options, progress);
  } catch (const cv::Exception& e) {
    return Status::Internal("anonymizing video " + input + ": " + e.what());
  } catch (const std::exception& e) {
    return Status::Internal("anonymizing video " + input + ": " + e.what());
  }
}

namespace {

// "1 subtitle stream", "2 subtitle streams".
std::string Count(int n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// What was left out of the output and why, "" when nothing was.
std::string DroppedStreams(const VideoStats& s) {
  std::string out;
  auto add = [&out](const std::string& part) {
    out += out.empty() ? "; dropped " : ", ";
    out += part;
  };
  if (s.subtitles_dropped > 0) {
    add(Count(s.subtitles_dropped, "subtitle stream") +
        " (drones write GPS there; --keep-subtitles keeps them)");
  }
  if (s.videos_dropped > 0) {
    add(Count(s.videos_dropped, "more video track") +
        " (only the first is anonymized)");
  }
  if (s.data_dropped > 0) {
    add(Count(s.data_dropped, "data stream") + " (may hold GPS)");
  }
  if (s.unsupported_dropped > 0) {
    add(Count(s.unsupported_dropped, "stream") +
        " the output container cannot hold");
  }
  return out;
}

// " (1 left visible)" with a people filter (" (none left visible)"), else "".
std::string Visible(const VideoJobResult& r) {
  if (!r.people) return "";
  if (r.tracks_visible == 0) return " (none left visible)";
  return " (" + std::to_string(r.tracks_visible) + " left visible)";
}

}  // namespace

std::string FormatVideoSummary(const std::string& name,
                               const VideoJobResult& r) {
  const VideoStats& s = r.stats;
  const double fps = r.seconds > 0 ? s.frames / r.seconds : 0;
  char speed[32];
  std::snprintf(speed, sizeof speed, "%.1f", fps);
  return name + ": " + std::to_string(s.frames) + " frames (" +
         Progress::FormatDuration(s.duration_s) + " of video) in " +
         Progress::FormatDuration(r.seconds) + ", " + speed + " fps; " +
         std::to_string(r.tracks) + (r.tracks == 1 ? " face" : " faces") +
         " followed" + Visible(r) + ", up to " +
         std::to_string(r.max_faces_in_frame) + " at once, in " +
         std::to_string(r.frames_with_faces) + " frames; " +
         Count(s.streams_copied, "stream") + " copied" + DroppedStreams(s) +
         "; " + Progress::FormatBytes(s.output_bytes) + " written";
}

}  // namespace faceveil
