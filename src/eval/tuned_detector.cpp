// CreateTunedDetector(): the product's detector with BlazeFace's multi-scale
// settings changed (DetectorOptions::tuning), so that `faceveil eval` can
// measure an idea before it becomes a preset, with every back end.
#include <memory>
#include <string>

#include "faceveil/eval.h"

namespace faceveil::eval {

Result<std::unique_ptr<Detector>> CreateTunedDetector(
    const DetectorOptions& options, const std::string& tuning) {
  DetectorOptions tuned = options;
  tuned.tuning = tuning;
  return Detector::Create(tuned);
}

}  // namespace faceveil::eval
