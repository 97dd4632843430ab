// The pieces of the JSON API that do not touch HTTP: parsing request fields,
// mapping errors to status codes, naming downloads. Kept apart from the
// handlers so that tests reach them without a socket.
#ifndef FACEVEIL_TOOLS_SERVER_API_UTIL_H_
#define FACEVEIL_TOOLS_SERVER_API_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "faceveil/face.h"
#include "faceveil/image.h"
#include "faceveil/pipeline.h"
#include "faceveil/status.h"

namespace faceveil::server {

// At most this many faces or hand-drawn regions in one request: more is a
// malformed (or hostile) request, not a photo.
inline constexpr size_t kMaxSelectionItems = 1000;

// A size for people: "64 MB", "1.5 MB", "900 KB" (1 MB = 2^20 bytes).
std::string SizeInWords(int64_t bytes);

// What a person is told when an upload is over `max_bytes`: "This photo is
// larger than 64 MB, the most this server accepts."
std::string UploadTooLargeMessage(int64_t max_bytes);

// `{"error": "<message>"}`, with the message escaped for JSON.
std::string ErrorJson(std::string_view message);

// The HTTP status for a failed operation: 400 for bad input, 413 for a
// limit, 415 for an unsupported format, 500 for our own failures.
int HttpStatusFor(const Status& status);

// A JSON array of [x, y, w, h] boxes (finite numbers, w and h > 0), as
// drawn by hand in the page. Anything else is InvalidArgument.
Result<std::vector<Box>> ParseRegions(std::string_view json);

// Faces in the schema of `faceveil detect` (FacesFromJson), with the same
// count limit and finite, non-empty boxes.
Result<std::vector<Face>> ParseFaces(std::string_view json);

// The body of a successful POST /api/detect.
std::string DetectResponseJson(const ImageReport& report);

// "image/jpeg", "image/png", ...; "application/octet-stream" for others.
const char* MimeTypeFor(ImageFormat format);

// The name offered for a download: the stem of `uploaded_name` reduced to
// [A-Za-z0-9._-] (at most 64 characters; "image" when nothing is left),
// then "-anon" and the extension of `format`. Never a path.
std::string DownloadName(std::string_view uploaded_name, ImageFormat format);

}  // namespace faceveil::server

#endif  // FACEVEIL_TOOLS_SERVER_API_UTIL_H_
