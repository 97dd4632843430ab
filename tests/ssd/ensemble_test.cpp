// The BlazeFace + SSD merge on hand-made candidates with known answers.
#include "detect/ensemble.h"

#include <gtest/gtest.h>

#include <cmath>

namespace faceveil {
namespace {

Face MakeFace(float x, float y, float side, float score, float kp = 0) {
  Face f;
  f.box = {x, y, side, side};
  f.score = score;
  for (Point& p : f.keypoints) p = {kp, kp};
  return f;
}

TEST(EnsembleTest, OverlappingFacesMergeKeepingBlazeFaceKeypoints) {
  // Same face: BlazeFace at 0.6 with keypoints at 50, SSD at 0.9.
  const std::vector<Face> out =
      MergeEnsemble({MakeFace(10, 10, 100, 0.6f, 50)},
                    {MakeFace(20, 10, 100, 0.9f)}, EnsembleOptions{});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].has_keypoints);
  EXPECT_FLOAT_EQ(out[0].score, 0.9f);
  EXPECT_FLOAT_EQ(out[0].keypoints[0].x, 50);  // SSD has none to mix in
  // Box: score-weighted mean of both, (0.6 * 10 + 0.9 * 20) / 1.5 = 16.
  EXPECT_NEAR(out[0].box.x, 16.0f, 1e-4f);
  EXPECT_NEAR(out[0].box.w, 100.0f, 1e-4f);
}

TEST(EnsembleTest, SeparateFacesStayApartAndSsdOnlyHasNoKeypoints) {
  const std::vector<Face> out =
      MergeEnsemble({MakeFace(0, 0, 50, 0.8f, 20)},
                    {MakeFace(200, 0, 20, 0.7f, 99)}, EnsembleOptions{});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].has_keypoints);
  EXPECT_FALSE(out[1].has_keypoints);
  EXPECT_FLOAT_EQ(out[1].keypoints[0].x, 0);
  EXPECT_FLOAT_EQ(out[1].box.x, 200);
}

TEST(EnsembleTest, LogitOffsetsCalibrateEachModel) {
  EnsembleOptions o;
  o.ssd_logit_offset = -1.0f;
  o.blazeface_logit_offset = 0.5f;
  const std::vector<Face> out = MergeEnsemble({MakeFace(0, 0, 50, 0.5f)},
                                              {MakeFace(200, 0, 50, 0.5f)}, o);
  ASSERT_EQ(out.size(), 2u);
  // sigmoid(0 + 0.5) and sigmoid(0 - 1), best first.
  EXPECT_NEAR(out[0].score, 1 / (1 + std::exp(-0.5f)), 1e-5f);
  EXPECT_TRUE(out[0].has_keypoints);
  EXPECT_NEAR(out[1].score, 1 / (1 + std::exp(1.0f)), 1e-5f);
}

TEST(EnsembleTest, AgreementBonusRaisesOnlyFacesBothModelsSaw) {
  EnsembleOptions o;
  o.agreement_logit_bonus = 1.5f;
  // One face seen by both at 0.5, one by BlazeFace alone and one by the
  // SSD alone, also at 0.5.
  const std::vector<Face> out =
      MergeEnsemble({MakeFace(0, 0, 50, 0.5f), MakeFace(300, 0, 50, 0.5f)},
                    {MakeFace(2, 0, 50, 0.5f), MakeFace(600, 0, 50, 0.5f)}, o);
  ASSERT_EQ(out.size(), 3u);
  int agreed = 0;
  for (const Face& e : out) {
    if (e.box.x < 100) {
      ++agreed;
      EXPECT_NEAR(e.score, 1 / (1 + std::exp(-1.5f)), 1e-5f);
    } else {
      EXPECT_FLOAT_EQ(e.score, 0.5f);
    }
  }
  EXPECT_EQ(agreed, 1);
}

TEST(EnsembleTest, EmptyInputsGiveNothing) {
  EXPECT_TRUE(MergeEnsemble({}, {}, EnsembleOptions{}).empty());
}

}  // namespace
}  // namespace faceveil
