// Keep-or-hide decisions for the faces of a video, per track rather than
// per frame (issue 16): each track gathers the match distances of its key
// frames' embeddings and is decided by all of them so far, so a face does
// not flicker between kept and hidden when one frame's embedding is off.
//
//   TrackPeople people(filter);
//   people.Add(track.id, &match);        // a key frame's embedded face
//   people.Add(track.id, nullptr);       // one that could not be embedded
//   if (people.Decide(track.id).hidden) ...
//
// The rule: the median of the track's last kTrackEvidence distances (of
// two middle ones the one towards hiding: the larger under kKeep, the
// smaller under kHide) decides as one photo face's distance would
// (faceveil::Decide). A track with no embedded key frame yet is unsure, so
// hidden in both modes; one never matched stays hidden under kKeep. Once
// matched, a track stays so until the median passes kTrackReleaseFactor
// times the match distance.
#ifndef FACEVEIL_APP_TRACK_PEOPLE_H_
#define FACEVEIL_APP_TRACK_PEOPLE_H_

#include <map>
#include <span>
#include <vector>

#include "faceveil/people.h"

namespace faceveil {

// Key frames a track's decision looks back on. Three outvote one bad
// embedding (motion blur, a turned head) without a flicker, and a track the
// tracker hands from a kept person to a stranger (faces crossing) is hidden
// again from the stranger's second key frame: a longer memory would show
// the stranger for longer.
inline constexpr size_t kTrackEvidence = 3;

// A track once matched stays matched until that median passes this many
// times the match distance (hysteresis): a face the tracker has followed
// from a confident match embeds farther away as it turns or leaves the
// frame (the astronaut of the test clip pan.mp4, going out at the top:
// 0.33, then 0.40-0.52), and hiding it then would be a flip of the kind
// per-track decisions are there to avoid, while a stranger who takes the
// track over is farther still (Messi is 0.76 from her). Under kHide it
// keeps a matched track hidden the same way.
inline constexpr float kTrackReleaseFactor = 1.5f;

class TrackPeople {
 public:
  // `filter` must outlive this object.
  explicit TrackPeople(const PeopleFilter& filter) : filter_(filter) {}

  // One key frame's evidence about track `track_id`: the closest listed
  // person to its face's embedding, or null when it could not be embedded
  // (which adds no evidence).
  void Add(int track_id, const PersonSet::Match* match);

  // The decision for the track from all its evidence so far.
  FaceIdentity Decide(int track_id) const;

  // Forgets the tracks whose ids are not in `live` (ended tracks).
  void Retain(std::span<const int> live);

 private:
  // What is known about one track.
  struct Evidence {
    std::vector<PersonSet::Match> recent;  // the last kTrackEvidence
    bool matched = false;                  // decided a match (latched)
  };
  PersonSet::Match Median(const Evidence& evidence) const;

  const PeopleFilter& filter_;
  std::map<int, Evidence> tracks_;  // by track id
};

}  // namespace faceveil

#endif  // FACEVEIL_APP_TRACK_PEOPLE_H_
