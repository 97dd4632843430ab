// HEIF decoding on files made here with libheif's own encoder (HEVC via
// x265 in Debian's libheif1, AV1 as a fallback), rotation included.
#include "media/heif.h"

#include <gtest/gtest.h>
#include <libheif/heif.h>

#include <cstring>
#include <exiv2/exiv2.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "faceveil/encode.h"
#include "faceveil/image.h"

namespace faceveil::media {
namespace {

using Bytes = std::vector<uint8_t>;

cv::Mat HeifPhoto() {
  cv::Mat image = cv::imread(FACEVEIL_TESTDATA_DIR "/astronaut.png");
  if (image.empty()) {
    image = cv::Mat(128, 192, CV_8UC3, cv::Scalar(30, 90, 200));
    cv::circle(image, {60, 50}, 30, cv::Scalar(250, 250, 250), cv::FILLED);
  }
  // Not square, so a rotation shows in the size; small, because x265 is
  // slow to encode even a single picture.
  cv::Mat cropped = image(cv::Rect(0, 0, image.cols, image.rows * 3 / 4));
  cv::Mat small;
  cv::resize(cropped, small, cv::Size(), 0.375, 0.375, cv::INTER_AREA);
  return small;
}

heif_error WriteToVector(heif_context*, const void* data, size_t size,
                         void* userdata) {
  auto* out = static_cast<Bytes*>(userdata);
  const auto* p = static_cast<const uint8_t*>(data);
  out->insert(out->end(), p, p + size);
  return heif_error{heif_error_Ok, heif_suberror_Unspecified, "ok"};
}

// Encodes `bgr` as HEIF with the given orientation and, when not empty, an
// EXIF block (TIFF bytes); empty when libheif has no encoder at all.
Bytes EncodeHeif(const cv::Mat& bgr, heif_orientation orientation,
                 const Bytes& exif = {}) {
  heif_context* ctx = heif_context_alloc();
  heif_encoder* encoder = nullptr;
  for (heif_compression_format f :
       {heif_compression_HEVC, heif_compression_AV1}) {
    if (heif_context_get_encoder_for_format(ctx, f, &encoder).code ==
        heif_error_Ok) {
      break;
    }
    encoder = nullptr;
  }
  Bytes out;
  if (encoder == nullptr) {
    heif_context_free(ctx);
    return out;
  }
  heif_encoder_set_lossy_quality(encoder, 90);
  heif_image* image = nullptr;
  heif_image_create(bgr.cols, bgr.rows, heif_colorspace_RGB,
                    heif_chroma_interleaved_RGB, &image);
  heif_image_add_plane(image, heif_channel_interleaved, bgr.cols, bgr.rows, 8);
  int stride = 0;
  uint8_t* plane =
      heif_image_get_plane(image, heif_channel_interleaved, &stride);
  cv::Mat rgb(bgr.rows, bgr.cols, CV_8UC3, plane, stride);
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  heif_encoding_options* options = heif_encoding_options_alloc();
  options->image_orientation = orientation;
  heif_image_handle* handle = nullptr;
  heif_error err =
      heif_context_encode_image(ctx, image, encoder, options, &handle);
  if (err.code == heif_error_Ok && !exif.empty()) {
    err = heif_context_add_exif_metadata(ctx, handle, exif.data(),
                                         static_cast<int>(exif.size()));
  }
  if (handle != nullptr) heif_image_handle_release(handle);
  heif_encoding_options_free(options);
  heif_encoder_release(encoder);
  heif_image_release(image);
  if (err.code == heif_error_Ok) {
    heif_writer writer{1, &WriteToVector};
    heif_context_write(ctx, &writer, &out);
  }
  heif_context_free(ctx);
  return out;
}

#define REQUIRE_HEIF(bytes)                                                 \
  if ((bytes).empty())                                                      \
  GTEST_SKIP() << "this libheif has no HEVC or AV1 encoder to make a test " \
                  "file (Debian's libheif1 ships x265 and aom)"

TEST(HeifTest, DecodesThePrimaryImage) {
  const cv::Mat photo = HeifPhoto();
  const Bytes heif = EncodeHeif(photo, heif_orientation_normal);
  REQUIRE_HEIF(heif);
  auto decoded = DecodeHeif(heif, 100'000'000);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->size(), photo.size());
  EXPECT_EQ(decoded->type(), CV_8UC3);
  EXPECT_GT(cv::PSNR(*decoded, photo), 30);  // BGR order, not RGB
  cv::Mat swapped;
  cv::cvtColor(photo, swapped, cv::COLOR_BGR2RGB);
  EXPECT_LT(cv::PSNR(*decoded, swapped), cv::PSNR(*decoded, photo));
}

TEST(HeifTest, AppliesRotationSoTheImageIsUpright) {
  const cv::Mat photo = HeifPhoto();
  // Stored as is, displayed rotated 90 degrees clockwise.
  const Bytes heif = EncodeHeif(photo, heif_orientation_rotate_90_cw);
  REQUIRE_HEIF(heif);
  auto decoded = DecodeHeif(heif, 100'000'000);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  cv::Mat expected;
  cv::rotate(photo, expected, cv::ROTATE_90_CLOCKWISE);
  ASSERT_EQ(decoded->size(), expected.size());
  EXPECT_GT(cv::PSNR(*decoded, expected), 30);
}

TEST(HeifTest, RefusesTooManyPixelsBeforeDecoding) {
  const cv::Mat photo = HeifPhoto();
  const Bytes heif = EncodeHeif(photo, heif_orientation_normal);
  REQUIRE_HEIF(heif);
  auto decoded = DecodeHeif(heif, int64_t{photo.cols} * photo.rows - 1);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), Status::Code::kTooLarge);
  EXPECT_TRUE(DecodeHeif(heif, int64_t{photo.cols} * photo.rows).ok());
}

