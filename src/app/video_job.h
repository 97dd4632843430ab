// One video file through the pipeline: frames decoded, faces detected (every
// n-th frame) and tracked so no face flashes visible between detections,
// anonymized, re-encoded; audio and subtitles copied.
#ifndef FACEVEIL_APP_VIDEO_JOB_H_
#define FACEVEIL_APP_VIDEO_JOB_H_

#include <functional>
#include <string>

#include "faceveil/pipeline.h"
#include "faceveil/status.h"
#include "faceveil/video.h"

namespace faceveil {

struct VideoJobResult {
  VideoStats stats;
  int64_t max_faces_in_frame = 0;  // the most faces anonymized in one frame
  int64_t frames_with_faces = 0;
};

// Called with progress; returning false cancels the job.
using VideoJobProgress = std::function<bool(const VideoProgress&)>;

Result<VideoJobResult> AnonymizeVideoFile(const Pipeline& pipeline,
                                          const std::string& input,
                                          const std::string& output,
                                          const VideoOptions& options,
                                          int detect_every,
                                          const VideoJobProgress& progress);

}  // namespace faceveil

#endif  // FACEVEIL_APP_VIDEO_JOB_H_
