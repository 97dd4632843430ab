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
#include "faceveil/file_io.h"
#include "faceveil/pipeline.h"
#include "setting_flags.h"

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
  float ap_threshold = -1;   // < 0: the operating threshold
  std::string tune;          // expert multi-scale settings; see --tune
  SettingFlags detection;    // --mode, --detector ...: the table's "detect"
  DetectorOptions detector;  // what they give, set by RunEval()
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

Result<std::vector<eval::ImageDetections>> LoadDetections(
    const EvalArgs& args, const eval::GroundTruth& gt) {
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

// One pass of `detector` at `threshold` over every ground-truth image, on
// the networks it has loaded (the threshold goes with each call).
Result<eval::RunResult> RunAt(const Detector& detector, const EvalArgs& args,
                              const eval::GroundTruth& gt, float threshold) {
  eval::RunOptions run;
  run.images_dir = args.images_dir;
  run.threads = args.threads;
  run.detect = detector.options();
  run.detect->score_threshold = threshold;
  if (gt.images.size() >= 20) run.progress = PrintProgress;
  auto result = eval::RunDetector(detector, gt, run);
  if (!result.ok()) return result.status();
  int failed_shown = 0;
  for (const eval::ImageDetections& d : result->images) {
    if (!d.error.empty() && failed_shown++ < 5) {
      std::cerr << "eval: " << PrintableName(d.file) << ": " << d.error << "\n";
    }
  }
  return result;
}

// Detections at the operating point (for privacy recall, false positives
// and time) and, when the AP needs lower scores, a second run for the AP:
// weighted NMS merges low-scoring boxes into the high-scoring ones, so
// filtering a low-threshold run would not reproduce the product's boxes.
struct Detections {
  std::vector<eval::ImageDetections> operating;
  std::vector<eval::ImageDetections> for_ap;  // empty: use `operating`
  double wall_seconds = -1;                   // of the operating run
};

Result<Detections> GetDetections(const EvalArgs& args,
                                 const eval::GroundTruth& gt) {
  Detections out;
  if (!args.detections_path.empty()) {
    auto loaded = LoadDetections(args, gt);
    if (!loaded.ok()) return loaded.status();
    out.operating = std::move(loaded).value();
    return out;
  }
  // The networks are loaded once for both passes, before any image.
  auto detector = Detector::Create(args.detector);
  if (!detector.ok()) return detector.status();
  const float threshold = ScoreThreshold(args.detector);
  auto operating = RunAt(**detector, args, gt, threshold);
  if (!operating.ok()) return operating.status();
  out.operating = std::move(operating->images);
  out.wall_seconds = operating->wall_seconds;
  if (args.ap_threshold >= 0 && args.ap_threshold < threshold) {
    std::cerr << "eval: second pass at score >= " << args.ap_threshold
              << " for the AP\n";
    auto for_ap = RunAt(**detector, args, gt, args.ap_threshold);
    if (!for_ap.ok()) return for_ap.status();
    out.for_ap = std::move(for_ap->images);
  }
  if (!args.save_path.empty()) {
    FACEVEIL_RETURN_IF_ERROR(
        WriteText(args.save_path,
                  ToJsonl(out.for_ap.empty() ? out.operating : out.for_ap)));
  }
  return out;
}

int RunEval(EvalArgs& args) {
  PipelineOptions pipeline;
  Status s = args.detection.ApplyTo(&pipeline);
  args.detector = pipeline.detector;
  if (s.ok()) s = ValidateDetectorOptions(args.detector);
  // Checked apart from the other flags so that its message names it.
  args.detector.tuning = args.tune;
  if (s.ok()) s = ValidateDetectorOptions(args.detector).WithContext("--tune");
  if (!s.ok()) {
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

  auto detections = GetDetections(args, *gt);
  if (!detections.ok()) {
    std::cerr << "faceveil eval: " << detections.status().ToString() << "\n";
    return kExitFailures;
  }

  eval::EvalOptions options;
  options.score_threshold = ScoreThreshold(args.detector);
  options.ap_min_score =
      args.ap_threshold >= 0 ? args.ap_threshold : options.score_threshold;
  auto report = eval::Evaluate(*gt, detections->operating, options);
  if (report.ok() && !detections->for_ap.empty()) {
    auto ap_report = eval::Evaluate(*gt, detections->for_ap, options);
    if (!ap_report.ok()) report = ap_report.status();
    if (report.ok()) {
      report->ap = ap_report->ap;
      report->ap_faces = ap_report->ap_faces;
      report->ap_detections = ap_report->ap_detections;
    }
  }
  if (!report.ok()) {
    std::cerr << "faceveil eval: " << report.status().ToString() << "\n";
    return kExitFailures;
  }
  report->wall_seconds = detections->wall_seconds;
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
                  "Write the detector's output (the AP pass's when there "
                  "are two) as JSON Lines, for --detections later");
  cmd->add_option("-j,--jobs", args->threads,
                  "Images processed at once (default: one per core)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--limit", args->limit,
                  "Evaluate only the first N ground-truth images");
  cmd->add_option("--ap-threshold", args->ap_threshold,
                  "Lowest score entering the AP (default: --threshold). Below "
                  "--threshold the detector makes a second pass at this "
                  "threshold for the AP; the other figures keep --threshold. "
                  "With --detections: a filter on the file's scores")
      ->check(CLI::Range(0.0f, 1.0f));
  // Expert flags for measuring ideas before they become presets; hidden
  // from --help (empty group).
  cmd->add_option("--tune", args->tune,
                  "Multi-scale settings over the mode's, e.g. "
                  "\"tiles=384/192 overlap=0.25 logit=-0.5 verify=1\" (keys: "
                  "src/detect/multiscale.h, ApplyMultiScaleOverrides)")
      ->group("");
  args->detection.AddTo(cmd, "detect");
  cmd->footer(DetectionOptionsHelp());
  cmd->callback([args, exit_code] { *exit_code = RunEval(*args); });
}

}  // namespace faceveil::cli
