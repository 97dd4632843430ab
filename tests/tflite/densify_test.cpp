#include "tflite/densify.h"

#include <gtest/gtest.h>

#include <vector>

namespace faceveil::tflite {
namespace {

SparseDimension Dense(int size) {
  SparseDimension d;
  d.dense_size = size;
  return d;
}

SparseDimension Csr(std::vector<int> segments, std::vector<int> indices) {
  SparseDimension d;
  d.compressed = true;
  d.segments = std::move(segments);
  d.indices = std::move(indices);
  return d;
}

TEST(DensifyTest, RowMajorCsrMatrix) {
  // [[1 0 0 2]
  //  [0 0 0 0]
  //  [0 3 0 0]]
  Sparsity s{{0, 1}, {}, {Dense(3), Csr({0, 2, 2, 3}, {0, 3, 1})}};
  const std::vector<int> shape = {3, 4};
  auto dense = Densify(s, std::vector<float>{1, 2, 3}, shape);
  ASSERT_TRUE(dense.ok()) << dense.status().ToString();
  EXPECT_EQ(*dense, (std::vector<float>{1, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0}));
}

TEST(DensifyTest, ColumnMajorTraversal) {
  // The same matrix stored column by column: columns 0, 1, 3 hold 1, 3, 2.
  Sparsity s{{1, 0}, {}, {Dense(4), Csr({0, 1, 2, 2, 3}, {0, 2, 0})}};
  const std::vector<int> shape = {3, 4};
  auto dense = Densify(s, std::vector<float>{1, 3, 2}, shape);
  ASSERT_TRUE(dense.ok()) << dense.status().ToString();
  EXPECT_EQ(*dense, (std::vector<float>{1, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0}));
}

TEST(DensifyTest, BlockSparseMatrix) {
  // 4 x 4 in 2 x 2 blocks; only the diagonal blocks are stored.
  Sparsity s{{0, 1, 2, 3},
             {0, 1},
             {Dense(2), Csr({0, 1, 2}, {0, 1}), Dense(2), Dense(2)}};
  const std::vector<int> shape = {4, 4};
  auto dense = Densify(s, std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}, shape);
  ASSERT_TRUE(dense.ok()) << dense.status().ToString();
  EXPECT_EQ(*dense, (std::vector<float>{1, 2, 0, 0,  //
                                        3, 4, 0, 0,  //
                                        0, 0, 5, 6,  //
                                        0, 0, 7, 8}));
}

TEST(DensifyTest, FourDimensionalWithSparseLastDimension) {
  // The layout the sparse BlazeFace uses for 1x1 convolution filters.
  Sparsity s{{0, 1, 2, 3},
             {},
             {Dense(2), Dense(1), Dense(1), Csr({0, 1, 3}, {2, 0, 1})}};
  const std::vector<int> shape = {2, 1, 1, 3};
  auto dense = Densify(s, std::vector<float>{7, 8, 9}, shape);
  ASSERT_TRUE(dense.ok()) << dense.status().ToString();
  EXPECT_EQ(*dense, (std::vector<float>{0, 0, 7, 8, 9, 0}));
}

TEST(DensifyTest, RejectsInconsistentMetadata) {
  const std::vector<int> shape = {3, 4};
  const std::vector<float> values = {1, 2, 3};
  struct Case {
    const char* what;
    Sparsity sparsity;
  } cases[] = {
      {"index past the dimension",
       {{0, 1}, {}, {Dense(3), Csr({0, 2, 2, 3}, {0, 4, 1})}}},
      {"segment past the indices",
       {{0, 1}, {}, {Dense(3), Csr({0, 2, 2, 9}, {0, 3, 1})}}},
      {"too few segments", {{0, 1}, {}, {Dense(3), Csr({0, 2}, {0, 3, 1})}}},
      {"decreasing segments",
       {{0, 1}, {}, {Dense(3), Csr({0, 2, 1, 3}, {0, 3, 1})}}},
      {"more elements than values",
       {{0, 1}, {}, {Dense(3), Csr({0, 2, 3, 4}, {0, 3, 1, 2})}}},
      {"dense size mismatch", {{0, 1}, {}, {Dense(2), Csr({0, 2, 2}, {0, 3})}}},
      {"traversal not a permutation",
       {{0, 0}, {}, {Dense(3), Csr({0, 2, 2, 3}, {0, 3, 1})}}},
      {"missing level", {{0}, {}, {Dense(3)}}},
  };
  for (const Case& c : cases) {
    auto dense = Densify(c.sparsity, values, shape);
    EXPECT_FALSE(dense.ok()) << c.what;
    if (!dense.ok()) {
      EXPECT_EQ(dense.status().code(), Status::Code::kCorrupt) << c.what;
    }
  }
}

}  // namespace
}  // namespace faceveil::tflite
