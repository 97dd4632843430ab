// A video's line of --report, with the people filter's per-track
// decisions (app/video_job.h).
#include <cmath>
#include <nlohmann/json.hpp>

#include "app/video_job.h"

namespace faceveil {

namespace {

// Keys in the order written, as the photo lines of faceveil/report.h.
using json = nlohmann::ordered_json;

// Distances to 4 decimals, as the photo lines; null when unsure.
json DistanceJson(float distance) {
  if (distance < 0) return json(nullptr);
  return json(std::round(double{distance} * 10000) / 10000);
}

// "matched", "person" (from 1, only when matched), "distance", in that
// order into `out`.
void MatchJson(int person, float distance, json* out) {
  (*out)["matched"] = person >= 0;
  if (person >= 0) (*out)["person"] = person + 1;
  (*out)["distance"] = DistanceJson(distance);
}

json TrackJson(const TrackDecisions& track) {
  // The track as a whole: matched when any stretch was, hidden when every
  // stretch was, its closest distance.
  int person = -1;
  float distance = -1;
  bool hidden = true;
  json stretches = json::array();
  for (const TrackDecisions::Stretch& s : track.stretches) {
    if (person < 0) person = s.person;
    if (s.distance >= 0 && (distance < 0 || s.distance < distance)) {
      distance = s.distance;
    }
    hidden = hidden && s.hidden;
    json stretch = {{"frames", {s.first_frame, s.last_frame}}};
    MatchJson(s.person, s.distance, &stretch);
    stretch["hidden"] = s.hidden;
    stretches.push_back(std::move(stretch));
  }
  json out = {{"track", track.id},
              {"frames", {track.first_frame, track.last_frame}},
              {"key_frames", track.key_frames},
              {"embedded", track.embedded}};
  MatchJson(person, distance, &out);
  out["hidden"] = hidden;
  out["visible_frames"] = track.visible_frames;
  out["decisions"] = std::move(stretches);
  return out;
}

}  // namespace

std::string VideoReportToJsonLine(const std::string& file,
                                  const VideoJobResult& result) {
  json line = {{"file", file},
               {"width", result.stats.width},
               {"height", result.stats.height},
               {"faces", json::array()},
               {"frames", result.stats.frames}};
  if (result.people) {
    line["tracks_visible"] = result.tracks_visible;
    json tracks = json::array();
    for (const TrackDecisions& t : result.track_decisions) {
      tracks.push_back(TrackJson(t));
    }
    line["tracks"] = std::move(tracks);
  }
  return line.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace faceveil
