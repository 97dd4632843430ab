// Metadata policy with libexiv2: read the input's metadata, keep an
// allow-list, write it onto the freshly encoded image. Exiv2 reports errors
// by throwing; nothing escapes this file.
#include <cstdint>
#include <cstring>
#include <exiv2/exiv2.hpp>
#include <mutex>
#include <string>
#include <vector>

#include "faceveil/encode.h"
#include "media/heif.h"
#include "media/icc_profile.h"
#include "media/metadata_png.h"
#include "media/metadata_webp.h"

namespace faceveil {

namespace {

// EXIF keys kSafe copies: when and with what kind of camera, nothing that
// identifies a person, a device instance or a place.
constexpr const char* kSafeExifKeys[] = {
    "Exif.Image.Make",
    "Exif.Image.Model",
    "Exif.Image.DateTime",
    "Exif.Photo.DateTimeOriginal",
    "Exif.Photo.DateTimeDigitized",
    "Exif.Photo.OffsetTime",
    "Exif.Photo.OffsetTimeOriginal",
    "Exif.Photo.OffsetTimeDigitized",
    "Exif.Photo.SubSecTime",
    "Exif.Photo.SubSecTimeOriginal",
    "Exif.Photo.SubSecTimeDigitized",
};

// Exiv2 keeps global state: its XMP parser must be initialised once before
// threads use it, and its warnings would go to stderr.
void InitExiv2() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    Exiv2::XmpParser::initialize();
    Exiv2::enableBMFF(true);  // read HEIF/AVIF originals
  });
}

// What the policy keeps from the original.
struct Kept {
  Exiv2::ExifData exif;
  std::vector<uint8_t> icc;  // empty: none
};

// Copies kSafe's allow-list from `exif`.
void KeepSafeExif(const Exiv2::ExifData& exif, Kept* kept) {
  for (const char* key : kSafeExifKeys) {
    auto it = exif.findKey(Exiv2::ExifKey(key));
    if (it != exif.end()) kept->exif.add(*it);
  }
}

// HEIF through libheif: libexiv2 0.27's BMFF reader does not find the EXIF
// item of every HEIF writer (libheif's own, for one).
Kept ReadKeptHeif(std::span<const uint8_t> original, MetadataPolicy policy) {
  Kept kept;
  const media::HeifMetadata meta = media::ReadHeifMetadata(original);
  kept.icc = media::RebuildIccProfile(meta.icc);
  if (policy == MetadataPolicy::kSafe && !meta.exif_tiff.empty()) {
    Exiv2::ExifData exif;
    Exiv2::ExifParser::decode(exif, meta.exif_tiff.data(),
                              static_cast<uint32_t>(meta.exif_tiff.size()));
    KeepSafeExif(exif, &kept);
  }
  return kept;
}

// Reads the original's metadata; anything unreadable is simply not kept.
// The ICC profile is never copied: it is rebuilt from its colour model
// (media/icc_profile.h), as anything else in it may identify someone.
Kept ReadKept(std::span<const uint8_t> original, MetadataPolicy policy) {
  Kept kept;
  if (original.empty()) return kept;
  try {
    if (SniffImageFormat(original) == ImageFormat::kHeif) {
      return ReadKeptHeif(original, policy);
    }
    Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(
        reinterpret_cast<const Exiv2::byte*>(original.data()),
        static_cast<long>(original.size()));
    if (image.get() == nullptr) return kept;
    image->readMetadata();
    if (image->iccProfileDefined()) {
      const Exiv2::DataBuf* icc = image->iccProfile();
      if (icc != nullptr && icc->pData_ != nullptr && icc->size_ > 0) {
        kept.icc = media::RebuildIccProfile(std::span<const uint8_t>(
            icc->pData_, static_cast<size_t>(icc->size_)));
      }
    }
    if (policy == MetadataPolicy::kSafe) KeepSafeExif(image->exifData(), &kept);
  } catch (...) {
    // Corrupt or foreign metadata: keep nothing from it.
    return Kept{};
  }
  return kept;
}

