#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <random>

#include "decode_test_util.h"
#include "faceveil/image.h"

namespace faceveil {
namespace {

using testing::Encode;
using testing::PngChunk;
using testing::PutU32;

// Four flat quadrants of distinct colours, 40x30.
cv::Mat Quadrants() {
  cv::Mat m(30, 40, CV_8UC3);
  m(cv::Rect(0, 0, 20, 15)).setTo(cv::Scalar(0, 0, 255));
  m(cv::Rect(20, 0, 20, 15)).setTo(cv::Scalar(0, 255, 0));
  m(cv::Rect(0, 15, 20, 15)).setTo(cv::Scalar(255, 0, 0));
  m(cv::Rect(20, 15, 20, 15)).setTo(cv::Scalar(255, 255, 255));
  return m;
}

double MaxDiff(const cv::Mat& a, const cv::Mat& b) {
  return cv::norm(a, b, cv::NORM_INF);
}

struct FormatCase {
  const char* ext;
  ImageFormat format;
  double min_psnr;  // 0: lossless, must match exactly
};

class DecodeRoundTripTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(DecodeRoundTripTest, DecodesWhatOpenCvEncoded) {
  const cv::Mat original = Quadrants();
  const std::vector<uint8_t> bytes = Encode(original, GetParam().ext);
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(SniffImageFormat(bytes), GetParam().format);
  Result<DecodedImage> image = DecodeImage(bytes, {});
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->format, GetParam().format);
  EXPECT_EQ(image->exif_orientation, 1);
  ASSERT_EQ(image->pixels.type(), CV_8UC3);
  ASSERT_EQ(image->pixels.size(), original.size());
  if (GetParam().min_psnr == 0) {
    EXPECT_EQ(MaxDiff(image->pixels, original), 0);
  } else {
    // Chroma subsampling smears the colour edges; the PSNR bounds that.
    EXPECT_GE(cv::PSNR(image->pixels, original), GetParam().min_psnr);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Formats, DecodeRoundTripTest,
    ::testing::Values(FormatCase{".jpg", ImageFormat::kJpeg, 20},
                      FormatCase{".png", ImageFormat::kPng, 0},
                      FormatCase{".webp", ImageFormat::kWebp, 20},
                      FormatCase{".bmp", ImageFormat::kBmp, 0},
                      FormatCase{".tiff", ImageFormat::kTiff, 0}),
    [](const auto& info) { return std::string(info.param.ext + 1); });

TEST(DecodeTest, LosslessWebp) {
  const cv::Mat original = Quadrants();
  const std::vector<uint8_t> bytes =
      Encode(original, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101});
  Result<DecodedImage> image = DecodeImage(bytes, {});
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(MaxDiff(image->pixels, original), 0);
}

TEST(DecodeTest, GrayDeepAndAlphaBecome8BitBgr) {
  cv::Mat gray(10, 12, CV_8UC1, cv::Scalar(77));
  cv::Mat deep(10, 12, CV_16UC3, cv::Scalar(0, 32768, 65535));
  cv::Mat alpha(10, 12, CV_8UC4, cv::Scalar(10, 20, 30, 0));
  for (const cv::Mat& m : {gray, deep, alpha}) {
    Result<DecodedImage> image = DecodeImage(Encode(m, ".png"), {});
    ASSERT_TRUE(image.ok()) << image.status().ToString();
    EXPECT_EQ(image->pixels.type(), CV_8UC3);
    EXPECT_EQ(image->pixels.size(), m.size());
  }
  EXPECT_EQ(DecodeImage(Encode(gray, ".png"), {})->pixels.at<cv::Vec3b>(0, 0),
            cv::Vec3b(77, 77, 77));
  EXPECT_EQ(DecodeImage(Encode(deep, ".png"), {})->pixels.at<cv::Vec3b>(0, 0),
            cv::Vec3b(0, 128, 255));
}

TEST(DecodeTest, SniffsMagicBytes) {
  auto sniff = [](std::string s) {
    return SniffImageFormat(std::span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  };
  EXPECT_EQ(sniff("\xFF\xD8\xFF\xE0"), ImageFormat::kJpeg);
  EXPECT_EQ(sniff("\x89PNG\r\n\x1A\n"), ImageFormat::kPng);
  EXPECT_EQ(sniff(std::string("RIFF\0\0\0\0WEBP", 12)), ImageFormat::kWebp);
  EXPECT_EQ(sniff(std::string("RIFF\0\0\0\0WAVE", 12)), ImageFormat::kUnknown);
  EXPECT_EQ(sniff("BM"), ImageFormat::kBmp);
  EXPECT_EQ(sniff(std::string("II*\0", 4)), ImageFormat::kTiff);
  EXPECT_EQ(sniff(std::string("MM\0*", 4)), ImageFormat::kTiff);
  EXPECT_EQ(sniff(std::string("\0\0\0\x18"
                              "ftypheic",
                              12)),
            ImageFormat::kHeif);
  EXPECT_EQ(sniff(std::string("\0\0\0\x18"
                              "ftypisom",
                              12)),
            ImageFormat::kUnknown);                     // an MP4 video
  EXPECT_EQ(sniff("\xFF\xD8"), ImageFormat::kUnknown);  // too short
  EXPECT_EQ(sniff(""), ImageFormat::kUnknown);
}

TEST(DecodeTest, EmptyTextAndBrokenHeifAreClearErrors) {
  EXPECT_EQ(DecodeImage({}, {}).status().code(), Status::Code::kCorrupt);
  const std::string text = "hello, this is not an image\n";
  const Result<DecodedImage> r = DecodeImage(
      {reinterpret_cast<const uint8_t*>(text.data()), text.size()}, {});
  EXPECT_EQ(r.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(r.status().message().find("not a recognised image format"),
            std::string::npos);
  const std::string heif(
      "\0\0\0\x18"
      "ftypheic\0\0\0\0mif1heic",
      24);
  // A HEIF brand with no image in it: libheif refuses it.
  const Result<DecodedImage> h = DecodeImage(
      {reinterpret_cast<const uint8_t*>(heif.data()), heif.size()}, {});
  EXPECT_EQ(h.status().code(), Status::Code::kCorrupt) << h.status().ToString();
}

TEST(DecodeTest, EveryTruncationIsAnErrorNotACrash) {
  for (const char* ext : {".jpg", ".png", ".webp", ".bmp", ".tiff"}) {
    const std::vector<uint8_t> full = Encode(Quadrants(), ext);
    for (size_t n = 0; n < full.size(); ++n) {
      const std::vector<uint8_t> cut(full.begin(), full.begin() + n);
      const Result<DecodedImage> r = DecodeImage(cut, {});
      // PNG and TIFF may lose only trailing bytes no decoder needs; every
      // cut into the pixel data must fail.
      if (n < full.size() / 2) {
        EXPECT_FALSE(r.ok()) << ext << " cut at " << n;
      }
    }
  }
}

TEST(DecodeTest, TruncatedJpegIsRefusedEvenThoughLibjpegWouldPadIt) {
  const std::vector<uint8_t> full = Encode(Quadrants(), ".jpg");
  const std::vector<uint8_t> cut(full.begin(), full.end() - 2);  // no EOI
  const Result<DecodedImage> r = DecodeImage(cut, {});
  EXPECT_EQ(r.status().code(), Status::Code::kCorrupt);
  // Bytes after EOI (e.g. appended data) are fine.
  std::vector<uint8_t> trailing = full;
  trailing.insert(trailing.end(), 100, 0x55);
  EXPECT_TRUE(DecodeImage(trailing, {}).ok());
}

TEST(DecodeTest, CorruptBytesNeverCrash) {
  std::mt19937 rng(1234);  // fixed seed: the same corruptions every run
  for (const char* ext : {".jpg", ".png", ".webp", ".bmp", ".tiff"}) {
    const std::vector<uint8_t> full = Encode(Quadrants(), ext);
    for (int trial = 0; trial < 200; ++trial) {
      std::vector<uint8_t> bytes = full;
      for (int k = 0; k < 8; ++k) {
        bytes[rng() % bytes.size()] = static_cast<uint8_t>(rng());
      }
      const Result<DecodedImage> r = DecodeImage(bytes, {});
      if (r.ok()) {
        EXPECT_EQ(r->pixels.type(), CV_8UC3);
        EXPECT_LE(r->pixels.total(), 100'000'000u);
      }
    }
  }
}

TEST(DecodeTest, HugeDimensionsAreRefusedBeforeDecoding) {
  // A PNG whose IHDR claims 100000 x 100000 (10^10 pixels) followed by
  // nothing: the header alone must be enough to refuse it.
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<uint8_t> ihdr;
  PutU32(&ihdr, 100000, true);
  PutU32(&ihdr, 100000, true);
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});  // 8-bit RGB
  const std::vector<uint8_t> chunk = PngChunk("IHDR", ihdr);
  png.insert(png.end(), chunk.begin(), chunk.end());
  const Result<DecodedImage> r = DecodeImage(png, {});
  EXPECT_EQ(r.status().code(), Status::Code::kTooLarge);
  EXPECT_NE(r.status().message().find("100000x100000"), std::string::npos);

  // A real JPEG whose SOF is patched to 65535 x 65535.
  std::vector<uint8_t> jpeg = Encode(Quadrants(), ".jpg");
  for (size_t i = 2; i + 9 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {
      jpeg[i + 5] = jpeg[i + 6] = jpeg[i + 7] = jpeg[i + 8] = 0xFF;
      break;
    }
  }
  EXPECT_EQ(DecodeImage(jpeg, {}).status().code(), Status::Code::kTooLarge);
}

TEST(DecodeTest, PixelLimitIsPerCall) {
  const std::vector<uint8_t> bytes = Encode(Quadrants(), ".png");  // 1200 px
  DecodeOptions small;
  small.max_pixels = 1199;
  EXPECT_EQ(DecodeImage(bytes, small).status().code(), Status::Code::kTooLarge);
  small.max_pixels = 1200;
  EXPECT_TRUE(DecodeImage(bytes, small).ok());
}

TEST(ReadFileTest, ErrorsNameTheCause) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "faceveil_read_test";
  std::filesystem::create_directories(dir);
  const std::string png = (dir / "q.png").string();
  ASSERT_TRUE(cv::imwrite(png, Quadrants()));

  Result<DecodedImage> ok = ReadImage(png, {});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->pixels.size(), cv::Size(40, 30));

  const Result<DecodedImage> missing =
      ReadImage((dir / "nope.jpg").string(), {});
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.jpg"), std::string::npos);
  EXPECT_EQ(ReadImage(dir.string(), {}).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(ReadFileBytes(png, 10).status().code(), Status::Code::kTooLarge);
  const Result<std::vector<uint8_t>> bytes = ReadFileBytes(png, 1 << 20);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->size(), std::filesystem::file_size(png));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace faceveil
