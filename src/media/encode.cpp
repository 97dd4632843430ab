#include "faceveil/encode.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace faceveil {

namespace {

// JPEG and WebP store sizes in 16 (WebP: 14) bits.
constexpr int kMaxJpegSide = 65535;
constexpr int kMaxWebpSide = 16383;

std::string LowerCased(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

Status CheckEncodeOptions(const EncodeOptions& o) {
  if (o.jpeg_quality < 1 || o.jpeg_quality > 100) {
    return Status::InvalidArgument("jpeg_quality must be in 1..100");
  }
  if (o.png_compression < 0 || o.png_compression > 9) {
    return Status::InvalidArgument("png_compression must be in 0..9");
  }
  if (o.webp_quality < 1 || o.webp_quality > 101) {
    return Status::InvalidArgument("webp_quality must be in 1..101");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<uint8_t>> EncodeImage(const cv::Mat& image,
                                         ImageFormat format,
                                         const EncodeOptions& options) {
  FACEVEIL_RETURN_IF_ERROR(CheckEncodeOptions(options));
  if (image.empty()) return Status::InvalidArgument("empty image");
  const int channels = image.channels();
  if (image.depth() != CV_8U ||
      (channels != 1 && channels != 3 && channels != 4)) {
    return Status::InvalidArgument(
        "encoding needs an 8-bit grayscale, BGR or BGRA image");
  }
  std::string ext;
  std::vector<int> params;
  const cv::Mat* pixels = &image;
  cv::Mat converted;
  const int side = std::max(image.cols, image.rows);
  switch (format) {
    case ImageFormat::kJpeg:
      if (side > kMaxJpegSide) {
        return Status::TooLarge("image too large for JPEG (65535 px max)");
      }
      ext = ".jpg";
      params = {cv::IMWRITE_JPEG_QUALITY, options.jpeg_quality,
                cv::IMWRITE_JPEG_OPTIMIZE, options.jpeg_optimize ? 1 : 0};
      break;
    case ImageFormat::kPng:
      ext = ".png";
      params = {cv::IMWRITE_PNG_COMPRESSION, options.png_compression};
      break;
    case ImageFormat::kWebp:
      if (side > kMaxWebpSide) {
        return Status::TooLarge("image too large for WebP (16383 px max)");
      }
      ext = ".webp";
      params = {cv::IMWRITE_WEBP_QUALITY, options.webp_quality};
      break;
    case ImageFormat::kBmp:
      ext = ".bmp";
      break;
    case ImageFormat::kTiff:
      ext = ".tiff";
      break;
    case ImageFormat::kHeif:
      return Status::Unsupported(
          "writing HEIF is not supported; write JPEG (OutputFormatFor)");
    case ImageFormat::kUnknown:
      return Status::InvalidArgument("no output format given");
  }
  if (channels == 4 && format == ImageFormat::kJpeg) {
    cv::cvtColor(image, converted, cv::COLOR_BGRA2BGR);
    pixels = &converted;
  }
  std::vector<uint8_t> bytes;
  try {
    if (!cv::imencode(ext, *pixels, bytes, params) || bytes.empty()) {
      return Status::Internal(std::string("the ") + ImageFormatName(format) +
                              " encoder failed");
    }
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("the ") + ImageFormatName(format) +
                            " encoder failed: " + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("encoding failed: ") + e.what());
  }
  return bytes;
}

ImageFormat OutputFormatFor(ImageFormat input) {
  switch (input) {
    case ImageFormat::kJpeg:
    case ImageFormat::kPng:
    case ImageFormat::kWebp:
    case ImageFormat::kBmp:
    case ImageFormat::kTiff:
      return input;
    case ImageFormat::kHeif:
    case ImageFormat::kUnknown:
      break;
  }
  return ImageFormat::kJpeg;
}

Result<ImageFormat> ParseImageFormat(const std::string& name) {
  std::string n = LowerCased(name);
  if (!n.empty() && n[0] == '.') n.erase(0, 1);
  if (n == "jpg" || n == "jpeg") return ImageFormat::kJpeg;
  if (n == "png") return ImageFormat::kPng;
  if (n == "webp") return ImageFormat::kWebp;
  if (n == "bmp") return ImageFormat::kBmp;
  if (n == "tif" || n == "tiff") return ImageFormat::kTiff;
  return Status::InvalidArgument("unknown output format '" + name +
                                 "' (expected jpg, png, webp, bmp or tiff)");
}

const char* FileExtensionFor(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return ".jpg";
    case ImageFormat::kPng:
      return ".png";
    case ImageFormat::kWebp:
      return ".webp";
    case ImageFormat::kBmp:
      return ".bmp";
    case ImageFormat::kTiff:
      return ".tif";
    case ImageFormat::kHeif:
      return ".heic";
    case ImageFormat::kUnknown:
      break;
  }
  return "";
}

ImageFormat FormatFromFileName(const std::string& path) {
  const size_t dot = path.find_last_of('.');
  const size_t slash = path.find_last_of('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return ImageFormat::kUnknown;
  const std::string ext = LowerCased(path.substr(dot + 1));
  if (ext == "heic" || ext == "heif") return ImageFormat::kHeif;
  if (ext == "jpe") return ImageFormat::kJpeg;
  Result<ImageFormat> format = ParseImageFormat(ext);
  return format.ok() ? *format : ImageFormat::kUnknown;
}

}  // namespace faceveil
