#include "detect/multiscale.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <opencv2/imgproc.hpp>
#include <string>
#include <utility>

#include "base/nms.h"
#include "base/work_steps.h"

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

// Whether the centre of some proposal small enough for a level of tiles of
// `side` (box side <= max_fraction x side) lies inside `tile`.
bool HoldsProposal(const SquareRegion& tile, float side, float max_fraction,
                   const std::vector<Box>& proposals) {
  for (const Box& p : proposals) {
    if (std::max(p.w, p.h) > max_fraction * side) continue;
    const float cx = p.cx(), cy = p.cy();
    if (cx >= tile.x && cx < tile.x + tile.side && cy >= tile.y &&
        cy < tile.y + tile.side) {
      return true;
    }
  }
  return false;
}

bool ParseTuneFloat(std::string_view text, float* out) {
  const std::string s(text);
  if (s.empty()) return false;
  char* end = nullptr;
  const float v = std::strtof(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

// Sets *field from `value` when it parses and lies in [lo, hi].
bool SetInRange(std::string_view value, float lo, float hi, float* field) {
  float v = 0;
  if (!ParseTuneFloat(value, &v) || v < lo || v > hi) return false;
  *field = v;
  return true;
}

bool SetFlag(std::string_view value, bool* field) {
  if (value != "0" && value != "1") return false;
  *field = value == "1";
  return true;
}

bool SetCount(std::string_view value, int lo, int hi, int* field) {
  float v = 0;
  if (!ParseTuneFloat(value, &v) || v != std::floor(v) || v < lo || v > hi) {
    return false;
  }
  *field = static_cast<int>(v);
  return true;
}

bool SetSides(std::string_view value, std::vector<float>* sides) {
  sides->clear();
  if (value == "none") {
    // A side no image is smaller than: whole image only.
    sides->push_back(1e9f);
    return true;
  }
  size_t start = 0;
  while (start <= value.size()) {
    const size_t end = std::min(value.find('/', start), value.size());
    float side = 0;
    if (!ParseTuneFloat(value.substr(start, end - start), &side) || side < 16 ||
        side > 1e6f) {
      return false;
    }
    sides->push_back(side);
    start = end + 1;
  }
  return !sides->empty();
}

// The keys of ApplyMultiScaleOverrides() and what each changes: one table,
// so the keys a message lists are the keys parsed.
using OverrideSetter = bool (*)(std::string_view value, MultiScaleOptions* o);
struct Override {
  std::string_view key;
  OverrideSetter apply;
};
constexpr Override kOverrides[] = {
    {"tiles",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetSides(v, &o->tiling.sides);
     }},
    {"overlap",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetInRange(v, 0, 0.9f, &o->tiling.overlap);
     }},
    {"nms",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetInRange(v, 0, 1, &o->nms_iou_threshold);
     }},
    {"logit",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetInRange(v, -20, 20, &o->tile_logit_offset);
     }},
    {"flat",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetInRange(v, 0, 255, &o->flat_tile_stddev);
     }},
    {"guided",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetCount(v, 0, 16, &o->guided_from_level);
     }},
    {"guide_min",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetInRange(v, 0, 1, &o->guide_min_score);
     }},
    {"guide_face",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetInRange(v, 0, 1, &o->guide_max_face_fraction);
     }},
    {"edges",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetFlag(v, &o->resolve_tile_edges);
     }},
    {"batch",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetCount(v, 1, 256, &o->batch_size);
     }},
    {"verify",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetFlag(v, &o->verify.enabled);
     }},
    {"verify_min",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetInRange(v, 0, 1, &o->verify.min_score);
     }},
    {"verify_max",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetInRange(v, 0, 2, &o->verify.max_score);
     }},
    {"verify_context",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetInRange(v, 1, 64, &o->verify.context);
     }},
    {"verify_max_face",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetInRange(v, 0, 1e6f, &o->verify.max_face_px);
     }},
    {"verify_weight",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetInRange(v, 0, 1, &o->verify.weight);
     }},
    {"verify_count",
     [](std::string_view v, MultiScaleOptions* o) {
       return SetCount(v, 0, 100000, &o->verify.max_candidates);
     }},
};

constexpr auto kOverrideKeys = [] {
  std::array<std::string_view, std::size(kOverrides)> keys{};
  for (size_t i = 0; i < keys.size(); ++i) keys[i] = kOverrides[i].key;
  return keys;
}();

