// The FaceIdentifier of faceveil/identity.h from given model files, for
// tests that feed it damaged models, and the steps of one Embed() for the
// oracle test and the measurements.
#ifndef FACEVEIL_IDENTIFY_IDENTIFIER_H_
#define FACEVEIL_IDENTIFY_IDENTIFIER_H_

#include <memory>

#include "faceveil/identity.h"
#include "identify/align.h"
#include "identify/networks.h"

namespace faceveil::identify {

// Faces shorter than this (pixels) are not embedded unless the options say
// otherwise (measured: docs/IDENTITY.md).
inline constexpr float kDefaultMinFacePx = 24.0f;

// What Embed() found on the way, besides the embedding.
struct EmbedDetails {
  Landmarks landmarks{};
  Square aligned;
};

class Identifier : public FaceIdentifier {
 public:
  // kCorrupt / kUnsupported naming the model when either is damaged;
  // kInvalidArgument for bad options.
  static Result<std::unique_ptr<Identifier>> Create(
      const IdentifierOptions& options, const ModelFiles& landmarks,
      const ModelFiles& recognition);

  Result<FaceEmbedding> Embed(const cv::Mat& image,
                              const Face& face) const override;
  // As Embed(), also giving the landmarks and the aligned square.
  Result<FaceEmbedding> EmbedWithDetails(const cv::Mat& image, const Face& face,
                                         EmbedDetails* details) const;

  // The recognition network alone on an aligned square of `image`.
  Result<FaceEmbedding> EmbedSquare(const cv::Mat& image,
                                    const Square& square) const;

  const LandmarkNet& landmark_net() const { return *landmarks_; }

 private:
  Identifier(float min_face_px, std::unique_ptr<LandmarkNet> landmarks,
             std::unique_ptr<RecognitionNet> recognition);

  const float min_face_px_;
  const std::unique_ptr<LandmarkNet> landmarks_;
  const std::unique_ptr<RecognitionNet> recognition_;
};

}  // namespace faceveil::identify

#endif  // FACEVEIL_IDENTIFY_IDENTIFIER_H_
