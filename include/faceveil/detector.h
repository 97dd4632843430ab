// Face detection with Google MediaPipe's BlazeFace models, read from their
// original .tflite files and run on OpenCV's DNN module.
//
//   auto detector = faceveil::Detector::Create({});
//   if (!detector.ok()) { ... detector.status().ToString() ... }
//   auto faces = (*detector)->Detect(bgr_image);
//
// A Detector is created once (model parsing and network construction happen
// there) and is immutable afterwards: Detect() may be called from any number
// of threads at once. Each concurrent call borrows a network instance from an
// internal pool, so memory grows with the peak number of simultaneous calls,
// not with the number of calls.
#ifndef FACEVEIL_DETECTOR_H_
#define FACEVEIL_DETECTOR_H_

#include <memory>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <string>
#include <vector>

#include "faceveil/face.h"
#include "faceveil/status.h"

namespace faceveil {

enum class ModelKind {
  kShortRange,       // 128x128 input, faces within ~2 m of a phone camera
  kFullRange,        // 192x192 input, dense weights (best recall)
  kFullRangeSparse,  // 192x192 input, sparse weights (faster, more precise)
};

// "short", "full", "full-sparse".
const char* ModelKindName(ModelKind kind);
// Parses a name as printed by ModelKindName().
Result<ModelKind> ParseModelKind(const std::string& name);

// How hard the detector looks. BlazeFace sees the whole image at 192x192
// (128x128 for short range), so small faces in a large photo vanish; the
// slower modes also look at overlapping tiles of the image at finer scales
// and merge what they find. CrowdNet and the SSD look at the photo itself,
// up to a size per mode. The ensemble per mode (src/detect/presets.cpp):
// single CrowdNet alone at 640 px; fast CrowdNet at 1024 (and a quarter
// size) + the SSD at 640; balanced CrowdNet at the photo's own resolution
// (and halved) + BlazeFace's tiles + the SSD at 1024; thorough the same
// CrowdNet + BlazeFace's thorough tiles + the SSD at 1024 and on enlarged
// tiles. Figures per mode: eval/results.md.
enum class DetectionMode {
  kSingle,    // whole image only, one inference
  kFast,      // BlazeFace: whole image plus 2x2 tiles (faces >= ~2.5% of
              // the image side)
  kBalanced,  // BlazeFace: whole image plus tiles down to min_face_px
  kThorough,  // BlazeFace: adds finer tiles where a coarser level saw a
              // small candidate
};

// "single", "fast", "balanced", "thorough".
const char* DetectionModeName(DetectionMode mode);
// Parses a name as printed by DetectionModeName().
Result<DetectionMode> ParseDetectionMode(const std::string& name);

// Which networks look for faces. BlazeFace (Google MediaPipe) is strong on
// faces that fill a good part of the picture and gives keypoints; face-api's
// SSD MobileNet V1, trained on WIDER FACE crowds, finds small, blurred and
// turned faces BlazeFace misses but costs far more (one 1024x768 pass is
// about 0.5 s on one core; bench/ssd_bench.cpp). Figures: eval/results.md.
enum class DetectorModels {
  kEnsemble,   // CrowdNet with the SSD (fast) and BlazeFace (balanced,
               // thorough), merged with per-model calibration
  kBlazeFace,  // BlazeFace only (the multi-scale tiling of DetectionMode)
  kSsd,        // the SSD only (its passes for the DetectionMode)
  kCrowdNet,   // faceveil's own detector (docs/CROWDNET.md): at the
               // photo's own resolution it finds faces down to ~10 px
};

// "ensemble", "blazeface", "ssd", "crowdnet".
const char* DetectorModelsName(DetectorModels models);
// Parses a name as printed by DetectorModelsName().
Result<DetectorModels> ParseDetectorModels(const std::string& name);

// The score threshold measured for `mode`, `models` and the full-range
// BlazeFace model: the highest privacy recall at no more than about one
// false positive per image on WIDER FACE validation (eval/results.md). The
// numbers and their measurements: src/detect/thresholds.cpp.
float DefaultScoreThreshold(DetectionMode mode,
                            DetectorModels models = DetectorModels::kEnsemble);

// How one Detect() call looks for faces: everything but the networks, which
// Detector::Create() loads once. Cheap to copy; each call may bring its own
// (the page changing mode or threshold, a video's between-frames pass)
// without loading anything again.
struct DetectOptions {
  // How hard to look for small faces; see DetectionMode. BlazeFace alone
  // takes ~150 ms per 1024-px photo on one core in kBalanced; the ensemble
  // adds the SSD at full resolution (~0.45 s more).
  DetectionMode mode = DetectionMode::kBalanced;

