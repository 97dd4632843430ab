// Keep-or-hide decisions for the faces of a video, per track rather than
// per frame (issue 16): each track gathers what its key frames' embeddings
// said and is decided by them together, so a face does not flicker from
// hidden to kept when one frame's embedding is off.
//
//   TrackPeople people(filter);
//   people.Add(track.id, &match);        // a key frame's embedded face
//   people.Add(track.id, nullptr);       // one that could not be embedded
//   if (people.Decide(track.id).hidden) ...
//
// Privacy first. The tracker may hand a track from one face to another
// (two people crossing; the kept person leaves and a stranger steps into
// the place), so a track's past says nothing certain about the face it
// follows now. Hence every key frame on which the track's face was detected
// is one outcome, its closest listed person and distance or "unsure" (not
// embeddable), and the track's face is shown only while BOTH the latest
// outcome and the median of the last kTrackEvidence (of two middle ones,
// the one towards hiding) would show a photo's face (faceveil::Decide):
//  - one key frame that would hide a photo's face hides the track at once
//    (a stranger taking over a kept track, an unsure face, a listed person
//    taking over a visible track under kHide);
//  - to be shown again, a hidden track needs that and a majority of its
//    last three key frames;
//  - under kHide a track once matched stays hidden until its distances pass
//    kTrackReleaseFactor times the match distance.
// So the hysteresis only ever works towards hiding: a kept person whose
// key frame embeds badly (motion blur, a turned head) is hidden for one key
// interval, never a stranger shown.
#ifndef FACEVEIL_APP_TRACK_PEOPLE_H_
#define FACEVEIL_APP_TRACK_PEOPLE_H_

#include <map>
#include <span>
#include <vector>

#include "faceveil/people.h"

namespace faceveil {

// Key frames a track's way back to being shown looks at: a majority of
// three outvotes one bad embedding without letting a single good one show
// a track that was just hidden.
inline constexpr size_t kTrackEvidence = 3;

// Under kHide, a track once matched to a listed person stays hidden until
// its decision distance passes this many times the match distance: the
// listed person turning or leaving the frame embeds farther away (the
// astronaut of the test clip pan.mp4, going out at the top: 0.33, then
// 0.40-0.52), and showing them then would be the leak kHide is there to
// prevent.
inline constexpr float kTrackReleaseFactor = 1.5f;

class TrackPeople {
 public:
  // `filter` must outlive this object.
  explicit TrackPeople(const PeopleFilter& filter) : filter_(filter) {}

  // One key frame's evidence about track `track_id`, whose face was
  // detected on it: the closest listed person to its embedding, or null (or
  // person -1) when it could not be embedded, which counts as unsure.
  void Add(int track_id, const PersonSet::Match* match);

  // The decision for the track now. `distance` is the one the decision
  // used: under kKeep the larger of the latest key frame's and the
  // median's, under kHide the smaller; `embedded` is false when that one was
  // unsure (or the track has no key frame yet: hidden in both modes).
  FaceIdentity Decide(int track_id) const;

  // Forgets the tracks whose ids are not in `live` (ended tracks).
  void Retain(std::span<const int> live);

 private:
  // One key frame's outcome; person -1: unsure.
  using Outcome = PersonSet::Match;
  // What is known about one track.
  struct Evidence {
    std::vector<Outcome> recent;  // the last kTrackEvidence, oldest first
    bool matched = false;         // under kHide: decided a match (latched)
  };
  // The outcome that decides: see Decide().
  Outcome Decisive(const Evidence& evidence) const;
  // Whether the decisive outcome is a match of a listed person.
  bool IsMatch(const Evidence& evidence, const Outcome& decisive) const;

  const PeopleFilter& filter_;
  std::map<int, Evidence> tracks_;  // by track id
};

}  // namespace faceveil

#endif  // FACEVEIL_APP_TRACK_PEOPLE_H_
