// One BlazeFace network: runs a single inference on a square region of an
// image and returns the candidate faces it finds there, in image pixels,
// before non-maximum suppression. Detector (and later multi-scale tiling)
// build on this.
#ifndef FACEVEIL_DETECT_BLAZEFACE_H_
#define FACEVEIL_DETECT_BLAZEFACE_H_

#include <atomic>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <span>
#include <string>
#include <vector>

#include "detect/anchors.h"
#include "faceveil/detector.h"
#include "faceveil/face.h"
#include "faceveil/status.h"
#include "infer/letterbox.h"
#include "infer/net_pool.h"
#include "tflite/model.h"

namespace faceveil {

// What a model of each kind must look like.
struct ModelSpec {
  int input_size = 0;         // square input side, pixels
  int num_anchors = 0;        // predictions per output
  AnchorOptions anchors;      // the layout of those predictions
  float mediapipe_threshold;  // MediaPipe's min_score_thresh for this model
};
ModelSpec SpecFor(ModelKind kind);

// The two raw outputs of one inference, located by shape: [1, N, 16] box
// and keypoint regressors, [1, N, 1] score logits. Mats are float32 and
// continuous.
struct RawOutputs {
  cv::Mat regressors;
  cv::Mat logits;
};

// Picks the regressor and logit outputs among `outputs` by their last
// dimension (16 vs 1), checking that both hold `num_anchors` predictions.
Result<RawOutputs> FindRawOutputs(const std::vector<cv::Mat>& outputs,
                                  int num_anchors);

// Checks that `model` has the input size and output layout of `kind`; the
// error names what was expected and what was found.
Status CheckModelShape(const tflite::Model& model, ModelKind kind);

class BlazeFace {
 public:
  // Checks `model` against `kind` and builds one network up front, so that
  // a model OpenCV cannot run fails here rather than on the first image.
  static Result<std::unique_ptr<BlazeFace>> Create(
      std::shared_ptr<const tflite::Model> model, ModelKind kind);

  // Runs the network once on `region` of `image` (8-bit, 1/3/4 channels)
  // and returns every candidate scoring at least `min_score`, mapped to
  // `image` pixels, unsorted and not merged. Thread-safe.
  Result<std::vector<Face>> DetectCandidates(const cv::Mat& image,
                                             const SquareRegion& region,
                                             float min_score,
                                             Resampling resampling) const;

  // The same for several regions of one image in one forward pass with a
  // batch of regions.size() inputs: result i holds region i's candidates.
  // Cheaper per region than one call each (less per-call overhead, larger
  // matrix products). Thread-safe.
  Result<std::vector<std::vector<Face>>> DetectCandidatesBatch(
      const cv::Mat& image, std::span<const SquareRegion> regions,
      float min_score, Resampling resampling) const;

  const ModelSpec& spec() const { return spec_; }

 private:
  BlazeFace(std::shared_ptr<const tflite::Model> model, ModelSpec spec);

  std::shared_ptr<const tflite::Model> model_;
  ModelSpec spec_;
  std::vector<Anchor> anchors_;
  mutable NetPool pool_;
  // Set once a batched pass has failed: the graph only runs batches of 1.
  mutable std::atomic<bool> batch_unsupported_{false};
};

}  // namespace faceveil

#endif  // FACEVEIL_DETECT_BLAZEFACE_H_
