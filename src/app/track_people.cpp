#include "app/track_people.h"

#include <algorithm>

namespace faceveil {

void TrackPeople::Add(int track_id, const PersonSet::Match* match) {
  if (match == nullptr || match->person < 0) return;
  std::vector<PersonSet::Match>& samples = samples_[track_id];
  samples.push_back(*match);
  if (samples.size() > kTrackEvidence) samples.erase(samples.begin());
}

FaceIdentity TrackPeople::Decide(int track_id) const {
  auto it = samples_.find(track_id);
  if (it == samples_.end() || it->second.empty()) {
    return faceveil::Decide(filter_, nullptr);
  }
  std::vector<PersonSet::Match> sorted = it->second;
  std::sort(sorted.begin(), sorted.end(),
            [](const PersonSet::Match& a, const PersonSet::Match& b) {
              return a.distance < b.distance;
            });
  // With an even count, the middle sample towards hiding: the farther one
  // when a match keeps the face, the nearer one when a match hides it.
  const size_t n = sorted.size();
  const size_t middle =
      n % 2 == 1 || filter_.mode == PeopleMode::kKeep ? n / 2 : n / 2 - 1;
  return faceveil::Decide(filter_, &sorted[middle]);
}

void TrackPeople::Retain(std::span<const int> live) {
  for (auto it = samples_.begin(); it != samples_.end();) {
    if (std::find(live.begin(), live.end(), it->first) == live.end()) {
      it = samples_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace faceveil
