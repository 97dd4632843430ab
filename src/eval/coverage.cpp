#include "eval/coverage.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace faceveil::eval {

namespace {

// Boxes clipped to `target`, the empty ones dropped.
std::vector<Box> ClipTo(const Box& target, const std::vector<Box>& boxes) {
  std::vector<Box> out;
  for (const Box& b : boxes) {
    const float x0 = std::max(b.x, target.x);
    const float y0 = std::max(b.y, target.y);
    const float x1 = std::min(b.x + b.w, target.x + target.w);
    const float y1 = std::min(b.y + b.h, target.y + target.h);
    if (x1 > x0 && y1 > y0) out.push_back(Box{x0, y0, x1 - x0, y1 - y0});
  }
  return out;
}

std::vector<double> Edges(const std::vector<Box>& boxes, bool horizontal) {
  std::vector<double> edges;
  for (const Box& b : boxes) {
    edges.push_back(horizontal ? b.x : b.y);
    edges.push_back(horizontal ? double(b.x) + b.w : double(b.y) + b.h);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

// A breakdown of privacy recall: faces for which member(face, value) holds.
struct FlagGroup {
  std::string label;
  bool (*member)(const GtFace&, int);
  int value;
};

const FlagGroup kFlagGroups[] = {
    {"easy",
     [](const GtFace& f, int) { return f.difficulty == Difficulty::kEasy; }, 0},
    {"medium",
     [](const GtFace& f, int) { return f.difficulty == Difficulty::kMedium; },
     0},
    {"hard",
     [](const GtFace& f, int) { return f.difficulty == Difficulty::kHard; }, 0},
    {"ignore",
     [](const GtFace& f, int) { return f.difficulty == Difficulty::kIgnore; },
     0},
    {"blur:0", [](const GtFace& f, int v) { return f.blur == v; }, 0},
    {"blur:1", [](const GtFace& f, int v) { return f.blur == v; }, 1},
    {"blur:2", [](const GtFace& f, int v) { return f.blur == v; }, 2},
    {"occ:0", [](const GtFace& f, int v) { return f.occlusion == v; }, 0},
    {"occ:1", [](const GtFace& f, int v) { return f.occlusion == v; }, 1},
    {"occ:2", [](const GtFace& f, int v) { return f.occlusion == v; }, 2},
    {"pose:0", [](const GtFace& f, int v) { return f.pose == v; }, 0},
    {"pose:1", [](const GtFace& f, int v) { return f.pose == v; }, 1},
    {"invalid", [](const GtFace& f, int) { return f.invalid; }, 0},
};

}  // namespace

double CoveredFraction(const Box& target, const std::vector<Box>& boxes) {
  const double target_area = target.area();
  if (target_area <= 0) return 0;
  const std::vector<Box> clipped = ClipTo(target, boxes);
  if (clipped.empty()) return 0;
  const std::vector<double> xs = Edges(clipped, true);
  const std::vector<double> ys = Edges(clipped, false);
  double covered = 0;
  for (size_t i = 0; i + 1 < xs.size(); ++i) {
    const double cx = (xs[i] + xs[i + 1]) / 2;
    for (size_t j = 0; j + 1 < ys.size(); ++j) {
      const double cy = (ys[j] + ys[j + 1]) / 2;
      for (const Box& b : clipped) {
        if (cx > b.x && cx < double(b.x) + b.w && cy > b.y &&
            cy < double(b.y) + b.h) {
          covered += (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j]);
          break;
        }
      }
    }
  }
  return std::min(1.0, covered / target_area);
}

bool IsCovered(const Box& face, const std::vector<Box>& detections,
               float cover_iou, float cover_fraction) {
  for (const Box& d : detections) {
    if (IoU(face, d) >= cover_iou) return true;
  }
  return CoveredFraction(face, detections) >= cover_fraction;
}

bool HitsAFace(const Box& detection, const std::vector<Box>& faces,
               float cover_iou, float cover_fraction) {
  for (const Box& f : faces) {
    if (IoU(f, detection) >= cover_iou) return true;
    if (f.area() > 0 && CoveredFraction(f, {detection}) >= cover_fraction) {
      return true;
    }
  }
  return CoveredFraction(detection, faces) >= cover_fraction;
}

int HeightBucket(float height, float min_face_height) {
  if (height >= 64) return 0;
  if (height >= 32) return 1;
  if (height >= 16) return 2;
  if (height >= min_face_height) return 3;
  return -1;
}

const char* HeightBucketLabel(int bucket) {
  static const char* kLabels[kNumHeightBuckets] = {">=64", "32-63", "16-31",
                                                   "10-15"};
  return bucket >= 0 && bucket < kNumHeightBuckets ? kLabels[bucket] : "?";
}

void ComputeCoverage(const GroundTruth& gt,
                     const std::vector<ImageDetections>& per_image,
                     const EvalOptions& options, EvalReport* report) {
  report->privacy = CoverageCount{"all", 0, 0};
  report->privacy_by_height.clear();
  for (int b = 0; b < kNumHeightBuckets; ++b) {
    report->privacy_by_height.push_back(
        CoverageCount{HeightBucketLabel(b), 0, 0});
  }
  if (options.min_face_height != 10) {
    char label[32];
    std::snprintf(label, sizeof(label), "%g-15", options.min_face_height);
    report->privacy_by_height.back().label = label;
  }
  report->privacy_by_flag.clear();
  for (const FlagGroup& group : kFlagGroups) {
    report->privacy_by_flag.push_back(CoverageCount{group.label, 0, 0});
  }
  report->detections = 0;
  report->false_positives = 0;

  const size_t n = std::min(gt.images.size(), per_image.size());
  for (size_t i = 0; i < n; ++i) {
    std::vector<Box> detections;
    for (const Face& f : per_image[i].faces) {
      if (f.score >= options.score_threshold) detections.push_back(f.box);
    }
    std::vector<Box> faces;
    for (const GtFace& face : gt.images[i].faces) faces.push_back(face.box);

    for (const GtFace& face : gt.images[i].faces) {
      const int bucket = HeightBucket(face.box.h, options.min_face_height);
      if (bucket < 0) continue;
      const bool covered = IsCovered(face.box, detections, options.cover_iou,
                                     options.cover_fraction);
      const auto count = [covered](CoverageCount* c) {
        ++c->faces;
        if (covered) ++c->covered;
      };
      count(&report->privacy);
      count(&report->privacy_by_height[bucket]);
      for (size_t g = 0; g < std::size(kFlagGroups); ++g) {
        if (kFlagGroups[g].member(face, kFlagGroups[g].value)) {
          count(&report->privacy_by_flag[g]);
        }
      }
    }

    report->detections += int(detections.size());
    for (const Box& d : detections) {
      if (!HitsAFace(d, faces, options.cover_iou, options.cover_fraction)) {
        ++report->false_positives;
      }
    }
  }
}

}  // namespace faceveil::eval
