// libFuzzer target: the TFLite reader and network builder on arbitrary
// bytes. A model file is untrusted input (--model-file); any flaw must come
// back as a Status. Seeds: the real models, whole and truncated
// (scripts/hardening.sh).
#include <cstddef>
#include <cstdint>
#include <span>

#include "tflite/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto model =
      faceveil::tflite::Model::FromBuffer(std::span<const uint8_t>(data, size));
  if (!model.ok()) return 0;
  // A model that parses must also build, or fail cleanly.
  auto net = (*model)->BuildNet();
  (void)net;
  return 0;
}