// Rewrites `encoded` with exactly `exif` and `icc` (empty: none).
Result<std::vector<uint8_t>> WriteWithExiv2(const std::vector<uint8_t>& encoded,
                                            const Exiv2::ExifData& exif,
                                            const std::vector<uint8_t>& icc) {
  try {
    Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(
        reinterpret_cast<const Exiv2::byte*>(encoded.data()),
        static_cast<long>(encoded.size()));
    if (image.get() == nullptr) {
      return Status::Internal("cannot reopen the encoded image");
    }
    image->readMetadata();
    // Only what we set survives: the encoder's own output has nothing else
    // worth keeping, and anything it might carry is cleared here.
    image->clearMetadata();
    if (!exif.empty()) image->setExifData(exif);
    if (!icc.empty()) {
      Exiv2::DataBuf buf(icc.data(), static_cast<long>(icc.size()));
      image->setIccProfile(buf, /*bTestValid=*/true);
    }
    image->writeMetadata();
    Exiv2::BasicIo& io = image->io();
    if (io.open() != 0) return Status::Internal("cannot read back metadata");
    const long size = io.size();
    std::vector<uint8_t> out(static_cast<size_t>(size));
    const long read = io.read(out.data(), size);
    io.close();
    if (read != size) return Status::Internal("short read of the result");
    return out;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("writing metadata failed: ") +
                            e.what());
  } catch (...) {
    return Status::Internal("writing metadata failed");
  }
}

}  // namespace

const char* MetadataPolicyName(MetadataPolicy policy) {
  switch (policy) {
    case MetadataPolicy::kStrip:
      return "strip";
    case MetadataPolicy::kSafe:
      return "safe";
  }
  return "unknown";
}

Result<MetadataPolicy> ParseMetadataPolicy(const std::string& name) {
  if (name == "strip") return MetadataPolicy::kStrip;
  if (name == "safe") return MetadataPolicy::kSafe;
  return Status::InvalidArgument("unknown metadata policy '" + name +
                                 "' (expected strip or safe)");
}

Result<std::vector<uint8_t>> ApplyMetadataPolicy(
    std::span<const uint8_t> original, std::vector<uint8_t> encoded,
    ImageFormat out_format, MetadataPolicy policy) {
  switch (out_format) {
    case ImageFormat::kJpeg:
    case ImageFormat::kPng:
    case ImageFormat::kWebp:
    case ImageFormat::kTiff:
      break;
    case ImageFormat::kBmp:
      return encoded;  // BMP holds no EXIF; its pixels are all it carries
    case ImageFormat::kHeif:
    case ImageFormat::kUnknown:
      return Status::InvalidArgument(
          "metadata can only be written to JPEG, PNG, WebP, TIFF or BMP");
  }
  InitExiv2();
  Kept kept = ReadKept(original, policy);
  if (policy == MetadataPolicy::kSafe && kept.exif.count() > 0) {
    kept.exif["Exif.Image.Orientation"] = uint16_t{1};
  }
  // libexiv2 0.27 writes no ICC profile into WebP, and one with an empty
  // keyword into PNG; metadata_webp and metadata_png write those.
  const bool webp = out_format == ImageFormat::kWebp;
  const bool exiv2_icc = !webp && out_format != ImageFormat::kPng;
  std::vector<uint8_t> out = std::move(encoded);
  if (!kept.exif.empty() || (!kept.icc.empty() && exiv2_icc)) {
    Result<std::vector<uint8_t>> written = WriteWithExiv2(
        out, kept.exif, exiv2_icc ? kept.icc : std::vector<uint8_t>());
    if (!written.ok()) return written.status();
    out = std::move(written).value();
  }
  if (!kept.icc.empty() && !exiv2_icc) {
    Result<std::vector<uint8_t>> with_icc =
        webp ? media::SetWebpIccProfile(out, kept.icc)
             : media::SetPngIccProfile(out, kept.icc);
    if (!with_icc.ok()) {
      return with_icc.status().WithContext(
          std::string(ImageFormatName(out_format)) + " ICC profile");
    }
    out = std::move(with_icc).value();
  }
  return out;
}

}  // namespace faceveil
