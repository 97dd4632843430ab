// The machine-readable report of what was found in a file: one JSON object
// per line (JSON Lines), shared by `faceveil detect`, `faceveil anonymize
// --report`, `faceveil eval --detections` and the web server's API.
//
//   {"file": "a.jpg", "width": 1920, "height": 1080,
//    "faces": [{"box": [x, y, w, h], "score": 0.93,
//               "keypoints": [[x, y], ... 6]}], "ms": 6.1}
//   {"file": "b.jpg", "error": "corrupt: ..."}
//
// Boxes are top-left corner and size in pixels of the upright image,
// rounded to 2 decimals; scores to 4. "keypoints" is absent from a face
// found only by a detector without keypoints (the SSD).
//
// With --keep-person / --hide-person (PipelineOptions::people) each face of
// `anonymize --report` also has "matched" (true/false), "person" (which
// one, counted from 1 in the order given; only when matched), "distance"
// (to the closest person, null when the face could not be embedded) and
// "hidden".
//
// A video's line (`anonymize --report`) has "faces": [] and "frames"; with
// a people filter also "tracks_visible" and "tracks", what was decided per
// face followed rather than per frame (VideoReportToJsonLine in
// src/app/video_job.h lists the fields).
#ifndef FACEVEIL_REPORT_H_
#define FACEVEIL_REPORT_H_

#include <string>
#include <vector>

#include "faceveil/face.h"
#include "faceveil/pipeline.h"
#include "faceveil/status.h"

namespace faceveil {

// The JSON array of faces, e.g. for an API response.
std::string FacesToJson(const std::vector<Face>& faces);

// One report line (without the newline). Invalid UTF-8 in `file` is
// replaced, never an error.
std::string ReportToJsonLine(const std::string& file,
                             const ImageReport& report);
std::string ErrorToJsonLine(const std::string& file, const Status& status);

// Parses the "faces" array of a report (or a request that uses the same
// schema). Keypoints are optional; missing ones are zero.
Result<std::vector<Face>> FacesFromJson(const std::string& json_array);

}  // namespace faceveil

#endif  // FACEVEIL_REPORT_H_
