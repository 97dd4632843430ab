#include "video/tracker.h"

#include <algorithm>
#include <tuple>

namespace faceveil::video {
namespace {

Box Union(const Box& a, const Box& b) {
  float x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  float x1 = std::max(a.x + a.w, b.x + b.w);
  float y1 = std::max(a.y + a.h, b.y + b.h);
  return Box{x0, y0, x1 - x0, y1 - y0};
}

Box CentredBox(float cx, float cy, float w, float h) {
  return Box{cx - w / 2, cy - h / 2, w, h};
}

// A face moved so that its box centre is at (cx, cy) with size w x h;
// keypoints follow the centre (their offsets scale with the box).
Face Moved(const Face& f, float cx, float cy, float w, float h) {
  Face out = f;
  float sx = f.box.w > 0 ? w / f.box.w : 1.0f;
  float sy = f.box.h > 0 ? h / f.box.h : 1.0f;
  for (Point& p : out.keypoints) {
    p.x = cx + (p.x - f.box.cx()) * sx;
    p.y = cy + (p.y - f.box.cy()) * sy;
  }
  out.box = CentredBox(cx, cy, w, h);
  return out;
}

}  // namespace

FaceTracker::FaceTracker(const TrackerOptions& options) : options_(options) {}

bool FaceTracker::WantsDetection(int64_t frame_index) const {
  int n = std::max(1, options_.detect_every);
  return frame_index % n == 0;
}

void FaceTracker::Reset() {
  tracks_.clear();
  states_.clear();
  started_ = false;
}

std::vector<Face> FaceTracker::Update(double time_s,
                                      const std::vector<Face>* detections) {
  if (!started_) {
    last_time_s_ = time_s;
    started_ = true;
  }
  const float dt = static_cast<float>(std::max(0.0, time_s - last_time_s_));
  last_time_s_ = std::max(last_time_s_, time_s);
  const double now = last_time_s_;

  // Predict every track to now.
  for (State& s : states_) {
    s.cx += s.vcx * dt;
    s.cy += s.vcy * dt;
    s.w = std::max(1.0f, s.w + s.vw * dt);
    s.h = std::max(1.0f, s.h + s.vh * dt);
  }

  for (Track& track : tracks_) track.detection = -1;
  std::vector<bool> matched(tracks_.size(), false);
  if (detections != nullptr) {
    // Greedy association, best IoU first: with few faces per frame it
    // agrees with the optimal assignment except in contrived ties.
    std::vector<std::tuple<float, size_t, size_t>> pairs;
    for (size_t t = 0; t < states_.size(); ++t) {
      const State& s = states_[t];
      Box predicted = CentredBox(s.cx, s.cy, s.w, s.h);
      for (size_t d = 0; d < detections->size(); ++d) {
        float iou = IoU(predicted, (*detections)[d].box);
        if (iou >= options_.match_iou) pairs.emplace_back(iou, t, d);
      }
    }
    std::sort(pairs.begin(), pairs.end(),
              [](const auto& a, const auto& b) { return a > b; });
    std::vector<bool> used(detections->size(), false);
    for (const auto& [iou, t, d] : pairs) {
      if (matched[t] || used[d]) continue;
      matched[t] = used[d] = true;
      const Face& det = (*detections)[d];
      State& s = states_[t];
      const float a = options_.position_gain, b = options_.velocity_gain;
      const float rx = det.box.cx() - s.cx, ry = det.box.cy() - s.cy;
      const float rw = det.box.w - s.w, rh = det.box.h - s.h;
      const float since = static_cast<float>(now - s.updated_s);
      Track& track = tracks_[t];
      if (track.detections == 1 && since > 0) {
        // Second sighting: the first velocity estimate is the displacement
        // itself, so prediction is useful at once instead of after the
        // filter's slow start.
        const Box& prev = s.detected.box;
        s.cx = det.box.cx();
        s.cy = det.box.cy();
        s.w = det.box.w;
        s.h = det.box.h;
        s.vcx = (det.box.cx() - prev.cx()) / since;
        s.vcy = (det.box.cy() - prev.cy()) / since;
        s.vw = (det.box.w - prev.w) / since;
        s.vh = (det.box.h - prev.h) / since;
      } else {
        s.cx += a * rx;
        s.cy += a * ry;
        s.w += a * rw;
        s.h += a * rh;
      }
      if (track.detections > 1 && since > 0) {
        s.vcx += b * rx / since;
        s.vcy += b * ry / since;
        s.vw += b * rw / since;
        s.vh += b * rh / since;
      }
      s.updated_s = now;
      s.detected = det;
      track.last_detected_s = now;
      ++track.detections;
      track.detection = static_cast<int>(d);
    }
    for (size_t d = 0; d < detections->size(); ++d) {
      if (used[d]) continue;
      const Face& det = (*detections)[d];
      if (det.box.area() <= 0) continue;
      states_.push_back(State{det.box.cx(), det.box.cy(), det.box.w, det.box.h,
                              0, 0, 0, 0, now, det});
      tracks_.push_back(Track{next_id_++, det, now, 1, false});
      tracks_.back().detection = static_cast<int>(d);
      matched.push_back(true);
    }
  }

  // Drop tracks held too long; set each survivor's box.
  std::vector<Face> out;
  size_t keep = 0;
  for (size_t t = 0; t < tracks_.size(); ++t) {
    Track& track = tracks_[t];
    State& s = states_[t];
    const double since = now - track.last_detected_s;
    if (since > options_.hold_s) continue;
    track.coasting = !matched[t];
    if (track.coasting) {
      // The box grows with the time since the face was last seen: the
      // prediction is less certain the longer it runs.
      const float grow =
          1.0f + options_.coast_growth_per_s * static_cast<float>(since);
      track.face = Moved(s.detected, s.cx, s.cy, s.w * grow, s.h * grow);
    } else {
      // Never cover less than what the detector found in this frame.
      track.face = Moved(s.detected, s.cx, s.cy, s.w, s.h);
      track.face.box = Union(track.face.box, s.detected.box);
    }
    out.push_back(track.face);
    if (keep != t) {
      tracks_[keep] = std::move(track);
      states_[keep] = std::move(s);
    }
    ++keep;
  }
  tracks_.resize(keep);
  states_.resize(keep);
  return out;
}

}  // namespace faceveil::video
