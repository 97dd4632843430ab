// `faceveil eval`: WIDER FACE AP and privacy recall of the detector, or of
// a JSON Lines detections file, against a gt.tsv ground truth.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "detection_options.h"
#include "faceveil/detector.h"
#include "faceveil/eval.h"

namespace faceveil::cli {

namespace {

struct EvalArgs {
  std::string gt_path;
  std::string images_dir;       // empty: the directory of gt_path
  std::string detections_path;  // set: score this file, run no detector
  std::string out_path;
  std::string save_path;
  int threads = 0;
  size_t limit = 0;
  float ap_threshold = -1;  // < 0: the operating threshold
  DetectorOptions detector;
};

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IoError(path + ": cannot write");
  return Status::Ok();
}

// The run's detections in `faceveil detect`'s JSON Lines format, so a run
// can be scored again with --detections.
std::string ToJsonl(const std::vector<eval::ImageDetections>& images) {
  std::string text;
  for (const eval::ImageDetections& image : images) {
    nlohmann::json j;
    j["file"] = image.file;
    if (!image.error.empty()) {
      j["error"] = image.error;
    } else {
      j["faces"] = nlohmann::json::array();
      for (const Face& f : image.faces) {
        nlohmann::json kp = nlohmann::json::array();
        for (const Point& p : f.keypoints) kp.push_back({p.x, p.y});
        j["faces"].push_back({{"box", {f.box.x, f.box.y, f.box.w, f.box.h}},
                              {"score", f.score},
                              {"keypoints", kp}});
      }
      if (image.ms >= 0) j["ms"] = image.ms;
    }
    text += j.dump() + "\n";
  }
  return text;
}

// Prints "eval: done/total images" about ten times per run.
void PrintProgress(size_t done, size_t total) {
  const size_t step = std::max<size_t>(1, total / 10);
  if (done % step == 0 || done == total) {
    std::cerr << "eval: " << done << "/" << total << " images\n";
  }
}

Result<std::vector<eval::ImageDetections>> RunOrLoad(
    const EvalArgs& args, const eval::GroundTruth& gt, double* wall_seconds) {
  if (!args.detections_path.empty()) {
    auto lines = eval::ReadDetectionsJsonl(args.detections_path);
    if (!lines.ok()) return lines.status();
    auto matched = eval::MatchToGroundTruth(gt, std::move(lines).value());
    if (!matched.ok()) return matched.status();
    if (matched->missing > 0) {
      std::cerr << "eval: warning: " << matched->missing
                << " ground-truth images have no detection line (scored as "
                   "no detections)\n";
    }
    if (matched->unmatched > 0) {
      std::cerr << "eval: warning: " << matched->unmatched
                << " detection lines name no ground-truth image (ignored)\n";
    }
    return std::move(matched->per_image);
  }

  DetectorOptions options = args.detector;
  if (args.ap_threshold >= 0) {
    options.score_threshold =
        std::min(options.score_threshold, args.ap_threshold);
  }
  auto detector = Detector::Create(options);
  if (!detector.ok()) return detector.status();
  eval::RunOptions run;
  run.images_dir = args.images_dir;
  run.threads = args.threads;
  if (gt.images.size() >= 20) run.progress = PrintProgress;
  auto result = eval::RunDetector(**detector, gt, run);
  if (!result.ok()) return result.status();
  *wall_seconds = result->wall_seconds;
  if (!args.save_path.empty()) {
    FACEVEIL_RETURN_IF_ERROR(
        WriteText(args.save_path, ToJsonl(result->images)));
  }
  return std::move(result->images);
}

int RunEval(EvalArgs args) {
  if (const Status s = ValidateDetectionOptions(args.detector); !s.ok()) {
    std::cerr << "faceveil eval: " << s.ToString() << "\n";
    return kExitUsage;
  }
  auto gt = eval::ReadGroundTruth(args.gt_path);
  if (!gt.ok()) {
    std::cerr << "faceveil eval: " << gt.status().ToString() << "\n";
    return kExitFailures;
  }
  if (args.limit > 0 && gt->images.size() > args.limit) {
    gt->images.resize(args.limit);
  }
  if (args.images_dir.empty()) {
    args.images_dir =
        std::filesystem::path(args.gt_path).parent_path().string();
    if (args.images_dir.empty()) args.images_dir = ".";
  }

  double wall_seconds = -1;
  auto per_image = RunOrLoad(args, *gt, &wall_seconds);
  if (!per_image.ok()) {
    std::cerr << "faceveil eval: " << per_image.status().ToString() << "\n";
    return kExitFailures;
  }
  int failed_shown = 0;
  for (const eval::ImageDetections& d : *per_image) {
    if (!d.error.empty() && args.detections_path.empty() &&
        failed_shown++ < 5) {
      std::cerr << "eval: " << d.file << ": " << d.error << "\n";
    }
  }

  eval::EvalOptions options;
  options.score_threshold = args.detector.score_threshold;
  options.ap_min_score =
      args.ap_threshold >= 0 ? args.ap_threshold : options.score_threshold;
  auto report = eval::Evaluate(*gt, *per_image, options);
  if (!report.ok()) {
    std::cerr << "faceveil eval: " << report.status().ToString() << "\n";
    return kExitFailures;
  }
  report->wall_seconds = wall_seconds;
  std::cout << eval::FormatReport(*report);
  if (!args.out_path.empty()) {
    const Status s = WriteText(args.out_path, eval::ReportToJson(*report));
    if (!s.ok()) {
      std::cerr << "faceveil eval: " << s.ToString() << "\n";
      return kExitFailures;
    }
  }
  return report->failed_images > 0 ? kExitFailures : kExitOk;
}

}  // namespace

void AddEvalCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<EvalArgs>();
  auto* cmd = app.add_subcommand(
      "eval",
      "Measure face detection on WIDER FACE style ground truth: official "
      "AP (Easy/Medium/Hard), privacy recall by face size and flags, false "
      "positives per image, time per image");
  cmd->add_option("--gt", args->gt_path,
                  "Ground truth: gt.tsv (image x y w h flags per line)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--images", args->images_dir,
                  "Directory the ground-truth image paths are relative to "
                  "(default: the directory of --gt)");
  cmd->add_option("--detections", args->detections_path,
                  "Score this JSON Lines file (faceveil detect's output) "
                  "instead of running the detector")
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", args->out_path, "Also write every figure as JSON");
  cmd->add_option("--save-detections", args->save_path,
                  "Write the detector's output as JSON Lines, for "
                  "--detections later");
  cmd->add_option("-j,--jobs", args->threads,
                  "Images processed at once (default: one per core)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--limit", args->limit,
                  "Evaluate only the first N ground-truth images");
  cmd->add_option("--ap-threshold", args->ap_threshold,
                  "Lowest score entering the AP (default: --threshold); the "
                  "detector runs at the lower of the two")
      ->check(CLI::Range(0.0f, 1.0f));
  AddDetectionOptions(cmd, &args->detector);
  cmd->footer(DetectionOptionsHelp());
  cmd->callback([args, exit_code] { *exit_code = RunEval(*args); });
}

}  // namespace faceveil::cli
