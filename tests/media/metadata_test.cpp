// Metadata policy on a real photo carrying everything a phone or a photo
// tool may write: GPS, serial numbers, owner, maker note, EXIF thumbnail,
// XMP, IPTC, a comment and an ICC profile (written here with libexiv2).
#include <gtest/gtest.h>

#include <algorithm>
#include <exiv2/exiv2.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "faceveil/encode.h"
#include "media/icc_profile.h"
#include "media/icc_test_util.h"

namespace faceveil {
namespace {

using Bytes = std::vector<uint8_t>;

// Strings that must never reach an output under either policy.
const char* const kSecrets[] = {"Jane Q. Owner", "SN-98765-XYZ",
                                "MAKERNOTE-SECRET", "Secretville",
                                "Secret comment"};

cv::Mat Photo() {
  cv::Mat image = cv::imread(FACEVEIL_TESTDATA_DIR "/astronaut.png");
  if (image.empty()) image = cv::Mat(64, 64, CV_8UC3, cv::Scalar(1, 2, 3));
  return image;
}

// A camera's ICC profile: a matrix/TRC colour model plus a description and
// copyright naming the owner and serial, and a private tag with another
// picture (tests/media/icc_test_util.h).
Bytes CameraIccProfile() {
  std::vector<testing::IccTag> tags = testing::IccMatrixTags();
  tags.push_back({"desc", testing::IccText("desc", "Jane Q. Owner")});
  tags.push_back({"cprt", testing::IccText("text", "SN-98765-XYZ")});
  tags.push_back({"ZZPV", testing::IccText("ZZPV", "Secretville photo")});
  return testing::IccProfile(tags);
}

bool Contains(const Bytes& bytes, const std::string& needle) {
  return std::search(bytes.begin(), bytes.end(), needle.begin(),
                     needle.end()) != bytes.end();
}

Exiv2::Image::AutoPtr Open(const Bytes& bytes) {
  Exiv2::Image::AutoPtr image =
      Exiv2::ImageFactory::open(bytes.data(), static_cast<long>(bytes.size()));
  image->readMetadata();
  return image;
}

Bytes Save(Exiv2::Image& image) {
  image.writeMetadata();
  Exiv2::BasicIo& io = image.io();
  io.open();
  Bytes out(static_cast<size_t>(io.size()));
  io.read(out.data(), static_cast<long>(out.size()));
  io.close();
  return out;
}

// A JPEG of the photo with every kind of metadata, Orientation 6.
Bytes TaggedJpeg() {
  auto jpeg = EncodeImage(Photo(), ImageFormat::kJpeg, {});
  Exiv2::Image::AutoPtr image = Open(*jpeg);
  Exiv2::ExifData exif;
  exif["Exif.Image.Make"] = "FaceveilCam";
  exif["Exif.Image.Model"] = "FV-1";
  exif["Exif.Image.Orientation"] = uint16_t{6};
  exif["Exif.Image.Artist"] = "Jane Q. Owner";
  exif["Exif.Photo.CameraOwnerName"] = "Jane Q. Owner";
  exif["Exif.Photo.BodySerialNumber"] = "SN-98765-XYZ";
  exif["Exif.Photo.DateTimeOriginal"] = "2021:03:04 05:06:07";
  exif["Exif.Photo.OffsetTimeOriginal"] = "+02:00";
  Exiv2::DataValue note(Exiv2::undefined);
  const std::string note_text = "MAKERNOTE-SECRET";
  note.read(reinterpret_cast<const Exiv2::byte*>(note_text.data()),
            static_cast<long>(note_text.size()), Exiv2::invalidByteOrder);
  exif.add(Exiv2::ExifKey("Exif.Photo.MakerNote"), &note);
  exif["Exif.GPSInfo.GPSVersionID"] = "2 3 0 0";
  exif["Exif.GPSInfo.GPSLatitudeRef"] = "N";
  exif["Exif.GPSInfo.GPSLatitude"] = Exiv2::URationalValue();
  exif["Exif.GPSInfo.GPSLatitude"].setValue("48/1 51/1 2400/100");
  exif["Exif.GPSInfo.GPSLongitudeRef"] = "E";
  exif["Exif.GPSInfo.GPSLongitude"].setValue("2/1 17/1 4000/100");
  auto thumb = EncodeImage(cv::Mat(16, 16, CV_8UC3, cv::Scalar(9, 9, 9)),
                           ImageFormat::kJpeg, {});
  Exiv2::ExifThumb(exif).setJpegThumbnail(thumb->data(),
                                          static_cast<long>(thumb->size()));
  image->setExifData(exif);
  Exiv2::XmpData xmp;
  xmp["Xmp.dc.creator"] = "Jane Q. Owner";
  xmp["Xmp.photoshop.City"] = "Secretville";
  image->setXmpData(xmp);
  Exiv2::IptcData iptc;
  iptc["Iptc.Application2.Byline"] = "Jane Q. Owner";
  iptc["Iptc.Application2.City"] = "Secretville";
  image->setIptcData(iptc);
  image->setComment("Secret comment");
  Bytes icc = CameraIccProfile();
  Exiv2::DataBuf icc_buf(icc.data(), static_cast<long>(icc.size()));
  image->setIccProfile(icc_buf, true);
  return Save(*image);
}

void ExpectNoPersonalData(const Bytes& out, const std::string& label) {
  for (const char* secret : kSecrets) {
    EXPECT_FALSE(Contains(out, secret)) << label << " leaks " << secret;
  }
  Exiv2::Image::AutoPtr image = Open(out);
  for (const auto& datum : image->exifData()) {
    const std::string key = datum.key();
    EXPECT_EQ(key.find("GPSInfo"), std::string::npos) << label << " " << key;
    EXPECT_EQ(key.find("Thumbnail"), std::string::npos) << label << " " << key;
    EXPECT_NE(key, "Exif.Photo.MakerNote") << label;
    EXPECT_NE(key, "Exif.Photo.BodySerialNumber") << label;
  }
  EXPECT_TRUE(image->xmpData().empty()) << label;
  EXPECT_TRUE(image->xmpPacket().empty()) << label;
  EXPECT_TRUE(image->iptcData().empty()) << label;
  EXPECT_TRUE(image->comment().empty()) << label;
  EXPECT_EQ(Exiv2::ExifThumbC(image->exifData()).copy().size_, 0) << label;
}

class MetadataTest : public ::testing::TestWithParam<ImageFormat> {
 protected:
  static void SetUpTestSuite() { tagged_ = new Bytes(TaggedJpeg()); }
  static void TearDownTestSuite() { delete tagged_; }
  static Bytes* tagged_;
};
Bytes* MetadataTest::tagged_ = nullptr;

TEST_F(MetadataTest, TaggedInputReallyCarriesEverything) {
  // Guards the other tests: the input they strip does hold all of it.
  for (const char* secret : kSecrets) EXPECT_TRUE(Contains(*tagged_, secret));
  Exiv2::Image::AutoPtr image = Open(*tagged_);
  EXPECT_NE(
      image->exifData().findKey(Exiv2::ExifKey("Exif.GPSInfo.GPSLatitude")),
      image->exifData().end());
  EXPECT_GT(Exiv2::ExifThumbC(image->exifData()).copy().size_, 0);
  EXPECT_FALSE(image->xmpData().empty());
  EXPECT_FALSE(image->iptcData().empty());
  EXPECT_TRUE(image->iccProfileDefined());
}

TEST_P(MetadataTest, EncoderOutputCarriesNothing) {
  auto encoded = EncodeImage(Photo(), GetParam(), {});
  ASSERT_TRUE(encoded.ok());
  ExpectNoPersonalData(*encoded, ImageFormatName(GetParam()));
  Exiv2::Image::AutoPtr image = Open(*encoded);
  EXPECT_EQ(image->exifData().findKey(Exiv2::ExifKey("Exif.Image.Make")),
            image->exifData().end());
  EXPECT_EQ(image->exifData().findKey(Exiv2::ExifKey("Exif.Image.DateTime")),
            image->exifData().end());
  EXPECT_FALSE(image->iccProfileDefined());
}

TEST_P(MetadataTest, StripKeepsOnlyTheColourModel) {
  const ImageFormat format = GetParam();
  auto encoded = EncodeImage(Photo(), format, {});
  ASSERT_TRUE(encoded.ok());
  auto out =
      ApplyMetadataPolicy(*tagged_, *encoded, format, MetadataPolicy::kStrip);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ExpectNoPersonalData(*out, ImageFormatName(format));
  Exiv2::Image::AutoPtr image = Open(*out);
  EXPECT_EQ(image->exifData().findKey(Exiv2::ExifKey("Exif.Image.Make")),
            image->exifData().end());
  EXPECT_EQ(
      image->exifData().findKey(Exiv2::ExifKey("Exif.Photo.DateTimeOriginal")),
      image->exifData().end());
  ASSERT_TRUE(image->iccProfileDefined());
  const Exiv2::DataBuf* icc = image->iccProfile();
  // Rebuilt from the colour model, never the input's bytes:
  // ExpectNoPersonalData above found none of the profile's texts either.
  const Bytes kept(icc->pData_, icc->pData_ + icc->size_);
  EXPECT_NE(kept, CameraIccProfile());
  EXPECT_EQ(kept, media::RebuildIccProfile(CameraIccProfile()));
  // The pixels are untouched by the rewrite.
  const cv::Mat before = cv::imdecode(*encoded, cv::IMREAD_COLOR);
  const cv::Mat after = cv::imdecode(*out, cv::IMREAD_COLOR);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(cv::norm(before, after, cv::NORM_INF), 0);
}

TEST_P(MetadataTest, SafeKeepsTheAllowList) {
  const ImageFormat format = GetParam();
  auto encoded = EncodeImage(Photo(), format, {});
  ASSERT_TRUE(encoded.ok());
  auto out =
      ApplyMetadataPolicy(*tagged_, *encoded, format, MetadataPolicy::kSafe);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ExpectNoPersonalData(*out, ImageFormatName(format));
  Exiv2::Image::AutoPtr image = Open(*out);
  const Exiv2::ExifData& exif = image->exifData();
  auto value = [&](const char* key) {
    auto it = exif.findKey(Exiv2::ExifKey(key));
    return it == exif.end() ? std::string("<absent>") : it->toString();
  };
  EXPECT_EQ(value("Exif.Image.Make"), "FaceveilCam");
  EXPECT_EQ(value("Exif.Image.Model"), "FV-1");
  EXPECT_EQ(value("Exif.Photo.DateTimeOriginal"), "2021:03:04 05:06:07");
  EXPECT_EQ(value("Exif.Photo.OffsetTimeOriginal"), "+02:00");
  EXPECT_EQ(value("Exif.Image.Orientation"), "1");
  EXPECT_EQ(value("Exif.Image.Artist"), "<absent>");
  EXPECT_EQ(value("Exif.Photo.CameraOwnerName"), "<absent>");
  EXPECT_TRUE(image->iccProfileDefined());
  const cv::Mat after = cv::imdecode(*out, cv::IMREAD_COLOR);
  EXPECT_FALSE(after.empty());
}

INSTANTIATE_TEST_SUITE_P(Formats, MetadataTest,
                         ::testing::Values(ImageFormat::kJpeg,
                                           ImageFormat::kPng,
                                           ImageFormat::kWebp,
                                           ImageFormat::kTiff));

TEST(MetadataPolicyTest, BmpGetsNothingAndBadOriginalsAreIgnored) {
  auto bmp = EncodeImage(Photo(), ImageFormat::kBmp, {});
  ASSERT_TRUE(bmp.ok());
  const Bytes tagged = TaggedJpeg();
  auto out = ApplyMetadataPolicy(tagged, *bmp, ImageFormat::kBmp,
                                 MetadataPolicy::kSafe);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, *bmp);

