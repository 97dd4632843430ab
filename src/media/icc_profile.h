// ICC colour profiles rebuilt from their colorimetric content only, so that
// an input's profile keeps colours right without carrying anything else:
// an input profile is untrusted and may hold a description or copyright
// text with a name and serial number, or a private tag with a whole
// unblurred picture.
#ifndef FACEVEIL_MEDIA_ICC_PROFILE_H_
#define FACEVEIL_MEDIA_ICC_PROFILE_H_

#include <cstdint>
#include <span>
#include <vector>

namespace faceveil::media {

// A new profile made from `icc`'s colour model alone:
// - an RGB matrix/TRC profile: rXYZ, gXYZ, bXYZ, rTRC, gTRC, bTRC, wtpt;
// - a gray profile: kTRC, wtpt;
// each with chad and bkpt when present. Every value is parsed and written
// anew (never a byte range copied), tone curves of more than 1024 points are
// resampled to 1024 and made non-decreasing, and the header keeps only
// version, class, colour space, PCS and rendering intent (dates, device,
// creator, flags and profile ID are zero). No other tag survives: no text
// (desc, cprt, dmnd, dmdd), no private or unknown tag, no LUT.
// Returns an empty vector when `icc` is malformed or has no such colour
// model (a LUT-only or CMYK profile): the output then carries no profile.
std::vector<uint8_t> RebuildIccProfile(std::span<const uint8_t> icc);

}  // namespace faceveil::media

#endif  // FACEVEIL_MEDIA_ICC_PROFILE_H_
