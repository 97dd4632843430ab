// faceveil detect: faces in image files as JSON Lines on stdout, one object
// per input file, found by Pipeline::Detect() (decode, orientation, detect:
// the path every front end takes). Nothing else goes to stdout; errors go
// to stderr too.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "detection_options.h"
#include "faceveil/file_io.h"
#include "faceveil/image.h"
#include "faceveil/pipeline.h"
#include "faceveil/report.h"
#include "setting_flags.h"

namespace faceveil::cli {
namespace {

// One input's report line (faceveil/report.h): the faces, or why there are
// none (then `*error` is set).
std::string DetectFile(const Pipeline& pipeline, const std::string& path,
                       Status* error) {
  Result<std::vector<uint8_t>> bytes =
      ReadFileBytes(path, MaxImageFileBytes(pipeline.options().decode));
  Result<ImageReport> report = bytes.ok() ? pipeline.Detect(*bytes)
                                          : Result<ImageReport>(bytes.status());
  if (!report.ok()) {
    *error = report.status().WithContext(PrintableName(path));
    return ErrorToJsonLine(path, *error);
  }
  return ReportToJsonLine(path, *report);
}

struct DetectArgs {
  PipelineOptions pipeline;
  SettingFlags detection;  // --mode, --threshold ...: the table's "detect"
  std::vector<std::string> files;
};

int RunDetect(DetectArgs& args) {
  Status valid = args.detection.ApplyTo(&args.pipeline);
  if (valid.ok()) valid = ValidateDetectorOptions(args.pipeline.detector);
  if (!valid.ok()) {
    std::cerr << "faceveil detect: " << valid.message() << "\n";
    return kExitUsage;
  }
  Result<std::unique_ptr<Pipeline>> pipeline = Pipeline::Create(args.pipeline);
  if (!pipeline.ok()) {
    std::cerr << "faceveil detect: " << pipeline.status().ToString() << "\n";
    // A model file given on the command line that does not fit is the
    // user's to fix; a built-in model that fails is our bug.
    return args.pipeline.detector.model_file.empty() ? kExitFailures
                                                     : kExitUsage;
  }
  bool failed = false;
  for (const std::string& path : args.files) {
    Status error;
    const std::string line = DetectFile(**pipeline, path, &error);
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
  args->detection.AddTo(cmd, "detect");
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
