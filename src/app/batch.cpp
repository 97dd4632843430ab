#include "faceveil/batch.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <opencv2/core/utility.hpp>
#include <optional>
#include <thread>

#include "app/file_plan.h"
#include "app/progress.h"
#include "app/video_job.h"
#include "base/worker_threads.h"
#include "faceveil/file_io.h"
#include "faceveil/report.h"

namespace faceveil {

namespace fs = std::filesystem;

namespace {

// OpenCV's own thread pool competes with our per-file workers; with more
// than one worker each runs OpenCV single-threaded, and the setting is
// restored afterwards.
class ScopedOpenCvThreads {
 public:
  explicit ScopedOpenCvThreads(int n) : saved_(cv::getNumThreads()) {
    cv::setNumThreads(n);
  }
  ~ScopedOpenCvThreads() { cv::setNumThreads(saved_); }

 private:
  int saved_;
};

struct FileOutcome {
  enum class Kind { kDone, kSkipped, kFailed } kind = Kind::kFailed;
  int64_t faces = 0;    // anonymized
  int64_t visible = 0;  // left visible by a people filter
  std::string reason;
  std::string report_line;
  std::vector<std::string> notes;  // what the output lost (PathNote)
};

class BatchRun {
 public:
  BatchRun(const Pipeline& pipeline, const std::vector<PlannedFile>& plan,
           const BatchOptions& options, Progress* progress)
      : pipeline_(pipeline),
        plan_(plan),
        options_(options),
        progress_(progress),
        outcomes_(plan.size()) {}

  void Run(int jobs) {
    RunOnWorkerThreads(jobs, [this] { Work(); });
  }

  const std::vector<FileOutcome>& outcomes() const { return outcomes_; }

 private:
  void Work() {
    for (size_t i = next_++; i < plan_.size(); i = next_++) {
      outcomes_[i] = Process(plan_[i]);
      const FileOutcome& o = outcomes_[i];
      if (o.kind == FileOutcome::Kind::kFailed) {
        progress_->Message("failed: " + PrintableName(plan_[i].input.string()) +
                           ": " + o.reason);
      }
      progress_->Add(o.faces, o.kind == FileOutcome::Kind::kFailed);
    }
  }

  FileOutcome Process(const PlannedFile& file) const {
    FileOutcome out;
    const bool replace = options_.overwrite || options_.in_place;
    std::error_code ec;
    if (!replace && fs::exists(file.output, ec)) {
      out.kind = FileOutcome::Kind::kSkipped;
      return out;
    }
    Status status = file.kind == MediaKind::kVideo ? ProcessVideo(file, &out)
                                                   : ProcessImage(file, &out);
    if (!status.ok()) {
      out.kind = FileOutcome::Kind::kFailed;
      out.reason = status.ToString();
      out.report_line = ErrorToJsonLine(file.input.string(), status);
      return out;
    }
    out.kind = FileOutcome::Kind::kDone;
    return out;
  }

  Status ProcessImage(const PlannedFile& file, FileOutcome* out) const {
    auto bytes = ReadFileBytes(file.input.string(), options_.max_file_bytes);
    if (!bytes.ok()) return bytes.status();
    // The output name decides the format (a single output named by the
    // user may differ from the input's); an unknown extension keeps the
    // pipeline's choice.
    auto result =
        pipeline_.Anonymize(*bytes, FormatFromFileName(file.output.string()));
    if (!result.ok()) return result.status();
    FACEVEIL_RETURN_IF_ERROR(CreateParentDirectories(file.output.string()));
    FACEVEIL_RETURN_IF_ERROR(
        WriteFileAtomic(file.output.string(), result->bytes,
                        options_.overwrite || options_.in_place));
    out->faces = static_cast<int64_t>(result->report.faces.size());
    for (const FaceIdentity& id : result->report.identities) {
      if (!id.hidden) ++out->visible;
    }
    out->faces -= out->visible;
    out->notes = std::move(result->notes);
    out->report_line = ReportToJsonLine(file.input.string(), result->report);
    return Status::Ok();
  }

