// CreateTunedDetector(): the product's multi-scale detector with settings
// the presets do not offer, so that `faceveil eval` can measure an idea
// before it becomes a preset.
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "detect/blazeface.h"
#include "detect/embedded_models.h"
#include "detect/multiscale.h"
#include "faceveil/eval.h"
#include "tflite/model.h"

namespace faceveil::eval {

namespace {

class TunedDetector final : public Detector {
 public:
  TunedDetector(DetectorOptions options, std::unique_ptr<BlazeFace> net,
                MultiScaleOptions multiscale)
      : options_(std::move(options)),
        net_(std::move(net)),
        multiscale_(std::move(multiscale)) {}

  Result<std::vector<Face>> Detect(const cv::Mat& image) const override {
    if (image.empty() || image.depth() != CV_8U ||
        (image.channels() != 1 && image.channels() != 3 &&
         image.channels() != 4)) {
      return Status::InvalidArgument("image must be 8-bit, 1/3/4 channels");
    }
    try {
      // Half-pixel sampling: the product's choice (src/detect/detector.cpp).
      return DetectMultiScale(*net_, image, options_.score_threshold,
                              Resampling::kHalfPixel, multiscale_);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("face detection failed: ") +
                              e.what());
    }
  }

  const DetectorOptions& options() const override { return options_; }

 private:
  const DetectorOptions options_;
  const std::unique_ptr<BlazeFace> net_;
  const MultiScaleOptions multiscale_;
};

Result<std::unique_ptr<Detector>> Build(const DetectorOptions& options,
                                        const std::string& tuning) {
  if (!(options.score_threshold >= 0 && options.score_threshold <= 1)) {
    return Status::InvalidArgument("score_threshold must be in [0, 1]");
  }
  Result<std::shared_ptr<const tflite::Model>> model =
      options.model_file.empty()
          ? tflite::Model::FromBuffer(EmbeddedModel(options.model))
          : tflite::Model::FromFile(options.model_file);
  if (!model.ok()) return model.status();
  Result<std::unique_ptr<BlazeFace>> net =
      BlazeFace::Create(std::move(model).value(), options.model);
  if (!net.ok()) return net.status();
  MultiScaleOptions multiscale = MultiScalePreset(options, (*net)->spec());
  FACEVEIL_RETURN_IF_ERROR(ApplyMultiScaleOverrides(tuning, &multiscale));
  return std::unique_ptr<Detector>(new TunedDetector(
      options, std::move(net).value(), std::move(multiscale)));
}

}  // namespace

Result<std::unique_ptr<Detector>> CreateTunedDetector(
    const DetectorOptions& options, const std::string& tuning) {
  try {
    return Build(options, tuning);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cannot build the detector: ") +
                            e.what());
  }
}

}  // namespace faceveil::eval