std::string KeyList() {
  std::string list;
  for (std::string_view key : kOverrideKeys) {
    if (!list.empty()) list += ", ";
    list += key;
  }
  return list;
}

}  // namespace

Status ApplyMultiScaleOverrides(std::string_view spec,
                                MultiScaleOptions* options) {
  size_t start = 0;
  while (start < spec.size()) {
    const size_t end = std::min(spec.find_first_of(" ,;", start), spec.size());
    const std::string_view item = spec.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    const std::string bad =
        "bad multi-scale setting \"" + std::string(item) + "\": ";
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument(bad + "not key=value (keys: " + KeyList() +
                                     ")");
    }
    const std::string_view key = item.substr(0, eq);
    const Override* known =
        std::find_if(std::begin(kOverrides), std::end(kOverrides),
                     [&](const Override& k) { return k.key == key; });
    if (known == std::end(kOverrides)) {
      return Status::InvalidArgument(bad + "no key \"" + std::string(key) +
                                     "\" (keys: " + KeyList() + ")");
    }
    if (!known->apply(item.substr(eq + 1), options)) {
      return Status::InvalidArgument(bad + "not a valid value for " +
                                     std::string(key));
    }
  }
  return Status::Ok();
}

std::span<const std::string_view> MultiScaleOverrideKeys() {
  return kOverrideKeys;
}

float ShiftScore(float score, float logit_offset) {
  if (logit_offset == 0) return score;
  const float s = std::clamp(score, 1e-6f, 1.0f - 1e-6f);
  const float logit = std::log(s / (1 - s)) + logit_offset;
  return 1.0f / (1.0f + std::exp(-logit));
}

std::vector<Face> MergeTileCandidates(std::vector<TileCandidate> candidates,
                                      float iou_threshold) {
  std::vector<Face> faces;
  faces.reserve(candidates.size());
  for (const TileCandidate& c : candidates) faces.push_back(c.face);
  std::vector<Face> out;
  for (const std::vector<int>& group : GroupOverlapping(faces, iou_threshold)) {
    bool any_whole = false;
    for (int i : group) any_whole = any_whole || !candidates[i].cut;
    WeightedFaceMean mean;
    for (int i : group) {
      if (!(any_whole && candidates[i].cut)) mean.Add(faces[i]);
    }
    Face merged = faces[group.front()];
    if (any_whole && candidates[group.front()].cut) {
      // The best score stays, the box comes from the whole views.
      for (int i : group) {
        if (!candidates[i].cut) {
          merged.keypoints = faces[i].keypoints;
          break;
        }
      }
    }
    mean.WriteTo(&merged);
    out.push_back(merged);
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

  const bool guided = options.guided_from_level > 0;
  std::vector<TileCandidate> candidates;
  std::vector<Box> proposals;  // faint small candidates of coarser levels
  const size_t batch = static_cast<size_t>(std::max(1, options.batch_size));
  for (size_t li = 0; li < levels.size(); ++li) {
    const bool is_guided =
        guided && li >= static_cast<size_t>(options.guided_from_level);
    std::vector<int> run;  // indices of the tiles worth running
    for (size_t t = 0; t < levels[li].tiles.size(); ++t) {
      if (li > 0 && options.flat_tile_stddev > 0 &&
          RegionStdDev(image, levels[li].tiles[t]) < options.flat_tile_stddev) {
        continue;
      }
      if (is_guided &&
          !HoldsProposal(levels[li].tiles[t], levels[li].side,
                         options.guide_max_face_fraction, proposals)) {
        continue;
      }
      run.push_back(static_cast<int>(t));
    }
    float min_score = li == 0 ? decode_min : tile_decode_min;
    if (guided) min_score = std::min(min_score, options.guide_min_score);
    for (size_t start = 0; start < run.size(); start += batch) {
      // Levels are counted as equal shares: later ones are not planned yet.
      FACEVEIL_RETURN_IF_ERROR(
          WorkStep(static_cast<int>(li * run.size() + start),
                   static_cast<int>(levels.size() * run.size())));
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
          if (guided && f.score >= options.guide_min_score) {
            proposals.push_back(f.box);
          }
          if (!(f.score >= decode_min)) continue;
          candidates.push_back(
              TileCandidate{std::move(f), static_cast<int>(li), run[k], false});
        }
      }
    }
  }
  if (options.resolve_tile_edges) {
    candidates = ResolveTileEdges(std::move(candidates), levels, image.size());
  }
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
