// Limits on what one HTTP request may make the server read: the size of its
// request line and headers, the framing of its body (Content-Length or
// chunked, checked before any body byte is read) and the body's size, counted
// as it is read, chunked or not. cpp-httplib 0.11 checks none of these on a
// chunked body and reads a declared Content-Length to the end even past its
// own limit, so every byte it reads passes through a GuardedStream.
#ifndef FACEVEIL_TOOLS_SERVER_REQUEST_GUARD_H_
#define FACEVEIL_TOOLS_SERVER_REQUEST_GUARD_H_

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <string>

namespace faceveil::server {

// Why a request is refused: an HTTP status and a message for the client.
// status 0 means not refused.
struct Refusal {
  int status = 0;
  std::string message;
  explicit operator bool() const { return status != 0; }
};

struct RequestLimits {
  // Largest body accepted, in bytes (after chunked decoding).
  int64_t max_body_bytes = int64_t{64} << 20;
  // Largest request line plus headers, in bytes; past it 431.
  int64_t max_header_bytes = 64 << 10;
};

// Where a request is in being read.
enum class RequestPhase {
  kHeaders,  // request line and headers (or waiting for them)
  kBody,     // headers read, body bytes still expected
  kDone,     // everything the request declared has been read
};

// How the body of a request is delimited.
struct BodyFraming {
  bool chunked = false;
  int64_t content_length = 0;  // when not chunked
};

// Checks the framing headers of a request whose headers have just been
// read, before its body is: one Content-Length of digits only (no sign),
// at most max_body_bytes (else 413); Transfer-Encoding only as "chunked"
// and never together with Content-Length (else 400: the two would frame
// the body differently, the basis of request smuggling). A request with
// neither gets "Content-Length: 0", as HTTP says (httplib would otherwise
// read a POST body until the client closes). Sets `*framing` on success.
Refusal CheckFraming(httplib::Request& req, const RequestLimits& limits,
                     BodyFraming* framing);

// A Stream over `inner` that enforces RequestLimits while httplib reads
// requests from it, one after another. StartRequest() before each request,
// StartBody() once its headers are parsed (from httplib's setup callback).
// A read past a limit fails (returns -1) and failure() says why, so that
// the error handler can answer 413/431/400 instead of httplib's plain 400.
class GuardedStream : public httplib::Stream {
 public:
  // Told of every phase change (for the server's slow-client accounting);
  // may be empty.
  using PhaseObserver = std::function<void(RequestPhase)>;

  GuardedStream(httplib::Stream& inner, const RequestLimits& limits,
                PhaseObserver observer = nullptr);

  void StartRequest();
  void StartBody(const BodyFraming& framing);
  // Marks the request refused before its body: its bytes are never read.
  void Refuse(Refusal refusal);

  RequestPhase phase() const { return phase_; }
  // Every byte the request declared was read (false after a refusal or a
  // failed read with body bytes left): the connection can carry another
  // request only then.
  bool complete() const { return phase_ == RequestPhase::kDone; }
  // The limit or framing error that stopped the request, if any.
  const Refusal& failure() const { return failure_; }
  // Body bytes read so far (chunked: the data, without the framing).
  int64_t body_bytes() const { return body_bytes_; }

  bool is_readable() const override { return inner_.is_readable(); }
  bool is_writable() const override { return inner_.is_writable(); }
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override {
    return inner_.write(ptr, size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    inner_.get_remote_ip_and_port(ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    inner_.get_local_ip_and_port(ip, port);
  }
  socket_t socket() const override { return inner_.socket(); }

 private:
  // The states of a chunked body: size line, data, the CRLF after it, the
  // last (empty) line after the zero-size chunk.
  enum class Chunk {
    kSize,
    kExtension,
    kSizeLf,
    kData,
    kDataCr,
    kDataLf,
    kLastCr,
    kLastLf
  };

  void SetPhase(RequestPhase phase);
  bool Fail(int status, std::string message);
  // Follows `n` body bytes of a chunked body; false (and failure_ set) on a
  // framing error or when the data would exceed the limit.
  bool TrackChunked(const char* p, size_t n);

  httplib::Stream& inner_;
  RequestLimits limits_;
  PhaseObserver observer_;
  RequestPhase phase_ = RequestPhase::kHeaders;
  Refusal failure_;
  int64_t header_bytes_ = 0;
  BodyFraming framing_;
  int64_t body_bytes_ = 0;
  // Chunked decoding state.
  Chunk chunk_ = Chunk::kSize;
  int64_t chunk_left_ = 0;  // data bytes left in this chunk
  int chunk_line_ = 0;      // bytes of the current size line
  int chunk_digits_ = 0;    // hex digits of the current size line
};

}  // namespace faceveil::server

#endif  // FACEVEIL_TOOLS_SERVER_REQUEST_GUARD_H_
