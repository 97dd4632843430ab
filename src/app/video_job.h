// One video file through the pipeline: frames decoded, faces detected and
// tracked so that no face flashes visible between detections, anonymized,
// re-encoded; audio copied (subtitles when asked, see VideoOptions).
//
// How a video is searched for faces (the video meaning of a detection
// mode): every `detect_every`-th frame (a key frame) gets the pipeline's
// full detection (its mode, e.g. balanced tiling for small faces); the
// tracker carries every face from key frame to key frame and holds a track
// for longer than the key-frame interval; and since detection runs on
// worker threads ahead of the in-order tracking, anonymizing and encoding,
// the frames before a key frame already know its faces ("look-ahead"): a
// face that appears between two key frames is hidden from the frame it
// could first be in, not from the next key frame on. Optionally the frames
// between also get a cheap whole-image inference of their own
// (`detect_between`).
#ifndef FACEVEIL_APP_VIDEO_JOB_H_
#define FACEVEIL_APP_VIDEO_JOB_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "faceveil/pipeline.h"
#include "faceveil/status.h"
#include "faceveil/video.h"

namespace faceveil {

struct VideoJobOptions {
  // Transcoding: encoder, limits, metadata. Its prepare_threads and
  // lookahead_frames are set by the job when left at 0 / default.
  VideoOptions video;

  // Full detection on every n-th frame (frames 0, n, 2n, ...). 0: the
  // default, kDefaultVideoDetectEvery (faceveil/video.h). 1: full detection on
  // every frame.
  int detect_every = 0;

  // Frames between key frames also hide the faces the next key frame
  // detects that no track covers yet (boxes grown for the motion up to it),
  // so a face entering between key frames is hidden at once. Costs no
  // inference (it waits for the next key frame's detection, which runs
  // ahead anyway). Used when detect_every is at most the window of
  // prepared frames (VideoOptions::lookahead_frames, 32 at most here).
  bool look_ahead = true;

  // Between key frames, also run one whole-image inference (the single
  // mode) on a downscaled copy, which refreshes fast-moving large faces'
  // boxes. Off by default since look-ahead: it cost more CPU than the key
  // frames' detection (bench/video_bench, CrowdNet fast at 1080p: 0.62x
  // instead of 0.81x of plain decode + encode).
  bool detect_between = false;

  // Long side, in pixels, of the copy the between-frames pass sees. The
  // model sees 192 px anyway; a copy 3x that keeps its resampling clean
  // and costs a fraction of the full frame. <= 0: the full frame.
  int between_long_side = 640;

  // Threads detecting ahead of the tracker; 0: one per CPU core.
  int detect_threads = 0;

  // A track is held at least this long after its last detection, and at
  // least 2.5 key-frame intervals (so a small face only the key frames'
  // full detection sees stays covered from one key frame to the next).
  double min_hold_s = 0.5;

  // How this video is detected and anonymized; unset: the pipeline's own
  // options (Pipeline::options()). Key frames detect with `call->detector`,
  // the frames between with BetweenFramesDetectorOptions() of it, both on
  // the pipeline's loaded networks (Pipeline::CheckCall() must accept it).
  std::optional<PipelineOptions> call;
};

// What a people filter (--keep-person / --hide-person) decided about one
// track, one face the tracker followed, for --report: the frames it covered
// and each stretch of them under one decision (a track's decision changes
// when, say, a stranger takes the kept person's track over).
struct TrackDecisions {
  // A run of consecutive frames of the track with one decision.
  struct Stretch {
    int64_t first_frame = 0;  // frame numbers from 0, in decoding order
    int64_t last_frame = 0;
    bool hidden = true;
    // The listed person (from 0, in the order given) matched; -1: none.
    int person = -1;
    // The smallest of the distances the track's decision used over the
    // stretch (TrackPeople::Decide); < 0 when none was embedded (unsure).
    float distance = -1;
  };
  int id = 0;                      // the tracker's id, from 1
  int64_t first_frame = 0;         // the frames it covered
  int64_t last_frame = 0;          //
  int key_frames = 0;              // key frames on which its face was detected
  int embedded = 0;                // of which the face could be embedded
  int64_t visible_frames = 0;      // frames on which it was left visible
  std::vector<Stretch> stretches;  // in frame order, at least one
};

struct VideoJobResult {
  VideoStats stats;
  int64_t max_faces_in_frame = 0;  // the most faces anonymized in one frame
  int64_t frames_with_faces = 0;
  int64_t tracks = 0;  // distinct faces followed (tracks started)
  // With a people filter: tracks left visible in at least one frame.
  int64_t tracks_visible = 0;
  // A people filter was used: tracks_visible and track_decisions are
  // meaningful only then.
  bool people = false;
  // With a people filter: every track, in order of id.
  std::vector<TrackDecisions> track_decisions;
  int detect_every = 0;  // the key-frame interval used
  double seconds = 0;    // wall time of the job
};

// The detect options of the between-frames pass of a video whose key frames
// detect with `full`: the same models and settings, in the single mode. A
// threshold the user chose is kept; an unset one resolves to the single
// mode's own for those models (ScoreThreshold()): on the default video
// path, BlazeFace, 0.5 rather than balanced's 0.38.
DetectOptions BetweenFramesDetectorOptions(const DetectOptions& full);

// Called with progress; returning false cancels the job.
using VideoJobProgress = std::function<bool(const VideoProgress&)>;

Result<VideoJobResult> AnonymizeVideoFile(const Pipeline& pipeline,
                                          const std::string& input,
                                          const std::string& output,
                                          const VideoJobOptions& options,
                                          const VideoJobProgress& progress);

// One line for a person: "clip.mp4: 450 frames (0:15 of video) in 0:14,
// 31.9 fps; 3 faces followed, up to 2 at once, in 420 frames; 1 stream
// copied; dropped 1 subtitle stream (drones write GPS there;
// --keep-subtitles keeps them); 12.3 MB written". The "dropped" part names
// each kind of stream left out, and only appears when one was.
std::string FormatVideoSummary(const std::string& name,
                               const VideoJobResult& result);

// The video's line of --report (faceveil/report.h): "file", "width",
// "height", "faces" (empty: a video's faces are its tracks), "frames" and,
// with a people filter, "tracks_visible" and "tracks", one object per
// track: "track" (id), "frames" [first, last], "key_frames",
// "embedded", "matched", "person" (from 1; when matched), "distance" (the
// smallest the decision used, null if never embedded), "hidden" (in every
// frame), "visible_frames" and "decisions", the stretches of frames with
// one decision, each with "frames", "matched", "person", "distance",
// "hidden".
std::string VideoReportToJsonLine(const std::string& file,
                                  const VideoJobResult& result);

}  // namespace faceveil

#endif  // FACEVEIL_APP_VIDEO_JOB_H_
