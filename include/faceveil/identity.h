// Who a face is, as far as "is this the same person?" goes: embeddings from
// dlib's ResNet face recognition network (as shipped in face-api's npm
// package, aligned with its 68-landmark network), compared by Euclidean
// distance. It serves "keep these people visible, hide everyone else" and
// the reverse (`anonymize --keep-person / --hide-person`, the page).
//
//   auto id = faceveil::FaceIdentifier::Create({});
//   auto e = (*id)->Embed(bgr_image, face);   // face from a Detector
//   bool same = faceveil::FaceIdentifier::Distance(*e, other) <=
//               faceveil::DefaultMatchDistance();
//
// Privacy first: a stranger wrongly left visible is a leak, a kept person
// wrongly hidden is an annoyance, so the default distance is chosen on that
// asymmetry (its measurement: docs/IDENTITY.md) and callers hide whenever a
// face cannot be embedded or matched.
//
// Embeddings never leave memory: nothing here writes a file.
#ifndef FACEVEIL_IDENTITY_H_
#define FACEVEIL_IDENTITY_H_

#include <array>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <vector>

#include "faceveil/face.h"
#include "faceveil/status.h"

namespace faceveil {

// A face's 128-d descriptor; unit scale as the network gives it.
struct FaceEmbedding {
  std::array<float, 128> values{};
};

// The largest distance between two embeddings that counts as one person
// by default (measured: docs/IDENTITY.md).
float DefaultMatchDistance();

struct IdentifierOptions {
  // Faces whose box is shorter than this (pixels) are not embedded: too
  // little detail to tell people apart, so they are never "matched" (and a
  // caller keeping people hides them).
  float min_face_px = 0;  // 0: the measured default
};

class FaceIdentifier {
 public:
  // Loads the embedded landmark and recognition networks. Thread-safe
  // afterwards: Embed() may run on many threads at once.
  static Result<std::unique_ptr<FaceIdentifier>> Create(
      const IdentifierOptions& options);
  virtual ~FaceIdentifier() = default;

  // Aligns `face` (a detector's box in `image` pixels; 8-bit BGR, BGRA or
  // gray) and embeds it. kInvalidArgument for a face too small or outside
  // the image.
  virtual Result<FaceEmbedding> Embed(const cv::Mat& image,
                                      const Face& face) const = 0;
  // As Embed(), for a reference face (a person to keep or hide), which must
  // be clearer than a face that is only compared with one: a changed copy
  // of a clear face (blurred, rescaled, relit) is less clear, yet still
  // told apart from strangers by its distance to the clear reference
  // (docs/IDENTITY.md). kInvalidArgument "too unclear to be a reference".
  virtual Result<FaceEmbedding> EmbedReference(const cv::Mat& image,
                                               const Face& face) const = 0;
  // Whether a face whose Embed() gave `embedding` is clear enough to be a
  // reference (EmbedReference() would accept it): the one place the
  // reference gate is applied, for callers that embed every face once and
  // let the user choose references among them (the page).
  virtual bool CanBeReference(const FaceEmbedding& embedding) const = 0;

  static float Distance(const FaceEmbedding& a, const FaceEmbedding& b);
};

// The people a caller keeps (or hides): one or more embeddings each.
class PersonSet {
 public:
  // Adds a person seen in one reference face; returns its index.
  int Add(const FaceEmbedding& embedding);
  // The closest person to `embedding` and the distance to them; index -1
  // when the set is empty.
  struct Match {
    int person = -1;
    float distance = 0;
  };
  Match Closest(const FaceEmbedding& embedding) const;
  bool empty() const { return people_.empty(); }
  int size() const { return static_cast<int>(people_.size()); }

 private:
  std::vector<FaceEmbedding> people_;
};

}  // namespace faceveil

#endif  // FACEVEIL_IDENTITY_H_
