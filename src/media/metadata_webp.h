// ICC profiles in WebP, which libexiv2 0.27 does not write: the RIFF
// container is rewritten in the extended format (VP8X) with an ICCP chunk.
#ifndef FACEVEIL_MEDIA_METADATA_WEBP_H_
#define FACEVEIL_MEDIA_METADATA_WEBP_H_

#include <cstdint>
#include <span>
#include <vector>

#include "faceveil/status.h"

namespace faceveil::media {

// Returns `webp` with `icc` as its colour profile (replacing any present).
// A simple-format file (one VP8 or VP8L chunk) gains a VP8X header whose
// canvas size is read from the bitstream. Status::Corrupt when `webp` is
// not a well-formed WebP file.
Result<std::vector<uint8_t>> SetWebpIccProfile(std::span<const uint8_t> webp,
                                               std::span<const uint8_t> icc);

}  // namespace faceveil::media

#endif  // FACEVEIL_MEDIA_METADATA_WEBP_H_
