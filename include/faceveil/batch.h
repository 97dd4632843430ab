// Anonymizing many files: photos and videos named one by one or as folders
// (walked recursively and mirrored under the output folder), in parallel
// over files, with progress on stderr and a summary at the end.
//
// Memory is bounded by the number of jobs: each job holds one file at a
// time, so a folder of 10,000 photos is never loaded at once.
#ifndef FACEVEIL_BATCH_H_
#define FACEVEIL_BATCH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "faceveil/pipeline.h"
#include "faceveil/status.h"
#include "faceveil/video.h"

namespace faceveil {

struct BatchOptions {
  // Files processed at once; 0 = one per CPU core.
  int jobs = 0;
  // Replace outputs that already exist (otherwise they are skipped).
  bool overwrite = false;
  // Write each output over its input. The output path must be empty.
  bool in_place = false;
  // Write a JSON Lines report (schema of faceveil/report.h) here; empty:
  // none. Written atomically when the run ends. It must not be an input or
  // an output, and an existing file is replaced only with `overwrite`
  // (RunBatch refuses the run before any work otherwise).
  std::string report_path;
  // No progress or per-file messages on stderr.
  bool quiet = false;
  // Files larger than this are refused before they are read.
  int64_t max_file_bytes = int64_t{1} << 30;
  // Encoding, limits and metadata for videos.
  VideoOptions video;
  // Run the full detection on every n-th video frame only (key frames);
  // tracking and look-ahead cover the rest. 0: the video default
  // (kDefaultVideoDetectEvery).
  int detect_every = 0;
  // Videos are detected with these networks when set (on the same loaded
  // pipeline, DetectOptions::models), else with the photos' ones. The CLI
  // sets kCrowdNet unless --detector is given: the ensemble's SSD would
  // cost every key frame ~0.5 s.
  std::optional<DetectorModels> video_models;
  // And in this mode when set, else the photos' one. The CLI sets kFast
  // unless --mode is given (bench/video_bench: CrowdNet fast keeps a 1080p
  // video at ~0.8x the speed of decoding + encoding alone, balanced ~0.5x).
  std::optional<DetectionMode> video_mode;
};

struct FileFailure {
  std::string input;
  std::string reason;
};

// Something a person should know about one path, e.g. a folder that was not
// walked or what an output lost from its input.
struct PathNote {
  std::string path;
  std::string note;
};

struct BatchSummary {
  int64_t files = 0;             // files planned
  int64_t done = 0;              // outputs written
  int64_t skipped_existing = 0;  // outputs that existed (no --overwrite)
  int64_t failed = 0;            // files that could not be processed
  int64_t without_faces = 0;     // done, but no face was found
  int64_t faces = 0;             // faces anonymized (video: per-frame peak)
  // Faces left visible by PipelineOptions::people (video: tracks).
  int64_t faces_visible = 0;
  std::vector<FileFailure> failures;
  // Folders that could not be read and links that were not followed.
  std::vector<PathNote> skipped;
  // Input folders in which no photo or video was found: nothing to do,
  // which the CLI treats as a failure (exit status 1).
  std::vector<std::string> empty_folders;
  // What outputs lost from their inputs (16-bit samples, extra TIFF
  // pages, transparency in a format without it), one note each.
  std::vector<PathNote> notes;
  double seconds = 0;  // wall time of the run
};

// Plans the outputs (see PlanFiles in src/app/file_plan.h for the rules:
// one file → `output` may be a file name; folders are mirrored) and
// anonymizes every file. Fails as a whole only when the plan is impossible
// (missing input, two inputs for one output, a --report path that is an
// input, an output or an existing file without `overwrite`, ...); a file
// that fails is recorded in the summary and the run goes on.
Result<BatchSummary> RunBatch(const Pipeline& pipeline,
                              const std::vector<std::string>& inputs,
                              const std::string& output,
                              const BatchOptions& options);

// The summary as lines for a person, e.g. "12 files anonymized, 31 faces".
std::string FormatSummary(const BatchSummary& summary);

}  // namespace faceveil

#endif  // FACEVEIL_BATCH_H_
