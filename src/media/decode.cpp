// DecodeImage(): sniff → check dimensions against the limit → decode →
// orientation. The one dispatch on format is DecodePixels().
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "faceveil/file_io.h"
#include "faceveil/image.h"
#include "media/decode_exif.h"
#include "media/decode_header.h"
#include "media/heif.h"

namespace faceveil {
namespace {

// A JPEG whose data stops before its end-of-image marker was cut short;
// libjpeg would "decode" it, filling the missing rows with grey. Entropy-
// coded data never contains FF D9 (FF bytes are stuffed), so the first
// FF D9 after the first SOS is the EOI, whatever trails it.
bool JpegHasEndMarker(std::span<const uint8_t> b) {
  size_t sos = 0;
  const uint8_t* base = b.data();
  ForEachJpegSegment(b, [&](uint8_t marker, std::span<const uint8_t> p) {
    if (marker == 0xDA) sos = static_cast<size_t>(p.data() - base);
    return marker != 0xDA;
  });
  if (sos == 0) return false;
  for (size_t i = sos; i + 1 < b.size(); ++i) {
    if (b[i] == 0xFF && b[i + 1] == 0xD9) return true;
  }
  return false;
}

// Decodes with OpenCV's codecs, as stored (no orientation: we apply it
// ourselves so that every format behaves the same way). PNG and WebP are
// read with their alpha channel and full depth, 8-bit TIFF with its alpha
// channel (SplitChannels() makes them 8-bit BGR); JPEG, BMP and deeper TIFF
// as 8-bit BGR.
Result<cv::Mat> DecodeWithOpenCv(std::span<const uint8_t> bytes,
                                 ImageFormat format) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return Status::TooLarge("image file over 2 GiB");
  }
  if (format == ImageFormat::kJpeg && !JpegHasEndMarker(bytes)) {
    return Status::Corrupt("truncated JPEG (no end-of-image marker)");
  }
  int flags = cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION;
  if (format == ImageFormat::kPng || format == ImageFormat::kWebp) {
    // IMREAD_UNCHANGED (-1) never orients: OpenCV 4.6 applies EXIF
    // orientation only for other flags.
    flags = cv::IMREAD_UNCHANGED;
  } else if (format == ImageFormat::kTiff) {
    // OpenCV reads 8-bit TIFF through libtiff's RGBA reader, which orients
    // it (see DecodeImage), with every flag; deeper TIFF only when asked
    // for 8 bits, so those are read again below.
    flags = cv::IMREAD_UNCHANGED;
  }
  const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U,
                       const_cast<uint8_t*>(bytes.data()));
  cv::Mat pixels;
  try {
    pixels = cv::imdecode(buffer, flags);
    if (format == ImageFormat::kTiff && !pixels.empty() &&
        pixels.depth() != CV_8U) {
      if (pixels.channels() == 2 || pixels.channels() == 4) {
        // Its alpha could only be read unoriented, and dropping it would
        // show what lies under the transparent pixels.
        return Status::Unsupported(
            "TIFF with more than 8 bits per sample and transparency; save "
            "it as 8-bit TIFF or as PNG first");
      }
      pixels = cv::imdecode(buffer,
                            cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
    }
  } catch (const cv::Exception& e) {
    return Status::Corrupt(std::string("cannot decode ") +
                           ImageFormatName(format) + ": " + e.what());
  }
  if (pixels.empty()) {
    return Status::Corrupt(std::string("cannot decode ") +
                           ImageFormatName(format) +
                           " data (truncated or corrupt)");
  }
  return pixels;
}

// Splits what a decoder returned (8 or 16 bits, 1 to 4 channels) into 8-bit
// BGR and, when any pixel is not fully opaque, an 8-bit alpha channel.
Status SplitChannels(const cv::Mat& decoded, DecodedImage* image) {
  cv::Mat eight = decoded;
  if (decoded.depth() == CV_16U) {
    image->source_bits = 16;
    decoded.convertTo(eight, CV_8U, 1.0 / 257);  // 65535 → 255, rounded
  } else if (decoded.depth() != CV_8U) {
    return Status::Unsupported("image samples that are not 8 or 16 bits");
  }
  cv::Mat alpha;
  switch (eight.channels()) {
    case 1:
      cv::cvtColor(eight, image->pixels, cv::COLOR_GRAY2BGR);
      break;
    case 2: {
      cv::Mat planes[2];
      cv::split(eight, planes);
      cv::cvtColor(planes[0], image->pixels, cv::COLOR_GRAY2BGR);
      alpha = planes[1];
      break;
    }
    case 3:
      image->pixels = eight;
      break;
    case 4:
      cv::cvtColor(eight, image->pixels, cv::COLOR_BGRA2BGR);
      cv::extractChannel(eight, alpha, 3);
      break;
    default:
      return Status::Unsupported("image with more than 4 channels");
  }
  double lowest = 255;
  if (!alpha.empty()) cv::minMaxLoc(alpha, &lowest);
  if (lowest < 255) image->alpha = alpha;
  return Status::Ok();
}

Result<cv::Mat> DecodePixels(std::span<const uint8_t> bytes, ImageFormat format,
                             int64_t max_pixels, int* heif_bits) {
  switch (format) {
    case ImageFormat::kJpeg:
    case ImageFormat::kPng:
    case ImageFormat::kWebp:
    case ImageFormat::kBmp:
    case ImageFormat::kTiff:
      return DecodeWithOpenCv(bytes, format);
    case ImageFormat::kHeif:
      // libheif checks the size against max_pixels before decoding.
      return media::DecodeHeif(bytes, max_pixels, heif_bits);
    case ImageFormat::kUnknown:
      break;
  }
  return Status::Unsupported(
      "not a recognised image format (JPEG, PNG, WebP, BMP, TIFF, HEIF)");
}

