// faceveil detect: faces in image files as JSON Lines on stdout, one object
// per input file. Nothing else goes to stdout; errors go to stderr too.
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "detection_options.h"
#include "faceveil/detector.h"
#include "faceveil/file_io.h"
#include "faceveil/image.h"

namespace faceveil::cli {
namespace {

// Pixel coordinates to 2 decimals, scores to 4: finer digits are noise.
double Round(double v, double scale) { return std::round(v * scale) / scale; }
double Px(float v) { return Round(v, 100); }

// A face found by the SSD alone has no keypoints: the key is left out.
nlohmann::ordered_json FaceToJson(const Face& f) {
  nlohmann::ordered_json face = {
      {"box", {Px(f.box.x), Px(f.box.y), Px(f.box.w), Px(f.box.h)}},
      {"score", Round(f.score, 10000)}};
  if (f.has_keypoints) {
    nlohmann::ordered_json keypoints = nlohmann::ordered_json::array();
    for (const Point& p : f.keypoints) {
      keypoints.push_back({Px(p.x), Px(p.y)});
    }
    face["keypoints"] = std::move(keypoints);
  }
  return face;
}

// One input's line: the faces, or why there are none.
nlohmann::ordered_json DetectFile(const Detector& detector,
                                  const std::string& path, bool* failed) {
  nlohmann::ordered_json line = {{"file", path}};
  Result<DecodedImage> image = ReadImage(path, DecodeOptions{});
  if (!image.ok()) {
    *failed = true;
    line["error"] = image.status().ToString();
    return line;
  }
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<Face>> faces = detector.Detect(image->pixels);
  const std::chrono::duration<double, std::milli> elapsed =
      std::chrono::steady_clock::now() - start;
  if (!faces.ok()) {
    *failed = true;
    line["error"] = faces.status().ToString();
    return line;
  }
  line["width"] = image->pixels.cols;
  line["height"] = image->pixels.rows;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Face& f : *faces) list.push_back(FaceToJson(f));
  line["faces"] = std::move(list);
  line["ms"] = Round(elapsed.count(), 100);
  return line;
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
    const nlohmann::ordered_json line = DetectFile(**detector, path, &failed);
    if (line.contains("error")) {
      std::cerr << "faceveil detect: " << PrintableName(path) << ": "
                << line["error"].get<std::string>() << "\n";
    }
    // Invalid UTF-8 in a file name must not abort the run: replace it.
    std::cout << line.dump(-1, ' ', false,
                           nlohmann::ordered_json::error_handler_t::replace)
              << "\n"
              << std::flush;
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
