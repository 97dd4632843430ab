#include "detection_options.h"

#include <map>
#include <sstream>

namespace faceveil::cli {

void AddDetectionOptions(CLI::App* cmd, DetectorOptions* options) {
  const std::map<std::string, ModelKind> models = {
      {ModelKindName(ModelKind::kShortRange), ModelKind::kShortRange},
      {ModelKindName(ModelKind::kFullRange), ModelKind::kFullRange},
      {ModelKindName(ModelKind::kFullRangeSparse), ModelKind::kFullRangeSparse},
  };
  cmd->add_option("--model", options->model,
                  "Detection model: short, full or full-sparse (see below)")
      ->transform(
          CLI::CheckedTransformer(models, CLI::ignore_case).description(""))
      ->type_name("short|full|full-sparse")
      ->default_str(ModelKindName(options->model));
  const std::map<std::string, DetectorModels> detectors = {
      {DetectorModelsName(DetectorModels::kEnsemble),
       DetectorModels::kEnsemble},
      {DetectorModelsName(DetectorModels::kBlazeFace),
       DetectorModels::kBlazeFace},
      {DetectorModelsName(DetectorModels::kSsd), DetectorModels::kSsd},
      {DetectorModelsName(DetectorModels::kCrowdNet),
       DetectorModels::kCrowdNet},
  };
  // The threshold is left unset unless --threshold is given, so it follows
  // the detector and the mode (ScoreThreshold()) in any order.
  cmd->add_option_function<DetectorModels>(
         "--detector",
         [options](const DetectorModels& models) { options->models = models; },
         "Which networks look for faces: crowdnet, ensemble, blazeface or "
         "ssd (see "
         "below)")
      ->transform(
          CLI::CheckedTransformer(detectors, CLI::ignore_case).description(""))
      ->type_name("ensemble|blazeface|ssd|crowdnet")
      ->default_str(DetectorModelsName(options->models));
  const std::map<std::string, DetectionMode> modes = {
      {DetectionModeName(DetectionMode::kSingle), DetectionMode::kSingle},
      {DetectionModeName(DetectionMode::kFast), DetectionMode::kFast},
      {DetectionModeName(DetectionMode::kBalanced), DetectionMode::kBalanced},
      {DetectionModeName(DetectionMode::kThorough), DetectionMode::kThorough},
  };
  cmd->add_option_function<DetectionMode>(
         "--mode",
         [options](const DetectionMode& mode) { options->mode = mode; },
         "How hard to look for small faces: single, fast, balanced or "
         "thorough (see below)")
      ->transform(
          CLI::CheckedTransformer(modes, CLI::ignore_case).description(""))
      ->type_name("single|fast|balanced|thorough")
      ->default_str(DetectionModeName(options->mode));
  cmd->add_option("--min-face", options->min_face_px,
                  "Smallest face height in pixels that balanced and thorough "
                  "look for; smaller costs more time. 0: the mode's own (20 "
                  "balanced, 12 thorough)")
      ->check(CLI::Range(0.0f, 4096.0f))
      ->capture_default_str();
  // Expert, for measuring SSD input sizes; hidden from --help.
  cmd->add_option("--ssd-size", options->ssd_long_side,
                  "SSD input long side for the whole-image pass, pixels "
                  "(0: the mode's own)")
      ->check(CLI::Range(0, 4096))
      ->group("");
  std::ostringstream default_threshold;
  default_threshold << ScoreThreshold(*options);
  cmd->add_option_function<float>(
         "--threshold",
         [options](const float& threshold) {
           options->score_threshold = threshold;
         },
         "Minimum face score, 0..1: lower finds more faces (and more "
         "false ones)")
      ->check(CLI::Range(0.0f, 1.0f))
      ->default_str(default_threshold.str());
  cmd->add_option("--nms-threshold", options->nms_iou_threshold,
                  "Overlapping detections with IoU above this, 0..1, are "
                  "merged into one face")
      ->check(CLI::Range(0.0f, 1.0f))
      ->capture_default_str();
  cmd->add_option("--model-file", options->model_file,
                  "Load this .tflite file instead of the built-in model; it "
                  "must have the input size and outputs of --model")
      ->check(CLI::ExistingFile);
}

std::string DetectionOptionsHelp() {
  return "Modes (how hard to look; figures in eval/results.md):\n"
         "  single    one inference on the whole image: quickest\n"
         "  fast      the photo at up to 1024 px, the SSD at 640 (BlazeFace: "
         "the whole\n"
         "            image and 4 large tiles)\n"
         "  balanced  BlazeFace's tiles down to --min-face pixels, the SSD at "
         "full\n"
         "            resolution (default)\n"
         "  thorough  BlazeFace's finer tiles where coarser ones saw a small "
         "face, and\n"
         "            the SSD also on enlarged tiles: slowest, finds the most\n"
         "Detectors (--detector):\n"
         "  ensemble   face-api's SSD (trained on WIDER FACE crowds) with "
         "BlazeFace's\n"
         "             tiles (faceveil's own CrowdNet in single and fast), "
         "merged:\n"
         "             finds the most faces (default). The SSD costs most:\n"
         "             ~0.45 s of CPU per 1024-px photo in balanced and "
         "thorough\n"
         "             (full resolution), ~0.19 s in fast (640 px)\n"
         "  blazeface  Google MediaPipe BlazeFace alone: fast (~150 "
         "ms per "
         "1024-px\n"
         "             photo in balanced), best on faces that are not tiny\n"
         "  ssd        the SSD alone, no keypoints; for comparison\n"
         "  crowdnet   faceveil's own detector (docs/CROWDNET.md) alone, "
         "one pass at\n"
         "             the photo's own resolution: ~70 ms per 1024-px photo, "
         "more\n"
         "             faces than BlazeFace balanced\n"
         "In single mode the ensemble is CrowdNet alone.\n"
         "Each mode and detector has its own measured default --threshold.\n"
         "Models (Google MediaPipe BlazeFace, built in):\n"
         "  full         192x192 input, faces near and far; best recall "
         "(default)\n"
         "  full-sparse  the same network with sparse weights: faster, "
         "slightly\n"
         "               more precise, misses a few more faces\n"
         "  short        128x128 input, for faces close to the camera "
         "(selfies,\n"
         "               video calls); fastest, misses small faces\n"
         "Each face gets a score in 0..1, the model's confidence; "
         "--threshold drops\n"
         "faces scoring below it. Lower it to catch more faces when "
         "anonymizing.\n";
}

}  // namespace faceveil::cli
