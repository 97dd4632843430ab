#include "ssd/embedded.h"

extern "C" {
extern const uint8_t faceveil_model_ssd_mobilenetv1[];
extern const uint8_t faceveil_model_ssd_mobilenetv1_end[];
extern const uint8_t faceveil_model_ssd_mobilenetv1_manifest[];
extern const uint8_t faceveil_model_ssd_mobilenetv1_manifest_end[];
}

namespace faceveil::ssd {

std::string_view EmbeddedManifest() {
  return {
      reinterpret_cast<const char*>(faceveil_model_ssd_mobilenetv1_manifest),
      static_cast<size_t>(faceveil_model_ssd_mobilenetv1_manifest_end -
                          faceveil_model_ssd_mobilenetv1_manifest)};
}

std::span<const uint8_t> EmbeddedWeights() {
  return {faceveil_model_ssd_mobilenetv1, faceveil_model_ssd_mobilenetv1_end};
}

}  // namespace faceveil::ssd
