// End-to-end checks of the three BlazeFace models: our network against an
// independent ONNX export of the short-range weights, and the full-range
// dense and sparse models against each other.
#include "tflite/model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

namespace faceveil::tflite {
namespace {

const std::string kModelDir = FACEVEIL_MODEL_DIR;
const std::string kTestData = FACEVEIL_TESTDATA_DIR;

std::shared_ptr<const Model> Load(const std::string& name) {
  auto model = Model::FromFile(kModelDir + "/" + name);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return model.ok() ? model.value() : nullptr;
}

// astronaut.png resized to size x size, RGB in [-1, 1], as an HxWx3 image.
cv::Mat AstronautRgb(int size) {
  cv::Mat bgr = cv::imread(kTestData + "/astronaut.png", cv::IMREAD_COLOR);
  EXPECT_FALSE(bgr.empty()) << "missing " << kTestData << "/astronaut.png";
  cv::Mat rgb, resized, scaled;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  cv::resize(rgb, resized, cv::Size(size, size), 0, 0, cv::INTER_AREA);
  resized.convertTo(scaled, CV_32FC3, 2.0 / 255.0, -1.0);
  return scaled;
}

cv::Mat RandomRgb(int size, uint64_t seed) {
  cv::RNG rng(seed);
  cv::Mat m(size, size, CV_32FC3);
  rng.fill(m, cv::RNG::UNIFORM, -1.0, 1.0);
  return m;
}

// NCHW [1,3,H,W] blob for our networks.
cv::Mat Nchw(const cv::Mat& hwc) {
  return cv::dnn::blobFromImage(hwc, 1.0, cv::Size(), cv::Scalar(), false,
                                false, CV_32F);
}

// NHWC [1,H,W,3] blob for the ONNX oracle.
cv::Mat Nhwc(const cv::Mat& hwc) {
  const int sizes[] = {1, hwc.rows, hwc.cols, 3};
  cv::Mat blob(4, sizes, CV_32F);
  hwc.copyTo(cv::Mat(hwc.rows, hwc.cols, CV_32FC3, blob.ptr<float>()));
  return blob;
}

std::vector<cv::Mat> RunNet(const Model& model, const cv::Mat& input) {
  auto net = model.BuildNet();
  EXPECT_TRUE(net.ok()) << net.status().ToString();
  if (!net.ok()) return {};
  net->setInput(input);
  std::vector<cv::Mat> outs;
  net->forward(outs, model.output_names());
  for (cv::Mat& m : outs) m = m.clone();
  return outs;
}

std::vector<int> Shape(const cv::Mat& m) {
  return std::vector<int>(m.size.p, m.size.p + m.dims);
}

// Largest |a - b| over rows [begin, begin + rows) of `ours` ([1,N,C]) and
// all of `oracle` ([1,rows,C]).
double MaxDiff(const cv::Mat& ours, int begin, const cv::Mat& oracle) {
  const int rows = oracle.size[1], cols = oracle.size[2];
  EXPECT_EQ(ours.size[2], cols);
  double worst = 0;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const float a = ours.ptr<float>()[(begin + r) * cols + c];
      const float b = oracle.ptr<float>()[r * cols + c];
      worst = std::max(worst, static_cast<double>(std::fabs(a - b)));
    }
  }
  return worst;
}

void CompareWithOracle(const cv::Mat& image) {
  auto model = Load("short_range.tflite");
  ASSERT_TRUE(model);
  std::vector<cv::Mat> ours = RunNet(*model, Nchw(image));
  ASSERT_EQ(ours.size(), 2u);
  ASSERT_EQ(Shape(ours[0]), (std::vector<int>{1, 896, 16}));
  ASSERT_EQ(Shape(ours[1]), (std::vector<int>{1, 896, 1}));

  cv::dnn::Net oracle =
      cv::dnn::readNetFromONNX(kModelDir + "/oracle_short_onnx.onnx");
  oracle.setInput(Nhwc(image));
  std::vector<cv::Mat> ref;
  oracle.forward(ref, std::vector<std::string>{"Identity:0", "Identity_1:0",
                                               "Identity_2:0", "Identity_3:0"});
  ASSERT_EQ(ref.size(), 4u);
  // Identity{,_1,_2,_3}:0 = scores of anchors 0..511, of 512..895, then
  // the boxes of the same two groups.
  ASSERT_EQ(Shape(ref[0]), (std::vector<int>{1, 512, 1}));
  ASSERT_EQ(Shape(ref[1]), (std::vector<int>{1, 384, 1}));
  ASSERT_EQ(Shape(ref[2]), (std::vector<int>{1, 512, 16}));
  ASSERT_EQ(Shape(ref[3]), (std::vector<int>{1, 384, 16}));
  const double scores =
      std::max(MaxDiff(ours[1], 0, ref[0]), MaxDiff(ours[1], 512, ref[1]));
  const double boxes =
      std::max(MaxDiff(ours[0], 0, ref[2]), MaxDiff(ours[0], 512, ref[3]));
  ::testing::Test::RecordProperty("max_score_diff", cv::format("%.3g", scores));
  ::testing::Test::RecordProperty("max_box_diff", cv::format("%.3g", boxes));
  EXPECT_LE(scores, 1e-3);
  EXPECT_LE(boxes, 1e-3);
  // The comparison means something only if the outputs are not trivial.
  EXPECT_GT(cv::norm(ours[0], cv::NORM_INF), 1.0);
}

