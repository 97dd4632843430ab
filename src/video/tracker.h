// Face tracking across video frames, so that a face the detector misses for
// a few frames (motion blur, a turned head, frames it was not run on) stays
// anonymized. Pure logic: boxes in, boxes out.
//
//   FaceTracker tracker({});
//   for each frame i at time t:
//     std::vector<Face> faces;
//     if (tracker.WantsDetection(i)) faces = detector.Detect(frame);
//     auto cover = tracker.Update(t, tracker.WantsDetection(i) ? &faces
//                                                              : nullptr);
//     Anonymize(frame, cover, ...);
//
// Each track follows one face with an alpha-beta filter (constant velocity)
// on its box centre and size. Detections are matched to the tracks' predicted
// boxes greedily by IoU, best pair first. A track that is not detected
// coasts on its velocity, its box growing so that the uncertainty is covered,
// until `hold_s` has passed since its last detection.
#ifndef FACEVEIL_VIDEO_TRACKER_H_
#define FACEVEIL_VIDEO_TRACKER_H_

#include <cstdint>
#include <vector>

#include "faceveil/face.h"

namespace faceveil::video {

struct TrackerOptions {
  // A detection joins a track when the IoU of its box with the track's
  // predicted box is at least this. In (0, 1].
  float match_iou = 0.2f;

  // Seconds a track is kept, coasting, after its last detection. Longer
  // covers longer detector misses at the cost of covering where a face has
  // left.
  double hold_s = 0.5;

  // Weight of a new detection in the smoothed box, in (0, 1]. 1: follow the
  // detector exactly; lower: steadier boxes that lag behind fast motion.
  float position_gain = 0.7f;

  // Weight of the latest motion in the velocity estimate, in [0, 1].
  float velocity_gain = 0.4f;

  // While coasting, the box's width and height grow by this fraction of
  // their size per second since the last detection (0.5: +50% after 1 s).
  float coast_growth_per_s = 0.5f;

  // Run the detector on every Nth frame only (frames 0, N, 2N, ...); tracks
  // are predicted in between. 1: every frame.
  int detect_every = 1;
};

// One tracked face.
struct Track {
  int id = 0;  // unique per tracker, in order of appearance
  Face face;   // the box to cover at the last Update()
  double last_detected_s = 0;
  int detections = 0;     // detections matched so far
  bool coasting = false;  // not detected at the last Update()
  // Index in the last Update()'s detections of the one that joined (or
  // started) this track; -1 when it was not detected then.
  int detection = -1;
};

class FaceTracker {
 public:
  explicit FaceTracker(const TrackerOptions& options);

  // True when the detector should run on frame `frame_index`.
  bool WantsDetection(int64_t frame_index) const;

  // Advances to `time_s` (non-decreasing; a smaller value is treated as no
  // time passing) with this frame's `detections`, or null when the detector
  // did not run on it. Returns the faces to cover: one per live track, in
  // the order of tracks(), a detected face's box never smaller than its
  // detection.
  std::vector<Face> Update(double time_s, const std::vector<Face>* detections);

  // Live tracks after the last Update().
  const std::vector<Track>& tracks() const { return tracks_; }

  // Forgets every track (e.g. at a scene cut or a seek).
  void Reset();

 private:
  // Alpha-beta filter state of one track, parallel to tracks_.
  struct State {
    float cx, cy, w, h;      // smoothed box centre and size, pixels
    float vcx, vcy, vw, vh;  // their rates, pixels per second
    double updated_s;        // time of the last matched detection
    Face detected;           // that detection
  };
  const TrackerOptions options_;
  std::vector<Track> tracks_;
  std::vector<State> states_;
  double last_time_s_ = 0;
  bool started_ = false;
  int next_id_ = 1;
};

}  // namespace faceveil::video

#endif  // FACEVEIL_VIDEO_TRACKER_H_
