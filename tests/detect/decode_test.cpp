#include "detect/decode.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace faceveil {
namespace {

// Two anchors on a 100-pixel input, both at known centres.
class DecodeTest : public ::testing::Test {
 protected:
  std::vector<Anchor> anchors_ = {{0.25f, 0.5f, 1, 1}, {0.75f, 0.5f, 1, 1}};
  std::vector<float> regressors_ =
      std::vector<float>(2 * kRegressorsPerAnchor, 0.0f);
  std::vector<float> logits_ = {-10.0f, -10.0f};
  DecodeOptions options_{.input_size = 100, .min_score = 0.5f};
};

TEST_F(DecodeTest, BoxAndKeypointsAreOffsetsFromTheAnchor) {
  float* r = &regressors_[kRegressorsPerAnchor];  // second anchor
  r[0] = 5;                                       // xc offset, input pixels
  r[1] = -10;                                     // yc offset
  r[2] = 20;                                      // w
  r[3] = 40;                                      // h
  for (int k = 0; k < kNumKeypoints; ++k) {
    r[4 + 2 * k] = static_cast<float>(k);
    r[5 + 2 * k] = -static_cast<float>(k);
  }
  logits_[1] = 2.0f;
  const std::vector<Face> faces =
      DecodeCandidates(regressors_, logits_, anchors_, options_);
  ASSERT_EQ(faces.size(), 1u);
  const Face& f = faces[0];
  EXPECT_NEAR(f.score, 1 / (1 + std::exp(-2.0f)), 1e-6);
  // Centre (0.80, 0.40), size (0.2, 0.4) -> top-left (0.70, 0.20).
  EXPECT_NEAR(f.box.x, 0.70f, 1e-6);
  EXPECT_NEAR(f.box.y, 0.20f, 1e-6);
  EXPECT_NEAR(f.box.w, 0.20f, 1e-6);
  EXPECT_NEAR(f.box.h, 0.40f, 1e-6);
  for (int k = 0; k < kNumKeypoints; ++k) {
    EXPECT_NEAR(f.keypoints[k].x, 0.75f + k / 100.0f, 1e-6) << k;
    EXPECT_NEAR(f.keypoints[k].y, 0.5f - k / 100.0f, 1e-6) << k;
  }
}

TEST_F(DecodeTest, ThresholdIsInclusiveAndAppliesToTheScore) {
  logits_ = {0.0f, -0.01f};  // scores 0.5 and just under
  const std::vector<Face> faces =
      DecodeCandidates(regressors_, logits_, anchors_, options_);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_FLOAT_EQ(faces[0].score, 0.5f);
  EXPECT_NEAR(faces[0].box.x, 0.25f, 1e-6);  // the first anchor's
}

TEST_F(DecodeTest, LogitsBecomeScoresWithoutOverflow) {
  EXPECT_NEAR(LogitToScore(2.0f), 0.880797f, 1e-6);
  EXPECT_FLOAT_EQ(LogitToScore(0.0f), 0.5f);
  EXPECT_GT(LogitToScore(-80.0f), 0.0f);
  EXPECT_LT(LogitToScore(-80.0f), LogitToScore(-79.0f));
  EXPECT_EQ(LogitToScore(1e30f), 1.0f);
  EXPECT_EQ(LogitToScore(-1e30f), 0.0f);
  EXPECT_EQ(LogitToScore(INFINITY), 1.0f);
  EXPECT_EQ(LogitToScore(-INFINITY), 0.0f);
}

TEST_F(DecodeTest, NanLogitsAreDropped) {
  logits_ = {NAN, 3.0f};
  const std::vector<Face> faces =
      DecodeCandidates(regressors_, logits_, anchors_, options_);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_NEAR(faces[0].box.x, 0.75f, 1e-6);
}

TEST_F(DecodeTest, NegativeSizesAreDropped) {
  logits_ = {5.0f, 5.0f};
  regressors_[2] = -1;                         // first: negative width
  regressors_[kRegressorsPerAnchor + 3] = -1;  // second: negative height
  EXPECT_TRUE(
      DecodeCandidates(regressors_, logits_, anchors_, options_).empty());
  regressors_[2] = 0;  // zero is kept, as MediaPipe does
  EXPECT_EQ(DecodeCandidates(regressors_, logits_, anchors_, options_).size(),
            1u);
}

TEST_F(DecodeTest, ShortBuffersDecodeNothing) {
  logits_ = {5.0f, 5.0f};
  regressors_.resize(kRegressorsPerAnchor);  // one anchor's worth
  EXPECT_TRUE(
      DecodeCandidates(regressors_, logits_, anchors_, options_).empty());
}

}  // namespace
}  // namespace faceveil
