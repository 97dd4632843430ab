// face-api's SSD MobileNet V1 files, embedded at build time
// (cmake/Models.cmake, models/models.txt).
#ifndef FACEVEIL_SSD_EMBEDDED_H_
#define FACEVEIL_SSD_EMBEDDED_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace faceveil::ssd {

// The weights manifest (JSON) and the weight file; valid for the program's
// lifetime.
std::string_view EmbeddedManifest();
std::span<const uint8_t> EmbeddedWeights();

}  // namespace faceveil::ssd

#endif  // FACEVEIL_SSD_EMBEDDED_H_
