// gt.tsv reader: one annotated face per line.
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eval/text_util.h"
#include "faceveil/eval.h"

namespace faceveil::eval {

namespace {

Result<double> ParseNumber(std::string_view s, const char* what) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) {
    return Status::Corrupt(std::string(what) + " is not a number: '" +
                           std::string(s) + "'");
  }
  return v;
}

Result<Difficulty> ParseDifficulty(std::string_view s) {
  if (s == "easy") return Difficulty::kEasy;
  if (s == "medium") return Difficulty::kMedium;
  if (s == "hard") return Difficulty::kHard;
  if (s == "ignore") return Difficulty::kIgnore;
  return Status::Corrupt(
      "first flag must be easy, medium, hard or ignore, "
      "not '" +
      std::string(s) + "'");
}

// Applies one "key:N" attribute flag to `face`.
Status ParseAttribute(std::string_view token, GtFace* face) {
  const size_t colon = token.find(':');
  if (colon == std::string_view::npos) {
    return Status::Corrupt("unknown flag '" + std::string(token) + "'");
  }
  const std::string_view key = token.substr(0, colon);
  const std::string_view value = token.substr(colon + 1);
  int* field = nullptr;
  int max_value = 1;
  if (key == "blur") {
    field = &face->blur;
    max_value = 2;
  } else if (key == "occ") {
    field = &face->occlusion;
    max_value = 2;
  } else if (key == "pose") {
    field = &face->pose;
  } else if (key == "illum") {
    field = &face->illumination;
  } else if (key == "expr") {
    field = &face->expression;
  } else {
    return Status::Corrupt("unknown flag '" + std::string(token) + "'");
  }
  int v = -1;
  const auto [ptr, ec] =
      std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || ptr != value.data() + value.size() || v < 0 ||
      v > max_value) {
    return Status::Corrupt("flag '" + std::string(token) +
                           "' needs a value from 0 to " +
                           std::to_string(max_value));
  }
  *field = v;
  return Status::Ok();
}

Result<GtFace> ParseTruthFace(const std::vector<std::string_view>& fields) {
  GtFace face;
  const char* names[4] = {"x", "y", "w", "h"};
  double v[4];
  for (int i = 0; i < 4; ++i) {
    Result<double> n = ParseNumber(Trim(fields[1 + i]), names[i]);
    if (!n.ok()) return n.status();
    v[i] = *n;
  }
  if (v[2] < 0 || v[3] < 0) {
    return Status::Corrupt("negative box width or height");
  }
  face.box = Box{float(v[0]), float(v[1]), float(v[2]), float(v[3])};

  const std::vector<std::string_view> flags = Split(Trim(fields[5]), ',');
  Result<Difficulty> difficulty = ParseDifficulty(Trim(flags[0]));
  if (!difficulty.ok()) return difficulty.status();
  face.difficulty = *difficulty;
  for (size_t i = 1; i < flags.size(); ++i) {
    const std::string_view token = Trim(flags[i]);
    if (token == "invalid") {
      face.invalid = true;
    } else {
      FACEVEIL_RETURN_IF_ERROR(ParseAttribute(token, &face));
    }
  }
  return face;
}

}  // namespace

size_t GroundTruth::NumFaces() const {
  size_t n = 0;
  for (const GtImage& image : images) n += image.faces.size();
  return n;
}

Result<GroundTruth> ParseGroundTruth(std::string_view text,
                                     const std::string& source_name) {
  GroundTruth gt;
  std::unordered_map<std::string, size_t> index_of;
  size_t line_number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty() || line.front() == '#') continue;
    const auto fail = [&](const Status& s) {
      return Status::Corrupt(source_name + ":" + std::to_string(line_number) +
                             ": " + s.message());
    };
    const std::vector<std::string_view> fields = Split(line, '\t');
    if (fields.size() != 6) {
      return fail(Status::Corrupt(
          "expected 6 tab-separated fields (image x y w h flags), found " +
          std::to_string(fields.size())));
    }
    const std::string path = NormalizePath(Trim(fields[0]));
    if (path.empty()) return fail(Status::Corrupt("empty image path"));
    Result<GtFace> face = ParseTruthFace(fields);
    if (!face.ok()) return fail(face.status());

    auto [it, inserted] = index_of.emplace(path, gt.images.size());
    if (inserted) gt.images.push_back(GtImage{path, {}});
    gt.images[it->second].faces.push_back(*face);
  }
  if (gt.images.empty()) {
    return Status::Corrupt(source_name + ": no faces in the ground truth");
  }
  return gt;
}

Result<GroundTruth> ReadGroundTruth(const std::string& path) {
  Result<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return ParseGroundTruth(*text, path);
}

}  // namespace faceveil::eval
