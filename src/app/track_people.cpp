#include "app/track_people.h"

#include <algorithm>

namespace faceveil {

PersonSet::Match TrackPeople::Median(const Evidence& evidence) const {
  std::vector<PersonSet::Match> sorted = evidence.recent;
  std::sort(sorted.begin(), sorted.end(),
            [](const PersonSet::Match& a, const PersonSet::Match& b) {
              return a.distance < b.distance;
            });
  // With an even count, the middle sample towards hiding: the farther one
  // when a match keeps the face, the nearer one when a match hides it.
  const size_t n = sorted.size();
  const size_t middle =
      n % 2 == 1 || filter_.mode == PeopleMode::kKeep ? n / 2 : n / 2 - 1;
  return sorted[middle];
}

void TrackPeople::Add(int track_id, const PersonSet::Match* match) {
  if (match == nullptr || match->person < 0) return;
  Evidence& evidence = tracks_[track_id];
  evidence.recent.push_back(*match);
  if (evidence.recent.size() > kTrackEvidence) {
    evidence.recent.erase(evidence.recent.begin());
  }
  const float limit =
      MatchDistance(filter_) * (evidence.matched ? kTrackReleaseFactor : 1.0f);
  evidence.matched = Median(evidence).distance <= limit;
}

FaceIdentity TrackPeople::Decide(int track_id) const {
  auto it = tracks_.find(track_id);
  if (it == tracks_.end() || it->second.recent.empty()) {
    return faceveil::Decide(filter_, nullptr);
  }
  const Evidence& evidence = it->second;
  const PersonSet::Match median = Median(evidence);
  FaceIdentity out;
  out.embedded = true;
  out.distance = median.distance;
  out.person = evidence.matched ? median.person : -1;
  out.hidden =
      filter_.mode == PeopleMode::kKeep ? !evidence.matched : evidence.matched;
  return out;
}

void TrackPeople::Retain(std::span<const int> live) {
  for (auto it = tracks_.begin(); it != tracks_.end();) {
    if (std::find(live.begin(), live.end(), it->first) == live.end()) {
      it = tracks_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace faceveil
