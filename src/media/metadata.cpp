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

// An ICC profile whose header is sound: the size it declares is its size
// (exiv2 refuses to write one that is not, which would fail the whole
// image) and it carries the "acsp" signature (ICC.1, 7.2).
bool IsValidIccProfile(const Exiv2::byte* data, long size) {
  constexpr long kHeaderBytes = 128;
  if (data == nullptr || size < kHeaderBytes) return false;
  const uint32_t declared = (uint32_t{data[0]} << 24) |
                            (uint32_t{data[1]} << 16) |
                            (uint32_t{data[2]} << 8) | uint32_t{data[3]};
  return declared == static_cast<uint64_t>(size) &&
         std::memcmp(data + 36, "acsp", 4) == 0;
}

// Reads the original's metadata; anything unreadable is simply not kept.
Kept ReadKept(std::span<const uint8_t> original, MetadataPolicy policy) {
  Kept kept;
  if (original.empty()) return kept;
  try {
    Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(
        reinterpret_cast<const Exiv2::byte*>(original.data()),
        static_cast<long>(original.size()));
    if (image.get() == nullptr) return kept;
    image->readMetadata();
    if (image->iccProfileDefined()) {
      const Exiv2::DataBuf* icc = image->iccProfile();
      if (icc != nullptr && IsValidIccProfile(icc->pData_, icc->size_)) {
        kept.icc.assign(icc->pData_, icc->pData_ + icc->size_);
      }
    }
    if (policy == MetadataPolicy::kSafe) {
      const Exiv2::ExifData& exif = image->exifData();
      for (const char* key : kSafeExifKeys) {
        auto it = exif.findKey(Exiv2::ExifKey(key));
        if (it != exif.end()) kept.exif.add(*it);
      }
    }
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
  // libexiv2 0.27 writes no ICC profile into WebP; metadata_webp does.
  const bool webp = out_format == ImageFormat::kWebp;
  std::vector<uint8_t> out = std::move(encoded);
  if (!kept.exif.empty() || (!kept.icc.empty() && !webp)) {
    Result<std::vector<uint8_t>> written = WriteWithExiv2(
        out, kept.exif, webp ? std::vector<uint8_t>() : kept.icc);
    if (!written.ok()) return written.status();
    out = std::move(written).value();
  }
  if (webp && !kept.icc.empty()) {
    Result<std::vector<uint8_t>> with_icc =
        media::SetWebpIccProfile(out, kept.icc);
    if (!with_icc.ok())
      return with_icc.status().WithContext("WebP ICC profile");
    out = std::move(with_icc).value();
  }
  return out;
}

}  // namespace faceveil
