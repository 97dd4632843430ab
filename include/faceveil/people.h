// Keeping chosen people visible (or hiding only them): which detected faces
// a Pipeline leaves alone, decided by FaceIdentifier embeddings (issue 16).
//
//   auto id = faceveil::FaceIdentifier::Create({});
//   auto filter = std::make_shared<faceveil::PeopleFilter>();
//   filter->identifier = std::move(*id);
//   auto ref = faceveil::EmbedReferencePhoto(detector, *filter->identifier,
//                                            decode, bytes, 0);
//   filter->people.Add(*ref);
//   pipeline_options.people = filter;   // then Pipeline::Anonymize()
//
// Privacy first: a face that cannot be embedded (too small, cut by the
// border, an error) is "unsure" and hidden in both modes; under kKeep only
// a face within max_distance of a kept person stays visible.
#ifndef FACEVEIL_PEOPLE_H_
#define FACEVEIL_PEOPLE_H_

#include <cstdint>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <span>
#include <vector>

#include "faceveil/detector.h"
#include "faceveil/face.h"
#include "faceveil/identity.h"
#include "faceveil/image.h"
#include "faceveil/status.h"

namespace faceveil {

enum class PeopleMode {
  kKeep,  // the listed people stay visible, every other face is hidden
  kHide,  // only the listed people are hidden (and every unsure face)
};

// Who is kept or hidden. Immutable while a Pipeline uses it; shared by
// every thread of a run.
struct PeopleFilter {
  // What a match means.
  PeopleMode mode = PeopleMode::kKeep;
  // Embeds the faces; required.
  std::shared_ptr<const FaceIdentifier> identifier;
  // The listed people (at least one).
  PersonSet people;
  // Largest embedding distance that counts as a match; 0: the default,
  // DefaultMatchDistance().
  float max_distance = 0;
};

// What a PeopleFilter decided about one face.
struct FaceIdentity {
  // The face was embedded; false: too small or not embeddable, so unsure.
  bool embedded = false;
  // Index (from 0, in the order added) of the closest listed person when
  // within the match distance; -1 for no match.
  int person = -1;
  // Distance to the closest listed person; meaningful when `embedded`.
  float distance = 0;
  // The face is anonymized.
  bool hidden = true;
  // `embedded` and clear enough to be a reference
  // (FaceIdentifier::CanBeReference): the page offers only such faces as
  // a person to keep or hide.
  bool reference = false;
  // The face's embedding, when `embedded` (for callers that match faces
  // across photos themselves: the page). Never written to any file.
  FaceEmbedding embedding;
};

// The match distance `filter` uses (its own or the default).
float MatchDistance(const PeopleFilter& filter);

// The decision for a face whose embedding is `match` (null: unsure). A face
// is a match when embedded and no farther than MatchDistance(); unsure
// faces and non-matches are hidden under kKeep, matches and unsure faces
// under kHide.
FaceIdentity Decide(const PeopleFilter& filter, const PersonSet::Match* match);

// Embeds each of `faces` in `image` (8-bit BGR) and decides it; one entry
// per face, in order.
std::vector<FaceIdentity> IdentifyFaces(const PeopleFilter& filter,
                                        const cv::Mat& image,
                                        std::span<const Face> faces);

// The embedding of the reference face in a photo given by the user (the
// file's `bytes`): `face_number` 0 when the photo must show exactly one
// face, else the face's number counted from 1 in the order `faceveil
// detect` lists them. InvalidArgument, in words for people, for a photo
// without a face, with several when no number was given, a number out of
// range or a face too small to embed.
Result<FaceEmbedding> EmbedReferencePhoto(const Detector& detector,
                                          const FaceIdentifier& identifier,
                                          const DecodeOptions& decode,
                                          std::span<const uint8_t> bytes,
                                          int face_number);

}  // namespace faceveil

#endif  // FACEVEIL_PEOPLE_H_