  Status ProcessVideo(const PlannedFile& file, FileOutcome* out) const {
    FACEVEIL_RETURN_IF_ERROR(CreateParentDirectories(file.output.string()));
    VideoJobOptions job;
    job.video = options_.video;
    job.video.overwrite = options_.overwrite || options_.in_place;
    job.video.in_place = options_.in_place;
    job.detect_every = options_.detect_every;  // 0: the video default
    const std::string name = PrintableName(file.input.filename().string());
    const auto start = std::chrono::steady_clock::now();
    auto on_progress = [&](const VideoProgress& p) {
      const double elapsed = std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - start)
                                 .count();
      progress_->Detail(
          name + " " +
              Progress::FormatFrames(p.frames_done, p.frames_total,
                                     p.frames_total_estimated, elapsed),
          p.frames_total > 0 ? double(p.frames_done) / p.frames_total : -1);
      return true;
    };
    if (options_.video_models || options_.video_mode) {
      job.call = pipeline_.options();
      if (options_.video_models) {
        job.call->detector.models = *options_.video_models;
      }
      if (options_.video_mode) job.call->detector.mode = *options_.video_mode;
    }
    auto result = AnonymizeVideoFile(pipeline_, file.input.string(),
                                     file.output.string(), job, on_progress);
    if (!result.ok()) return result.status();
    progress_->Message(FormatVideoSummary(name, *result));
    out->faces = result->max_faces_in_frame;
    out->visible = result->tracks_visible;
    out->report_line = VideoReportToJsonLine(file.input.string(), *result);
    return Status::Ok();
  }

  const Pipeline& pipeline_;
  const std::vector<PlannedFile>& plan_;
  const BatchOptions& options_;
  Progress* progress_;
  std::vector<FileOutcome> outcomes_;
  std::atomic<size_t> next_{0};
};

// Refuses an image output whose extension no writer has (".gif", ".heic")
// rather than writing a file whose name lies about its content. Without an
// extension the pipeline chooses the format.
Status CheckImageOutputName(const fs::path& path) {
  if (path.extension().empty()) return Status::Ok();
  const ImageFormat format = FormatFromFileName(path.string());
  if (format != ImageFormat::kUnknown && format != ImageFormat::kHeif) {
    return Status::Ok();
  }
  return Status::InvalidArgument(
      "cannot write " + PrintableName(path.filename().string()) +
      ": photos are written as JPEG, PNG, WebP, BMP or TIFF; name the "
      "output .jpg, .png, .webp, .bmp or .tif");
}

// The report must not replace an input or an output, nor any existing
// file unless --overwrite.
Status CheckReportPath(const std::string& report_path,
                       const std::vector<PlannedFile>& plan, bool overwrite) {
  std::error_code ec;
  const fs::path report = fs::weakly_canonical(report_path, ec);
  const std::string shown = PrintableName(report_path);
  for (const PlannedFile& file : plan) {
    if (report == fs::weakly_canonical(file.input, ec)) {
      return Status::InvalidArgument("--report " + shown +
                                     " is one of the inputs; name a new "
                                     "file for the report");
    }
    if (report == fs::weakly_canonical(file.output, ec)) {
      return Status::InvalidArgument("--report " + shown +
                                     " is also an output; name another "
                                     "file for the report");
    }
  }
  if (fs::is_directory(report_path, ec)) {
    return Status::InvalidArgument("--report " + shown +
                                   " is a folder; name a file");
  }
  if (!overwrite && fs::exists(fs::symlink_status(report_path, ec))) {
    return Status::InvalidArgument("report file " + shown +
                                   " exists already (--overwrite replaces "
                                   "it)");
  }
  return Status::Ok();
}

}  // namespace

