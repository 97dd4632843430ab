// faceveil detect: faces in image files as JSON Lines on stdout, one object
// per input file. Nothing else goes to stdout; errors go to stderr too.
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "detection_options.h"
#include "faceveil/detector.h"
#include "faceveil/file_io.h"
#include "faceveil/image.h"
#include "faceveil/report.h"

namespace faceveil::cli {
namespace {

// One input's report line (faceveil/report.h): the faces, or why there are
// none (then `*error` is set).
std::string DetectFile(const Detector& detector, const std::string& path,
                       Status* error) {
  Result<DecodedImage> image = ReadImage(path, DecodeOptions{});
  if (!image.ok()) {
    *error = image.status();
    return ErrorToJsonLine(path, *error);
  }
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<Face>> faces = detector.Detect(image->pixels);
  const std::chrono::duration<double, std::milli> elapsed =
      std::chrono::steady_clock::now() - start;
  if (!faces.ok()) {
    *error = faces.status();
    return ErrorToJsonLine(path, *error);
  }
  ImageReport report;
  report.width = image->pixels.cols;
  report.height = image->pixels.rows;
  report.faces = std::move(faces).value();
  report.detect_ms = elapsed.count();
  return ReportToJsonLine(path, report);
}

struct DetectArgs {
  DetectorOptions detector;
  std::vector<std::string> files;
};

int RunDetect(const DetectArgs& args) {
  const Status valid = ValidateDetectorOptions(args.detector);
  if (!valid.ok()) {
    std::cerr << "faceveil detect: " << valid.message() << "\n";
    return kExitUsage;
  }
  Result<std::unique_ptr<Detector>> detector = Detector::Create(args.detector);
  if (!detector.ok()) {
    std::cerr << "faceveil detect: " << detector.status().ToString() << "\n";
    // A model file given on the command line that does not fit is the
    // user's to fix; a built-in model that fails is our bug.
    return args.detector.model_file.empty() ? kExitFailures : kExitUsage;
  }
  bool failed = false;
  for (const std::string& path : args.files) {
    Status error;
    const std::string line = DetectFile(**detector, path, &error);
    if (!error.ok()) {
      failed = true;
      std::cerr << "faceveil detect: " << PrintableName(path) << ": "
                << error.ToString() << "\n";
    }
    std::cout << line << "\n" << std::flush;
  }
  return failed ? kExitFailures : kExitOk;
}

}  // namespace

void AddDetectCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DetectArgs>();
  auto* cmd = app.add_subcommand(
      "detect",
      "Find faces in images and print them as JSON Lines (one line per file)");
  AddDetectionOptions(cmd, &args->detector);
  cmd->add_option("FILE", args->files,
                  "Image files: JPEG, PNG, WebP, BMP or TIFF")
      ->required();
  cmd->footer(
      "\nOutput, one JSON object per line and file:\n"
      "  {\"file\": \"a.jpg\", \"width\": 1920, \"height\": 1080,\n"
      "   \"faces\": [{\"box\": [x, y, w, h], \"score\": 0.93,\n"
      "              \"keypoints\": [[x, y], ...]}], \"ms\": 6.1}\n"
      "Boxes are in pixels of the upright image (EXIF orientation applied):\n"
      "top-left corner and size. Keypoints: right eye, left eye, nose tip,\n"
      "mouth centre, right ear, left ear (the subject's right and left);\n"
      "absent for a face only the SSD found.\n"
      "A file that cannot be read gives {\"file\": ..., \"error\": ...}; the\n"
      "others are still processed and the exit code is 1.\n\n" +
      DetectionOptionsHelp() +
      "\nExample:\n"
      "  faceveil detect --model short --threshold 0.6 selfie.jpg\n");
  cmd->callback([args, exit_code] { *exit_code = RunDetect(*args); });
}

}  // namespace faceveil::cli
