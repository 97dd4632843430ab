#include "detect/multiscale.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <utility>

#include "detect/nms.h"

namespace faceveil {
namespace {

// Grey-level standard deviation of the part of `region` inside the image.
double RegionStdDev(const cv::Mat& image, const SquareRegion& region) {
  const cv::Rect r = cv::Rect(cvFloor(region.x), cvFloor(region.y),
                              cvCeil(region.side), cvCeil(region.side)) &
                     cv::Rect(0, 0, image.cols, image.rows);
  if (r.empty()) return 0;
  cv::Mat grey;
  const cv::Mat roi = image(r);
  if (roi.channels() == 1) {
    grey = roi;
  } else {
    cv::cvtColor(
        roi, grey,
        roi.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  }
  cv::Scalar mean, stddev;
  cv::meanStdDev(grey, mean, stddev);
  return stddev[0];
}

}  // namespace

// One 192-px inference costs ~11 ms of one core here (bench/
// multiscale_bench.cpp), so the 150 ms budget of kBalanced allows about a
// dozen: the whole image and 384-px tiles on a 1024x768 photo, i.e. faces
// of 384 / 16 = 24 px. kThorough goes down to 12 px (192-px tiles, about
// 70 inferences with its 1.5 level ratio).
constexpr float kBalancedMinFace = 24;
constexpr float kThoroughMinFace = 12;

MultiScaleOptions MultiScalePreset(const DetectorOptions& options,
                                   const ModelSpec& spec) {
  MultiScaleOptions m;
  m.nms_iou_threshold = options.nms_iou_threshold;
  // A face of 1/16 of the input side: 12 px in a 192-px tile at 1:1.
  m.tiling.min_face_fraction = 1.0f / 16;
  if (spec.input_size < 192) {
    // The short-range model is for faces close to the camera; on tiles it
    // scores fragments of large faces (0.41 on sergey.png, whose one face
    // it finds at 0.94 whole) and has no small faces to find. Whole image.
    m.tiling.min_face_px = 0;
    return m;
  }
  switch (options.mode) {
    case DetectionMode::kSingle:
      m.tiling.min_face_px = 0;
      break;
    case DetectionMode::kFast:
      // 2x2 tiles of 60% of the longer side on a 4:3 photo: 5 inferences.
      m.tiling.fixed_level_fraction = 0.6f;
      m.tiling.overlap = 0.25f;
      break;
    case DetectionMode::kBalanced:
      m.tiling.min_face_px =
          options.min_face_px > 0 ? options.min_face_px : kBalancedMinFace;
      m.tiling.level_ratio = 2.0f;
      m.tiling.overlap = 0.25f;
      break;
    case DetectionMode::kThorough:
      m.tiling.min_face_px =
          options.min_face_px > 0 ? options.min_face_px : kThoroughMinFace;
      m.tiling.level_ratio = 1.5f;
      m.tiling.overlap = 0.25f;
      m.verify.enabled = true;
      break;
  }
  return m;
}

float ShiftScore(float score, float logit_offset) {
  if (logit_offset == 0) return score;
  const float s = std::clamp(score, 1e-6f, 1.0f - 1e-6f);
  const float logit = std::log(s / (1 - s)) + logit_offset;
  return 1.0f / (1.0f + std::exp(-logit));
}

std::vector<Face> MergeTileCandidates(std::vector<TileCandidate> candidates,
                                      float iou_threshold) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const TileCandidate& a, const TileCandidate& b) {
                     return a.face.score > b.face.score;
                   });
  std::vector<Face> out;
  std::vector<TileCandidate> remaining = std::move(candidates);
  std::vector<TileCandidate> group, rest;
  while (!remaining.empty()) {
    const Box lead = remaining.front().face.box;
    group.clear();
    rest.clear();
    bool any_whole = false;
    for (size_t i = 0; i < remaining.size(); ++i) {
      if (i == 0 || IoU(remaining[i].face.box, lead) > iou_threshold) {
        any_whole = any_whole || !remaining[i].cut;
        group.push_back(std::move(remaining[i]));
      } else {
        rest.push_back(std::move(remaining[i]));
      }
    }
    WeightedFaceMean mean;
    for (const TileCandidate& c : group) {
      if (!(any_whole && c.cut)) mean.Add(c.face);
    }
    Face merged = group.front().face;
    if (any_whole && group.front().cut) {
      // The best score stays, the box comes from the whole views.
      for (const TileCandidate& c : group) {
        if (!c.cut) {
          merged.keypoints = c.face.keypoints;
          break;
        }
      }
    }
    mean.WriteTo(&merged);
    out.push_back(merged);
    remaining.swap(rest);
  }
  return out;
}

Result<std::vector<Face>> DetectMultiScale(const BlazeFace& net,
                                           const cv::Mat& image,
                                           float score_threshold,
                                           Resampling resampling,
                                           const MultiScaleOptions& options) {
  const std::vector<TileLevel> levels = PlanTiles(image.size(), options.tiling);
  float decode_min = score_threshold;
  if (options.verify.enabled) {
    decode_min = std::min(decode_min, options.verify.min_score);
  }
  // A tile candidate is shifted after decoding, so decode low enough that
  // a positive offset can still lift it over the threshold.
  const float tile_decode_min =
      options.tile_logit_offset > 0
          ? ShiftScore(decode_min, -options.tile_logit_offset)
          : decode_min;

  std::vector<TileCandidate> candidates;
  const size_t batch = static_cast<size_t>(std::max(1, options.batch_size));
  for (size_t li = 0; li < levels.size(); ++li) {
    std::vector<int> run;  // indices of the tiles worth running
    for (size_t t = 0; t < levels[li].tiles.size(); ++t) {
      if (li > 0 && options.flat_tile_stddev > 0 &&
          RegionStdDev(image, levels[li].tiles[t]) < options.flat_tile_stddev) {
        continue;
      }
      run.push_back(static_cast<int>(t));
    }
    const float min_score = li == 0 ? decode_min : tile_decode_min;
    for (size_t start = 0; start < run.size(); start += batch) {
      const size_t end = std::min(run.size(), start + batch);
      std::vector<SquareRegion> regions;
      for (size_t k = start; k < end; ++k) {
        regions.push_back(levels[li].tiles[run[k]]);
      }
      auto found =
          net.DetectCandidatesBatch(image, regions, min_score, resampling);
      if (!found.ok()) return found.status();
      for (size_t k = start; k < end; ++k) {
        for (Face& f : (*found)[k - start]) {
          if (li > 0) f.score = ShiftScore(f.score, options.tile_logit_offset);
          if (!(f.score >= decode_min)) continue;
          candidates.push_back(
              TileCandidate{std::move(f), static_cast<int>(li), run[k], false});
        }
      }
    }
  }
  candidates = ResolveTileEdges(std::move(candidates), levels, image.size());
  std::vector<Face> faces =
      MergeTileCandidates(std::move(candidates), options.nms_iou_threshold);
  FACEVEIL_RETURN_IF_ERROR(
      VerifyCandidates(net, image, resampling, options.verify, &faces));
  std::vector<Face> kept;
  for (Face& f : faces) {
    if (f.score >= score_threshold) kept.push_back(std::move(f));
  }
  std::stable_sort(kept.begin(), kept.end(), [](const Face& a, const Face& b) {
    return a.score > b.score;
  });
  return kept;
}

}  // namespace faceveil
