// The JSON API's handlers. Each reads one request, calls the library
// pipeline and fills the response; errors become a 4xx/5xx status with a
// {"error": "..."} body. None of them writes a file: uploads live in the
// request's memory and are gone when the response has been sent.
#ifndef FACEVEIL_TOOLS_SERVER_API_H_
#define FACEVEIL_TOOLS_SERVER_API_H_

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "faceveil/identity.h"
#include "pipeline_cache.h"
#include "progress_board.h"
#include "work_gate.h"

namespace faceveil::server {

// The face recognition model for /api/detect?embed=1, loaded by the first
// request that asks (most never do) and shared read-only afterwards.
class LazyIdentifier {
 public:
  // Thread-safe; a failed load is retried by the next request.
  Result<const FaceIdentifier*> Get();

 private:
  std::mutex mu_;
  std::unique_ptr<FaceIdentifier> identifier_;  // guarded by mu_
};

// What the handlers share; owned by the Server, outliving every request.
struct ApiContext {
  PipelineCache* pipelines = nullptr;
  WorkGate* gate = nullptr;
  // Seconds a client is told to wait after a 503 (Retry-After).
  int retry_after_s = 2;
  // The body of GET /api/settings, built once.
  std::string settings_json;
  // Progress of requests that name themselves (X-Faceveil-Job).
  ProgressBoard* progress = nullptr;
  // True once the client of the request on the calling thread has gone;
  // work then stops between stages and tiles. Unset: never.
  std::function<bool()> client_gone;
  // For /api/detect?embed=1; null: such requests get 400.
  LazyIdentifier* identifier = nullptr;
};

// GET /api/settings's body: every listed setting (AllSettings(),
// faceveil/settings.h) with the server's defaults (its command-line
// settings `defaults` as given, else the values of `base`), and the largest
// upload it takes, `max_upload_bytes`.
std::string BuildSettingsJson(const PipelineOptions& base,
                              const Settings& defaults,
                              int64_t max_upload_bytes);

// Sets `res` to a JSON error.
void SetError(httplib::Response& res, int status, const std::string& message);

// POST /api/detect: body = image bytes, or multipart field "image";
// settings as query parameters (or multipart fields). With embed=1 the
// answer also has each face's embedding and the match distance, for the
// page to match faces across photos; they live in the answer only.
void HandleDetect(ApiContext& ctx, const httplib::Request& req,
                  httplib::Response& res);

// POST /api/anonymize: as /api/detect plus optional "faces" (JSON, the
// faces to anonymize; absent = detect and anonymize all) and "regions"
// (JSON [[x, y, w, h], ...] drawn by hand). Answers the image bytes.
void HandleAnonymize(ApiContext& ctx, const httplib::Request& req,
                     httplib::Response& res);

// GET /api/progress?job=ID: where the request named ID is (ProgressJson),
// or 404 when no such request is in progress.
void HandleProgress(ApiContext& ctx, const httplib::Request& req,
                    httplib::Response& res);

}  // namespace faceveil::server

#endif  // FACEVEIL_TOOLS_SERVER_API_H_
