// Evaluate(): every figure of a run, and the report's two renderings.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "eval/coverage.h"
#include "eval/wider_ap.h"
#include "faceveil/eval.h"

namespace faceveil::eval {

namespace {

std::string Format(const char* format, double a, double b = 0, double c = 0) {
  char buffer[128];
  std::snprintf(buffer, sizeof(buffer), format, a, b, c);
  return buffer;
}

void AppendCoverageRows(const std::vector<CoverageCount>& rows,
                        std::ostringstream* out) {
  for (const CoverageCount& c : rows) {
    char line[128];
    std::snprintf(line, sizeof(line), "  %-10s %6d faces  %6.3f\n",
                  c.label.c_str(), c.faces, c.Recall());
    *out << line;
  }
}

nlohmann::json CoverageJson(const CoverageCount& c) {
  return {{"label", c.label},
          {"faces", c.faces},
          {"covered", c.covered},
          {"recall", c.Recall()}};
}

}  // namespace

double EvalReport::FalsePositivesPerImage() const {
  const int scored = images - failed_images;
  return scored > 0 ? double(false_positives) / scored : 0;
}

Result<EvalReport> Evaluate(const GroundTruth& gt,
                            const std::vector<ImageDetections>& per_image,
                            const EvalOptions& options) {
  if (per_image.size() != gt.images.size()) {
    return Status::InvalidArgument(
        "detections for " + std::to_string(per_image.size()) +
        " images, ground truth for " + std::to_string(gt.images.size()));
  }
  if (options.pr_thresholds < 1 || options.pr_thresholds > 1000000) {
    return Status::InvalidArgument("pr_thresholds must be in [1, 1e6]");
  }
  if (!(options.ap_iou > 0 && options.ap_iou <= 1) ||
      !(options.cover_iou > 0 && options.cover_iou <= 1) ||
      !(options.cover_fraction > 0 && options.cover_fraction <= 1)) {
    return Status::InvalidArgument("IoU and coverage thresholds need (0, 1]");
  }
  EvalReport report;
  report.options = options;
  report.images = static_cast<int>(gt.images.size());
  double ms_sum = 0;
  int timed = 0;
  for (const ImageDetections& d : per_image) {
    if (!d.error.empty()) ++report.failed_images;
    if (d.ms >= 0) {
      ms_sum += d.ms;
      ++timed;
    }
  }
  if (timed > 0) report.mean_ms = ms_sum / timed;

  const WiderApResult ap =
      ComputeWiderAp(gt, per_image, options.ap_min_score, options.ap_iou,
                     options.pr_thresholds);
  report.ap = ap.ap;
  report.ap_faces = ap.faces;
  report.ap_detections = ap.detections;
  ComputeCoverage(gt, per_image, options, &report);
  return report;
}

std::string FormatReport(const EvalReport& r) {
  std::ostringstream out;
  out << "images " << r.images;
  if (r.failed_images > 0) out << " (" << r.failed_images << " failed)";
  out << "\n";
  out << "WIDER FACE AP (official protocol, " << r.ap_detections
      << " detections scoring >= " << Format("%g", r.options.ap_min_score)
      << ")\n";
  const char* names[3] = {"Easy", "Medium", "Hard"};
  for (int s = 0; s < 3; ++s) {
    char line[96];
    std::snprintf(line, sizeof(line), "  %-10s %6d faces  %6.3f\n", names[s],
                  r.ap_faces[s], r.ap[s]);
    out << line;
  }
  out << "Privacy recall at score >= "
      << Format("%g", r.options.score_threshold)
      << " (faces >= " << Format("%g", r.options.min_face_height)
      << " px tall)\n";
  AppendCoverageRows({r.privacy}, &out);
  out << "by height (px)\n";
  AppendCoverageRows(r.privacy_by_height, &out);
  out << "by flag\n";
  AppendCoverageRows(r.privacy_by_flag, &out);
  out << "False positives " << r.false_positives << " of " << r.detections
      << " detections, " << Format("%.3f", r.FalsePositivesPerImage())
      << " per image\n";
  if (r.mean_ms >= 0) {
    out << "Detection time " << Format("%.2f", r.mean_ms) << " ms/image";
    if (r.wall_seconds >= 0) {
      out << ", wall " << Format("%.1f", r.wall_seconds) << " s";
    }
    out << "\n";
  }
  return out.str();
}

std::string ReportToJson(const EvalReport& r) {
  nlohmann::json j;
  j["images"] = r.images;
  j["failed_images"] = r.failed_images;
  j["options"] = {{"score_threshold", r.options.score_threshold},
                  {"ap_min_score", r.options.ap_min_score},
                  {"ap_iou", r.options.ap_iou},
                  {"pr_thresholds", r.options.pr_thresholds},
                  {"min_face_height", r.options.min_face_height},
                  {"cover_iou", r.options.cover_iou},
                  {"cover_fraction", r.options.cover_fraction}};
  j["ap"] = {{"easy", r.ap[0]}, {"medium", r.ap[1]}, {"hard", r.ap[2]}};
  j["ap_faces"] = {{"easy", r.ap_faces[0]},
                   {"medium", r.ap_faces[1]},
                   {"hard", r.ap_faces[2]}};
  j["ap_detections"] = r.ap_detections;
  j["privacy_recall"] = CoverageJson(r.privacy);
  j["privacy_by_height"] = nlohmann::json::array();
  for (const CoverageCount& c : r.privacy_by_height) {
    j["privacy_by_height"].push_back(CoverageJson(c));
  }
  j["privacy_by_flag"] = nlohmann::json::array();
  for (const CoverageCount& c : r.privacy_by_flag) {
    j["privacy_by_flag"].push_back(CoverageJson(c));
  }
  j["detections"] = r.detections;
  j["false_positives"] = r.false_positives;
  j["fp_per_image"] = r.FalsePositivesPerImage();
  j["ms_per_image"] = r.mean_ms >= 0 ? nlohmann::json(r.mean_ms) : nullptr;
  j["wall_seconds"] =
      r.wall_seconds >= 0 ? nlohmann::json(r.wall_seconds) : nullptr;
  return j.dump(2) + "\n";
}

}  // namespace faceveil::eval
