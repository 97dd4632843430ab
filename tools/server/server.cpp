#include "server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "access.h"
#include "api.h"
#include "api_util.h"
#include "connection.h"
#include "faceveil/settings.h"
#include "pipeline_cache.h"
#include "progress_board.h"
#include "request_guard.h"
#include "web_assets.h"
#include "work_gate.h"
namespace faceveil::server {
namespace {

// Every response: no source outside this server, no framing, no sniffing,
// no referrer, nothing cached (an anonymized photo's original must not
// linger in a browser cache), no access to cameras or location.
httplib::Headers SecurityHeaders() {
  return {
      {"Content-Security-Policy",
       "default-src 'self'; img-src 'self' blob: data:; "
       "style-src 'self'; script-src 'self'; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
      {"Cache-Control", "no-store"},
  };
}

// The routes and their methods, for 405 answers and for the log (which
// names only these, never a path a client made up).
struct Route {
  const char* path;
  const char* methods;
};
constexpr Route kApiRoutes[] = {
    {"/api/health", "GET"},   {"/api/settings", "GET"},
    {"/api/detect", "POST"},  {"/api/anonymize", "POST"},
    {"/api/progress", "GET"},
};

const char* AllowedMethods(const std::string& path) {
  if (path == "/") return "GET";
  for (const Route& r : kApiRoutes) {
    if (path == r.path) return r.methods;
  }
  for (const WebAsset& a : WebAssets()) {
    if (path == a.path) return "GET";
  }
  return nullptr;
}

bool IsUploadRoute(const httplib::Request& req) {
  return req.method == "POST" &&
         (req.path == "/api/detect" || req.path == "/api/anonymize");
}

// The request being read on this thread (an HTTP worker serves one
// connection at a time), for the hooks httplib calls without it.
thread_local GuardedStream* t_request = nullptr;

// When the request started, for the log; per thread because each HTTP
// worker serves one request at a time.
thread_local std::optional<std::chrono::steady_clock::time_point> request_start;

// New connections the kernel queues before accept(): enough for every
// worker thread's client to reconnect at once.
constexpr int kListenBacklog = 128;

// The answer to a connection refused because too many wait for a worker.
std::string BusyResponse() {
  const std::string body =
      ErrorJson("busy: too many connections, try again shortly");
  std::string response = "HTTP/1.1 503 Service Unavailable\r\n";
  for (const auto& [name, value] : SecurityHeaders()) {
    response += name + ": " + value + "\r\n";
  }
  return response +
         "Content-Type: application/json\r\nRetry-After: 2\r\n"
         "Connection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// httplib::Server whose connections run through ServeConnection() (the
// deadlines, the receiving-connection cap, the request guard) and whose
// per-request loop HandleRawConnection() can run without a socket.
class HttpServer : public httplib::Server {
 public:
  // cpp-httplib listens with a backlog of 5: a burst of more new
  // connections than that overflows the accept queue, and the kernel
  // drops the excess handshakes (clients retry after a second, or fail).
  // listen() again on the bound socket raises it.
  bool SetBacklog(int backlog) { return ::listen(svr_sock_, backlog) == 0; }

  // One request read from `stream`, as httplib's own loop would run it,
  // with `setup` called once its headers are parsed.
  bool RunRequest(GuardedStream& stream, bool close_connection,
                  bool& connection_closed) {
    t_request = &stream;
    const bool answered =
        process_request(stream, close_connection, connection_closed, setup);
    t_request = nullptr;
    return answered;
  }

  // Set before listening.
  ConnectionLimits limits;
  std::unique_ptr<ReceivingConnections> receiving;
  std::function<void(httplib::Request&)> setup;
  std::string busy_response;

 private:
  bool process_and_close_socket(socket_t sock) override {
    if (ConnectionQueue::Shedding()) {
      RefuseConnection(sock, busy_response);
      return true;
    }
    ServeConnection(
        sock, limits, *receiving,
        [this] { return svr_sock_ == INVALID_SOCKET; },
        [this](GuardedStream& stream, bool close, bool& closed) {
          return RunRequest(stream, close, closed);
        });
    return true;
  }
};

// One connection held in memory: reads come from `in`, writes go to `out`.
class MemoryStream : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view in) : in_(in) {}
  bool is_readable() const override { return pos_ < in_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, in_.size() - pos_);
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 1;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 2;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

  bool exhausted() const { return pos_ >= in_.size(); }
  std::string& out() { return out_; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  std::string out_;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<PipelineCache> pipelines;
  std::unique_ptr<WorkGate> gate;
  std::unique_ptr<ProgressBoard> progress;
  LazyIdentifier identifier;  // for /api/detect?embed=1
  ApiContext api;
  HttpServer http;
  int port = 0;
  RequestLimits request_limits;
  std::unique_ptr<HostPolicy> hosts;  // once the port is known
  std::mutex log_mu;
  std::mutex run_mu;            // orders Listen() against Stop()
  bool stop_requested = false;  // guarded by run_mu
  std::atomic<bool> listening{false};

  void Log(const httplib::Request& req, const httplib::Response& res);
  // Called by httplib once a request's headers are parsed, before its
  // body: everything that can be refused without reading the body is.
  void SetupRequest(httplib::Request& req);
  void InstallRoutes();
};

void Server::Impl::Log(const httplib::Request& req,
                       const httplib::Response& res) {
  if (options.log == nullptr) return;
  char ms[32] = "-";
  if (request_start) {
    std::snprintf(ms, sizeof ms, "%.1fms",
                  std::chrono::duration<double, std::milli>(
                      std::chrono::steady_clock::now() - *request_start)
                      .count());
  }
  request_start.reset();
  const char* path =
      AllowedMethods(req.path) != nullptr ? req.path.c_str() : "(other)";
  // Body bytes as read (a chunked body has no Content-Length).
  char in[24];
  std::snprintf(in, sizeof in, "%lld",
                static_cast<long long>(
                    t_request != nullptr ? t_request->body_bytes() : 0));
  char line[256];
  std::snprintf(line, sizeof line, "%s %s %d in=%sB out=%zuB %s\n",
                req.method.substr(0, 16).c_str(), path, res.status, in,
                res.body.size(), ms);
  std::lock_guard<std::mutex> lock(log_mu);
  *options.log << line << std::flush;
}

void Server::Impl::SetupRequest(httplib::Request& req) {
  GuardedStream* stream = t_request;
  if (stream == nullptr) return;
  BodyFraming framing;
  Refusal refusal = CheckFraming(req, request_limits, &framing);
  if (!refusal) {
    stream->StartBody(framing);
    std::string local_ip;
    int local_port = 0;
    stream->get_local_ip_and_port(local_ip, local_port);
    refusal = CheckHostAndOrigin(*hosts, req.get_header_value("Host"),
                                 req.has_header("Origin"),
                                 req.get_header_value("Origin"), local_ip);
  }
  if (!refusal && IsUploadRoute(req)) {
    refusal = CheckUploadType(req.get_header_value("Content-Type"),
                              req.has_header("Content-Type"));
  }
  if (refusal) stream->Refuse(std::move(refusal));
}

void Server::Impl::InstallRoutes() {
  for (const WebAsset& asset : WebAssets()) {
    auto serve = [&asset](const httplib::Request&, httplib::Response& res) {
      res.set_content(asset.body.data(), asset.body.size(),
                      std::string(asset.content_type).c_str());
    };
    http.Get(std::string(asset.path), serve);
    if (asset.path == "/index.html") http.Get("/", serve);
  }
  http.Get("/api/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", "application/json");
  });
  http.Get("/api/settings",
           [this](const httplib::Request&, httplib::Response& res) {
             res.set_content(api.settings_json, "application/json");
           });
  http.Post("/api/detect",
            [this](const httplib::Request& req, httplib::Response& res) {
              HandleDetect(api, req, res);
            });
  http.Post("/api/anonymize",
            [this](const httplib::Request& req, httplib::Response& res) {
              HandleAnonymize(api, req, res);
            });
  http.Get("/api/progress",
           [this](const httplib::Request& req, httplib::Response& res) {
             HandleProgress(api, req, res);
           });