  auto jpeg = EncodeImage(Photo(), ImageFormat::kJpeg, {});
  Bytes garbage(5000);
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = (i * 131) & 0xff;
  Bytes truncated(tagged.begin(), tagged.begin() + 300);
  for (const Bytes& original : {garbage, truncated, Bytes()}) {
    auto kept = ApplyMetadataPolicy(original, *jpeg, ImageFormat::kJpeg,
                                    MetadataPolicy::kSafe);
    ASSERT_TRUE(kept.ok()) << kept.status().ToString();
    EXPECT_FALSE(cv::imdecode(*kept, cv::IMREAD_COLOR).empty());
  }
  EXPECT_FALSE(ApplyMetadataPolicy(tagged, *jpeg, ImageFormat::kHeif,
                                   MetadataPolicy::kStrip)
                   .ok());
}

TEST(MetadataPolicyTest, PngProfileHasAValidKeyword) {
  auto png = EncodeImage(Photo(), ImageFormat::kPng, {});
  ASSERT_TRUE(png.ok());
  auto out = ApplyMetadataPolicy(TaggedJpeg(), *png, ImageFormat::kPng,
                                 MetadataPolicy::kSafe);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  // Walk the chunks to the one iCCP: keyword of 1-79 Latin-1 characters,
  // a NUL, compression method 0, then the zlib-compressed profile.
  int iccp = 0;
  for (size_t pos = 8; pos + 12 <= out->size();) {
    const uint32_t len = uint32_t{(*out)[pos]} << 24 |
                         uint32_t{(*out)[pos + 1]} << 16 |
                         uint32_t{(*out)[pos + 2]} << 8 | (*out)[pos + 3];
    const std::string type(out->begin() + pos + 4, out->begin() + pos + 8);
    if (type == "iCCP") {
      ++iccp;
      const auto data = out->begin() + pos + 8;
      const auto nul = std::find(data, data + len, 0);
      const size_t keyword = static_cast<size_t>(nul - data);
      EXPECT_GE(keyword, 1u);
      EXPECT_LE(keyword, 79u);
      for (auto c = data; c != nul; ++c) {
        EXPECT_TRUE((*c >= 32 && *c <= 126) || *c >= 161) << int(*c);
      }
      EXPECT_NE(*data, ' ');
      EXPECT_NE(*(nul - 1), ' ');
      ASSERT_LT(keyword + 1, len);
      EXPECT_EQ(*(nul + 1), 0);  // compression method
    }
    pos += 12 + len;
  }
  EXPECT_EQ(iccp, 1);
  // libpng accepts it (a bad keyword makes it drop the profile) and exiv2
  // reads the same profile back.
  EXPECT_FALSE(cv::imdecode(*out, cv::IMREAD_COLOR).empty());
  Exiv2::Image::AutoPtr image = Open(*out);
  ASSERT_TRUE(image->iccProfileDefined());
  const Exiv2::DataBuf* icc = image->iccProfile();
  EXPECT_EQ(Bytes(icc->pData_, icc->pData_ + icc->size_),
            media::RebuildIccProfile(CameraIccProfile()));
  const auto model =
      image->exifData().findKey(Exiv2::ExifKey("Exif.Image.Model"));
  ASSERT_NE(model, image->exifData().end());
  EXPECT_EQ(model->toString(), "FV-1");
}

TEST(MetadataPolicyTest, ParsesNames) {
  EXPECT_EQ(*ParseMetadataPolicy("strip"), MetadataPolicy::kStrip);
  EXPECT_EQ(*ParseMetadataPolicy("safe"), MetadataPolicy::kSafe);
  EXPECT_STREQ(MetadataPolicyName(MetadataPolicy::kSafe), "safe");
  EXPECT_FALSE(ParseMetadataPolicy("all").ok());
}

}  // namespace
}  // namespace faceveil
