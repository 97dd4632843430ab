#include "faceveil/report.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace faceveil {

namespace {

// Ordered: keys come out in the order of the schema above (file, width,
// height, faces, ms; box, score, keypoints), as `faceveil detect --help`
// shows them.
using json = nlohmann::ordered_json;

// Pixel coordinates to 2 decimals, scores to 4: finer digits are noise.
double Round(double v, double scale) { return std::round(v * scale) / scale; }
double RoundPx(float v) { return Round(v, 100); }

// "keypoints" only when the face has them (an SSD-only face has none).
json FaceJson(const Face& f) {
  json face = {{"box",
                {RoundPx(f.box.x), RoundPx(f.box.y), RoundPx(f.box.w),
                 RoundPx(f.box.h)}},
               {"score", Round(f.score, 10000)}};
  if (f.has_keypoints) {
    json keypoints = json::array();
    for (const Point& p : f.keypoints)
      keypoints.push_back({RoundPx(p.x), RoundPx(p.y)});
    face["keypoints"] = std::move(keypoints);
  }
  return face;
}

json FacesJson(const std::vector<Face>& faces) {
  json list = json::array();
  for (const Face& f : faces) list.push_back(FaceJson(f));
  return list;
}

// With a people filter (--keep-person / --hide-person) each face also says
// what was decided: "matched", "person" (counted from 1, in the order the
// people were given; only when matched), "distance" (to the closest
// person; null when the face could not be embedded) and "hidden".
json FacesJson(const std::vector<Face>& faces,
               const std::vector<FaceIdentity>& identities) {
  json list = FacesJson(faces);
  if (identities.size() != faces.size()) return list;
  for (size_t i = 0; i < faces.size(); ++i) {
    const FaceIdentity& id = identities[i];
    json& face = list[i];
    face["matched"] = id.person >= 0;
    if (id.person >= 0) face["person"] = id.person + 1;
    face["distance"] =
        id.embedded ? json(Round(id.distance, 10000)) : json(nullptr);
    face["hidden"] = id.hidden;
  }
  return list;
}

std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool IsNumber(const json& j) {
  return j.is_number() && std::isfinite(j.get<double>());
}

}  // namespace

std::string FacesToJson(const std::vector<Face>& faces) {
  return Dump(FacesJson(faces));
}

std::string ReportToJsonLine(const std::string& file,
                             const ImageReport& report) {
  json line = {{"file", file},
               {"width", report.width},
               {"height", report.height},
               {"faces", FacesJson(report.faces, report.identities)},
               {"ms", Round(report.detect_ms, 100)}};
  return Dump(line);
}

std::string ErrorToJsonLine(const std::string& file, const Status& status) {
  return Dump(json{{"file", file}, {"error", status.ToString()}});
}

Result<std::vector<Face>> FacesFromJson(const std::string& json_array) {
  const json parsed =
      json::parse(json_array, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_array()) {
    return Status::InvalidArgument("faces must be a JSON array");
  }
  std::vector<Face> faces;
  for (size_t i = 0; i < parsed.size(); ++i) {
    const json& item = parsed[i];
    const std::string where = "face " + std::to_string(i);
    if (!item.is_object() || !item.contains("box")) {
      return Status::InvalidArgument(where + ": needs a \"box\"");
    }
    const json& box = item["box"];
    if (!box.is_array() || box.size() != 4 ||
        !std::all_of(box.begin(), box.end(), IsNumber)) {
      return Status::InvalidArgument(where + ": box must be [x, y, w, h]");
    }
    Face face;
    face.box = {box[0].get<float>(), box[1].get<float>(), box[2].get<float>(),
                box[3].get<float>()};
    if (!(face.box.w > 0 && face.box.h > 0)) {
      return Status::InvalidArgument(where + ": box must have a positive size");
    }
    if (item.contains("score")) {
      if (!IsNumber(item["score"])) {
        return Status::InvalidArgument(where + ": score must be a number");
      }
      face.score = item["score"].get<float>();
    }
    face.has_keypoints = item.contains("keypoints");
    if (face.has_keypoints) {
      const json& kps = item["keypoints"];
      if (!kps.is_array() || kps.size() > face.keypoints.size()) {
        return Status::InvalidArgument(where + ": bad keypoints");
      }
      for (size_t k = 0; k < kps.size(); ++k) {
        if (!kps[k].is_array() || kps[k].size() != 2 || !IsNumber(kps[k][0]) ||
            !IsNumber(kps[k][1])) {
          return Status::InvalidArgument(where + ": bad keypoint");
        }
        face.keypoints[k] = {kps[k][0].get<float>(), kps[k][1].get<float>()};
      }
    }
    faces.push_back(face);
  }
  return faces;
}

}  // namespace faceveil
