// Measuring a detector on WIDER FACE style ground truth.
//
//   auto gt = faceveil::eval::ReadGroundTruth("wider_val/gt.tsv");
//   auto run = faceveil::eval::RunDetector(*detector, *gt, {.images_dir = d});
//   auto report = faceveil::eval::Evaluate(*gt, run->images, {});
//   std::cout << faceveil::eval::FormatReport(*report);
//
// Two kinds of figures come out:
//  - average precision for the Easy, Medium and Hard settings, computed the
//    way the official WIDER FACE evaluation (evaluation.py of the WIDER FACE
//    toolbox) computes it, quirks included (see src/eval/wider_ap.h);
//  - what matters for anonymization at the operating score threshold: the
//    share of faces the masks would cover (privacy recall), broken down by
//    face height and annotation flags, and false positives per image.
#ifndef FACEVEIL_EVAL_H_
#define FACEVEIL_EVAL_H_

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faceveil/detector.h"
#include "faceveil/face.h"
#include "faceveil/status.h"

namespace faceveil::eval {

// The official evaluation's difficulty of a face. A face of a setting also
// counts in every harder setting; kIgnore faces count in none, and
// detections matching them are not scored.
enum class Difficulty { kEasy = 0, kMedium = 1, kHard = 2, kIgnore = 3 };

// One annotated face. Attribute values are WIDER FACE's; -1 = not given.
struct GtFace {
  Box box;  // x, y, w, h as annotated (integers in WIDER FACE)
  Difficulty difficulty = Difficulty::kIgnore;
  bool invalid = false;   // the annotators' "invalid" flag
  int blur = -1;          // 0 clear, 1 normal, 2 heavy
  int occlusion = -1;     // 0 none, 1 partial, 2 heavy
  int pose = -1;          // 0 typical, 1 atypical
  int illumination = -1;  // 0 normal, 1 extreme
  int expression = -1;    // 0 typical, 1 exaggerated
};

struct GtImage {
  std::string path;  // relative to the data directory, '/' separated
  std::vector<GtFace> faces;
};

struct GroundTruth {
  // In order of first appearance in the file.
  std::vector<GtImage> images;
  size_t NumFaces() const;
};

// Parses gt.tsv: one face per line, "image<TAB>x<TAB>y<TAB>w<TAB>h<TAB>flags";
// flags are comma separated: easy|medium|hard|ignore first, then optionally
// "invalid" and blur:N occ:N pose:N illum:N expr:N. Empty lines and lines
// starting with '#' are skipped. A malformed line fails the whole parse with
// "<source_name>:<line>: <reason>".
Result<GroundTruth> ParseGroundTruth(std::string_view text,
                                     const std::string& source_name);
Result<GroundTruth> ReadGroundTruth(const std::string& path);

// What a detector reported for one image.
struct ImageDetections {
  std::string file;  // the image path as the detector saw it
  std::vector<Face> faces;
  double ms = -1;     // time spent in Detect(), in ms; < 0 = not measured
  std::string error;  // non-empty: the image could not be processed
};

// Parses `faceveil detect` JSON Lines: one object per image,
// {"file": F, "faces": [{"box": [x, y, w, h], "score": s, ...}], "ms": t}
// or {"file": F, "error": E}. Unknown members are ignored; a malformed line
// fails the parse with "<source_name>:<line>: <reason>".
Result<std::vector<ImageDetections>> ParseDetectionsJsonl(
    std::string_view text, const std::string& source_name);
Result<std::vector<ImageDetections>> ReadDetectionsJsonl(
    const std::string& path);

struct MatchedDetections {
  // One entry per ground-truth image, in ground-truth order. Images absent
  // from the detections carry error "no detections for this image".
  std::vector<ImageDetections> per_image;
  size_t missing = 0;    // ground-truth images with no detection line
  size_t unmatched = 0;  // detection lines naming no ground-truth image
};

// Pairs detection lines with ground-truth images by path. Paths match when
// one is the other with leading directories removed ("/data/wider/images/a/
// b.jpg" and "images/a/b.jpg"); the longest unambiguous match wins. Two
// lines for the same image are an error.
Result<MatchedDetections> MatchToGroundTruth(
    const GroundTruth& gt, std::vector<ImageDetections> lines);

struct EvalOptions {
  // Operating point: detections scoring below this are ignored by privacy
  // recall and false positives (they would not be anonymized).
  float score_threshold = 0.5f;

