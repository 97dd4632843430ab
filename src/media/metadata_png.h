// ICC profiles in PNG, written here rather than by libexiv2 0.27, whose
// iCCP chunk carries the keyword of the file it opened: empty for a PNG
// fresh from the encoder, which PNG forbids (keywords are 1-79 Latin-1
// characters) and libpng answers by ignoring the profile.
#ifndef FACEVEIL_MEDIA_METADATA_PNG_H_
#define FACEVEIL_MEDIA_METADATA_PNG_H_

#include <cstdint>
#include <span>
#include <vector>

#include "faceveil/status.h"

namespace faceveil::media {

// The keyword of the iCCP chunks we write.
inline constexpr char kPngIccKeyword[] = "ICC profile";

// Returns `png` with `icc` as its colour profile: one iCCP chunk (keyword
// kPngIccKeyword, zlib-compressed profile) right after IHDR, replacing any
// iCCP, sRGB, gAMA or cHRM chunk, which a profile overrides. Status::Corrupt
// when `png` is not a well-formed PNG.
Result<std::vector<uint8_t>> SetPngIccProfile(std::span<const uint8_t> png,
                                              std::span<const uint8_t> icc);

}  // namespace faceveil::media

#endif  // FACEVEIL_MEDIA_METADATA_PNG_H_
