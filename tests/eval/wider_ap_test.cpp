// The official WIDER FACE AP on cases small enough to compute by hand.
#include "eval/wider_ap.h"

#include <gtest/gtest.h>

#include "eval/eval_test_util.h"

namespace faceveil::eval {
namespace {

using testing::MakeDetection;
using testing::MakeFace;
using testing::MakeImage;

constexpr int kEasy = 0, kMedium = 1, kHard = 2;

WiderApResult Ap(const GroundTruth& gt,
                 const std::vector<ImageDetections>& per_image) {
  return ComputeWiderAp(gt, per_image, /*min_score=*/0, /*iou=*/0.5, 1000);
}

TEST(OfficialIoU, CountsBoxesOnePixelWider) {
  EXPECT_DOUBLE_EQ(OfficialIoU(Box{0, 0, 9, 9}, Box{0, 0, 9, 9}), 1.0);
  // Corner-touching 1x1 boxes: each spans 2x2 pixels and they share one.
  EXPECT_DOUBLE_EQ(OfficialIoU(Box{0, 0, 1, 1}, Box{1, 1, 1, 1}), 1.0 / 7);
  EXPECT_DOUBLE_EQ(OfficialIoU(Box{0, 0, 1, 1}, Box{3, 3, 1, 1}), 0.0);
  // (0..10) x (0..10) = 11x11 vs (5..15) x (0..10): overlap 6x11.
  EXPECT_DOUBLE_EQ(OfficialIoU(Box{0, 0, 10, 10}, Box{5, 0, 10, 10}),
                   66.0 / (121 + 121 - 66));
}

TEST(ScoreRange, SeedsLikeTheOfficialCode) {
  ScoreRange range;
  range.Add(0.6);
  range.Add(0.8);
  // The minimum is 0.6 (below the seed 1), the maximum 0.8.
  EXPECT_DOUBLE_EQ(range.Normalize(0.6), 0.0);
  EXPECT_DOUBLE_EQ(range.Normalize(0.8), 1.0);
  EXPECT_NEAR(range.Normalize(0.7), 0.5, 1e-12);

  ScoreRange one;
  one.Add(0.7);
  EXPECT_DOUBLE_EQ(one.Normalize(0.7), 1.0);  // documented deviation
}

TEST(VocAp, ThreePointCurveUsesTheMonotoneEnvelope) {
  // Envelope over recall 0..0.2: 1; 0.2..0.4: 0.75; 0.4..0.6: 0.75;
  // 0.6..1: 0 (sentinel).
  EXPECT_NEAR(VocAp({0.2, 0.4, 0.6}, {1.0, 0.5, 0.75}), 0.5, 1e-12);
  EXPECT_NEAR(VocAp({1.0}, {1.0}), 1.0, 1e-12);
  EXPECT_NEAR(VocAp({}, {}), 0.0, 1e-12);
}

TEST(WiderAp, PerfectDetectorScoresOne) {
  GroundTruth gt;
  gt.images.push_back(
      GtImage{"a.jpg", {MakeFace(10, 10, 20, 20), MakeFace(100, 100, 30, 30)}});
  const WiderApResult r =
      Ap(gt, {MakeImage({MakeDetection(10, 10, 20, 20, 0.9f),
                         MakeDetection(100, 100, 30, 30, 0.8f)})});
  for (int s : {kEasy, kMedium, kHard}) {
    EXPECT_NEAR(r.ap[s], 1.0, 1e-12) << s;
    EXPECT_EQ(r.faces[s], 2);
  }
  EXPECT_EQ(r.detections, 2);
}

TEST(WiderAp, NoDetectionsScoresZero) {
  GroundTruth gt;
  gt.images.push_back(GtImage{"a.jpg", {MakeFace(10, 10, 20, 20)}});
  const WiderApResult r = Ap(gt, {MakeImage({})});
  for (int s : {kEasy, kMedium, kHard}) EXPECT_EQ(r.ap[s], 0.0);
  EXPECT_EQ(r.faces[kEasy], 1);
}

TEST(WiderAp, DetectionOnAnIgnoredFaceIsNoFalsePositive) {
  GroundTruth gt;
  gt.images.push_back(
      GtImage{"a.jpg",
              {MakeFace(10, 10, 20, 20),
               MakeFace(100, 100, 30, 30, Difficulty::kIgnore)}});
  // The ignored face's detection scores higher: counted as a false
  // positive it would halve the precision at full recall (AP 0.5).
  const WiderApResult r =
      Ap(gt, {MakeImage({MakeDetection(100, 100, 30, 30, 0.9f),
                         MakeDetection(10, 10, 20, 20, 0.8f)})});
  EXPECT_NEAR(r.ap[kEasy], 1.0, 1e-12);
  EXPECT_NEAR(r.ap[kHard], 1.0, 1e-12);
  EXPECT_EQ(r.faces[kHard], 1);
}

TEST(WiderAp, TwoDetectionsOnOneFaceAreOneHitAndOneFalsePositive) {
  const std::vector<Box> faces = {Box{10, 10, 20, 20}};
  PrCounts counts(1000);
  AccumulateImage({ScoredBox{Box{10, 10, 20, 20}, 1.0},
                   ScoredBox{Box{11, 11, 20, 20}, 0.5}},
                  faces, {true}, 0.5, &counts);
  EXPECT_EQ(counts.proposals[0], 1);  // threshold 0.999: the first only
  EXPECT_EQ(counts.recalled[0], 1);
  EXPECT_EQ(counts.proposals[999], 2);  // threshold 0: both
  EXPECT_EQ(counts.recalled[999], 1);

  // Through the AP: faces A and B; A's duplicate outscores B's hit.
  // Normalized scores 1, 0.5, 0: points (R .5, P 1), (R .5, P .5),
  // (R 1, P 2/3); AP = .5 * 1 + .5 * 2/3.
  GroundTruth gt;
  gt.images.push_back(
      GtImage{"a.jpg", {MakeFace(10, 10, 20, 20), MakeFace(100, 100, 30, 30)}});
  const WiderApResult r =
      Ap(gt, {MakeImage({MakeDetection(10, 10, 20, 20, 0.9f),
                         MakeDetection(11, 11, 20, 20, 0.8f),
                         MakeDetection(100, 100, 30, 30, 0.7f)})});
  EXPECT_NEAR(r.ap[kEasy], 0.5 + 0.5 * 2.0 / 3.0, 1e-9);
}

TEST(WiderAp, SettingsNestEasyInMediumInHard) {
  GroundTruth gt;
  gt.images.push_back(
      GtImage{"a.jpg", {MakeFace(10, 10, 20, 20, Difficulty::kMedium)}});
  const WiderApResult r =
      Ap(gt, {MakeImage({MakeDetection(10, 10, 20, 20, 0.9f)})});
  EXPECT_EQ(r.faces[kEasy], 0);
  EXPECT_EQ(r.faces[kMedium], 1);
  EXPECT_EQ(r.faces[kHard], 1);
  EXPECT_EQ(r.ap[kEasy], 0.0);
  EXPECT_NEAR(r.ap[kMedium], 1.0, 1e-12);
  EXPECT_NEAR(r.ap[kHard], 1.0, 1e-12);
}

TEST(WiderAp, FacesOfImagesWithoutDetectionsStillCount) {
  GroundTruth gt;
  gt.images.push_back(GtImage{"a.jpg", {MakeFace(10, 10, 20, 20)}});
  gt.images.push_back(GtImage{"b.jpg", {MakeFace(10, 10, 20, 20)}});
  const WiderApResult r =
      Ap(gt, {MakeImage({MakeDetection(10, 10, 20, 20, 0.9f)}), MakeImage({})});
  EXPECT_NEAR(r.ap[kEasy], 0.5, 1e-12);
}

TEST(WiderAp, MatchesAtHalfOfficialIoUOnly) {
  GroundTruth gt;
  gt.images.push_back(GtImage{"a.jpg", {MakeFace(0, 0, 10, 10)}});
  // Shifted by 7 of 11 pixels: official IoU 44 / 198 < 0.5.
  EXPECT_EQ(Ap(gt, {MakeImage({MakeDetection(7, 0, 10, 10, 0.9f)})}).ap[kEasy],
            0.0);
  // Shifted by 3: official IoU 88 / 154 >= 0.5.
  EXPECT_NEAR(
      Ap(gt, {MakeImage({MakeDetection(3, 0, 10, 10, 0.9f)})}).ap[kEasy], 1.0,
      1e-12);
}

TEST(WiderAp, MinScoreDropsDetections) {
  GroundTruth gt;
  gt.images.push_back(GtImage{"a.jpg", {MakeFace(10, 10, 20, 20)}});
  const std::vector<ImageDetections> d = {
      MakeImage({MakeDetection(10, 10, 20, 20, 0.3f)})};
  EXPECT_NEAR(ComputeWiderAp(gt, d, 0.2f, 0.5, 1000).ap[kEasy], 1.0, 1e-12);
  const WiderApResult dropped = ComputeWiderAp(gt, d, 0.5f, 0.5, 1000);
  EXPECT_EQ(dropped.ap[kEasy], 0.0);
  EXPECT_EQ(dropped.detections, 0);
}

}  // namespace
}  // namespace faceveil::eval