TEST(TfliteModelTest, ShortRangeMatchesOnnxOracleOnPhoto) {
  CompareWithOracle(AstronautRgb(128));
}

TEST(TfliteModelTest, ShortRangeMatchesOnnxOracleOnNoise) {
  CompareWithOracle(RandomRgb(128, 20240601));
}

TEST(TfliteModelTest, ShortRangeDescribesItsTensors) {
  auto model = Load("short_range.tflite");
  ASSERT_TRUE(model);
  EXPECT_EQ(model->input().shape, (std::vector<int>{1, 128, 128, 3}));
  ASSERT_EQ(model->outputs().size(), 2u);
  EXPECT_EQ(model->outputs()[0].name, "regressors");
  EXPECT_EQ(model->outputs()[0].shape, (std::vector<int>{1, 896, 16}));
  EXPECT_EQ(model->outputs()[1].name, "classificators");
  EXPECT_EQ(model->outputs()[1].shape, (std::vector<int>{1, 896, 1}));
  EXPECT_EQ(model->output_names().size(), 2u);
}

// Index of the best-scoring anchor of a [1,N,1] score blob.
int BestAnchor(const cv::Mat& scores, float* logit) {
  const float* s = scores.ptr<float>();
  const int n = scores.size[1];
  int best = 0;
  for (int i = 1; i < n; ++i) {
    if (s[i] > s[best]) best = i;
  }
  *logit = s[best];
  return best;
}

TEST(TfliteModelTest, FullRangeDenseAndSparseAgreeOnPhoto) {
  const cv::Mat image = Nchw(AstronautRgb(192));
  int best[2] = {0, 0};
  float logit[2] = {0, 0};
  int k = 0;
  for (const char* name : {"full_range.tflite", "full_range_sparse.tflite"}) {
    SCOPED_TRACE(name);
    auto model = Load(name);
    ASSERT_TRUE(model);
    EXPECT_EQ(model->input().shape, (std::vector<int>{1, 192, 192, 3}));
    std::vector<cv::Mat> outs = RunNet(*model, image);
    ASSERT_EQ(outs.size(), 2u);
    ASSERT_EQ(Shape(outs[0]), (std::vector<int>{1, 2304, 16}));
    ASSERT_EQ(Shape(outs[1]), (std::vector<int>{1, 2304, 1}));
    EXPECT_TRUE(cv::checkRange(outs[0])) << "regressors not finite";
    EXPECT_TRUE(cv::checkRange(outs[1])) << "scores not finite";
    best[k] = BestAnchor(outs[1], &logit[k]);
    EXPECT_GT(logit[k], 0.0f) << "no confident face on astronaut.png";
    ++k;
  }
  // Anchors are one per cell of a 48 x 48 grid, row by row.
  EXPECT_LE(std::abs(best[0] / 48 - best[1] / 48), 1)
      << best[0] << " vs " << best[1];
  EXPECT_LE(std::abs(best[0] % 48 - best[1] % 48), 1)
      << best[0] << " vs " << best[1];
}

// Networks built from one shared Model run independently, and a Net can be
// run repeatedly with the same result.
TEST(TfliteModelTest, NetsFromOneModelAreIndependent) {
  auto model = Load("short_range.tflite");
  ASSERT_TRUE(model);
  const cv::Mat a = Nchw(AstronautRgb(128));
  const cv::Mat b = Nchw(RandomRgb(128, 7));
  std::vector<cv::Mat> first = RunNet(*model, a);
  std::vector<cv::Mat> other = RunNet(*model, b);
  std::vector<cv::Mat> again = RunNet(*model, a);
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(again.size(), 2u);
  ASSERT_EQ(other.size(), 2u);
  EXPECT_EQ(cv::norm(first[0], again[0], cv::NORM_INF), 0.0);
  EXPECT_GT(cv::norm(first[0], other[0], cv::NORM_INF), 0.0);
}

TEST(TfliteModelTest, MissingFileIsNotFound) {
  auto model = Model::FromFile(kModelDir + "/no_such_model.tflite");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace faceveil::tflite
