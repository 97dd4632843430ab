// Transparency, depth and pages through the pipeline: colour stored under
// transparent pixels (an area "erased" in an editor) must not come back,
// alpha is kept where the format has it, and what an output loses from its
// input is said.
#include <gtest/gtest.h>

#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "faceveil/pipeline.h"
#include "test_images.h"

namespace faceveil {
namespace {

using Bytes = std::vector<uint8_t>;
using testing::kAstronautFaceX0;
using testing::kAstronautFaceX1;
using testing::kAstronautFaceY0;
using testing::kAstronautFaceY1;
using testing::TestData;

class TransparencyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto p = Pipeline::Create({});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    pipeline_ = std::move(p).value().release();
  }
  static void TearDownTestSuite() {
    delete pipeline_;
    pipeline_ = nullptr;
  }

  // The astronaut with the face "erased": alpha 0 over the face, the colour
  // still stored under it; elsewhere opaque, with a half-transparent band.
  static cv::Mat ErasedFace() {
    const cv::Mat bgr = cv::imread(TestData("astronaut.png"), cv::IMREAD_COLOR);
    EXPECT_FALSE(bgr.empty());
    cv::Mat alpha(bgr.size(), CV_8U, cv::Scalar(255));
    alpha(FaceRect()).setTo(0);
    alpha(cv::Rect(0, bgr.rows - 40, bgr.cols, 20)).setTo(128);
    cv::Mat bgra;
    cv::Mat planes[] = {bgr, alpha};
    cv::merge(planes, 2, bgra);
    return bgra;
  }
  static cv::Rect FaceRect() {
    return cv::Rect(kAstronautFaceX0, kAstronautFaceY0,
                    kAstronautFaceX1 - kAstronautFaceX0,
                    kAstronautFaceY1 - kAstronautFaceY0);
  }
  static Bytes Encode(const cv::Mat& image, const std::string& ext) {
    Bytes bytes;
    EXPECT_TRUE(cv::imencode(ext, image, bytes));
    return bytes;
  }

  // Pixels with alpha 0 whose colour is the input's (and not black).
  static int HiddenColourLeft(const cv::Mat& in_bgra, const cv::Mat& out) {
    int left = 0;
    for (int y = 0; y < in_bgra.rows; ++y) {
      for (int x = 0; x < in_bgra.cols; ++x) {
        const cv::Vec4b a = in_bgra.at<cv::Vec4b>(y, x);
        const cv::Vec4b b = out.at<cv::Vec4b>(y, x);
        if (a[3] != 0 || b[3] != 0) continue;
        if (a[0] + a[1] + a[2] > 0 && a[0] == b[0] && a[1] == b[1] &&
            a[2] == b[2]) {
          ++left;
        }
      }
    }
    return left;
  }

  static Pipeline* pipeline_;
};
Pipeline* TransparencyTest::pipeline_ = nullptr;

TEST_F(TransparencyTest, DecodeKeepsAlphaBesideTheColour) {
  const cv::Mat bgra = ErasedFace();
  auto image = DecodeImage(Encode(bgra, ".png"), {});
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->pixels.type(), CV_8UC3);
  ASSERT_EQ(image->alpha.type(), CV_8UC1);
  cv::Mat alpha;
  cv::extractChannel(bgra, alpha, 3);
  EXPECT_EQ(cv::norm(image->alpha, alpha, cv::NORM_INF), 0);
  // An opaque PNG has no alpha to carry.
  const cv::Mat bgr = cv::imread(TestData("astronaut.png"), cv::IMREAD_COLOR);
  auto opaque = DecodeImage(Encode(bgr, ".png"), {});
  ASSERT_TRUE(opaque.ok());
  EXPECT_TRUE(opaque->alpha.empty());
}

