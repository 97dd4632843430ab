#include "base/nms.h"

#include <gtest/gtest.h>

namespace faceveil {
namespace {

Face NmsFace(float x, float y, float w, float h, float score) {
  Face f;
  f.box = Box{x, y, w, h};
  f.score = score;
  for (int k = 0; k < kNumKeypoints; ++k) f.keypoints[k] = Point{x + k, y};
  return f;
}

TEST(IoUTest, KnownOverlaps) {
  EXPECT_FLOAT_EQ(IoU({0, 0, 10, 10}, {0, 0, 10, 10}), 1.0f);
  EXPECT_FLOAT_EQ(IoU({0, 0, 10, 10}, {5, 0, 10, 10}), 50.0f / 150.0f);
  EXPECT_FLOAT_EQ(IoU({0, 0, 10, 10}, {10, 0, 10, 10}), 0.0f);  // touching
  EXPECT_FLOAT_EQ(IoU({0, 0, 10, 10}, {2, 2, 5, 5}), 25.0f / 100.0f);
  EXPECT_FLOAT_EQ(IoU({0, 0, 0, 10}, {0, 0, 0, 10}), 0.0f);  // empty
}

TEST(WeightedNmsTest, MergesAGroupByScoreWeights) {
  // Two overlapping boxes (IoU 0.68) and one far away.
  std::vector<Face> in = {NmsFace(2, 0, 10, 10, 0.6f),
                          NmsFace(100, 100, 20, 20, 0.7f),
                          NmsFace(0, 0, 10, 10, 0.9f)};
  const std::vector<Face> out = WeightedNms(in, 0.3f);
  ASSERT_EQ(out.size(), 2u);
  // The group led by 0.9: x = (0.9*0 + 0.6*2) / 1.5 = 0.8.
  EXPECT_FLOAT_EQ(out[0].score, 0.9f);
  EXPECT_NEAR(out[0].box.x, 0.8f, 1e-6);
  EXPECT_NEAR(out[0].box.y, 0.0f, 1e-6);
  EXPECT_NEAR(out[0].box.w, 10.0f, 1e-5);
  EXPECT_NEAR(out[0].box.h, 10.0f, 1e-5);
  EXPECT_NEAR(out[0].keypoints[3].x, 3.8f, 1e-5);
  // The lone box comes through unchanged.
  EXPECT_FLOAT_EQ(out[1].score, 0.7f);
  EXPECT_FLOAT_EQ(out[1].box.x, 100.0f);
  EXPECT_FLOAT_EQ(out[1].box.w, 20.0f);
}

TEST(WeightedNmsTest, WeightsDifferentSizes) {
  std::vector<Face> in = {NmsFace(0, 0, 10, 10, 0.75f),
                          NmsFace(0, 0, 12, 12, 0.25f)};
  const std::vector<Face> out = WeightedNms(in, 0.3f);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NEAR(out[0].box.w, 10.5f, 1e-5);  // 0.75*10 + 0.25*12
  EXPECT_NEAR(out[0].box.h, 10.5f, 1e-5);
}

TEST(WeightedNmsTest, ThresholdIsStrict) {
  // IoU exactly 1/3 with threshold 1/3: not merged.
  std::vector<Face> in = {NmsFace(0, 0, 10, 10, 0.9f),
                          NmsFace(5, 0, 10, 10, 0.8f)};
  EXPECT_EQ(WeightedNms(in, 50.0f / 150.0f).size(), 2u);
  EXPECT_EQ(WeightedNms(in, 0.3f).size(), 1u);
}

TEST(WeightedNmsTest, GroupsFormAroundTheBestRemaining) {
  // A chain a-b-c where a and c do not overlap: a absorbs b, c stays.
  std::vector<Face> in = {NmsFace(0, 0, 10, 10, 0.9f),
                          NmsFace(3, 0, 10, 10, 0.8f),
                          NmsFace(7, 0, 10, 10, 0.7f)};
  const std::vector<Face> out = WeightedNms(in, 0.3f);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FLOAT_EQ(out[1].score, 0.7f);
  EXPECT_FLOAT_EQ(out[1].box.x, 7.0f);
}

TEST(WeightedNmsTest, EmptyInAndDegenerateBoxes) {
  EXPECT_TRUE(WeightedNms({}, 0.3f).empty());
  // Zero-size boxes overlap nothing, not even each other, but each is kept.
  std::vector<Face> in = {NmsFace(0, 0, 0, 0, 0.9f), NmsFace(0, 0, 0, 0, 0.8f)};
  EXPECT_EQ(WeightedNms(in, 0.3f).size(), 2u);
}

TEST(GroupOverlappingTest, LeadFirstThenMembersByScoreStableOnTies) {
  // Input order is not score order; b and d tie and keep their input order.
  const std::vector<Face> in = {
      NmsFace(100, 0, 10, 10, 0.5f),  // 0: alone
      NmsFace(1, 0, 10, 10, 0.6f),    // 1: joins 2
      NmsFace(0, 0, 10, 10, 0.9f),    // 2: lead
      NmsFace(2, 0, 10, 10, 0.6f),    // 3: joins 2, after 1 (tie)
  };
  const std::vector<std::vector<int>> groups = GroupOverlapping(in, 0.3f);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], (std::vector<int>{2, 1, 3}));
  EXPECT_EQ(groups[1], (std::vector<int>{0}));
}

TEST(GroupOverlappingTest, MembersJoinTheLeadNotEachOther) {
  // b overlaps the lead a; c overlaps b but not a: c leads its own group,
  // even though it is not the best remaining by input position.
  const std::vector<Face> in = {NmsFace(7, 0, 10, 10, 0.7f),
                                NmsFace(0, 0, 10, 10, 0.9f),
                                NmsFace(3, 0, 10, 10, 0.8f)};
  const std::vector<std::vector<int>> groups = GroupOverlapping(in, 0.3f);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], (std::vector<int>{1, 2}));
  EXPECT_EQ(groups[1], (std::vector<int>{0}));
  EXPECT_TRUE(GroupOverlapping({}, 0.3f).empty());
}

}  // namespace
}  // namespace faceveil
