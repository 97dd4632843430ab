#include "tflite/densify.h"

#include <cstdint>
#include <string>

namespace faceveil::tflite {
namespace {

// Upper bound on the dense size of one tensor; far above any face model and
// well below what would exhaust memory.
constexpr int64_t kMaxDenseElements = int64_t{1} << 27;
constexpr int kMaxSparseRank = 8;

// Walks the traversal levels depth first. `position` is the index of the
// current element within its level: for a DENSE level the child positions
// are position * size + i, for a compressed level they are the CSR positions
// segments[position] .. segments[position + 1] - 1. At the leaf the position
// indexes `values`.
class Expander {
 public:
  Expander(const Sparsity& sparsity, std::span<const float> values,
           std::span<const int> dense_shape, std::vector<int> level_sizes,
           std::vector<int> block_sizes, std::vector<float>* dense)
      : sparsity_(sparsity),
        values_(values),
        shape_(dense_shape),
        level_sizes_(std::move(level_sizes)),
        block_sizes_(std::move(block_sizes)),
        coords_(sparsity.traversal_order.size(), 0),
        dense_(dense) {}

  Status Visit(size_t level, int64_t position) {
    if (level == sparsity_.traversal_order.size()) return Store(position);
    const SparseDimension& dim = sparsity_.dims[level];
    const int id = sparsity_.traversal_order[level];
    const int size = level_sizes_[id];
    if (!dim.compressed) {
      for (int i = 0; i < size; ++i) {
        coords_[id] = i;
        FACEVEIL_RETURN_IF_ERROR(Visit(level + 1, position * size + i));
      }
      return Status::Ok();
    }
    if (position < 0 ||
        position + 1 >= static_cast<int64_t>(dim.segments.size())) {
      return Status::Corrupt("sparse tensor: segment position out of range");
    }
    const int begin = dim.segments[position];
    const int end = dim.segments[position + 1];
    if (begin < 0 || end < begin ||
        end > static_cast<int64_t>(dim.indices.size())) {
      return Status::Corrupt("sparse tensor: bad segment [" +
                             std::to_string(begin) + ", " +
                             std::to_string(end) + ")");
    }
    for (int j = begin; j < end; ++j) {
      const int index = dim.indices[j];
      if (index < 0 || index >= size) {
        return Status::Corrupt("sparse tensor: index " + std::to_string(index) +
                               " outside dimension of size " +
                               std::to_string(size));
      }
      coords_[id] = index;
      FACEVEIL_RETURN_IF_ERROR(Visit(level + 1, j));
    }
    return Status::Ok();
  }

 private:
  Status Store(int64_t position) {
    if (position < 0 || position >= static_cast<int64_t>(values_.size())) {
      return Status::Corrupt("sparse tensor: more elements than values");
    }
    const size_t n = shape_.size();
    int64_t offset = 0;
    for (size_t d = 0; d < n; ++d) {
      int64_t coord = coords_[d];
      for (size_t b = 0; b < sparsity_.block_map.size(); ++b) {
        if (sparsity_.block_map[b] == static_cast<int>(d)) {
          coord = coord * block_sizes_[b] + coords_[n + b];
        }
      }
      offset = offset * shape_[d] + coord;
    }
    (*dense_)[offset] = values_[position];
    return Status::Ok();
  }

  const Sparsity& sparsity_;
  std::span<const float> values_;
  std::span<const int> shape_;
  std::vector<int> level_sizes_;  // by dimension id (0..n+k-1)
  std::vector<int> block_sizes_;  // by block number
  std::vector<int> coords_;       // by dimension id
  std::vector<float>* dense_;
};

}  // namespace

Result<std::vector<float>> Densify(const Sparsity& sparsity,
                                   std::span<const float> values,
                                   std::span<const int> dense_shape) {
  const size_t n = dense_shape.size();
  const size_t k = sparsity.block_map.size();
  const size_t levels = n + k;
  if (n == 0 || n > kMaxSparseRank || k > n) {
    return Status::Corrupt("sparse tensor: bad rank");
  }
  if (sparsity.traversal_order.size() != levels ||
      sparsity.dims.size() != levels) {
    return Status::Corrupt(
        "sparse tensor: traversal order and dimension metadata must have "
        "rank + block rank entries");
  }
  // The first n levels permute the dense dimensions, the last k the blocks.
  std::vector<bool> seen(levels, false);
  for (size_t l = 0; l < levels; ++l) {
    const int id = sparsity.traversal_order[l];
    const bool in_range =
        l < n ? (id >= 0 && id < static_cast<int>(n))
              : (id >= static_cast<int>(n) && id < static_cast<int>(levels));
    if (!in_range || seen[id]) {
      return Status::Corrupt("sparse tensor: traversal order is not valid");
    }
    seen[id] = true;
  }
  int64_t total = 1;
  for (int d : dense_shape) {
    if (d <= 0) return Status::Corrupt("sparse tensor: non-positive dimension");
    total *= d;
    if (total > kMaxDenseElements) {
      return Status::TooLarge("sparse tensor: dense size too large");
    }
  }
  // Size of every dimension id as traversed: blocked dense dimensions shrink
  // by their block size; block dimensions take the size their (DENSE) level
  // declares.
  std::vector<int> level_sizes(dense_shape.begin(), dense_shape.end());
  level_sizes.resize(levels, 0);
  std::vector<int> block_sizes(k, 0);
  for (size_t l = 0; l < levels; ++l) {
    const int id = sparsity.traversal_order[l];
    if (id < static_cast<int>(n)) continue;
    const SparseDimension& dim = sparsity.dims[l];
    if (dim.compressed || dim.dense_size <= 0) {
      return Status::Corrupt("sparse tensor: block dimension must be dense");
    }
    block_sizes[id - n] = dim.dense_size;
    level_sizes[id] = dim.dense_size;
  }
  std::vector<bool> blocked(n, false);
  for (size_t b = 0; b < k; ++b) {
    const int d = sparsity.block_map[b];
    if (d < 0 || d >= static_cast<int>(n) || blocked[d] ||
        dense_shape[d] % block_sizes[b] != 0) {
      return Status::Corrupt("sparse tensor: block map does not fit shape");
    }
    blocked[d] = true;
    level_sizes[d] = dense_shape[d] / block_sizes[b];
  }
  for (size_t l = 0; l < levels; ++l) {
    const SparseDimension& dim = sparsity.dims[l];
    if (!dim.compressed &&
        dim.dense_size != level_sizes[sparsity.traversal_order[l]]) {
      return Status::Corrupt("sparse tensor: dense level size " +
                             std::to_string(dim.dense_size) +
                             " does not match the shape");
    }
  }
  std::vector<float> dense(static_cast<size_t>(total), 0.0f);
  Expander expander(sparsity, values, dense_shape, std::move(level_sizes),
                    std::move(block_sizes), &dense);
  FACEVEIL_RETURN_IF_ERROR(expander.Visit(0, 0));
  return dense;
}

}  // namespace faceveil::tflite