  // Smallest face height, in image pixels, that kBalanced and kThorough
  // look for (the finest tiles bring such a face to a size the model sees);
  // smaller values cost more tiles. 0: the mode's own, 20 for kBalanced
  // (whole image + 12 tiles of 320 px on a 1024x768 photo) and 12 for
  // kThorough.
  // Ignored by kSingle and kFast.
  float min_face_px = 0;

  // Which networks run; see DetectorModels. The ensemble finds the most
  // faces (eval/results.md) and is the default for photos; the CLI runs
  // video key frames with CrowdNet alone in kFast unless told otherwise
  // (the SSD would cost every key frame ~0.2-0.5 s). A kSingle ensemble is
  // CrowdNet alone; kSsd in kSingle is one SSD pass at 512, face-api's own.
  // A network the Detector has not loaded yet is loaded by the first call
  // that needs it, once.
  DetectorModels models = DetectorModels::kEnsemble;

  // Expert, for measuring: the SSD's input long side for its whole-image
  // pass (pixels, 64..4096). 0: the mode's own.
  int ssd_long_side = 0;

  // Expert, for measuring (`faceveil eval --crowdnet-verifier off`): false
  // keeps CrowdNet's own scores, without its verifier's second look at
  // uncertain candidates (src/detect/verify.h); the thresholds are measured
  // with it.
  bool crowdnet_verifier = true;

  // Expert, for measuring (`faceveil eval --crowdnet-mirror off`): false
  // runs CrowdNet on the photo only where the preset also runs it on the
  // photo mirrored (src/detect/mirror.h; the balanced and thorough
  // ensembles); the thresholds are measured with the mirror.
  bool crowdnet_mirror = true;

  // Faces scoring below this are dropped. In [0, 1]. Unset: the threshold
  // measured for `mode` and `models` (DefaultScoreThreshold), whatever
  // order they are set in; ScoreThreshold() resolves it.
  std::optional<float> score_threshold;

  // Weighted NMS merges detections overlapping more than this IoU.
  float nms_iou_threshold = 0.3f;

  // Expert, for measuring (`faceveil eval --tune`): "key=value" changes to
  // BlazeFace's multi-scale passes for `mode` (ApplyMultiScaleOverrides in
  // src/detect/multiscale.h); with them BlazeFace runs its multi-scale
  // passes in every mode. Empty: the presets. ValidateDetectorOptions()
  // refuses an unknown key or a bad value, and any tuning when no BlazeFace
  // runs (models kSsd or kCrowdNet).
  std::string tuning;
};

// What Detector::Create() loads, and the DetectOptions that Detect(image)
// uses when a call brings none of its own.
struct DetectorOptions : DetectOptions {
  // Which embedded BlazeFace model to run.
  ModelKind model = ModelKind::kFullRange;

  // Path of an external .tflite file of the same family (same input size
  // and anchor layout as `model`) to load instead of the embedded one.
  // Empty: use the model embedded in the library.
  std::string model_file;
};

// The threshold `options` detect at: its score_threshold when set, else
// DefaultScoreThreshold(mode, models).
float ScoreThreshold(const DetectOptions& options);

// The one check of DetectOptions, shared by the library (Detector::Create,
// each Detect call), the command line and the server: values out of range
// or unknown enums give kInvalidArgument with a message naming the setting.
Status ValidateDetectorOptions(const DetectOptions& options);

class Detector {
 public:
  // Loads and checks the models `options` needs (its own Detect options)
  // and builds the networks. Fails with a clear Status on a missing,
  // corrupt or unsupported model file.
  static Result<std::unique_ptr<Detector>> Create(
      const DetectorOptions& options);

  virtual ~Detector() = default;

  // Finds faces in an 8-bit BGR (3 channels), BGRA (4) or grayscale (1)
  // image, as `options` says. Boxes and keypoints are in `image` pixel
  // coordinates. Thread-safe. A network `options` needs that Create() did
  // not load (other models than options().models) is loaded here, once for
  // the Detector's life; its load failing fails this call.
  virtual Result<std::vector<Face>> Detect(
      const cv::Mat& image, const DetectOptions& options) const = 0;

  // Detect(image, options()): the options given to Create().
  Result<std::vector<Face>> Detect(const cv::Mat& image) const {
    return Detect(image, options());
  }

  virtual const DetectorOptions& options() const = 0;
};

}  // namespace faceveil

#endif  // FACEVEIL_DETECTOR_H_
