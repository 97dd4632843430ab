// Encoding round trips, format names and the bytes the encoders write.
#include "faceveil/encode.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace faceveil {
namespace {

cv::Mat TestPhoto() {
  cv::Mat image = cv::imread(FACEVEIL_TESTDATA_DIR "/astronaut.png");
  if (image.empty()) {  // still a photo-like mix of edges and gradients
    image = cv::Mat(256, 256, CV_8UC3);
    cv::RNG rng(7);
    rng.fill(image, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(image, image, cv::Size(9, 9), 3);
  }
  return image;
}

TEST(EncodeTest, RoundTripsEveryWritableFormat) {
  const cv::Mat photo = TestPhoto();
  struct Case {
    ImageFormat format;
    double min_psnr;  // 0: must be lossless
  };
  for (const Case& c :
       {Case{ImageFormat::kJpeg, 35}, Case{ImageFormat::kPng, 0},
        Case{ImageFormat::kWebp, 32}, Case{ImageFormat::kBmp, 0},
        Case{ImageFormat::kTiff, 0}}) {
    auto bytes = EncodeImage(photo, c.format, EncodeOptions{});
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    EXPECT_EQ(SniffImageFormat(*bytes), c.format) << ImageFormatName(c.format);
    const cv::Mat decoded = cv::imdecode(*bytes, cv::IMREAD_COLOR);
    ASSERT_EQ(decoded.size(), photo.size());
    if (c.min_psnr == 0) {
      EXPECT_EQ(cv::norm(decoded, photo, cv::NORM_INF), 0)
          << ImageFormatName(c.format);
    } else {
      EXPECT_GT(cv::PSNR(decoded, photo), c.min_psnr)
          << ImageFormatName(c.format);
    }
  }
}

TEST(EncodeTest, DefaultJpegKeepsLumaIntact) {
  const cv::Mat photo = TestPhoto();
  auto bytes = EncodeImage(photo, ImageFormat::kJpeg, EncodeOptions{});
  ASSERT_TRUE(bytes.ok());
  cv::Mat y_in, y_out;
  cv::cvtColor(photo, y_in, cv::COLOR_BGR2GRAY);
  cv::cvtColor(cv::imdecode(*bytes, cv::IMREAD_COLOR), y_out,
               cv::COLOR_BGR2GRAY);
  EXPECT_GT(cv::PSNR(y_in, y_out), 40);
}

TEST(EncodeTest, QualityChangesJpegSize) {
  const cv::Mat photo = TestPhoto();
  EncodeOptions low, high;
  low.jpeg_quality = 50;
  high.jpeg_quality = 98;
  auto small = EncodeImage(photo, ImageFormat::kJpeg, low);
  auto large = EncodeImage(photo, ImageFormat::kJpeg, high);
  ASSERT_TRUE(small.ok() && large.ok());
  EXPECT_LT(small->size(), large->size());
}

TEST(EncodeTest, AcceptsGrayAndBgra) {
  const cv::Mat photo = TestPhoto();
  cv::Mat gray, bgra;
  cv::cvtColor(photo, gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(photo, bgra, cv::COLOR_BGR2BGRA);
  for (ImageFormat f : {ImageFormat::kJpeg, ImageFormat::kPng}) {
    EXPECT_TRUE(EncodeImage(gray, f, {}).ok());
    EXPECT_TRUE(EncodeImage(bgra, f, {}).ok());
  }
}

TEST(EncodeTest, RejectsWhatItCannotWrite) {
  const cv::Mat photo = TestPhoto();
  EXPECT_EQ(EncodeImage(photo, ImageFormat::kHeif, {}).status().code(),
            Status::Code::kUnsupported);
  EXPECT_EQ(EncodeImage(photo, ImageFormat::kUnknown, {}).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_FALSE(EncodeImage(cv::Mat(), ImageFormat::kPng, {}).ok());
  EXPECT_FALSE(
      EncodeImage(cv::Mat(8, 8, CV_32FC3), ImageFormat::kPng, {}).ok());
  EXPECT_FALSE(EncodeImage(cv::Mat(8, 8, CV_8UC2), ImageFormat::kPng, {}).ok());
  EncodeOptions bad;
  bad.jpeg_quality = 0;
  EXPECT_EQ(EncodeImage(photo, ImageFormat::kJpeg, bad).status().code(),
            Status::Code::kInvalidArgument);
  bad = EncodeOptions{};
  bad.png_compression = 10;
  EXPECT_FALSE(EncodeImage(photo, ImageFormat::kPng, bad).ok());
  bad = EncodeOptions{};
  bad.webp_quality = 102;
  EXPECT_FALSE(EncodeImage(photo, ImageFormat::kWebp, bad).ok());
  EXPECT_EQ(EncodeImage(cv::Mat(10, 70000, CV_8UC1), ImageFormat::kJpeg, {})
                .status()
                .code(),
            Status::Code::kTooLarge);
}

TEST(FormatNamesTest, ParsesExtensions) {
  EXPECT_EQ(*ParseImageFormat("jpg"), ImageFormat::kJpeg);
  EXPECT_EQ(*ParseImageFormat("JPEG"), ImageFormat::kJpeg);
  EXPECT_EQ(*ParseImageFormat(".png"), ImageFormat::kPng);
  EXPECT_EQ(*ParseImageFormat("webp"), ImageFormat::kWebp);
  EXPECT_EQ(*ParseImageFormat("bmp"), ImageFormat::kBmp);
  EXPECT_EQ(*ParseImageFormat("tif"), ImageFormat::kTiff);
  EXPECT_EQ(*ParseImageFormat("tiff"), ImageFormat::kTiff);
  EXPECT_FALSE(ParseImageFormat("heic").ok());
  EXPECT_FALSE(ParseImageFormat("gif").ok());
  EXPECT_FALSE(ParseImageFormat("").ok());
}

TEST(FormatNamesTest, OutputFormatAndExtensions) {
  EXPECT_EQ(OutputFormatFor(ImageFormat::kHeif), ImageFormat::kJpeg);
  EXPECT_EQ(OutputFormatFor(ImageFormat::kUnknown), ImageFormat::kJpeg);
  for (ImageFormat f :
       {ImageFormat::kJpeg, ImageFormat::kPng, ImageFormat::kWebp,
        ImageFormat::kBmp, ImageFormat::kTiff}) {
    EXPECT_EQ(OutputFormatFor(f), f);
    // The extension names the format back.
    EXPECT_EQ(FormatFromFileName(std::string("a") + FileExtensionFor(f)), f);
  }
  EXPECT_EQ(FormatFromFileName("dir.d/IMG_1.HEIC"), ImageFormat::kHeif);
  EXPECT_EQ(FormatFromFileName("dir.jpg/noext"), ImageFormat::kUnknown);
  EXPECT_EQ(FormatFromFileName("photo.gif"), ImageFormat::kUnknown);
  EXPECT_STREQ(FileExtensionFor(ImageFormat::kUnknown), "");
}

}  // namespace
}  // namespace faceveil