cv::Mat Oriented(const cv::Mat& stored, int orientation) {
  return stored.empty() ? stored : ApplyExifOrientation(stored, orientation);
}

}  // namespace

Result<DecodedImage> DecodeImage(std::span<const uint8_t> bytes,
                                 const DecodeOptions& options) {
  if (bytes.empty()) return Status::Corrupt("empty file, not an image");
  DecodedImage image;
  image.format = SniffImageFormat(bytes);
  if (image.format == ImageFormat::kUnknown) {
    return Status::Unsupported(
        "not a recognised image format (JPEG, PNG, WebP, BMP, TIFF, HEIF)");
  }
  if (image.format != ImageFormat::kHeif) {
    Result<ImageDimensions> dims = ReadImageDimensions(bytes, image.format);
    if (!dims.ok()) return dims.status();
    if (dims->width <= 0 || dims->height <= 0) {
      return Status::Corrupt("image header gives a size of zero");
    }
    // Each factor may be up to 2^32 - 1 (PNG, TIFF), so their product can
    // overflow int64_t: compare by division instead (for positive integers,
    // w * h > m exactly when w > m / h).
    if (dims->width > options.max_pixels / dims->height) {
      return Status::TooLarge(std::to_string(dims->width) + "x" +
                              std::to_string(dims->height) +
                              " image exceeds the limit of " +
                              std::to_string(options.max_pixels) + " pixels");
    }
  }
  image.exif_orientation = FindExifOrientation(bytes, image.format);

  int heif_bits = 8;
  Result<cv::Mat> pixels =
      DecodePixels(bytes, image.format, options.max_pixels, &heif_bits);
  if (!pixels.ok()) return pixels.status();
  // The decoder read the same header; this guards against one that did not.
  if (static_cast<int64_t>(pixels->total()) > options.max_pixels) {
    return Status::TooLarge("decoded image exceeds the pixel limit");
  }
  try {
    FACEVEIL_RETURN_IF_ERROR(SplitChannels(*pixels, &image));
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("colour conversion failed: ") +
                            e.what());
  }
  if (image.format == ImageFormat::kHeif) {
    image.source_bits = std::max(heif_bits, 8);
    return image;
  }
  if (image.format == ImageFormat::kTiff) {
    const TiffLayout layout = ReadTiffLayout(bytes);
    image.source_bits = std::max(layout.bits_per_sample, 8);
    image.pages = std::max(layout.pages, 1);
  }
  // OpenCV 4.6 orients JPEG and PNG only when asked (we ask it not to),
  // never WebP, but its TIFF decoder (libtiff's RGBA reader) always
  // returns TIFF pixels upright, whatever the flags.
  // HEIF carries its rotation and mirroring as container transforms, which
  // libheif applies; an EXIF orientation inside a HEIF is informative only
  // (HEIF spec), so it is never applied on top.
  const bool decoder_oriented = image.format == ImageFormat::kTiff;
  int turn = 1;  // the orientation still to apply
  if (options.apply_exif_orientation && !decoder_oriented) {
    turn = image.exif_orientation;
  } else if (!options.apply_exif_orientation && decoder_oriented) {
    turn = InverseExifOrientation(image.exif_orientation);
  }
  image.pixels = Oriented(image.pixels, turn);
  image.alpha = Oriented(image.alpha, turn);
  return image;
}

Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path,
                                           int64_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      return Status::NotFound("no such file");
    }
    return Status::IoError(std::strerror(err));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};

  struct stat st {};
  if (::fstat(fd, &st) != 0) return Status::IoError(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return Status::InvalidArgument("is a directory");
  if (S_ISREG(st.st_mode) && st.st_size > max_bytes) {
    return Status::TooLarge("file of " + std::to_string(st.st_size) +
                            " bytes exceeds the limit of " +
                            std::to_string(max_bytes));
  }
  std::vector<uint8_t> bytes;
  if (S_ISREG(st.st_mode)) bytes.reserve(static_cast<size_t>(st.st_size));
  uint8_t chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::strerror(errno));
    }
    if (n == 0) break;
    if (static_cast<int64_t>(bytes.size()) + n > max_bytes) {
      return Status::TooLarge("file exceeds the limit of " +
                              std::to_string(max_bytes) + " bytes");
    }
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  return bytes;
}

int64_t MaxImageFileBytes(const DecodeOptions& options) {
  // Uncompressed 16-bit RGBA takes 8 bytes a pixel; no real file of an
  // admissible image is larger than that plus room for metadata.
  return std::max<int64_t>(options.max_pixels, 0) * 8 + (int64_t{64} << 20);
}

Result<DecodedImage> ReadImage(const std::string& path,
                               const DecodeOptions& options) {
  Result<std::vector<uint8_t>> bytes =
      ReadFileBytes(path, MaxImageFileBytes(options));
  if (!bytes.ok()) return bytes.status().WithContext(PrintableName(path));
  Result<DecodedImage> image = DecodeImage(*bytes, options);
  if (!image.ok()) return image.status().WithContext(PrintableName(path));
  return image;
}

}  // namespace faceveil
