#include "detect/mirror.h"

#include <gtest/gtest.h>

#include <vector>

namespace faceveil {
namespace {

Face FaceAt(float x, float y, float w, float h, float score) {
  Face f;
  f.box = {x, y, w, h};
  f.score = score;
  f.has_keypoints = false;
  return f;
}

TEST(MirrorTest, UnmirrorMovesBoxesBackAndSwapsSides) {
  Face f = FaceAt(10, 20, 30, 40, 0.9f);
  f.has_keypoints = true;
  f.keypoints[0] = {15, 30};  // right eye, in the mirrored copy
  f.keypoints[1] = {35, 30};
  f.keypoints[2] = {25, 40};
  std::vector<Face> faces = {f};
  UnmirrorFaces(100, &faces);
  EXPECT_FLOAT_EQ(faces[0].box.x, 60);  // 100 - 10 - 30
  EXPECT_FLOAT_EQ(faces[0].box.y, 20);
  EXPECT_FLOAT_EQ(faces[0].box.w, 30);
  // The mirrored left eye (x 35) is the photo's right eye, at 100 - 35.
  EXPECT_FLOAT_EQ(faces[0].keypoints[0].x, 65);
  EXPECT_FLOAT_EQ(faces[0].keypoints[1].x, 85);
  EXPECT_FLOAT_EQ(faces[0].keypoints[2].x, 75);
  // Twice is the identity.
  UnmirrorFaces(100, &faces);
  EXPECT_FLOAT_EQ(faces[0].box.x, 10);
  EXPECT_FLOAT_EQ(faces[0].keypoints[0].x, 15);
}

TEST(MirrorTest, PairsAverageAndLoneFacesLoseTheMissingVote) {
  const MirrorFusionOptions o;  // match 0.5, lone 0.7
  const std::vector<Face> direct = {FaceAt(0, 0, 10, 10, 0.8f),
                                    FaceAt(100, 100, 20, 20, 0.6f)};
  const std::vector<Face> mirrored = {FaceAt(1, 0, 10, 10, 0.4f),
                                      FaceAt(300, 300, 8, 8, 0.5f)};
  const std::vector<Face> fused = FuseMirroredViews(direct, mirrored, o);
  ASSERT_EQ(fused.size(), 3u);
  // Best first: the pair (0.8 + 0.4) / 2, then 0.6 * 0.7, then 0.5 * 0.7.
  EXPECT_FLOAT_EQ(fused[0].score, 0.6f);
  EXPECT_NEAR(fused[0].box.x, (0 * 0.8 + 1 * 0.4) / 1.2, 1e-5);
  EXPECT_FLOAT_EQ(fused[0].box.w, 10);
  EXPECT_FLOAT_EQ(fused[1].score, 0.42f);
  EXPECT_FLOAT_EQ(fused[1].box.x, 100);
  EXPECT_FLOAT_EQ(fused[2].score, 0.35f);
  EXPECT_FLOAT_EQ(fused[2].box.x, 300);
}

TEST(MirrorTest, OverlapBelowTheMatchIsNoPairAndEachFaceCountsOnce) {
  MirrorFusionOptions o;
  // IoU of these two: 50 / 150 = 0.33, under the match's 0.5 but over the
  // final suppression's 0.3: one face, the better lone one.
  const std::vector<Face> direct = {FaceAt(0, 0, 10, 10, 0.9f)};
  const std::vector<Face> mirrored = {FaceAt(5, 0, 10, 10, 0.5f)};
  std::vector<Face> fused = FuseMirroredViews(direct, mirrored, o);
  ASSERT_EQ(fused.size(), 1u);
  EXPECT_FLOAT_EQ(fused[0].score, 0.9f * 0.7f);
  // A mirrored face pairs once: the second direct face stays alone.
  o.nms_iou = 1;  // keep all, to see the pairing
  fused = FuseMirroredViews(
      {FaceAt(0, 0, 10, 10, 0.9f), FaceAt(0, 0, 10, 10, 0.8f)},
      {FaceAt(0, 0, 10, 10, 0.7f)}, o);
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_FLOAT_EQ(fused[0].score, 0.8f);  // (0.9 + 0.7) / 2
  EXPECT_FLOAT_EQ(fused[1].score, 0.8f * 0.7f);
  EXPECT_TRUE(FuseMirroredViews({}, {}, o).empty());
}

}  // namespace
}  // namespace faceveil