TEST_F(TransparencyTest, PngKeepsAlphaAndNoErasedColourComesBack) {
  const cv::Mat bgra = ErasedFace();
  for (bool selection : {false, true}) {
    SCOPED_TRACE(selection ? "AnonymizeSelection" : "Anonymize");
    Result<AnonymizedImage> out =
        selection
            ? pipeline_->AnonymizeSelection(Encode(bgra, ".png"), {},
                                            pipeline_->options().anonymize)
            : pipeline_->Anonymize(Encode(bgra, ".png"));
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_EQ(out->output_format, ImageFormat::kPng);
    const cv::Mat decoded = cv::imdecode(out->bytes, cv::IMREAD_UNCHANGED);
    ASSERT_EQ(decoded.type(), CV_8UC4);
    cv::Mat in_alpha, out_alpha;
    cv::extractChannel(bgra, in_alpha, 3);
    cv::extractChannel(decoded, out_alpha, 3);
    if (!selection) {
      // Pixels far from any face keep their alpha exactly.
      EXPECT_EQ(cv::norm(in_alpha.rowRange(bgra.rows - 40, bgra.rows - 20),
                         out_alpha.rowRange(bgra.rows - 40, bgra.rows - 20),
                         cv::NORM_INF),
                0);
    } else {
      EXPECT_EQ(cv::norm(in_alpha, out_alpha, cv::NORM_INF), 0);
    }
    // The erased face stays erased: no blurred ghost of it appears.
    EXPECT_EQ(cv::countNonZero(out_alpha(FaceRect())), 0);
    EXPECT_EQ(HiddenColourLeft(bgra, decoded), 0);
    // Every fully transparent pixel is black: nothing to recover there.
    cv::Mat colour;
    cv::cvtColor(decoded, colour, cv::COLOR_BGRA2BGR);
    cv::Mat gray;
    cv::cvtColor(colour, gray, cv::COLOR_BGR2GRAY);
    EXPECT_EQ(cv::countNonZero(gray & (out_alpha == 0)), 0);
    EXPECT_TRUE(out->notes.empty());
  }
}

TEST_F(TransparencyTest, WebpKeepsAlphaAndNoErasedColourComesBack) {
  const cv::Mat bgra = ErasedFace();
  auto out = pipeline_->Anonymize(Encode(bgra, ".webp"));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const cv::Mat decoded = cv::imdecode(out->bytes, cv::IMREAD_UNCHANGED);
  ASSERT_EQ(decoded.type(), CV_8UC4);
  cv::Mat out_alpha;
  cv::extractChannel(decoded, out_alpha, 3);
  EXPECT_EQ(out_alpha(FaceRect()).at<uint8_t>(10, 10), 0);
  // Lossy WebP predicts the colour of transparent pixels from visible
  // neighbours, so a stray pixel at the edge may match by chance; what
  // matters is that no picture is left under the erased face: away from
  // its edge the colour is one flat value.
  const cv::Rect inner(FaceRect().x + 16, FaceRect().y + 16,
                       FaceRect().width - 32, FaceRect().height - 32);
  cv::Mat colour;
  cv::cvtColor(decoded(inner), colour, cv::COLOR_BGRA2BGR);
  cv::Scalar mean, stddev;
  cv::meanStdDev(colour, mean, stddev);
  for (int c = 0; c < 3; ++c) EXPECT_LT(stddev[c], 1.0) << c;
  EXPECT_LT(HiddenColourLeft(bgra, decoded), 50);  // of 32,000 erased
}

TEST_F(TransparencyTest, JpegOutputIsFlattenedOntoWhiteAndSaysSo) {
  const cv::Mat bgra = ErasedFace();
  auto out = pipeline_->Anonymize(Encode(bgra, ".png"), ImageFormat::kJpeg);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const cv::Mat decoded = cv::imdecode(out->bytes, cv::IMREAD_COLOR);
  ASSERT_FALSE(decoded.empty());
  // The erased face is white paper, within JPEG's error.
  cv::Scalar mean = cv::mean(decoded(FaceRect()));
  for (int c = 0; c < 3; ++c) EXPECT_GT(mean[c], 245) << c;
  ASSERT_EQ(out->notes.size(), 1u);
  EXPECT_NE(out->notes[0].find("transparency"), std::string::npos);
}

