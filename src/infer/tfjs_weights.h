// The weights of a TensorFlow.js layers/graph model as face-api ships them:
// a JSON manifest naming each tensor (shape, dtype, optional affine
// quantization) and one binary file holding the tensors back to back in the
// manifest's order.
#ifndef FACEVEIL_INFER_TFJS_WEIGHTS_H_
#define FACEVEIL_INFER_TFJS_WEIGHTS_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "faceveil/status.h"

namespace faceveil {

// One float tensor, dequantized; `values` holds product(shape) numbers in
// the manifest's (row-major, TensorFlow) layout.
struct WeightTensor {
  std::vector<int> shape;
  std::vector<float> values;
};

// Float tensors by manifest name. Integer tensors (graph constants such as
// reshape sizes) are checked for size and skipped: the graph is ours.
using WeightMap = std::map<std::string, WeightTensor, std::less<>>;

struct WeightLimits {
  // A manifest naming more tensors than this is rejected (face-api's SSD
  // has 151, its recognition network 117).
  size_t max_tensors = 4096;
  // A tensor with more elements than this is rejected (the largest of the
  // SSD has about 1 M).
  int64_t max_elements = int64_t{1} << 26;
};

// Parses `manifest_json` and slices `weights` by it. Every tensor must fit
// exactly: the sizes implied by the manifest must add up to weights.size().
// Quantized tensors (uint8 or uint16) become min + scale * q. Any mismatch
// is kCorrupt; an unknown dtype is kUnsupported.
Result<WeightMap> ReadWeights(std::string_view manifest_json,
                              std::span<const uint8_t> weights,
                              const WeightLimits& limits = {});

// The tensor named `name` with exactly `shape`, or kCorrupt naming what was
// expected and found.
Result<const WeightTensor*> FindTensor(const WeightMap& map,
                                       std::string_view name,
                                       const std::vector<int>& shape);

}  // namespace faceveil

#endif  // FACEVEIL_INFER_TFJS_WEIGHTS_H_