Result<BatchSummary> RunBatch(const Pipeline& pipeline,
                              const std::vector<std::string>& inputs,
                              const std::string& output,
                              const BatchOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  PlanOptions plan_options;
  plan_options.in_place = options.in_place;
  plan_options.rename = [&pipeline](const fs::path& name, MediaKind kind) {
    if (kind == MediaKind::kVideo) return name;
    const ImageFormat in = FormatFromFileName(name.string());
    const ImageFormat out = pipeline.OutputFormat(in);
    if (in == out || out == ImageFormat::kUnknown) return name;
    fs::path renamed = name;
    return renamed.replace_extension(FileExtensionFor(out));
  };
  std::vector<fs::path> in_paths(inputs.begin(), inputs.end());
  auto planned = PlanFiles(in_paths, output, plan_options);
  if (!planned.ok()) return planned.status();
  const std::vector<PlannedFile>& plan = planned->files;
  for (const PlannedFile& file : plan) {
    if (file.kind == MediaKind::kImage) {
      FACEVEIL_RETURN_IF_ERROR(CheckImageOutputName(file.output));
    }
  }
  if (!options.report_path.empty()) {
    FACEVEIL_RETURN_IF_ERROR(
        CheckReportPath(options.report_path, plan, options.overwrite));
  }

  BatchSummary summary;
  summary.files = static_cast<int64_t>(plan.size());
  for (const SkippedEntry& s : planned->skipped) {
    summary.skipped.push_back({s.path.string(), s.reason});
  }
  for (const fs::path& folder : planned->empty_folders) {
    summary.empty_folders.push_back(folder.string());
  }

  int jobs =
      options.jobs > 0
          ? options.jobs
          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  jobs = std::max(1, std::min<int>(jobs, static_cast<int>(plan.size())));
  std::optional<ScopedOpenCvThreads> single_threaded;
  if (jobs > 1) single_threaded.emplace(1);

  ProgressOptions progress_options;
  if (options.quiet) progress_options.style = ProgressOptions::Style::kQuiet;
  Progress progress(static_cast<int64_t>(plan.size()), progress_options);
  BatchRun run(pipeline, plan, options, &progress);
  run.Run(jobs);
  progress.Finish();

  std::string report;
  for (size_t i = 0; i < plan.size(); ++i) {
    const FileOutcome& o = run.outcomes()[i];
    switch (o.kind) {
      case FileOutcome::Kind::kDone:
        ++summary.done;
        summary.faces += o.faces;
        summary.faces_visible += o.visible;
        if (o.faces == 0) ++summary.without_faces;
        break;
      case FileOutcome::Kind::kSkipped:
        ++summary.skipped_existing;
        break;
      case FileOutcome::Kind::kFailed:
        ++summary.failed;
        summary.failures.push_back({plan[i].input.string(), o.reason});
        break;
    }
    for (const std::string& note : o.notes) {
      summary.notes.push_back({plan[i].input.string(), note});
    }
    if (!o.report_line.empty()) report += o.report_line + "\n";
  }
  if (!options.report_path.empty()) {
    FACEVEIL_RETURN_IF_ERROR(CreateParentDirectories(options.report_path));
    const std::span<const uint8_t> bytes(
        reinterpret_cast<const uint8_t*>(report.data()), report.size());
    Status written =
        WriteFileAtomic(options.report_path, bytes, options.overwrite);
    if (!written.ok()) return written.WithContext("writing the report");
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return summary;
}

std::string FormatSummary(const BatchSummary& s) {
  std::string out;
  for (const std::string& folder : s.empty_folders) {
    out += "nothing to do in " + PrintableName(folder) +
           ": no photo or video found (faceveil reads .jpg, .png, .webp, "
           ".bmp, .tif, .heic, .mp4, .mov, .mkv, .webm, .avi)\n";
  }
  char line[256];
  std::snprintf(line, sizeof line,
                "%lld of %lld files anonymized, %lld faces (%lld files had no "
                "face) in %s",
                static_cast<long long>(s.done), static_cast<long long>(s.files),
                static_cast<long long>(s.faces),
                static_cast<long long>(s.without_faces),
                Progress::FormatDuration(s.seconds).c_str());
  out += line;
  if (s.faces_visible > 0) {
    out += "; " + std::to_string(s.faces_visible) +
           (s.faces_visible == 1 ? " face" : " faces") +
           " left visible (--keep-person / --hide-person)";
  }
  out += "\n";
  if (s.skipped_existing > 0) {
    out += std::to_string(s.skipped_existing) +
           " skipped: output exists already (--overwrite replaces it)\n";
  }
  if (!s.skipped.empty()) {
    out += std::to_string(s.skipped.size()) +
           (s.skipped.size() == 1 ? " folder or link" : " folders or links") +
           " not walked:\n";
    for (const PathNote& n : s.skipped) {
      out += "  " + PrintableName(n.path) + ": " + n.note + "\n";
    }
  }
  if (!s.notes.empty()) {
    out += "note:\n";
    for (const PathNote& n : s.notes) {
      out += "  " + PrintableName(n.path) + ": " + n.note + "\n";
    }
  }
  if (s.failed > 0) {
    out += std::to_string(s.failed) + " failed:\n";
    for (const FileFailure& f : s.failures) {
      out += "  " + PrintableName(f.input) + ": " + f.reason + "\n";
    }
  }
  return out;
}

}  // namespace faceveil
