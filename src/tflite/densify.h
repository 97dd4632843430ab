// Expansion of TFLite's sparse tensor format (a variant of TACO: a traversal
// order over the dense dimensions plus optional block dimensions, each level
// either DENSE or compressed like CSR) into a dense row-major tensor. The
// sparse full-range model stores its weights this way behind DENSIFY.
#ifndef FACEVEIL_TFLITE_DENSIFY_H_
#define FACEVEIL_TFLITE_DENSIFY_H_

#include <span>
#include <vector>

#include "faceveil/status.h"

namespace faceveil::tflite {

// One level of the traversal (TFLite DimensionMetadata).
struct SparseDimension {
  bool compressed = false;    // SPARSE_CSR; otherwise DENSE
  int dense_size = 0;         // DENSE: number of coordinates of this level
  std::vector<int> segments;  // CSR: positions [segments[p], segments[p+1])
  std::vector<int> indices;   // CSR: the coordinate stored at each position
};

// TFLite SparsityParameters. For a tensor of rank n with a k-dimensional
// block: traversal_order has n + k entries (a permutation of 0..n-1, then of
// n..n+k-1), block_map has k entries naming the dense dimension each block
// dimension subdivides, and dims has one entry per traversal level.
struct Sparsity {
  std::vector<int> traversal_order;
  std::vector<int> block_map;
  std::vector<SparseDimension> dims;
};

// Returns the dense tensor of `dense_shape` whose stored (non-zero) elements
// are `values` in traversal order; every other element is 0. Any index,
// segment or size that does not fit the shape is a Status::Corrupt.
Result<std::vector<float>> Densify(const Sparsity& sparsity,
                                   std::span<const float> values,
                                   std::span<const int> dense_shape);

}  // namespace faceveil::tflite

#endif  // FACEVEIL_TFLITE_DENSIFY_H_
