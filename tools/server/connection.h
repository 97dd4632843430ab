// One client connection from accept() to close(), with the bounds that keep
// slow or stalled clients from locking others out: deadlines for receiving
// a request's headers and body and for sending a response (not only per
// read, so a client trickling one byte at a time is cut off too), a cap on
// the connections that sit receiving (idle keep-alive, headers or body:
// past it the one receiving the longest is closed), a cap on accepted
// connections still waiting for a worker thread (past it 503 at once), and
// a lingering close so that a client still sending a refused body reads
// the refusal instead of a reset.
#ifndef FACEVEIL_TOOLS_SERVER_CONNECTION_H_
#define FACEVEIL_TOOLS_SERVER_CONNECTION_H_

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string>

#include "request_guard.h"

namespace faceveil::server {

struct ConnectionLimits {
  // Header and body size limits of each request.
  RequestLimits request;
  // How long a connection may wait for the first byte of a request (a new
  // one, or the next on a kept-alive one) before it is closed.
  std::chrono::milliseconds idle_timeout{5'000};
  // How long the request line and headers may take, counted from the same
  // start as idle_timeout.
  std::chrono::milliseconds header_timeout{10'000};
  // How long one request body may take to arrive, and one response to be
  // sent.
  std::chrono::milliseconds transfer_timeout{60'000};
  // Connections receiving at once (idle, headers or body); one more closes
  // the one that has been in its phase the longest.
  int max_receiving = 16;
  // Accepted connections waiting for a worker thread; more get 503.
  int max_pending = 256;
  // Requests per connection.
  int max_requests = 100;
};

using Clock = std::chrono::steady_clock;

// The connections now receiving, oldest phase first to be closed.
class ReceivingConnections {
 public:
  explicit ReceivingConnections(int max) : max_(max) {}

  struct Entry {
    int fd = -1;
    Clock::time_point since;
    bool evicted = false;  // guarded by the registry's mutex
  };
  using Handle = std::list<Entry>::iterator;

  // `fd` starts receiving (again: `since` restarts). May shut down the
  // socket of the connection receiving the longest, which then ends.
  Handle Enter(int fd);
  void Leave(Handle handle);
  // Connections now receiving and not yet closed.
  int count() const;

 private:
  const int max_;
  mutable std::mutex mu_;
  std::list<Entry> entries_;
  int live_ = 0;  // entries not evicted
};

// A worker pool that refuses (503) connections past `max_pending` waiting
// for a thread instead of queueing them without bound.
class ConnectionQueue : public httplib::TaskQueue {
 public:
  ConnectionQueue(size_t threads, int max_pending)
      : pool_(threads), max_pending_(max_pending) {}
  void enqueue(std::function<void()> fn) override;
  void shutdown() override { pool_.shutdown(); }
  // True while the calling thread runs a connection the queue refused.
  static bool Shedding();

 private:
  httplib::ThreadPool pool_;
  const int max_pending_;
  std::atomic<int> pending_{0};
};

// Runs one request read from `stream`, as httplib's process_request.
using RequestRunner = std::function<bool(
    GuardedStream& stream, bool close_connection, bool& connection_closed)>;

// Serves the accepted socket `fd` until the client leaves, a limit or
// `stopping` ends it, then closes it. `registry` may be shared by all
// connections.
void ServeConnection(int fd, const ConnectionLimits& limits,
                     ReceivingConnections& registry,
                     const std::function<bool()>& stopping,
                     const RequestRunner& run);

// Sends `response` (a whole 503 answer) on `fd` without waiting, the
// client may not read it, and closes it.
void RefuseConnection(int fd, const std::string& response);

}  // namespace faceveil::server

#endif  // FACEVEIL_TOOLS_SERVER_CONNECTION_H_
