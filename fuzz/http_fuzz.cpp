// libFuzzer target: raw HTTP bytes through the API server's request
// handling (httplib's parser, routing, Host/Origin checks, body limits,
// multipart parsing, the JSON handlers and the pipeline), without sockets:
// Server::HandleRawConnection(). The literal "PORT" in an input is replaced
// by the server's port so that seeds can carry a valid Host header.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "server.h"

namespace {

faceveil::server::Server* server = nullptr;
std::ostringstream* server_log = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  faceveil::server::ServerOptions options;
  options.port = 0;
  // Small limits keep each run fast; the paths past them are the same.
  options.pipeline.decode.max_pixels = 256 * 256;
  options.pipeline.detector.mode = faceveil::DetectionMode::kSingle;
  options.max_upload_bytes = 1 << 20;
  options.max_concurrent_jobs = 1;
  options.cached_pipelines = 2;
  server_log = new std::ostringstream;
  options.log = server_log;
  auto created = faceveil::server::Server::Create(options);
  if (!created.ok()) __builtin_trap();
  server = created->release();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string request(reinterpret_cast<const char*>(data), size);
  const std::string port = std::to_string(server->port());
  for (size_t at = request.find("PORT"); at != std::string::npos;
       at = request.find("PORT", at + port.size())) {
    request.replace(at, 4, port);
  }
  const std::string response = server->HandleRawConnection(request);
  // A request that parsed must get an answer, and never a 500.
  if (response.find("HTTP/1.1 500") != std::string::npos) __builtin_trap();
  server_log->str("");
  return 0;
}
