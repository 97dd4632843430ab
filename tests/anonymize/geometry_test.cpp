// Mask geometry: where the anonymized region lies for a detector box, and
// how the ellipse weights fall off.
#include "anonymize/geometry.h"

#include <gtest/gtest.h>

#include <cmath>

#include "faceveil/anonymizer.h"

namespace faceveil {
namespace {

Face FaceAt(float x, float y, float side) {
  Face face;
  face.box = Box{x, y, side, side};
  face.score = 0.9f;
  return face;
}

// The hand-labelled (WIDER-style) face box implied by a BlazeFace box: 1/0.86
// times as tall, centred 7% of that height higher. Its width is taken equal
// to its height, the worst case for coverage.
Box LabelledFace(const Box& blaze) {
  const float h = blaze.h / 0.86f;
  const float cy = blaze.cy() - 0.07f * h;
  return Box{blaze.cx() - h / 2, cy - h / 2, h, h};
}

bool Contains(const Box& outer, const Box& inner) {
  return inner.x >= outer.x && inner.y >= outer.y &&
         inner.x + inner.w <= outer.x + outer.w &&
         inner.y + inner.h <= outer.y + outer.h;
}

TEST(ParseTest, NamesRoundTrip) {
  for (auto style : {AnonymizeStyle::kBlur, AnonymizeStyle::kPixelate,
                     AnonymizeStyle::kSolid}) {
    auto parsed = ParseAnonymizeStyle(AnonymizeStyleName(style));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, style);
  }
  for (auto shape : {MaskShape::kBox, MaskShape::kEllipse}) {
    auto parsed = ParseMaskShape(MaskShapeName(shape));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, shape);
  }
  EXPECT_EQ(*ParseAnonymizeStyle("pixelate"), AnonymizeStyle::kPixelate);
  EXPECT_EQ(*ParseMaskShape("ellipse"), MaskShape::kEllipse);
}

TEST(ParseTest, RejectsUnknownNames) {
  auto style = ParseAnonymizeStyle("mosaic");
  ASSERT_FALSE(style.ok());
  EXPECT_EQ(style.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(style.status().message().find("mosaic"), std::string::npos);
  EXPECT_FALSE(ParseMaskShape("circle").ok());
  EXPECT_FALSE(ParseAnonymizeStyle("").ok());
  EXPECT_FALSE(ParseAnonymizeStyle("Blur").ok());
}

TEST(MaskRegionTest, BoxIsEnlargedAndShiftedUp) {
  const Face face = FaceAt(100, 200, 100);  // centre (150, 250)
  const Box region = MaskRegion(face, AnonymizeOptions{});
  EXPECT_NEAR(region.w, 130, 1e-3);
  EXPECT_NEAR(region.h, 130, 1e-3);
  EXPECT_NEAR(region.cx(), 150, 1e-3);
  EXPECT_NEAR(region.cy(), 250 - 100 * 0.07 / 0.86, 1e-3);  // 241.86
}

TEST(MaskRegionTest, ScaleFollowsOption) {
  AnonymizeOptions options;
  options.mask_scale = 2.0f;
  const Box region = MaskRegion(FaceAt(0, 0, 50), options);
  EXPECT_NEAR(region.w, 100, 1e-3);
  EXPECT_NEAR(region.h, 100, 1e-3);
}

TEST(MaskRegionTest, DefaultBoxCoversLabelledFace) {
  const Face face = FaceAt(37, 81, 120);
  const Box labelled = LabelledFace(face.box);
  EXPECT_TRUE(Contains(MaskRegion(face, AnonymizeOptions{}), labelled));
  // And the detector box alone does not: the enlargement is needed.
  EXPECT_FALSE(Contains(face.box, labelled));
}

TEST(MaskRegionTest, EllipseCoreContainsLabelledFaceCorners) {
  AnonymizeOptions options;
  options.shape = MaskShape::kEllipse;
  const Face face = FaceAt(37, 81, 120);
  const Box region = MaskRegion(face, options);
  const Box labelled = LabelledFace(face.box);
  // Core ellipse: region minus the feather on each side.
  const float feather = anonymize::kFeatherFraction * region.w;
  const float a = region.w / 2 - feather;
  const float b = region.h / 2 - feather;
  for (float x : {labelled.x, labelled.x + labelled.w}) {
    for (float y : {labelled.y, labelled.y + labelled.h}) {
      const float dx = (x - region.cx()) / a;
      const float dy = (y - region.cy()) / b;
      EXPECT_LE(dx * dx + dy * dy, 1.0f) << "corner " << x << "," << y;
    }
  }
}

TEST(MakeGeometryTest, RoundsOutwardAndClips) {
  anonymize::MaskGeometry g;
  ASSERT_TRUE(anonymize::MakeGeometry(Box{-10.5f, 5.2f, 30, 20},
                                      MaskShape::kBox, cv::Size(100, 50), &g));
  EXPECT_EQ(g.region, cv::Rect(-11, 5, 31, 21));
  EXPECT_EQ(g.clipped, cv::Rect(0, 5, 20, 21));
  EXPECT_DOUBLE_EQ(g.feature_size, 21);
}

TEST(MakeGeometryTest, RejectsNonFiniteAndEmpty) {
  anonymize::MaskGeometry g;
  const cv::Size size(100, 100);
  EXPECT_FALSE(
      anonymize::MakeGeometry(Box{NAN, 0, 10, 10}, MaskShape::kBox, size, &g));
  EXPECT_FALSE(anonymize::MakeGeometry(Box{0, 0, INFINITY, 10}, MaskShape::kBox,
                                       size, &g));
  EXPECT_FALSE(
      anonymize::MakeGeometry(Box{0, 0, 0, 10}, MaskShape::kBox, size, &g));
  EXPECT_FALSE(anonymize::MakeGeometry(Box{1e30f, 0, 10, 10}, MaskShape::kBox,
                                       size, &g));
}

TEST(MaskWeightsTest, EllipseIsFullInsideAndZeroAtCorners) {
  anonymize::MaskGeometry g;
  ASSERT_TRUE(anonymize::MakeGeometry(Box{0, 0, 100, 60}, MaskShape::kEllipse,
                                      cv::Size(200, 200), &g));
  const cv::Mat w = anonymize::MaskWeights(g);
  ASSERT_EQ(w.size(), cv::Size(100, 60));
  EXPECT_FLOAT_EQ(w.at<float>(30, 50), 1.0f);  // centre
  EXPECT_FLOAT_EQ(w.at<float>(30, 6), 1.0f);   // just inside the core edge
  EXPECT_FLOAT_EQ(w.at<float>(0, 0), 0.0f);    // corner
  // The feather falls monotonically outward along the horizontal axis.
  for (int x = 1; x < 6; ++x) {
    EXPECT_LE(w.at<float>(30, x - 1), w.at<float>(30, x));
  }
  EXPECT_TRUE(anonymize::MaskWeights(anonymize::MaskGeometry{}).empty());
}

}  // namespace
}  // namespace faceveil
