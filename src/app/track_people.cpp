#include "app/track_people.h"

#include <algorithm>
#include <limits>

namespace faceveil {

namespace {

bool Unsure(const PersonSet::Match& m) { return m.person < 0; }

}  // namespace

// An unsure outcome sorts as the farthest under kKeep and the nearest
// under kHide: wherever it lands, it pulls the decision towards hiding.
PersonSet::Match TrackPeople::Decisive(const Evidence& evidence) const {
  const bool keep = filter_.mode == PeopleMode::kKeep;
  auto key = [keep](const Outcome& m) {
    if (Unsure(m)) {
      return keep ? std::numeric_limits<float>::infinity()
                  : -std::numeric_limits<float>::infinity();
    }
    return m.distance;
  };
  std::vector<Outcome> sorted = evidence.recent;
  std::sort(
      sorted.begin(), sorted.end(),
      [&key](const Outcome& a, const Outcome& b) { return key(a) < key(b); });
  // With an even count, the middle outcome towards hiding: the farther one
  // under kKeep, the nearer one under kHide.
  const size_t n = sorted.size();
  const Outcome& median = sorted[n % 2 == 1 || keep ? n / 2 : n / 2 - 1];
  const Outcome& latest = evidence.recent.back();
  // Shown only when both would show: under kKeep both near enough (the
  // larger decides), under kHide both far enough (the smaller decides).
  const bool latest_decides =
      keep ? key(latest) >= key(median) : key(latest) <= key(median);
  return latest_decides ? latest : median;
}

bool TrackPeople::IsMatch(const Evidence& evidence,
                          const Outcome& decisive) const {
  if (Unsure(decisive)) return false;
  const bool latched = filter_.mode == PeopleMode::kHide && evidence.matched;
  return decisive.distance <=
         MatchDistance(filter_) * (latched ? kTrackReleaseFactor : 1.0f);
}

void TrackPeople::Add(int track_id, const PersonSet::Match* match) {
  Evidence& evidence = tracks_[track_id];
  evidence.recent.push_back(match != nullptr ? *match : Outcome{});
  if (evidence.recent.size() > kTrackEvidence) {
    evidence.recent.erase(evidence.recent.begin());
  }
  // An unsure outcome hides the track (Decide) but does not release a
  // kHide latch: a listed person who turns away is still that person.
  const Outcome decisive = Decisive(evidence);
  if (!Unsure(decisive)) evidence.matched = IsMatch(evidence, decisive);
}

FaceIdentity TrackPeople::Decide(int track_id) const {
  auto it = tracks_.find(track_id);
  if (it == tracks_.end() || it->second.recent.empty()) {
    return faceveil::Decide(filter_, nullptr);
  }
  const Evidence& evidence = it->second;
  const Outcome decisive = Decisive(evidence);
  FaceIdentity out;
  out.hidden = true;
  if (Unsure(decisive)) return out;  // unsure: hidden in both modes
  out.embedded = true;
  out.distance = decisive.distance;
  out.person = evidence.matched ? decisive.person : -1;
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
