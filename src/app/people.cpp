#include "faceveil/people.h"

#include <opencv2/core.hpp>
#include <string>

namespace faceveil {

float MatchDistance(const PeopleFilter& filter) {
  return filter.max_distance > 0 ? filter.max_distance : DefaultMatchDistance();
}

FaceIdentity Decide(const PeopleFilter& filter, const PersonSet::Match* match) {
  FaceIdentity out;
  if (match == nullptr || match->person < 0) {
    out.hidden = true;  // unsure: hidden whatever the mode
    return out;
  }
  out.embedded = true;
  out.distance = match->distance;
  const bool matched = match->distance <= MatchDistance(filter);
  out.person = matched ? match->person : -1;
  out.hidden = filter.mode == PeopleMode::kKeep ? !matched : matched;
  return out;
}

std::vector<FaceIdentity> IdentifyFaces(const PeopleFilter& filter,
                                        const cv::Mat& image,
                                        std::span<const Face> faces) {
  std::vector<FaceIdentity> out;
  out.reserve(faces.size());
  for (const Face& face : faces) {
    if (filter.identifier == nullptr) {
      out.push_back(Decide(filter, nullptr));
      continue;
    }
    auto embedding = filter.identifier->Embed(image, face);
    if (!embedding.ok()) {
      out.push_back(Decide(filter, nullptr));
      continue;
    }
    const PersonSet::Match match = filter.people.Closest(*embedding);
    out.push_back(Decide(filter, &match));
    // An empty set matches no one, yet the face was embedded.
    out.back().embedded = true;
    out.back().embedding = *embedding;
    out.back().reference = filter.identifier->CanBeReference(*embedding);
  }
  return out;
}

namespace {

std::string CountFaces(size_t n) {
  return std::to_string(n) + (n == 1 ? " face" : " faces");
}

}  // namespace

Result<FaceEmbedding> EmbedReferencePhoto(const Detector& detector,
                                          const FaceIdentifier& identifier,
                                          const DecodeOptions& decode,
                                          std::span<const uint8_t> bytes,
                                          int face_number) {
  auto image = DecodeImage(bytes, decode);
  if (!image.ok()) return image.status();
  auto faces = detector.Detect(image->pixels);
  if (!faces.ok()) return faces.status();
  const size_t n = faces->size();
  if (n == 0) {
    return Status::InvalidArgument(
        "no face found in it; give a photo that shows the person's face");
  }
  if (face_number == 0 && n > 1) {
    return Status::InvalidArgument(
        CountFaces(n) +
        " found in it; say which person with PHOTO#N (N from 1 "
        "to " +
        std::to_string(n) + ", in the order 'faceveil detect' lists them)");
  }
  if (face_number < 0 || static_cast<size_t>(face_number) > n) {
    return Status::InvalidArgument("face " + std::to_string(face_number) +
                                   " asked for, but only " + CountFaces(n) +
                                   " found in it (N counts from 1)");
  }
  const Face& face = (*faces)[face_number == 0 ? 0 : face_number - 1];
  auto embedding = identifier.EmbedReference(image->pixels, face);
  if (!embedding.ok()) {
    return Status::InvalidArgument("its face cannot be recognised (" +
                                   embedding.status().message() +
                                   "); give a photo where the face is larger");
  }
  return embedding;
}

}  // namespace faceveil