TEST(HeifTest, BadDataIsAnErrorNotACrash) {
  EXPECT_EQ(DecodeHeif({}, 1000).status().code(), Status::Code::kCorrupt);
  Bytes garbage(4096);
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = (i * 37) & 0xff;
  EXPECT_FALSE(DecodeHeif(garbage, 100'000'000).ok());
  // A plausible 'ftyp heic' box and nothing else.
  const uint8_t ftyp[] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c',
                          0, 0, 0, 0,  'm', 'i', 'f', '1', 'h', 'e', 'i', 'c'};
  EXPECT_FALSE(DecodeHeif(ftyp, 100'000'000).ok());

  const Bytes heif = EncodeHeif(HeifPhoto(), heif_orientation_normal);
  REQUIRE_HEIF(heif);
  for (size_t keep : {heif.size() / 2, heif.size() - 100, size_t{200}}) {
    const Bytes truncated(heif.begin(), heif.begin() + keep);
    auto decoded = DecodeHeif(truncated, 100'000'000);
    EXPECT_FALSE(decoded.ok()) << "kept " << keep << " bytes";
  }
  // Flipped bits in the middle of the coded data: an error or an image,
  // never a crash.
  Bytes damaged = heif;
  for (size_t i = damaged.size() / 2; i < damaged.size() / 2 + 64; ++i) {
    damaged[i] ^= 0x5a;
  }
  auto decoded = DecodeHeif(damaged, 100'000'000);
  if (decoded.ok()) EXPECT_EQ(decoded->type(), CV_8UC3);
}

