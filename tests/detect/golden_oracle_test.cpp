// Our preprocessing, anchors, decoding and NMS, run around an independent
// network: the ONNX conversion of the short-range model (same weights) read
// by OpenCV's ONNX importer. This isolates src/detect from src/tflite: if
// this passes and the Detector golden test fails, the reader is at fault.
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>

#include "base/nms.h"
#include "detect/anchors.h"
#include "detect/decode.h"
#include "golden_test_util.h"
#include "infer/letterbox.h"

namespace faceveil {
namespace {

// The oracle's four outputs concatenated in anchor order: the 512 stride-8
// anchors, then the 384 stride-16 ones. Outputs are told apart by shape.
void RunOracle(const cv::Mat& nchw, std::vector<float>* regressors,
               std::vector<float>* logits) {
  static const std::string path =
      std::string(FACEVEIL_MODEL_DIR) + "/oracle_short_onnx.onnx";
  cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
  // NCHW -> NHWC, the oracle's input layout.
  const int size = nchw.size[2];
  const int dims[] = {1, size, size, 3};
  cv::Mat nhwc(4, dims, CV_32F);
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < size; ++y) {
      for (int x = 0; x < size; ++x) {
        nhwc.ptr<float>(0, y, x)[c] = nchw.ptr<float>(0, c, y)[x];
      }
    }
  }
  net.setInput(nhwc);
  std::vector<cv::Mat> outs;
  net.forward(outs, net.getUnconnectedOutLayersNames());
  ASSERT_EQ(outs.size(), 4u);
  auto find = [&](int anchors, int per) -> const cv::Mat& {
    for (const cv::Mat& m : outs) {
      if (m.total() == static_cast<size_t>(anchors * per) &&
          m.size[m.dims - 1] == per) {
        return m;
      }
    }
    ADD_FAILURE() << "no output of " << anchors << "x" << per;
    return outs[0];
  };
  for (int anchors : {512, 384}) {
    const cv::Mat& r = find(anchors, kRegressorsPerAnchor);
    const cv::Mat& s = find(anchors, 1);
    regressors->insert(regressors->end(), r.ptr<float>(),
                       r.ptr<float>() + r.total());
    logits->insert(logits->end(), s.ptr<float>(), s.ptr<float>() + s.total());
  }
}

std::vector<Face> DetectWithOracle(const cv::Mat& image,
                                   Resampling resampling) {
  const SquareRegion region = WholeImageRegion(image.size());
  const cv::Mat blob = MakeInputBlob(image, region, 128, resampling);
  std::vector<float> regressors, logits;
  RunOracle(blob, &regressors, &logits);
  const std::vector<Anchor> anchors =
      GenerateAnchors(ShortRangeAnchorOptions());
  std::vector<Face> candidates =
      DecodeCandidates(regressors, logits, anchors, {128, 0.5f});
  for (Face& f : candidates) f = InputToImage(region, f);
  return WeightedNms(std::move(candidates), 0.3f);
}

TEST(GoldenOracleTest, ReproducesMediaPipeOnSergey) {
  if (!std::filesystem::exists(testing::GoldenImagePath())) {
    GTEST_SKIP() << "needs ../shared/data/golden (evaluation data beside the "
                    "repo), absent here";
  }
  const cv::Mat image = cv::imread(testing::GoldenImagePath());
  ASSERT_FALSE(image.empty());
  const std::vector<Face> faces =
      DetectWithOracle(image, Resampling::kCornerAligned);
  ASSERT_EQ(faces.size(), 1u);
  std::printf("oracle, corner-aligned bilinear:\n");
  const float worst = testing::GoldenMaxDiff(faces[0], image.size(), true);
  std::printf("  max |diff| %.2e\n", worst);
}

}  // namespace
}  // namespace faceveil
