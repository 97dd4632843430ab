// How two detectors' saved detections merge best: the measurement behind
// the ensemble calibrations of src/detect/presets.cpp.
//
//   merge_sweep GT.tsv A.jsonl B.jsonl [OUT.jsonl]
//
// A and B are `faceveil eval --threshold 0.1 --save-detections` files of
// the same ground truth. B's logit offset and the agreement bonus run over a
// grid (A's offset stays 0: the threshold absorbs a common shift); for each
// pair, thresholds from 0.20 to 0.97 in steps of 0.01 give the highest
// privacy recall at no more than one false positive per image. The best
// pair's merged detections (all of them, at >= 0.1) go to OUT.jsonl when
// given, for `faceveil eval --detections` to score in full (AP included).
//
// The merge is the product's own MergeEnsemble (A in the BlazeFace slot,
// whose keypoints survive, B in the SSD slot).
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "detect/ensemble.h"
#include "faceveil/eval.h"
#include "faceveil/report.h"

namespace {

using faceveil::eval::ImageDetections;

std::vector<ImageDetections> Merge(const std::vector<ImageDetections>& a,
                                   const std::vector<ImageDetections>& b,
                                   const faceveil::EnsembleOptions& options) {
  std::vector<ImageDetections> out(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    out[i].file = a[i].file;
    out[i].error = a[i].error.empty() ? b[i].error : a[i].error;
    out[i].faces = faceveil::MergeEnsemble(a[i].faces, b[i].faces, options);
  }
  return out;
}

struct Point {
  float threshold = 0;
  double recall = 0;
  double fp = 0;
};

// The highest privacy recall at <= 1 FP/image over the threshold grid.
Point BestAtOneFp(const faceveil::eval::GroundTruth& gt,
                  const std::vector<ImageDetections>& merged) {
  Point best;
  faceveil::eval::EvalOptions options;
  options.pr_thresholds = 10;  // AP is not what this measures
  for (int t = 20; t <= 97; ++t) {
    options.score_threshold = t / 100.0f;
    options.ap_min_score = options.score_threshold;
    auto report = faceveil::eval::Evaluate(gt, merged, options);
    if (!report.ok()) continue;
    const double fp = report->FalsePositivesPerImage();
    if (fp <= 1.0 && report->privacy.Recall() > best.recall) {
      best = {options.score_threshold, report->privacy.Recall(), fp};
    }
    if (fp <= 1.0) break;  // higher thresholds only lose recall
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s GT.tsv A.jsonl B.jsonl [OUT.jsonl]\n",
                 argv[0]);
    return 2;
  }
  auto gt = faceveil::eval::ReadGroundTruth(argv[1]);
  if (!gt.ok()) {
    std::fprintf(stderr, "%s\n", gt.status().ToString().c_str());
    return 2;
  }
  std::vector<std::vector<ImageDetections>> sides;
  for (int i = 2; i <= 3; ++i) {
    auto lines = faceveil::eval::ReadDetectionsJsonl(argv[i]);
    if (!lines.ok()) {
      std::fprintf(stderr, "%s\n", lines.status().ToString().c_str());
      return 2;
    }
    auto matched = faceveil::eval::MatchToGroundTruth(*gt, std::move(*lines));
    if (!matched.ok()) {
      std::fprintf(stderr, "%s\n", matched.status().ToString().c_str());
      return 2;
    }
    sides.push_back(std::move(matched->per_image));
  }
  std::printf("b_offset\tbonus\tthreshold\trecall\tFP/image\n");
  faceveil::EnsembleOptions best_options;
  Point best;
  for (float b_offset :
       {-2.5f, -2.0f, -1.5f, -1.0f, -0.5f, -0.25f, 0.0f, 0.25f, 0.5f}) {
    for (float bonus : {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 2.5f, 3.0f}) {
      faceveil::EnsembleOptions options;
      options.ssd_logit_offset = b_offset;
      options.agreement_logit_bonus = bonus;
      const Point p = BestAtOneFp(*gt, Merge(sides[0], sides[1], options));
      std::printf("%.2f\t%.1f\t%.2f\t%.4f\t%.3f\n", b_offset, bonus,
                  p.threshold, p.recall, p.fp);
      std::fflush(stdout);
      if (p.recall > best.recall) {
        best = p;
        best_options = options;
      }
    }
  }
  std::printf(
      "best: b_offset %.2f bonus %.1f threshold %.2f recall %.4f "
      "FP/image %.3f\n",
      best_options.ssd_logit_offset, best_options.agreement_logit_bonus,
      best.threshold, best.recall, best.fp);
  if (argc > 4) {
    std::ofstream out(argv[4]);
    for (const ImageDetections& d : Merge(sides[0], sides[1], best_options)) {
      std::vector<faceveil::Face> kept;
      for (const faceveil::Face& f : d.faces) {
        if (f.score >= 0.1f) kept.push_back(f);
      }
      faceveil::ImageReport report;
      report.faces = kept;
      out << faceveil::ReportToJsonLine(d.file, report) << "\n";
    }
  }
  return 0;
}
