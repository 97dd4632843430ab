// The ensemble merge on hand-made candidates with known answers.
#include "detect/ensemble.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace faceveil {
namespace {

// A square face; `kp` >= 0 gives it keypoints there (BlazeFace's kind),
// otherwise it has none (CrowdNet's and the SSD's kind).
Face MakeFace(float x, float y, float side, float score, float kp = -1) {
  Face f;
  f.box = {x, y, side, side};
  f.score = score;
  f.has_keypoints = kp >= 0;
  for (Point& p : f.keypoints) p = f.has_keypoints ? Point{kp, kp} : Point{};
  return f;
}

float Sigmoid(float logit) { return 1 / (1 + std::exp(-logit)); }

// Two models with the same vote `bonus`.
std::vector<Face> Merge(const std::vector<Face>& a, const std::vector<Face>& b,
                        float bonus = 0, float a_offset = 0,
                        float b_offset = 0) {
  const EnsembleMember members[] = {{a, a_offset, bonus}, {b, b_offset, bonus}};
  return MergeEnsemble(members, EnsembleOptions{});
}

TEST(EnsembleTest, OverlappingFacesMergeKeepingBlazeFaceKeypoints) {
  // Same face: BlazeFace at 0.6 with keypoints at 50, SSD at 0.9.
  const std::vector<Face> out =
      Merge({MakeFace(10, 10, 100, 0.6f, 50)}, {MakeFace(20, 10, 100, 0.9f)});
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
      Merge({MakeFace(0, 0, 50, 0.8f, 20)}, {MakeFace(200, 0, 20, 0.7f)});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].has_keypoints);
  EXPECT_FALSE(out[1].has_keypoints);
  EXPECT_FLOAT_EQ(out[1].keypoints[0].x, 0);
  EXPECT_FLOAT_EQ(out[1].box.x, 200);
}

// CrowdNet + SSD (the fast preset): neither model has keypoints, so no
// merged face claims any, whichever slot a model is in. Before members
// said whether they have keypoints, the first slot's faces were taken to
// have them and reports showed six keypoints at (0, 0).
TEST(EnsembleTest, FacesOfModelsWithoutKeypointsHaveNone) {
  const std::vector<Face> out =
      Merge({MakeFace(0, 0, 50, 0.8f), MakeFace(300, 0, 50, 0.6f)},
            {MakeFace(2, 0, 50, 0.7f)});
  ASSERT_EQ(out.size(), 2u);
  for (const Face& f : out) EXPECT_FALSE(f.has_keypoints);
}

TEST(EnsembleTest, LogitOffsetsCalibrateEachModel) {
  const std::vector<Face> out =
      Merge({MakeFace(0, 0, 50, 0.5f, 10)}, {MakeFace(200, 0, 50, 0.5f)}, 0,
            0.5f, -1.0f);
  ASSERT_EQ(out.size(), 2u);
  // sigmoid(0 + 0.5) and sigmoid(0 - 1), best first.
  EXPECT_NEAR(out[0].score, Sigmoid(0.5f), 1e-5f);
  EXPECT_TRUE(out[0].has_keypoints);
  EXPECT_NEAR(out[1].score, Sigmoid(-1.0f), 1e-5f);
}

TEST(EnsembleTest, AgreementBonusRaisesOnlyFacesBothModelsSaw) {
  // One face seen by both at 0.5, one by BlazeFace alone and one by the
  // SSD alone, also at 0.5.
  const std::vector<Face> out =
      Merge({MakeFace(0, 0, 50, 0.5f), MakeFace(300, 0, 50, 0.5f)},
            {MakeFace(2, 0, 50, 0.5f), MakeFace(600, 0, 50, 0.5f)}, 1.5f);
  ASSERT_EQ(out.size(), 3u);
  int agreed = 0;
  for (const Face& e : out) {
    if (e.box.x < 100) {
      ++agreed;
      EXPECT_NEAR(e.score, Sigmoid(1.5f), 1e-5f);
    } else {
      EXPECT_FLOAT_EQ(e.score, 0.5f);
    }
  }
  EXPECT_EQ(agreed, 1);
}

// Three models: every model that saw a face and does not lead its group
// adds its own vote, once (two boxes of one model are one vote).
TEST(EnsembleTest, EachFurtherModelAddsItsVote) {
  const std::vector<Face> crowdnet = {MakeFace(0, 0, 50, 0.5f),
                                      MakeFace(300, 0, 50, 0.5f),
                                      MakeFace(302, 0, 50, 0.4f)};
  const std::vector<Face> blazeface = {MakeFace(1, 0, 50, 0.5f, 25),
                                       MakeFace(600, 0, 50, 0.5f, 625)};
  const std::vector<Face> ssd = {MakeFace(2, 0, 50, 0.5f),
                                 MakeFace(601, 0, 50, 0.5f)};
  // Votes 1, 0.5 and 0.25; equal scores: the first member leads.
  const EnsembleMember members[] = {
      {crowdnet, 0, 1.0f}, {blazeface, 0, 0.5f}, {ssd, 0, 0.25f}};
  const std::vector<Face> out = MergeEnsemble(members, EnsembleOptions{});
  ASSERT_EQ(out.size(), 3u);
  for (const Face& f : out) {
    if (f.box.x < 100) {  // all three, CrowdNet leading
      EXPECT_NEAR(f.score, Sigmoid(0.75f), 1e-5f);
      EXPECT_TRUE(f.has_keypoints);
      EXPECT_FLOAT_EQ(f.keypoints[0].x, 25);  // BlazeFace's only
    } else if (f.box.x < 500) {               // CrowdNet alone, twice: no vote
      EXPECT_FLOAT_EQ(f.score, 0.5f);
      EXPECT_FALSE(f.has_keypoints);
    } else {  // BlazeFace leading, the SSD's vote
      EXPECT_NEAR(f.score, Sigmoid(0.25f), 1e-5f);
      EXPECT_TRUE(f.has_keypoints);
    }
  }
}

TEST(EnsembleTest, EmptyInputsGiveNothing) {
  EXPECT_TRUE(Merge({}, {}).empty());
  EXPECT_TRUE(MergeEnsemble({}, EnsembleOptions{}).empty());
}

}  // namespace
}  // namespace faceveil