  // A request SetupRequest() refused is answered before its body is read
  // (the connection then closes; see ServeConnection's lingering close),
  // also when the client waits for "100 Continue" before sending it.
  http.set_expect_100_continue_handler([](const httplib::Request&,
                                          httplib::Response& res) {
    if (t_request == nullptr || !t_request->failure()) return 100;
    SetError(res, t_request->failure().status, t_request->failure().message);
    return res.status;
  });
  http.set_pre_routing_handler([](const httplib::Request&,
                                  httplib::Response& res) {
    request_start = std::chrono::steady_clock::now();
    if (t_request != nullptr && t_request->failure()) {
      SetError(res, t_request->failure().status, t_request->failure().message);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Called for every status >= 400; fills in errors that httplib produced
  // itself (no route, a body limit or framing error found while reading,
  // unparsable request), keeps ours.
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (t_request != nullptr && !t_request->complete()) {
          // Part of the request is unread; the connection ends here.
          res.set_header("Connection", "close");
        }
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Handled;
        if (t_request != nullptr && t_request->failure()) {
          SetError(res, t_request->failure().status,
                   t_request->failure().message);
        } else if (res.status == 404) {
          if (const char* allowed = AllowedMethods(req.path)) {
            SetError(res, 405,
                     std::string("method not allowed; use ") + allowed);
            res.set_header("Allow", allowed);
          } else {
            SetError(res, 404, "not found");
          }
        } else if (res.status == 413) {
          // httplib caps form-encoded bodies far below the upload limit
          // (uploads of that type are refused before, with 415).
          const bool form =
              req.get_header_value("Content-Type")
                  .rfind("application/x-www-form-urlencoded", 0) == 0;
          SetError(res, 413,
                   form
                       ? "request too large: a form-encoded body may have " +
                             SizeInWords(
                                 CPPHTTPLIB_FORM_URL_ENCODED_PAYLOAD_MAX_LENGTH)
                       : UploadTooLargeMessage(options.max_upload_bytes));
        } else if (res.status >= 500) {
          SetError(res, res.status, "internal error");
        } else {
          SetError(res, res.status,
                   res.status == 400
                       ? "bad request: malformed HTTP, query or multipart body"
                       : "request refused (HTTP " + std::to_string(res.status) +
                             ")");
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        SetError(res, 500, "internal error");
      });
  http.set_logger([this](const httplib::Request& req,
                         const httplib::Response& res) { Log(req, res); });
}

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options) {
  if (options.port < 0 || options.port > 65535) {
    return Status::InvalidArgument("port must be 0 to 65535");
  }
  if (options.max_upload_bytes <= 0) {
    return Status::InvalidArgument("the upload limit must be positive");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  PipelineOptions base = options.pipeline;
  for (const auto& [name, value] : options.settings) {
    FACEVEIL_RETURN_IF_ERROR(ApplySetting(&base, name, value));
  }
  impl->pipelines =
      std::make_unique<PipelineCache>(base, options.cached_pipelines);
  FACEVEIL_RETURN_IF_ERROR(impl->pipelines->Init());

  const int cores =
      std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int jobs =
      options.max_concurrent_jobs > 0 ? options.max_concurrent_jobs : cores;
  const int queued = std::max(0, options.max_queued_jobs);
  impl->gate = std::make_unique<WorkGate>(
      jobs, queued,
      std::chrono::milliseconds(std::max(0, options.queue_wait_ms)));
  impl->api.pipelines = impl->pipelines.get();
  impl->api.gate = impl->gate.get();
  // Every job and queued job, and as many again for requests a client
  // abandoned that are still finishing their current tile.
  impl->progress = std::make_unique<ProgressBoard>(2 * (jobs + queued));
  impl->api.progress = impl->progress.get();
  impl->api.identifier = &impl->identifier;
  impl->api.client_gone = [] {
    return t_request != nullptr && PeerHasGone(t_request->socket());
  };
  impl->api.settings_json =
      BuildSettingsJson(base, options.settings, options.max_upload_bytes);

  impl->request_limits.max_body_bytes = options.max_upload_bytes;
  ConnectionLimits& limits = impl->http.limits;
  limits.request = impl->request_limits;
  limits.idle_timeout =
      std::chrono::seconds(std::max(1, options.idle_timeout_s));
  limits.header_timeout =
      std::chrono::seconds(std::max(1, options.header_timeout_s));
  limits.transfer_timeout =
      std::chrono::seconds(std::max(1, options.transfer_timeout_s));
  limits.max_receiving = std::max(1, options.max_receiving_connections);
  limits.max_pending = std::max(1, options.max_pending_connections);
  impl->http.receiving =
      std::make_unique<ReceivingConnections>(limits.max_receiving);
  impl->http.busy_response = BusyResponse();
  impl->http.setup = [raw = impl.get()](httplib::Request& req) {
    raw->SetupRequest(req);
  };
  // Enough workers for every job, every queued job and every receiving
  // connection at once, and some to spare for the page and /api/health.
  const int threads = options.threads > 0
                          ? options.threads
                          : jobs + queued + limits.max_receiving + 4;
  impl->http.new_task_queue = [threads, pending = limits.max_pending] {
    return new ConnectionQueue(static_cast<size_t>(threads), pending);
  };
  impl->http.set_default_headers(SecurityHeaders());
  // A backstop only: CheckFraming() refuses larger bodies before httplib
  // reads them.
  impl->http.set_payload_max_length(
      static_cast<size_t>(options.max_upload_bytes));
  // Responses go out as headers then body; without this, Nagle's algorithm
  // and delayed ACKs hold the second write back by tens of milliseconds.
  impl->http.set_tcp_nodelay(true);
  impl->InstallRoutes();

  if (options.port == 0) {
    impl->port = impl->http.bind_to_any_port(options.host);
  } else if (impl->http.bind_to_port(options.host, options.port)) {
    impl->port = options.port;
  } else {
    impl->port = -1;
  }
  if (impl->port > 0 && !impl->http.SetBacklog(kListenBacklog)) {
    impl->port = -1;
  }
  if (impl->port <= 0) {
    return Status::IoError("cannot listen on " + options.host + " port " +
                           std::to_string(options.port) +
                           " (in use, or not an address of this machine)");
  }
  impl->hosts = std::make_unique<HostPolicy>(impl->port, options.allowed_hosts);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

Status Server::Listen() {
  {
    std::lock_guard<std::mutex> lock(impl_->run_mu);
    if (impl_->stop_requested) return Status::Ok();
    impl_->listening = true;
  }
  const bool ok = impl_->http.listen_after_bind();
  impl_->listening = false;
  if (!ok) {
    std::lock_guard<std::mutex> lock(impl_->run_mu);
    if (!impl_->stop_requested) {
      return Status::IoError("the server stopped accepting connections");
    }
  }
  return Status::Ok();
}

void Server::Stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->run_mu);
    impl_->stop_requested = true;
  }
  // Listen() may be between its check and httplib's accept loop: wait for
  // the loop to run so that stop() reaches it.
  while (impl_->listening && !impl_->http.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_->http.stop();
}

int Server::port() const { return impl_->port; }

std::string Server::HandleRawConnection(std::string_view bytes) {
  MemoryStream memory(bytes);
  GuardedStream stream(memory, impl_->request_limits);
  // As ServeConnection(): requests until the input ends, the client or
  // server closes, a request is left partly unread, or the keep-alive
  // count runs out.
  for (int i = 0; i < 100 && !memory.exhausted(); ++i) {
    stream.StartRequest();
    bool closed = false;
    const bool answered =
        impl_->http.RunRequest(stream, /*close_connection=*/false, closed);
    if (!answered || closed || !stream.complete()) break;
  }
  return std::move(memory.out());
}

std::string Server::url() const {
  const std::string& h = impl_->options.host;
  // A wildcard address is reachable on this machine through loopback.
  const std::string host =
      h == "0.0.0.0" ? "127.0.0.1"
      : h == "::"    ? "[::1]"
                     : (h.find(':') != std::string::npos ? "[" + h + "]" : h);
  return "http://" + host + ":" + std::to_string(impl_->port) + "/";
}

}  // namespace faceveil::server
