#include "identify/identifier.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace faceveil {
namespace identify {
namespace {

// Boxes beyond this (pixels, any coordinate) are rejected before any
// integer arithmetic on them.
constexpr float kMaxCoordinate = 1 << 24;

std::string WholePixels(float v) {
  return std::to_string(static_cast<int>(std::lround(v)));
}

Status CheckInput(const cv::Mat& image, const Face& face, float min_face_px) {
  if (image.empty()) {
    return Status::InvalidArgument("cannot identify a face in an empty image");
  }
  if (image.depth() != CV_8U ||
      (image.channels() != 1 && image.channels() != 3 &&
       image.channels() != 4)) {
    return Status::InvalidArgument(
        "face identification needs an 8-bit gray, BGR or BGRA image");
  }
  const Box& b = face.box;
  if (!std::isfinite(b.x) || !std::isfinite(b.y) || !std::isfinite(b.w) ||
      !std::isfinite(b.h) || std::abs(b.x) > kMaxCoordinate ||
      std::abs(b.y) > kMaxCoordinate || b.w > kMaxCoordinate ||
      b.h > kMaxCoordinate) {
    return Status::InvalidArgument("the face's box is not a usable rectangle");
  }
  if (b.w < 1 || b.h < 1) {
    return Status::InvalidArgument("the face's box is empty");
  }
  if (b.h < min_face_px) {
    return Status::InvalidArgument(
        "the face is " + WholePixels(b.h) + " px tall; faces under " +
        WholePixels(min_face_px) + " px are too small to tell people apart");
  }
  if (b.x + b.w <= 0 || b.y + b.h <= 0 || b.x >= image.cols ||
      b.y >= image.rows) {
    return Status::InvalidArgument("the face lies outside the image");
  }
  return Status::Ok();
}

}  // namespace

Identifier::Identifier(float min_face_px, float min_clarity,
                       std::unique_ptr<LandmarkNet> landmarks,
                       std::unique_ptr<RecognitionNet> recognition)
    : min_face_px_(min_face_px),
      min_clarity_(min_clarity),
      landmarks_(std::move(landmarks)),
      recognition_(std::move(recognition)) {}

Result<std::unique_ptr<Identifier>> Identifier::Create(
    const IdentifierOptions& options, const ModelFiles& landmarks,
    const ModelFiles& recognition, float min_clarity) {
  if (!std::isfinite(options.min_face_px) || options.min_face_px < 0) {
    return Status::InvalidArgument(
        "the minimum face size for identification must be 0 or more pixels");
  }
  Result<std::unique_ptr<LandmarkNet>> l = LandmarkNet::Create(landmarks);
  if (!l.ok()) return l.status();
  Result<std::unique_ptr<RecognitionNet>> r =
      RecognitionNet::Create(recognition);
  if (!r.ok()) return r.status();
  const float min_face_px =
      options.min_face_px > 0 ? options.min_face_px : kDefaultMinFacePx;
  if (!std::isfinite(min_clarity) || min_clarity < 0) {
    return Status::InvalidArgument("the clarity check must be 0 or more");
  }
  std::unique_ptr<Identifier> id(new Identifier(
      min_face_px, min_clarity, std::move(l).value(), std::move(r).value()));
  // The featureless faces: uniform black and mid-grey squares.
  for (int v : {0, 128}) {
    const cv::Mat flat(kRecognitionInput, kRecognitionInput, CV_8UC3,
                       cv::Scalar::all(v));
    Result<FaceEmbedding> e =
        id->EmbedSquare(flat, Square{0, 0, kRecognitionInput});
    if (!e.ok()) return e.status();
    id->featureless_.push_back(*e);
  }
  return id;
}

float Identifier::Clarity(const FaceEmbedding& e) const {
  float d = std::numeric_limits<float>::infinity();
  for (const FaceEmbedding& f : featureless_) {
    d = std::min(d, FaceIdentifier::Distance(e, f));
  }
  return d;
}

Result<FaceEmbedding> Identifier::Embed(const cv::Mat& image,
                                        const Face& face) const {
  EmbedDetails details;
  return EmbedWithDetails(image, face, &details);
}

Result<FaceEmbedding> Identifier::EmbedWithDetails(
    const cv::Mat& image, const Face& face, EmbedDetails* details) const {
  FACEVEIL_RETURN_IF_ERROR(CheckInput(image, face, min_face_px_));
  Result<Landmarks> landmarks = FindLandmarks(*landmarks_, image, face.box);
  if (!landmarks.ok()) return landmarks.status();
  details->landmarks = *landmarks;
  Result<Square> square = DlibSquare(*landmarks);
  if (!square.ok()) return square.status();
  details->aligned = *square;
  Result<FaceEmbedding> e = EmbedSquare(image, *square);
  if (!e.ok()) return e.status();
  if (Clarity(*e) < min_clarity_) {
    return Status::InvalidArgument(
        "the face is too unclear to tell who it is (blurred, hidden, turned "
        "away or too small)");
  }
  return e;
}

Result<FaceEmbedding> Identifier::EmbedSquare(const cv::Mat& image,
                                              const Square& square) const {
  const cv::Mat blob = SampleSquare(
      image, square, cv::Rect(0, 0, image.cols, image.rows), kRecognitionInput);
  Result<std::array<float, kDescriptorSize>> d = recognition_->Run(blob);
  if (!d.ok()) return d.status();
  FaceEmbedding e;
  for (int i = 0; i < kDescriptorSize; ++i) {
    if (!std::isfinite((*d)[i])) {
      return Status::Internal("recognition network gave a non-finite value");
    }
    e.values[i] = (*d)[i];
  }
  return e;
}

}  // namespace identify

// The largest distance that counts as the same person, chosen privacy
// first (docs/IDENTITY.md): on WIDER val, of the different-person pairs of
// faces >= 24 px that pass the clarity gate, 0.11% lie within 0.35 (7 of
// 6,334, 5 of them in one collage-like photo), 0.33% within 0.40 and 1.1%
// within 0.45; dlib's usual 0.6 would keep 25%. The price: the same face
// flipped stays within 0.35 for 84% of faces >= 40 px, blurred for 52%.
float DefaultMatchDistance() { return 0.35f; }

Result<std::unique_ptr<FaceIdentifier>> FaceIdentifier::Create(
    const IdentifierOptions& options) {
  Result<std::unique_ptr<identify::Identifier>> id =
      identify::Identifier::Create(options, identify::EmbeddedLandmarkModel(),
                                   identify::EmbeddedRecognitionModel());
  if (!id.ok()) return id.status().WithContext("embedded identity model");
  return std::unique_ptr<FaceIdentifier>(std::move(id).value());
}

float FaceIdentifier::Distance(const FaceEmbedding& a, const FaceEmbedding& b) {
  double s = 0;
  for (size_t i = 0; i < a.values.size(); ++i) {
    const double d = static_cast<double>(a.values[i]) - b.values[i];
    s += d * d;
  }
  return static_cast<float>(std::sqrt(s));
}

int PersonSet::Add(const FaceEmbedding& embedding) {
  people_.push_back(embedding);
  return static_cast<int>(people_.size()) - 1;
}

PersonSet::Match PersonSet::Closest(const FaceEmbedding& embedding) const {
  Match best;
  for (size_t i = 0; i < people_.size(); ++i) {
    const float d = FaceIdentifier::Distance(embedding, people_[i]);
    if (best.person < 0 || d < best.distance) {
      best.person = static_cast<int>(i);
      best.distance = d;
    }
  }
  return best;
}

}  // namespace faceveil
