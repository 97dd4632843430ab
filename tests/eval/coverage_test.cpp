// Privacy recall and false positives on hand-made cases.
#include "eval/coverage.h"

#include <gtest/gtest.h>

#include "eval/eval_test_util.h"

namespace faceveil::eval {
namespace {

using testing::MakeDetection;
using testing::MakeFace;
using testing::MakeImage;

TEST(CoveredFraction, CountsOverlapsBetweenBoxesOnce) {
  const Box face{0, 0, 10, 10};
  // x 0..5 and x 3..7: the union spans 0..7 (their sum would be 0.9).
  EXPECT_NEAR(CoveredFraction(face, {Box{-5, -5, 10, 20}, Box{3, 0, 4, 10}}),
              0.7, 1e-9);
  // Top-left quadrant plus the top strip: 25 + 5 * 2.5 = 37.5.
  EXPECT_NEAR(CoveredFraction(face, {Box{0, 0, 5, 5}, Box{0, 0, 10, 2.5f}}),
              0.375, 1e-9);
  EXPECT_EQ(CoveredFraction(face, {}), 0.0);
  EXPECT_EQ(CoveredFraction(face, {Box{20, 20, 5, 5}}), 0.0);
  EXPECT_NEAR(CoveredFraction(face, {Box{-1, -1, 12, 12}}), 1.0, 1e-9);
  EXPECT_EQ(CoveredFraction(Box{0, 0, 0, 10}, {Box{0, 0, 5, 5}}), 0.0);
}

TEST(IsCovered, UnionOfTwoBoxesCoversAFaceNeitherCoversAlone) {
  const Box face{0, 0, 10, 10};
  const Box left{-10, 0, 14, 10};  // 40% of the face, IoU 40/200
  const Box right{4, 0, 16, 10};   // 60% of the face, IoU 60/200
  EXPECT_FALSE(IsCovered(face, {left}, 0.4f, 0.7f));
  EXPECT_FALSE(IsCovered(face, {right}, 0.4f, 0.7f));
  EXPECT_TRUE(IsCovered(face, {left, right}, 0.4f, 0.7f));
}

TEST(IsCovered, IoUAloneSuffices) {
  // A box 0.86x the face's size, shifted down: IoU 0.64, 68% covered.
  const Box face{0, 0, 100, 100};
  const Box blazeface{7, 21, 86, 86};
  EXPECT_LT(CoveredFraction(face, {blazeface}), 0.7);
  EXPECT_TRUE(IsCovered(face, {blazeface}, 0.4f, 0.7f));
  EXPECT_FALSE(IsCovered(face, {blazeface}, 0.7f, 0.7f));
}

TEST(HeightBucket, BoundsAreInclusiveBelow) {
  EXPECT_EQ(HeightBucket(200, 10), 0);
  EXPECT_EQ(HeightBucket(64, 10), 0);
  EXPECT_EQ(HeightBucket(63, 10), 1);
  EXPECT_EQ(HeightBucket(32, 10), 1);
  EXPECT_EQ(HeightBucket(31, 10), 2);
  EXPECT_EQ(HeightBucket(16, 10), 2);
  EXPECT_EQ(HeightBucket(15, 10), 3);
  EXPECT_EQ(HeightBucket(10, 10), 3);
  EXPECT_EQ(HeightBucket(9.9f, 10), -1);
  EXPECT_EQ(HeightBucket(12, 13), -1);
}

TEST(HitsAFace, TinyAnnotatedFaceInsideADetectionIsNoFalsePositive) {
  const std::vector<Box> faces = {Box{100, 100, 4, 4}, Box{300, 300, 100, 100}};
  EXPECT_TRUE(HitsAFace(Box{90, 90, 20, 20}, faces, 0.4f, 0.7f));
  // A small box on part of a large face hides part of a face.
  EXPECT_TRUE(HitsAFace(Box{320, 320, 20, 20}, faces, 0.4f, 0.7f));
  EXPECT_FALSE(HitsAFace(Box{0, 0, 20, 20}, faces, 0.4f, 0.7f));
  // Half on the big face: neither rule holds.
  EXPECT_FALSE(HitsAFace(Box{390, 300, 20, 20}, faces, 0.4f, 0.7f));
}

class CoverageReport : public ::testing::Test {
 protected:
  void SetUp() override {
    GtImage image{"a.jpg", {}};
    image.faces.push_back(MakeFace(0, 0, 100, 100));  // >=64, covered
    image.faces.push_back(MakeFace(200, 0, 40, 40));  // 32-63, missed
    GtFace blurred = MakeFace(300, 0, 20, 20, Difficulty::kHard);
    blurred.blur = 2;
    image.faces.push_back(blurred);  // 16-31, missed
    GtFace invalid = MakeFace(400, 0, 12, 12, Difficulty::kIgnore);
    invalid.invalid = true;
    invalid.blur = 2;
    image.faces.push_back(invalid);                 // 10-15, covered
    image.faces.push_back(MakeFace(500, 0, 8, 8));  // too small: left out
    gt_.images.push_back(image);
  }
  GroundTruth gt_;
};

TEST_F(CoverageReport, CountsByHeightAndFlagAtTheOperatingThreshold) {
  const std::vector<ImageDetections> detections = {MakeImage(
      {MakeDetection(5, 5, 90, 90, 0.9f), MakeDetection(398, -2, 16, 16, 0.6f),
       MakeDetection(200, 0, 40, 40, 0.4f),      // below threshold
       MakeDetection(700, 700, 50, 50, 0.8f),    // false positive
       MakeDetection(498, -2, 12, 12, 0.7f)})};  // on the tiny face
  EvalOptions options;
  options.score_threshold = 0.5f;
  Result<EvalReport> r = Evaluate(gt_, detections, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->privacy.faces, 4);
  EXPECT_EQ(r->privacy.covered, 2);
  ASSERT_EQ(r->privacy_by_height.size(), 4u);
  const int expected_faces[4] = {1, 1, 1, 1};
  const int expected_covered[4] = {1, 0, 0, 1};
  for (int b = 0; b < 4; ++b) {
    EXPECT_EQ(r->privacy_by_height[b].faces, expected_faces[b]) << b;
    EXPECT_EQ(r->privacy_by_height[b].covered, expected_covered[b]) << b;
  }
  const auto flag = [&](const std::string& label) {
    for (const CoverageCount& c : r->privacy_by_flag) {
      if (c.label == label) return c;
    }
    ADD_FAILURE() << "no flag " << label;
    return CoverageCount{};
  };
  EXPECT_EQ(flag("blur:2").faces, 2);
  EXPECT_EQ(flag("blur:2").covered, 1);
  EXPECT_EQ(flag("invalid").faces, 1);
  EXPECT_EQ(flag("invalid").covered, 1);
  EXPECT_EQ(flag("easy").faces, 2);
  EXPECT_EQ(flag("easy").covered, 1);

  EXPECT_EQ(r->detections, 4);
  EXPECT_EQ(r->false_positives, 1);
  EXPECT_DOUBLE_EQ(r->FalsePositivesPerImage(), 1.0);

  options.score_threshold = 0.3f;  // now the 40 px face is covered too
  r = Evaluate(gt_, detections, options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->privacy.covered, 3);
  EXPECT_EQ(r->detections, 5);
}

TEST_F(CoverageReport, FailedImagesCountAsNoDetections) {
  ImageDetections failed;
  failed.error = "corrupt";
  Result<EvalReport> r = Evaluate(gt_, {failed}, EvalOptions{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->failed_images, 1);
  EXPECT_EQ(r->privacy.covered, 0);
  EXPECT_EQ(r->FalsePositivesPerImage(), 0.0);
}

TEST_F(CoverageReport, RejectsMismatchedInput) {
  EXPECT_FALSE(Evaluate(gt_, {}, EvalOptions{}).ok());
  EvalOptions bad;
  bad.cover_fraction = 0;
  EXPECT_FALSE(Evaluate(gt_, {MakeImage({})}, bad).ok());
}

TEST_F(CoverageReport, MeanTimeIgnoresUntimedImages) {
  GroundTruth two = gt_;
  two.images.push_back(GtImage{"b.jpg", {MakeFace(0, 0, 50, 50)}});
  ImageDetections timed = MakeImage({});
  timed.ms = 12.5;
  Result<EvalReport> r = Evaluate(two, {timed, MakeImage({})}, EvalOptions{});
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->mean_ms, 12.5);
}

}  // namespace
}  // namespace faceveil::eval
