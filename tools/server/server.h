// faceveil's private web UI and JSON API: an HTTP server over the library
// Pipeline, meant for one person on their own machine.
//
//   faceveil::server::ServerOptions options;
//   options.port = 0;  // any free port
//   auto server = faceveil::server::Server::Create(options);
//   if (!server.ok()) { ... }
//   std::cout << "http://127.0.0.1:" << (*server)->port() << "/\n";
//   (*server)->Listen();  // blocks until Stop()
//
// Uploads are held in memory for one request and written nowhere; the log
// carries method, route, status, size and time only; every response forbids
// external sources (CSP), sniffing, referrers and caching.
#ifndef FACEVEIL_TOOLS_SERVER_SERVER_H_
#define FACEVEIL_TOOLS_SERVER_SERVER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "faceveil/pipeline.h"
#include "faceveil/status.h"

namespace faceveil::server {

struct ServerOptions {
  // Address to bind. Loopback keeps the server private to this machine;
  // any other address (e.g. "0.0.0.0") exposes it to the network.
  std::string host = "127.0.0.1";
  // Host names, besides the address a connection arrived at (and, on
  // loopback, "localhost"), that requests may name in their Host header:
  // the names this server is reached by. Any other Host is refused (403),
  // so that a web page elsewhere cannot drive the API through a visitor's
  // browser by pointing its own DNS name at this address (DNS rebinding).
  // Each is a name, with ":PORT" or without (then this server's port).
  std::vector<std::string> allowed_hosts;
  // TCP port; 0 picks a free one (see Server::port()).
  int port = 8080;

  // What every request starts from: detector, decode limits (max_pixels),
  // encoding. Request settings are applied on top.
  PipelineOptions pipeline;
  // Settings by name (as `faceveil anonymize --NAME VALUE`) applied to
  // `pipeline` at Create(); they are also the defaults the page shows.
  std::map<std::string, std::string> settings;

  // Largest request body accepted, in bytes; larger ones get 413.
  int64_t max_upload_bytes = int64_t{64} << 20;
  // Images processed at once; 0 means one per core.
  int max_concurrent_jobs = 0;
  // Requests that may wait for a free slot; more get 503 at once.
  int max_queued_jobs = 16;
  // How long a queued request waits for a slot before it gets 503.
  int queue_wait_ms = 30'000;
  // HTTP worker threads; 0 means jobs + queue + receiving connections + 4,
  // so that the page and /api/health still answer while every job slot is
  // busy and every receiving slot is held by a slow client.
  int threads = 0;
  // Slow or stalled clients. Seconds a connection may wait for its next
  // request before it is closed.
  int idle_timeout_s = 5;
  // Seconds a request line and headers may take (from the same start).
  int header_timeout_s = 10;
  // Seconds one request body may take to arrive, and one response to go.
  int transfer_timeout_s = 60;
  // Connections that may sit receiving (waiting for a request, or sending
  // its headers or body) at once; one more closes the one that has been
  // receiving the longest. The HTTP worker threads are enough for these
  // plus every job and queued job, so /api/health always finds one.
  int max_receiving_connections = 16;
  // Accepted connections that may wait for a worker thread; more get 503.
  int max_pending_connections = 256;
  // Pipelines kept for another `model` than the default (each holds a
  // loaded model); every other setting goes with each request.
  int cached_pipelines = 4;
  // Where one line per request goes; nullptr for none.
  std::ostream* log = nullptr;
};

class Server {
 public:
  // Builds the default pipeline (loads the model) and binds the socket, so
  // that port() is known and connections queue before Listen(). Fails on a
  // bad setting, a model that does not load, or an address in use.
  static Result<std::unique_ptr<Server>> Create(const ServerOptions& options);
  ~Server();

  // Serves until Stop(). Returns an error only if serving could not start.
  Status Listen();

  // Ends Listen() (from another thread); in-flight requests finish first.
  // Safe to call at any time, more than once, before or during Listen().
  void Stop();

  // The bound port (the chosen one when ServerOptions::port was 0).
  int port() const;
  // The address to open, e.g. "http://127.0.0.1:8080/".
  std::string url() const;

  // Runs the raw bytes of one connection (one or more HTTP/1.1 requests)
  // through the same parsing, routing, limits and handlers as a socket
  // would, and returns the raw bytes answered. Needs no Listen() and opens
  // no connection: for the fuzz target and tests.
  std::string HandleRawConnection(std::string_view bytes);

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace faceveil::server

#endif  // FACEVEIL_TOOLS_SERVER_SERVER_H_
