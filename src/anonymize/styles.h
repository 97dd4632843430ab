// The anonymization styles behind one interface: each renders the
// replacement pixels of a mask region; anonymize.cpp composites them.
#ifndef FACEVEIL_ANONYMIZE_STYLES_H_
#define FACEVEIL_ANONYMIZE_STYLES_H_

#include <memory>
#include <opencv2/core/mat.hpp>

#include "anonymize/geometry.h"
#include "faceveil/anonymizer.h"

namespace faceveil::anonymize {

class StyleRenderer {
 public:
  virtual ~StyleRenderer() = default;
  // Returns the replacement for geometry.clipped (non-empty), same size and
  // type as image(geometry.clipped). Reads `image`, never writes it.
  virtual cv::Mat Render(const cv::Mat& image,
                         const MaskGeometry& geometry) const = 0;
};

// `options` must already be validated; strength is clamped here.
std::unique_ptr<StyleRenderer> MakeStyleRenderer(
    const AnonymizeOptions& options);

}  // namespace faceveil::anonymize

#endif  // FACEVEIL_ANONYMIZE_STYLES_H_
