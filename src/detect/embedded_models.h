// The model files embedded at build time (cmake/Models.cmake).
#ifndef FACEVEIL_DETECT_EMBEDDED_MODELS_H_
#define FACEVEIL_DETECT_EMBEDDED_MODELS_H_

#include <cstdint>
#include <span>

#include "faceveil/detector.h"

namespace faceveil {

// The bytes of the .tflite file for `kind`; valid for the program's lifetime.
std::span<const uint8_t> EmbeddedModel(ModelKind kind);

}  // namespace faceveil

#endif  // FACEVEIL_DETECT_EMBEDDED_MODELS_H_
