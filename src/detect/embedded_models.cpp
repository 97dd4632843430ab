#include "detect/embedded_models.h"

extern "C" {
extern const uint8_t faceveil_model_short_range[];
extern const uint8_t faceveil_model_short_range_end[];
extern const uint8_t faceveil_model_full_range[];
extern const uint8_t faceveil_model_full_range_end[];
extern const uint8_t faceveil_model_full_range_sparse[];
extern const uint8_t faceveil_model_full_range_sparse_end[];
}

namespace faceveil {

std::span<const uint8_t> EmbeddedModel(ModelKind kind) {
  switch (kind) {
    case ModelKind::kShortRange:
      return {faceveil_model_short_range, faceveil_model_short_range_end};
    case ModelKind::kFullRange:
      return {faceveil_model_full_range, faceveil_model_full_range_end};
    case ModelKind::kFullRangeSparse:
      return {faceveil_model_full_range_sparse,
              faceveil_model_full_range_sparse_end};
  }
  return {};
}

}  // namespace faceveil
