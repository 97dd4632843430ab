// The FaceIdentifier of faceveil/identity.h from given model files, for
// tests that feed it damaged models, and the steps of one Embed() for the
// oracle test and the measurements.
#ifndef FACEVEIL_IDENTIFY_IDENTIFIER_H_
#define FACEVEIL_IDENTIFY_IDENTIFIER_H_

#include <memory>
#include <vector>

#include "faceveil/identity.h"
#include "identify/align.h"
#include "identify/networks.h"

namespace faceveil::identify {

// Faces shorter than this (pixels) are not embedded unless the options say
// otherwise: of WIDER's faces of 16-23 px only 7% pass the clarity check,
// and those that do are 1.5x likelier to match a stranger within 0.40
// than faces of 24-39 px (docs/IDENTITY.md).
inline constexpr float kDefaultMinFacePx = 24.0f;

// Faces whose embedding lies closer than this to that of a featureless
// face (a uniform black or grey square) are not embedded: blurred,
// hidden, turned away or tiny faces all collapse there, and so near each
// other. Measured (docs/IDENTITY.md): every face hidden by any style and
// strength stays under 0.46; 61% of WIDER's faces >= 24 px and all of
// dlib's group faces pass; strangers within 0.45 of each other drop from
// 13.6% to 1.1% of pairs.
inline constexpr float kDefaultMinClarity = 0.6f;

// What Embed() found on the way, besides the embedding.
struct EmbedDetails {
  Landmarks landmarks{};
  Square aligned;
};

class Identifier : public FaceIdentifier {
 public:
  // kCorrupt / kUnsupported naming the model when either is damaged;
  // kInvalidArgument for bad options.
  // `min_clarity`: see kDefaultMinClarity (0: no check, for measuring).
  static Result<std::unique_ptr<Identifier>> Create(
      const IdentifierOptions& options, const ModelFiles& landmarks,
      const ModelFiles& recognition, float min_clarity = kDefaultMinClarity);

  Result<FaceEmbedding> Embed(const cv::Mat& image,
                              const Face& face) const override;
  // As Embed(), also giving the landmarks and the aligned square.
  Result<FaceEmbedding> EmbedWithDetails(const cv::Mat& image, const Face& face,
                                         EmbedDetails* details) const;

  // The recognition network alone on an aligned square of `image`; no
  // clarity check.
  Result<FaceEmbedding> EmbedSquare(const cv::Mat& image,
                                    const Square& square) const;

  // The distance from `e` to the nearest featureless face's embedding.
  float Clarity(const FaceEmbedding& e) const;

  const LandmarkNet& landmark_net() const { return *landmarks_; }

 private:
  Identifier(float min_face_px, float min_clarity,
             std::unique_ptr<LandmarkNet> landmarks,
             std::unique_ptr<RecognitionNet> recognition);

  const float min_face_px_;
  const float min_clarity_;
  std::vector<FaceEmbedding> featureless_;  // set by Create()
  const std::unique_ptr<LandmarkNet> landmarks_;
  const std::unique_ptr<RecognitionNet> recognition_;
};

}  // namespace faceveil::identify

#endif  // FACEVEIL_IDENTIFY_IDENTIFIER_H_
