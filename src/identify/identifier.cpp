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

Identifier::Identifier(float min_face_px, const EmbedSettings& settings,
                       std::unique_ptr<LandmarkNet> landmarks,
                       std::unique_ptr<RecognitionNet> recognition)
    : min_face_px_(min_face_px),
      settings_(settings),
      landmarks_(std::move(landmarks)),
      recognition_(std::move(recognition)) {}

Result<std::unique_ptr<Identifier>> Identifier::Create(
    const IdentifierOptions& options, const ModelFiles& landmarks,
    const ModelFiles& recognition, const EmbedSettings& settings) {
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
  if (!std::isfinite(settings.min_clarity) || settings.min_clarity < 0 ||
      !std::isfinite(settings.min_reference_clarity) ||
      settings.min_reference_clarity < settings.min_clarity) {
    return Status::InvalidArgument(
        "the clarity checks must be 0 or more, the reference's at least the "
        "other's");
  }
  std::unique_ptr<Identifier> id(new Identifier(
      min_face_px, settings, std::move(l).value(), std::move(r).value()));
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

Result<FaceEmbedding> Identifier::EmbedReference(const cv::Mat& image,
                                                 const Face& face) const {
  EmbedDetails details;
  return EmbedWithDetails(image, face, &details, true);
}

bool Identifier::CanBeReference(const FaceEmbedding& embedding) const {
  return Clarity(embedding) >= settings_.min_reference_clarity;
}

Result<FaceEmbedding> Identifier::EmbedWithDetails(const cv::Mat& image,
                                                   const Face& face,
                                                   EmbedDetails* details,
                                                   bool reference) const {
  FACEVEIL_RETURN_IF_ERROR(CheckInput(image, face, min_face_px_));
  Result<Landmarks> landmarks = FindLandmarks(*landmarks_, image, face.box);
  if (!landmarks.ok()) return landmarks.status();
  details->landmarks = *landmarks;
  Result<FaceEmbedding> e = Status::Internal("no alignment");
  if (settings_.alignment == Alignment::kFaceApi) {
    Result<Square> square = DlibSquare(*landmarks);
    if (!square.ok()) return square.status();
    details->aligned = *square;
    e = EmbedSquare(image, *square);
    if (e.ok()) details->plain = *e;
  } else {
    Result<cv::Matx23d> to_chip = ChipTransform(*landmarks, kRecognitionInput);
    if (!to_chip.ok()) return to_chip.status();
    details->to_chip = *to_chip;
    e = EmbedBlob(SampleChip(image, *to_chip, kRecognitionInput, false));
    if (!e.ok()) return e.status();
    details->plain = *e;
    if (settings_.mirror_average) {
      Result<FaceEmbedding> m =
          EmbedBlob(SampleChip(image, *to_chip, kRecognitionInput, true));
      if (!m.ok()) return m.status();
      details->mirrored = *m;
      for (int i = 0; i < kDescriptorSize; ++i) {
        e->values[i] = 0.5f * (e->values[i] + m->values[i]);
      }
    }
  }
  if (!e.ok()) return e.status();
  const float clarity = Clarity(*e);
  if (clarity < settings_.min_clarity) {
    return Status::InvalidArgument(
        "the face is too unclear to tell who it is (blurred, hidden, turned "
        "away or too small)");
  }
  if (reference && !CanBeReference(*e)) {
    return Status::InvalidArgument(
        "the face is too unclear to be a reference (blurred, turned away or "
        "small); a sharp, frontal face works best");
  }
  return e;
}

Result<FaceEmbedding> Identifier::EmbedSquare(const cv::Mat& image,
                                              const Square& square) const {
  return EmbedBlob(SampleSquare(image, square,
                                cv::Rect(0, 0, image.cols, image.rows),
                                kRecognitionInput));
}

Result<FaceEmbedding> Identifier::EmbedBlob(const cv::Mat& blob) const {
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
// first (docs/IDENTITY.md): the largest at which, on WIDER val, at most
// 0.1% of the different-person pairs of faces >= 24 px are kept (0.077%
// with the dlib chip, the mirror mean and the gates 0.6 / 0.45). There the
// same face of >= 40 px is kept flipped 96%, recompressed or relit 97-98%,
// at half size 85%, blurred (sigma 1.5) 56%.
float DefaultMatchDistance() { return 0.33f; }

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
