#include "connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

namespace faceveil::server {
namespace {

// How often a connection waiting for a request checks for Stop().
constexpr auto kStopPoll = std::chrono::milliseconds(100);
// After a refused body: how long, and how much, of what the client still
// sends is read and dropped before the socket closes.
constexpr auto kLingerTime = std::chrono::seconds(2);

thread_local bool t_shedding = false;

// Waits until `fd` has one of `events` or `deadline` passes; true when
// ready (an error or hang-up counts: the next call reports it).
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
}

std::string AddressOf(const sockaddr_storage& addr, int* port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
    *port = ntohs(a.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
    inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
    *port = ntohs(a.sin6_port);
  }
  return text;
}

// The address of one end of `fd`: `name` is getpeername or getsockname.
// "" and port 0 when the socket has no such address.
std::string SocketAddress(int fd, int (*name)(int, sockaddr*, socklen_t*),
                          int* port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  *port = 0;
  return name(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0
             ? AddressOf(addr, port)
             : "";
}

// A connected socket read through a buffer, every read and write bounded
// by a deadline that the connection's phase sets (not a per-call timeout:
// one byte every few seconds must not keep a connection forever).
class SocketStream : public httplib::Stream {
 public:
  explicit SocketStream(int fd) : fd_(fd) {}

  void set_read_deadline(Clock::time_point t) { read_deadline_ = t; }
  void set_transfer_timeout(std::chrono::milliseconds t) { transfer_ = t; }
  bool buffered() const { return pos_ < len_; }

  // Waits for the first byte of a request until `deadline`, giving up
  // early when `stopping()`. True when there is something to read.
  bool WaitForRequest(Clock::time_point deadline,
                      const std::function<bool()>& stopping) {
    if (buffered()) return true;
    while (Clock::now() < deadline) {
      if (stopping()) return false;
      if (WaitFor(fd_, POLLIN, std::min(deadline, Clock::now() + kStopPoll))) {
        return true;
      }
    }
    return false;
  }

  bool is_readable() const override {
    if (buffered()) return true;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }
  bool is_writable() const override { return true; }

  ssize_t read(char* ptr, size_t size) override {
    writing_ = false;
    while (!buffered()) {
      if (!WaitFor(fd_, POLLIN, read_deadline_)) return -1;
      const ssize_t n = ::recv(fd_, buffer_, sizeof buffer_, MSG_DONTWAIT);
      if (n == 0) return 0;
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return -1;
      }
      pos_ = 0;
      len_ = static_cast<size_t>(n);
    }
    const size_t n = std::min(size, len_ - pos_);
    std::memcpy(ptr, buffer_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    // One response (its status line, headers and body) has one deadline.
    if (!writing_) {
      writing_ = true;
      write_deadline_ = Clock::now() + transfer_;
    }
    size_t done = 0;
    while (done < size) {
      if (!WaitFor(fd_, POLLOUT, write_deadline_)) return -1;
      const ssize_t n =
          ::send(fd_, ptr + done, size - done, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return -1;
      }
      done += static_cast<size_t>(n);
    }
    return static_cast<ssize_t>(done);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = SocketAddress(fd_, ::getpeername, &port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = SocketAddress(fd_, ::getsockname, &port);
  }
  socket_t socket() const override { return fd_; }

 private:
  const int fd_;
  char buffer_[16 << 10];
  size_t pos_ = 0, len_ = 0;
  Clock::time_point read_deadline_ = Clock::now();
  Clock::time_point write_deadline_ = Clock::now();
  std::chrono::milliseconds transfer_{60'000};
  bool writing_ = false;
};

// Reads and drops what the client still sends, after our half of the
// connection is shut, for at most kLingerTime and `max_bytes`: closing a
// socket with unread input makes the kernel reset the connection, and a
// client still sending a refused body would lose the answer.
void Linger(int fd, int64_t max_bytes) {
  ::shutdown(fd, SHUT_WR);
  const auto deadline = Clock::now() + kLingerTime;
  char sink[16 << 10];
  for (int64_t dropped = 0; dropped < max_bytes;) {
    if (!WaitFor(fd, POLLIN, deadline)) return;
    const ssize_t n = ::recv(fd, sink, sizeof sink, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return;
    if (n > 0) dropped += n;
  }
}

}  // namespace

ReceivingConnections::Handle ReceivingConnections::Enter(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.push_back({fd, Clock::now(), false});
  const Handle self = std::prev(entries_.end());
  if (++live_ > max_) {
    Handle oldest = entries_.end();
    for (Handle it = entries_.begin(); it != entries_.end(); ++it) {
      if (it == self || it->evicted) continue;
      if (oldest == entries_.end() || it->since < oldest->since) oldest = it;
    }
    if (oldest != entries_.end()) {
      // Its thread is blocked in poll() on this socket: shutting it down
      // wakes it with end-of-input, and it closes. The fd cannot have been
      // reused: an entry leaves (under this mutex) before its socket closes.
      oldest->evicted = true;
      --live_;
      ::shutdown(oldest->fd, SHUT_RDWR);
    }
  }
  return self;
}

void ReceivingConnections::Leave(Handle handle) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!handle->evicted) --live_;
  entries_.erase(handle);
}

int ReceivingConnections::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return live_;
}

void ConnectionQueue::enqueue(std::function<void()> fn) {
  if (pending_.load() >= max_pending_) {
    // Runs on the accepting thread, which must not block: the connection
    // is answered 503 and closed at once.
    t_shedding = true;
    fn();
    t_shedding = false;
    return;
  }
  ++pending_;
  pool_.enqueue([this, fn = std::move(fn)] {
    --pending_;
    fn();
  });
}

bool ConnectionQueue::Shedding() { return t_shedding; }

void ServeConnection(int fd, const ConnectionLimits& limits,
                     ReceivingConnections& registry,
                     const std::function<bool()>& stopping,
                     const RequestRunner& run) {
  SocketStream socket(fd);
  socket.set_transfer_timeout(limits.transfer_timeout);
  std::optional<ReceivingConnections::Handle> receiving;
  const auto leave = [&] {
    if (receiving) registry.Leave(*receiving);
    receiving.reset();
  };
  Clock::time_point request_start;
  GuardedStream stream(socket, limits.request, [&](RequestPhase phase) {
    switch (phase) {
      case RequestPhase::kHeaders:
        leave();
        receiving = registry.Enter(fd);
        socket.set_read_deadline(request_start + limits.header_timeout);
        break;
      case RequestPhase::kBody:
        socket.set_read_deadline(Clock::now() + limits.transfer_timeout);
        break;
      case RequestPhase::kDone:
        leave();
        break;
    }
  });

  bool linger = false;
  for (int i = 0; i < limits.max_requests; ++i) {
    request_start = Clock::now();
    stream.StartRequest();
    if (!socket.WaitForRequest(request_start + limits.idle_timeout, stopping)) {
      break;
    }
    bool closed = false;
    const bool answered =
        run(stream, /*close_connection=*/i + 1 == limits.max_requests, closed);
    if (!stream.complete()) {
      // Part of the request is still unread: the connection cannot carry
      // another one.
      linger = answered && stream.phase() == RequestPhase::kBody;
      break;
    }
    if (!answered || closed) break;
  }
  if (linger) {
    if (!receiving) receiving = registry.Enter(fd);
    Linger(fd, 2 * limits.request.max_body_bytes);
  }
  // Out of the registry before the fd can be reused.
  leave();
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

void RefuseConnection(int fd, const std::string& response) {
  ::send(fd, response.data(), response.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

}  // namespace faceveil::server
