// RunDetector(): the evaluation images through one shared Detector.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "base/worker_threads.h"
#include "faceveil/eval.h"
#include "faceveil/image.h"

namespace faceveil::eval {

namespace {

using Clock = std::chrono::steady_clock;

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

ImageDetections ProcessImage(const Detector& detector,
                             const DetectOptions& call,
                             const std::string& path) {
  ImageDetections out;
  out.file = path;
  try {
    Result<DecodedImage> image = ReadImage(path, DecodeOptions{});
    if (!image.ok()) {
      out.error = image.status().ToString();
      return out;
    }
    // Only Detect() is timed: decoding is the same for every detector.
    const Clock::time_point start = Clock::now();
    Result<std::vector<Face>> faces = detector.Detect(image->pixels, call);
    out.ms = MillisecondsSince(start);
    if (!faces.ok()) {
      out.error = faces.status().ToString();
    } else {
      out.faces = std::move(faces).value();
    }
  } catch (const std::exception& e) {
    // Detect() promises no exceptions; a run of hundreds of images should
    // still not die for one that breaks the promise.
    out.error = std::string("unexpected exception: ") + e.what();
  }
  return out;
}

}  // namespace

Result<RunResult> RunDetector(const Detector& detector, const GroundTruth& gt,
                              const RunOptions& options) {
  if (options.threads < 0) {
    return Status::InvalidArgument("threads must be >= 0");
  }
  std::error_code ec;
  if (!options.images_dir.empty() &&
      !std::filesystem::is_directory(options.images_dir, ec)) {
    return Status::NotFound(options.images_dir + ": not a directory");
  }
  const size_t total = gt.images.size();
  int threads = options.threads;
  if (threads == 0) {
    threads =
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  threads =
      static_cast<int>(std::min<size_t>(threads, std::max<size_t>(total, 1)));

  const DetectOptions& call =
      options.detect.has_value() ? *options.detect : detector.options();
  RunResult result;
  result.images.resize(total);
  std::atomic<size_t> next{0};
  std::mutex progress_mutex;
  size_t done = 0;
  const auto work = [&] {
    for (size_t i = next++; i < total; i = next++) {
      const std::filesystem::path path =
          std::filesystem::path(options.images_dir) / gt.images[i].path;
      result.images[i] = ProcessImage(detector, call, path.string());
      result.images[i].file = gt.images[i].path;
      if (options.progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        options.progress(++done, total);
      }
    }
  };

  const Clock::time_point start = Clock::now();
  RunOnWorkerThreads(threads, work);
  result.wall_seconds = MillisecondsSince(start) / 1000;
  return result;
}

}  // namespace faceveil::eval
