#include "eval/wider_ap.h"

#include <algorithm>
#include <cstddef>

namespace faceveil::eval {

namespace {

// A face's state while one image's detections are matched.
enum class FaceState { kUnmatched, kRecalled, kIgnored };

bool InSetting(Difficulty d, int setting) {
  return d != Difficulty::kIgnore && static_cast<int>(d) <= setting;
}

}  // namespace

double OfficialIoU(const Box& a, const Box& b) {
  const double ax2 = double(a.x) + a.w, ay2 = double(a.y) + a.h;
  const double bx2 = double(b.x) + b.w, by2 = double(b.y) + b.h;
  const double iw = std::min(ax2, bx2) - std::max<double>(a.x, b.x) + 1;
  if (iw <= 0) return 0;
  const double ih = std::min(ay2, by2) - std::max<double>(a.y, b.y) + 1;
  if (ih <= 0) return 0;
  const double area_a = (double(a.w) + 1) * (double(a.h) + 1);
  const double area_b = (double(b.w) + 1) * (double(b.h) + 1);
  return iw * ih / (area_a + area_b - iw * ih);
}

void ScoreRange::Add(double score) {
  min = std::min(min, score);
  max = std::max(max, score);
}

double ScoreRange::Normalize(double score) const {
  const double diff = max - min;
  return diff > 0 ? (score - min) / diff : 1.0;
}

void AccumulateImage(const std::vector<ScoredBox>& detections,
                     const std::vector<Box>& faces,
                     const std::vector<bool>& in_setting, double iou_threshold,
                     PrCounts* counts) {
  if (faces.empty() || detections.empty()) return;
  std::vector<ScoredBox> sorted = detections;
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const ScoredBox& a, const ScoredBox& b) { return a.score > b.score; });

  // proposals_upto[h] / recalled_upto[h]: counts over detections 0..h.
  std::vector<FaceState> state(faces.size(), FaceState::kUnmatched);
  std::vector<int64_t> proposals_upto(sorted.size());
  std::vector<int64_t> recalled_upto(sorted.size());
  int64_t proposals = 0, recalled = 0;
  for (size_t h = 0; h < sorted.size(); ++h) {
    double best = 0;
    size_t best_face = 0;
    for (size_t g = 0; g < faces.size(); ++g) {
      const double iou = OfficialIoU(sorted[h].box, faces[g]);
      if (iou > best) {
        best = iou;
        best_face = g;
      }
    }
    bool proposal = true;
    if (best >= iou_threshold) {
      if (!in_setting[best_face]) {
        // The official code marks the face ignored even if it was matched
        // before; an ignored face is never in the setting, so never recalled.
        state[best_face] = FaceState::kIgnored;
        proposal = false;
      } else if (state[best_face] == FaceState::kUnmatched) {
        state[best_face] = FaceState::kRecalled;
        ++recalled;
      }
    }
    if (proposal) ++proposals;
    proposals_upto[h] = proposals;
    recalled_upto[h] = recalled;
  }

  const int thresholds = static_cast<int>(counts->proposals.size());
  size_t above = 0;  // detections scoring >= the current threshold
  for (int t = 0; t < thresholds; ++t) {
    const double threshold = 1.0 - static_cast<double>(t + 1) / thresholds;
    while (above < sorted.size() && sorted[above].score >= threshold) ++above;
    if (above == 0) continue;
    counts->proposals[t] += proposals_upto[above - 1];
    counts->recalled[t] += recalled_upto[above - 1];
  }
}

double VocAp(const std::vector<double>& recall,
             const std::vector<double>& precision) {
  std::vector<double> mrec, mpre;
  mrec.reserve(recall.size() + 2);
  mpre.reserve(recall.size() + 2);
  mrec.push_back(0);
  mpre.push_back(0);
  for (size_t i = 0; i < recall.size() && i < precision.size(); ++i) {
    mrec.push_back(recall[i]);
    mpre.push_back(precision[i]);
  }
  mrec.push_back(1);
  mpre.push_back(0);
  for (size_t i = mpre.size() - 1; i > 0; --i) {
    mpre[i - 1] = std::max(mpre[i - 1], mpre[i]);
  }
  double ap = 0;
  for (size_t i = 0; i + 1 < mrec.size(); ++i) {
    if (mrec[i + 1] != mrec[i]) ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
  }
  return ap;
}

double ApFromCounts(const PrCounts& counts, int64_t faces) {
  if (faces <= 0) return 0;
  const size_t n = counts.proposals.size();
  std::vector<double> recall(n), precision(n);
  for (size_t t = 0; t < n; ++t) {
    precision[t] = counts.proposals[t] > 0 ? double(counts.recalled[t]) /
                                                 double(counts.proposals[t])
                                           : 0.0;
    recall[t] = double(counts.recalled[t]) / double(faces);
  }
  return VocAp(recall, precision);
}

WiderApResult ComputeWiderAp(const GroundTruth& gt,
                             const std::vector<ImageDetections>& per_image,
                             float min_score, double iou_threshold,
                             int thresholds) {
  WiderApResult result;
  ScoreRange range;
  const size_t n = std::min(gt.images.size(), per_image.size());
  for (size_t i = 0; i < n; ++i) {
    for (const Face& f : per_image[i].faces) {
      if (f.score >= min_score) range.Add(f.score);
    }
  }

  for (int setting = 0; setting < 3; ++setting) {
    PrCounts counts(thresholds);
    int64_t faces_in_setting = 0;
    for (size_t i = 0; i < gt.images.size(); ++i) {
      const GtImage& image = gt.images[i];
      std::vector<Box> boxes;
      std::vector<bool> in_setting;
      boxes.reserve(image.faces.size());
      in_setting.reserve(image.faces.size());
      for (const GtFace& face : image.faces) {
        boxes.push_back(face.box);
        in_setting.push_back(InSetting(face.difficulty, setting));
        if (in_setting.back()) ++faces_in_setting;
      }
      if (i >= n) continue;
      std::vector<ScoredBox> detections;
      for (const Face& f : per_image[i].faces) {
        if (f.score < min_score) continue;
        detections.push_back(ScoredBox{f.box, range.Normalize(f.score)});
      }
      if (setting == 0) result.detections += int(detections.size());
      AccumulateImage(detections, boxes, in_setting, iou_threshold, &counts);
    }
    result.faces[setting] = static_cast<int>(faces_in_setting);
    result.ap[setting] = ApFromCounts(counts, faces_in_setting);
  }
  return result;
}

}  // namespace faceveil::eval