// The public decoder hands HEIF to libheif: upright pixels, the pixel limit
// enforced, and the output written as JPEG.
TEST(HeifTest, DecodeImageReadsHeif) {
  const cv::Mat photo = HeifPhoto();
  const Bytes heif = EncodeHeif(photo, heif_orientation_rotate_90_cw);
  REQUIRE_HEIF(heif);
  auto image = DecodeImage(heif, DecodeOptions{});
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->format, ImageFormat::kHeif);
  EXPECT_EQ(image->pixels.cols, photo.rows);
  EXPECT_EQ(image->pixels.rows, photo.cols);
  DecodeOptions small;
  small.max_pixels = 1000;
  EXPECT_EQ(DecodeImage(heif, small).status().code(), Status::Code::kTooLarge);
  EXPECT_EQ(OutputFormatFor(ImageFormat::kHeif), ImageFormat::kJpeg);
}

// --keep-metadata safe keeps date and camera model from a HEIC as it does
// from a JPEG (libexiv2's own BMFF reader finds nothing in libheif's files),
// and still nothing else.
TEST(HeifTest, SafeMetadataKeepsDateAndModel) {
  Exiv2::ExifData exif;
  exif["Exif.Image.Make"] = "FaceveilCam";
  exif["Exif.Image.Model"] = "FV-1";
  exif["Exif.Photo.DateTimeOriginal"] = "2021:03:04 05:06:07";
  exif["Exif.Image.Artist"] = "Jane Q. Owner";
  exif["Exif.Photo.BodySerialNumber"] = "SN-98765-XYZ";
  exif["Exif.GPSInfo.GPSLatitudeRef"] = "N";
  Exiv2::Blob blob;
  Exiv2::ExifParser::encode(blob, Exiv2::bigEndian, exif);
  // As iPhones write it: "Exif\0\0" before the TIFF header, which the
  // item's leading offset (6) skips.
  Bytes block = {'E', 'x', 'i', 'f', 0, 0};
  block.insert(block.end(), blob.begin(), blob.end());
  const Bytes heif = EncodeHeif(HeifPhoto(), heif_orientation_normal, block);
  REQUIRE_HEIF(heif);
  const HeifMetadata meta = ReadHeifMetadata(heif);
  ASSERT_FALSE(meta.exif_tiff.empty());
  EXPECT_TRUE(meta.exif_tiff[0] == 'I' || meta.exif_tiff[0] == 'M');

  auto jpeg = EncodeImage(HeifPhoto(), ImageFormat::kJpeg, {});
  ASSERT_TRUE(jpeg.ok());
  auto out = ApplyMetadataPolicy(heif, *jpeg, ImageFormat::kJpeg,
                                 MetadataPolicy::kSafe);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  Exiv2::Image::AutoPtr image =
      Exiv2::ImageFactory::open(out->data(), static_cast<long>(out->size()));
  image->readMetadata();
  const Exiv2::ExifData& kept = image->exifData();
  auto value = [&](const char* key) {
    auto it = kept.findKey(Exiv2::ExifKey(key));
    return it == kept.end() ? std::string("<absent>") : it->toString();
  };
  EXPECT_EQ(value("Exif.Image.Make"), "FaceveilCam");
  EXPECT_EQ(value("Exif.Image.Model"), "FV-1");
  EXPECT_EQ(value("Exif.Photo.DateTimeOriginal"), "2021:03:04 05:06:07");
  EXPECT_EQ(value("Exif.Image.Artist"), "<absent>");
  EXPECT_EQ(value("Exif.Photo.BodySerialNumber"), "<absent>");
  EXPECT_EQ(value("Exif.GPSInfo.GPSLatitudeRef"), "<absent>");
  // kStrip keeps none of it.
  auto stripped = ApplyMetadataPolicy(heif, *jpeg, ImageFormat::kJpeg,
                                      MetadataPolicy::kStrip);
  ASSERT_TRUE(stripped.ok());
  Exiv2::Image::AutoPtr plain = Exiv2::ImageFactory::open(
      stripped->data(), static_cast<long>(stripped->size()));
  plain->readMetadata();
  EXPECT_TRUE(plain->exifData().empty());
}

}  // namespace
}  // namespace faceveil::media