  // Detections scoring below this are left out of the AP computation.
  // 0 = every detection given.
  float ap_min_score = 0.0f;

  // Official protocol: IoU for a detection to match a face.
  double ap_iou = 0.5;

  // Official protocol: number of score thresholds the PR curve samples.
  int pr_thresholds = 1000;

  // Privacy recall counts faces at least this many pixels tall.
  float min_face_height = 10;

  // A face is covered when a detection overlaps it with at least this IoU...
  float cover_iou = 0.4f;

  // ...or when at least this share of its area lies inside the union of the
  // detection boxes. The same two rules, seen from the detection, decide
  // whether a detection is a true hit (see false_positives below).
  float cover_fraction = 0.7f;
};

// How many faces of a group the detections cover.
struct CoverageCount {
  std::string label;
  int faces = 0;
  int covered = 0;
  double Recall() const { return faces > 0 ? double(covered) / faces : 0; }
};

struct EvalReport {
  EvalOptions options;
  int images = 0;         // ground-truth images evaluated
  int failed_images = 0;  // errors or missing: scored as no detections

  // Official WIDER FACE average precision, Easy / Medium / Hard.
  std::array<double, 3> ap{};
  std::array<int, 3> ap_faces{};  // faces in each setting
  int ap_detections = 0;          // detections that entered the AP

  // Faces >= min_face_height, any difficulty (ignore and invalid included).
  CoverageCount privacy;
  std::vector<CoverageCount> privacy_by_height;  // ">=64", "32-63", ...
  // Difficulty, blur, occlusion, pose, invalid.
  std::vector<CoverageCount> privacy_by_flag;

  // At the operating threshold. A detection is a false positive unless some
  // ground-truth face (any size, any difficulty) has IoU >= cover_iou with
  // it, or lies >= cover_fraction inside it, or the detection itself lies
  // >= cover_fraction inside the union of the ground-truth boxes.
  int detections = 0;
  int false_positives = 0;
  double FalsePositivesPerImage() const;

  // Mean of ImageDetections::ms over the images that have it; < 0 = none.
  double mean_ms = -1;
  // Set by the caller: the whole run's wall time in seconds; < 0 = unknown.
  double wall_seconds = -1;
};

// `per_image` must hold one entry per ground-truth image, in order.
Result<EvalReport> Evaluate(const GroundTruth& gt,
                            const std::vector<ImageDetections>& per_image,
                            const EvalOptions& options);

// A table for people.
std::string FormatReport(const EvalReport& report);
// Every figure of the report as a JSON object (pretty-printed).
std::string ReportToJson(const EvalReport& report);

struct RunOptions {
  // Ground-truth paths are relative to this directory.
  std::string images_dir;
  // Images processed at once, sharing one Detector. 0 = one per core.
  int threads = 0;
  // Called after each image (from worker threads, serialized) with the
  // number of images done and the total. May be empty.
  std::function<void(size_t done, size_t total)> progress;
  // The options of every Detect() call (threshold, mode, models ...), so
  // that runs at several thresholds share one loaded Detector. Unset: the
  // detector's own, Detector::options().
  std::optional<DetectOptions> detect;
};

struct RunResult {
  std::vector<ImageDetections> images;  // one per ground-truth image
  double wall_seconds = 0;
};

// Decodes every ground-truth image and runs `detector` on it. An image
// that fails to decode or detect gets its error recorded; the run goes on.
Result<RunResult> RunDetector(const Detector& detector, const GroundTruth& gt,
                              const RunOptions& options);

}  // namespace faceveil::eval

#endif  // FACEVEIL_EVAL_H_
