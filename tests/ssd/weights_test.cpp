// The face-api weight loader: dequantization, and files that are not what
// they claim.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "infer/tfjs_weights.h"
#include "ssd/embedded.h"
#include "ssd/ssd_mobilenet.h"

namespace faceveil::ssd {
namespace {

const char kTwoTensors[] = R"([{"paths": ["x.bin"], "weights": [
  {"name": "a", "shape": [2, 2], "dtype": "float32",
   "quantization": {"dtype": "uint8", "min": -1.0, "scale": 0.5}},
  {"name": "k", "shape": [], "dtype": "int32"},
  {"name": "b", "shape": [1], "dtype": "float32"}]}])";

std::vector<uint8_t> TwoTensorBytes() {
  std::vector<uint8_t> bytes = {0, 1, 2, 255, 7, 0, 0, 0};
  const float b = 3.25f;
  const auto* p = reinterpret_cast<const uint8_t*>(&b);
  bytes.insert(bytes.end(), p, p + 4);
  return bytes;
}

TEST(SsdWeightsTest, DequantizesAsMinPlusScaleTimesQ) {
  const std::vector<uint8_t> bytes = TwoTensorBytes();
  Result<WeightMap> map = ReadWeights(kTwoTensors, bytes);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  ASSERT_EQ(map->size(), 2u);  // the int32 constant is skipped
  const WeightTensor& a = map->at("a");
  EXPECT_EQ(a.shape, (std::vector<int>{2, 2}));
  EXPECT_EQ(a.values, (std::vector<float>{-1.0f, -0.5f, 0.0f, 126.5f}));
  EXPECT_EQ(map->at("b").values, std::vector<float>{3.25f});
}

TEST(SsdWeightsTest, TruncatedOrOversizedFileIsCorrupt) {
  std::vector<uint8_t> bytes = TwoTensorBytes();
  bytes.pop_back();
  Result<WeightMap> shorter = ReadWeights(kTwoTensors, bytes);
  ASSERT_FALSE(shorter.ok());
  EXPECT_EQ(shorter.status().code(), Status::Code::kCorrupt);
  EXPECT_NE(shorter.status().message().find("truncated"), std::string::npos);
  bytes = TwoTensorBytes();
  bytes.push_back(0);
  Result<WeightMap> longer = ReadWeights(kTwoTensors, bytes);
  ASSERT_FALSE(longer.ok());
  EXPECT_EQ(longer.status().code(), Status::Code::kCorrupt);
}

TEST(SsdWeightsTest, BadManifestsAreErrorsNotCrashes) {
  const std::vector<uint8_t> bytes = TwoTensorBytes();
  const char* bad[] = {
      "",
      "{",
      "{}",
      "[1]",
      R"([{"weights": 3}])",
      R"([{"weights": [{"name": "a", "shape": [-1], "dtype": "float32"}]}])",
      R"([{"weights": [{"name": "a", "shape": [1], "dtype": "float32",
          "quantization": {"dtype": "uint8"}}]}])",
      R"([{"weights": [{"name": "a", "shape": [99999999, 99999999],
          "dtype": "float32"}]}])",
      R"([{"weights": [{"name": "a", "shape": [1], "dtype": 5}]}])",
  };
  for (const char* m : bad) {
    Result<WeightMap> map = ReadWeights(m, bytes);
    EXPECT_FALSE(map.ok()) << m;
  }
  Result<WeightMap> f16 = ReadWeights(
      R"([{"weights": [{"name": "a", "shape": [1], "dtype": "float32",
          "quantization": {"dtype": "float16", "min": 0, "scale": 1}}]}])",
      bytes);
  ASSERT_FALSE(f16.ok());
  EXPECT_EQ(f16.status().code(), Status::Code::kUnsupported);
}

TEST(SsdWeightsTest, FindTensorChecksTheShape) {
  const std::vector<uint8_t> bytes = TwoTensorBytes();
  Result<WeightMap> map = ReadWeights(kTwoTensors, bytes);
  ASSERT_TRUE(map.ok());
  EXPECT_TRUE(FindTensor(*map, "a", {2, 2}).ok());
  Result<const WeightTensor*> wrong = FindTensor(*map, "a", {4});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("[2,2]"), std::string::npos);
  EXPECT_FALSE(FindTensor(*map, "missing", {1}).ok());
}

TEST(SsdWeightsTest, EmbeddedModelReadsWhole) {
  Result<WeightMap> map = ReadWeights(EmbeddedManifest(), EmbeddedWeights());
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_TRUE(FindTensor(*map, "Output/extra_dim", {1, 5118, 4}).ok());
  EXPECT_TRUE(FindTensor(*map, "MobilenetV1/Conv2d_13_pointwise/weights",
                         {1, 1, 1024, 1024})
                  .ok());
}

// A model whose manifest and weights disagree, or which lacks a tensor the
// graph needs, fails to load with a clear Status.
TEST(SsdWeightsTest, MismatchedModelFailsToLoad) {
  std::span<const uint8_t> w = EmbeddedWeights();
  Result<std::unique_ptr<SsdMobileNet>> truncated =
      SsdMobileNet::Create(EmbeddedManifest(), w.first(w.size() - 100));
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), Status::Code::kCorrupt);

  // Renaming a tensor keeps the sizes right but the graph incomplete.
  std::string manifest(EmbeddedManifest());
  const std::string name = "MobilenetV1/Conv2d_7_depthwise/BatchNorm/gamma";
  const size_t at = manifest.find(name);
  ASSERT_NE(at, std::string::npos);
  manifest[at + name.size() - 1] = 'x';
  Result<std::unique_ptr<SsdMobileNet>> renamed =
      SsdMobileNet::Create(manifest, w);
  ASSERT_FALSE(renamed.ok());
  EXPECT_EQ(renamed.status().code(), Status::Code::kCorrupt);
  EXPECT_NE(renamed.status().message().find(name), std::string::npos)
      << renamed.status().ToString();
}

}  // namespace
}  // namespace faceveil::ssd