TEST_F(TransparencyTest, SolidFillIsOpaque) {
  // A face drawn with half transparency: the fill hides it, and is opaque.
  cv::Mat bgra = ErasedFace();
  bgra.forEach<cv::Vec4b>([](cv::Vec4b& p, const int*) { p[3] = 128; });
  Selection selection;
  selection.regions = {{40, 40, 60, 60}};
  AnonymizeOptions solid;
  solid.style = AnonymizeStyle::kSolid;
  auto out =
      pipeline_->AnonymizeSelection(Encode(bgra, ".png"), selection, solid);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const cv::Mat decoded = cv::imdecode(out->bytes, cv::IMREAD_UNCHANGED);
  ASSERT_EQ(decoded.type(), CV_8UC4);
  EXPECT_EQ(decoded.at<cv::Vec4b>(70, 70), cv::Vec4b(0, 0, 0, 255));
  EXPECT_EQ(decoded.at<cv::Vec4b>(300, 20)[3], 128);
}

TEST_F(TransparencyTest, SixteenBitInputIsNamedInTheNotes) {
  const cv::Mat bgr = cv::imread(TestData("astronaut.png"), cv::IMREAD_COLOR);
  cv::Mat deep;
  bgr.convertTo(deep, CV_16UC3, 257);
  for (const char* ext : {".png", ".tif"}) {
    SCOPED_TRACE(ext);
    auto image = DecodeImage(Encode(deep, ext), {});
    ASSERT_TRUE(image.ok()) << image.status().ToString();
    EXPECT_EQ(image->source_bits, 16);
    EXPECT_EQ(image->pixels.type(), CV_8UC3);
    EXPECT_LE(cv::norm(image->pixels, bgr, cv::NORM_INF), 1);
    auto out = pipeline_->Anonymize(Encode(deep, ext));
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_EQ(out->notes.size(), 1u);
    EXPECT_NE(out->notes[0].find("16-bit"), std::string::npos) << out->notes[0];
  }
  auto eight = pipeline_->Anonymize(Encode(bgr, ".png"));
  ASSERT_TRUE(eight.ok());
  EXPECT_TRUE(eight->notes.empty());
}

TEST_F(TransparencyTest, DroppedTiffPagesAreNamedInTheNotes) {
  const cv::Mat bgr = cv::imread(TestData("astronaut.png"), cv::IMREAD_COLOR);
  std::vector<cv::Mat> pages = {bgr, bgr(cv::Rect(0, 0, 64, 64)).clone(),
                                bgr(cv::Rect(0, 0, 32, 32)).clone()};
  // imencode writes one page; imwritemulti (to a file) writes all.
  const std::string path = ::testing::TempDir() + "/faceveil_pages.tif";
  ASSERT_TRUE(cv::imwritemulti(path, pages));
  const Bytes tiff = testing::ReadBytes(path);
  std::remove(path.c_str());
  auto image = DecodeImage(tiff, {});
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->pages, 3);
  auto out = pipeline_->Anonymize(tiff);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->notes.size(), 1u);
  EXPECT_NE(out->notes[0].find("2 more pages were dropped"), std::string::npos)
      << out->notes[0];
}

TEST_F(TransparencyTest, TiffKeepsAlphaAndNoErasedColourComesBack) {
  // OpenCV hands a TIFF's colour under alpha 0 through unchanged.
  const cv::Mat bgra = ErasedFace();
  auto image = DecodeImage(Encode(bgra, ".tif"), {});
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  ASSERT_FALSE(image->alpha.empty());
  EXPECT_EQ(cv::norm(image->alpha(FaceRect()), cv::NORM_INF), 0);
  for (const char* in : {".tif", ".png"}) {
    SCOPED_TRACE(in);
    auto out = pipeline_->Anonymize(Encode(bgra, in), ImageFormat::kTiff);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    const cv::Mat decoded = cv::imdecode(out->bytes, cv::IMREAD_UNCHANGED);
    ASSERT_EQ(decoded.channels(), 4);
    EXPECT_EQ(HiddenColourLeft(bgra, decoded), 0);
    EXPECT_EQ(decoded.at<cv::Vec4b>(bgra.rows - 30, 5)[3], 128);
  }
  // 16-bit with alpha: OpenCV reads that alpha only unoriented, so such a
  // file is refused rather than shown without its transparency.
  cv::Mat deep;
  bgra.convertTo(deep, CV_16UC4, 257);
  auto refused = DecodeImage(Encode(deep, ".tif"), {});
  EXPECT_EQ(refused.status().code(), Status::Code::kUnsupported);
}

}  // namespace
}  // namespace faceveil
