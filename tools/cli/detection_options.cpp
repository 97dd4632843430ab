#include "detection_options.h"

#include <map>

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
  cmd->add_option("--threshold", options->score_threshold,
                  "Minimum face score, 0..1: lower finds more faces (and more "
                  "false ones)")
      ->check(CLI::Range(0.0f, 1.0f))
      ->capture_default_str();
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

Status ValidateDetectionOptions(const DetectorOptions& options) {
  if (!(options.score_threshold >= 0 && options.score_threshold <= 1)) {
    return Status::InvalidArgument("--threshold must be in [0, 1]");
  }
  if (!(options.nms_iou_threshold >= 0 && options.nms_iou_threshold <= 1)) {
    return Status::InvalidArgument("--nms-threshold must be in [0, 1]");
  }
  return Status::Ok();
}

std::string DetectionOptionsHelp() {
  return "Models (Google MediaPipe BlazeFace, built in):\n"
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
