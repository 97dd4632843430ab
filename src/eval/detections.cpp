// JSON Lines detections (the output of `faceveil detect`) and their pairing
// with ground-truth images.
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "eval/text_util.h"
#include "faceveil/eval.h"

namespace faceveil::eval {

namespace {

using Json = nlohmann::json;

Result<float> FiniteNumber(const Json& v, const char* what) {
  if (!v.is_number()) {
    return Status::Corrupt(std::string(what) + " must be a number");
  }
  const double d = v.get<double>();
  if (!std::isfinite(d) || std::fabs(d) > 1e9) {
    return Status::Corrupt(std::string(what) + " is out of range");
  }
  return static_cast<float>(d);
}

Result<Face> ParseDetectedFace(const Json& j) {
  if (!j.is_object()) return Status::Corrupt("a face must be an object");
  Face face;
  const auto box = j.find("box");
  if (box == j.end() || !box->is_array() || box->size() != 4) {
    return Status::Corrupt("a face needs \"box\": [x, y, w, h]");
  }
  float v[4];
  for (int i = 0; i < 4; ++i) {
    Result<float> n = FiniteNumber((*box)[i], "box value");
    if (!n.ok()) return n.status();
    v[i] = *n;
  }
  if (v[2] < 0 || v[3] < 0) {
    return Status::Corrupt("box width and height must not be negative");
  }
  face.box = Box{v[0], v[1], v[2], v[3]};
  const auto score = j.find("score");
  if (score == j.end()) return Status::Corrupt("a face needs \"score\"");
  Result<float> s = FiniteNumber(*score, "score");
  if (!s.ok()) return s.status();
  face.score = *s;
  const auto keypoints = j.find("keypoints");
  if (keypoints != j.end() && keypoints->is_array() &&
      keypoints->size() == kNumKeypoints) {
    for (int k = 0; k < kNumKeypoints; ++k) {
      const Json& p = (*keypoints)[k];
      if (!p.is_array() || p.size() != 2) continue;
      Result<float> x = FiniteNumber(p[0], "keypoint");
      Result<float> y = FiniteNumber(p[1], "keypoint");
      if (x.ok() && y.ok()) face.keypoints[k] = Point{*x, *y};
    }
  }
  return face;
}

Result<ImageDetections> ParseLine(std::string_view line) {
  const Json j = Json::parse(line.begin(), line.end(), nullptr,
                             /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corrupt("not valid JSON");
  if (!j.is_object()) return Status::Corrupt("a line must be a JSON object");
  ImageDetections out;
  const auto file = j.find("file");
  if (file == j.end() || !file->is_string() ||
      file->get_ref<const std::string&>().empty()) {
    return Status::Corrupt("missing \"file\"");
  }
  out.file = file->get<std::string>();
  const auto error = j.find("error");
  if (error != j.end()) {
    out.error = error->is_string() ? error->get<std::string>() : error->dump();
    if (out.error.empty()) out.error = "error";
    return out;
  }
  const auto faces = j.find("faces");
  if (faces == j.end() || !faces->is_array()) {
    return Status::Corrupt("needs \"faces\": [...] or \"error\"");
  }
  out.faces.reserve(faces->size());
  for (size_t i = 0; i < faces->size(); ++i) {
    Result<Face> face = ParseDetectedFace((*faces)[i]);
    if (!face.ok()) {
      return Status::Corrupt("face " + std::to_string(i) + ": " +
                             face.status().message());
    }
    out.faces.push_back(*face);
  }
  const auto ms = j.find("ms");
  if (ms != j.end() && ms->is_number()) {
    const double t = ms->get<double>();
    if (std::isfinite(t) && t >= 0) out.ms = t;
  }
  return out;
}

// Every '/'-boundary suffix of a normalized relative path, longest first.
std::vector<std::string> Suffixes(const std::string& path) {
  std::vector<std::string> out;
  size_t start = path.find_first_not_of('/');
  while (start != std::string::npos && start < path.size()) {
    out.push_back(path.substr(start));
    const size_t slash = path.find('/', start);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

}  // namespace

Result<std::vector<ImageDetections>> ParseDetectionsJsonl(
    std::string_view text, const std::string& source_name) {
  std::vector<ImageDetections> out;
  size_t line_number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (Trim(line).empty()) continue;
    Result<ImageDetections> parsed = ParseLine(line);
    if (!parsed.ok()) {
      return Status::Corrupt(source_name + ":" + std::to_string(line_number) +
                             ": " + parsed.status().message());
    }
    out.push_back(std::move(parsed).value());
  }
  return out;
}

Result<std::vector<ImageDetections>> ReadDetectionsJsonl(
    const std::string& path) {
  Result<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return ParseDetectionsJsonl(*text, path);
}

Result<MatchedDetections> MatchToGroundTruth(
    const GroundTruth& gt, std::vector<ImageDetections> lines) {
  constexpr size_t kAmbiguous = std::numeric_limits<size_t>::max();
  std::unordered_map<std::string, size_t> by_suffix;
  for (size_t i = 0; i < gt.images.size(); ++i) {
    for (std::string& suffix : Suffixes(NormalizePath(gt.images[i].path))) {
      auto [it, inserted] = by_suffix.emplace(std::move(suffix), i);
      if (!inserted && it->second != i) it->second = kAmbiguous;
    }
  }

  MatchedDetections out;
  out.per_image.resize(gt.images.size());
  std::vector<size_t> line_of(gt.images.size(), kAmbiguous);
  for (size_t n = 0; n < lines.size(); ++n) {
    size_t match = kAmbiguous;
    for (const std::string& suffix : Suffixes(NormalizePath(lines[n].file))) {
      const auto it = by_suffix.find(suffix);
      if (it != by_suffix.end() && it->second != kAmbiguous) {
        match = it->second;
        break;
      }
    }
    if (match == kAmbiguous) {
      ++out.unmatched;
      continue;
    }
    if (line_of[match] != kAmbiguous) {
      return Status::InvalidArgument("two detection entries (" +
                                     std::to_string(line_of[match] + 1) +
                                     " and " + std::to_string(n + 1) +
                                     ") for image " + gt.images[match].path);
    }
    line_of[match] = n;
    out.per_image[match] = std::move(lines[n]);
  }
  for (size_t i = 0; i < gt.images.size(); ++i) {
    if (line_of[i] != kAmbiguous) continue;
    ++out.missing;
    out.per_image[i].file = gt.images[i].path;
    out.per_image[i].error = "no detections for this image";
  }
  return out;
}

}  // namespace faceveil::eval
