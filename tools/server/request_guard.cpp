#include "request_guard.h"

#include <strings.h>

#include <algorithm>
#include <utility>

#include "api_util.h"

namespace faceveil::server {
namespace {

// More hex digits than this in a chunk size is no real chunk (2^60 bytes).
constexpr int kMaxChunkSizeDigits = 15;
// Longest chunk-size line with its extensions, in bytes.
constexpr int kMaxChunkLine = 1024;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string TooLargeMessage(const RequestLimits& limits) {
  return UploadTooLargeMessage(limits.max_body_bytes);
}

}  // namespace

Refusal CheckFraming(httplib::Request& req, const RequestLimits& limits,
                     BodyFraming* framing) {
  *framing = BodyFraming{};
  const size_t lengths = req.headers.count("Content-Length");
  const size_t encodings = req.headers.count("Transfer-Encoding");
  if (lengths > 1) return {400, "bad request: more than one Content-Length"};
  if (encodings > 1) {
    return {400, "bad request: more than one Transfer-Encoding"};
  }
  if (encodings == 1) {
    if (lengths == 1) {
      return {400,
              "bad request: Content-Length and Transfer-Encoding together"};
    }
    // httplib decodes a body as chunked exactly when the value is
    // "chunked" (any case); anything else it would read as unframed.
    if (strcasecmp(req.get_header_value("Transfer-Encoding").c_str(),
                   "chunked") != 0) {
      return {400,
              "bad request: the only Transfer-Encoding accepted is "
              "chunked"};
    }
    framing->chunked = true;
    return {};
  }
  if (lengths == 0) {
    req.headers.emplace("Content-Length", "0");
    return {};
  }
  const std::string value = req.get_header_value("Content-Length");
  // 18 digits fit int64_t; a longer number is over any limit anyway.
  const bool digits = !value.empty() &&
                      std::all_of(value.begin(), value.end(),
                                  [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return {400, "bad request: malformed Content-Length"};
  const size_t first = value.find_first_not_of('0');
  const std::string significant =
      first == std::string::npos ? "0" : value.substr(first);
  if (significant.size() > 18 ||
      std::stoll(significant) > limits.max_body_bytes) {
    return {413, TooLargeMessage(limits)};
  }
  framing->content_length = std::stoll(significant);
  return {};
}

GuardedStream::GuardedStream(httplib::Stream& inner,
                             const RequestLimits& limits,
                             PhaseObserver observer)
    : inner_(inner), limits_(limits), observer_(std::move(observer)) {}

void GuardedStream::SetPhase(RequestPhase phase) {
  phase_ = phase;
  if (observer_) observer_(phase);
}

bool GuardedStream::Fail(int status, std::string message) {
  failure_ = {status, std::move(message)};
  return false;
}

void GuardedStream::StartRequest() {
  failure_ = {};
  header_bytes_ = 0;
  framing_ = {};
  body_bytes_ = 0;
  chunk_ = Chunk::kSize;
  chunk_left_ = 0;
  chunk_line_ = 0;
  chunk_digits_ = 0;
  SetPhase(RequestPhase::kHeaders);
}

void GuardedStream::StartBody(const BodyFraming& framing) {
  framing_ = framing;
  SetPhase(!framing.chunked && framing.content_length == 0
               ? RequestPhase::kDone
               : RequestPhase::kBody);
}

void GuardedStream::Refuse(Refusal refusal) {
  failure_ = std::move(refusal);
  // Whatever body it has stays unread: the connection ends after the answer.
  if (phase_ == RequestPhase::kHeaders) SetPhase(RequestPhase::kBody);
}

ssize_t GuardedStream::read(char* ptr, size_t size) {
  if (failure_) return -1;
  switch (phase_) {
    case RequestPhase::kHeaders: {
      const int64_t room = limits_.max_header_bytes - header_bytes_;
      if (room <= 0) {
        Fail(431, "request line and headers too large: at most " +
                      std::to_string(limits_.max_header_bytes) + " bytes");
        return -1;
      }
      const ssize_t n =
          inner_.read(ptr, std::min(size, static_cast<size_t>(room)));
      if (n > 0) header_bytes_ += n;
      return n;
    }
    case RequestPhase::kBody: {
      if (!framing_.chunked) {
        const int64_t left = framing_.content_length - body_bytes_;
        const ssize_t n =
            inner_.read(ptr, std::min(size, static_cast<size_t>(left)));
        if (n > 0) {
          body_bytes_ += n;
          if (body_bytes_ == framing_.content_length) {
            SetPhase(RequestPhase::kDone);
          }
        }
        return n;
      }
      const ssize_t n = inner_.read(ptr, size);
      if (n > 0 && !TrackChunked(ptr, static_cast<size_t>(n))) return -1;
      return n;
    }
    case RequestPhase::kDone:
      break;
  }
  // httplib reads nothing past what the request declared; if it tried, the
  // bytes would belong to the next request.
  return 0;
}

bool GuardedStream::TrackChunked(const char* p, size_t n) {
  const auto malformed = [this] {
    return Fail(400, "bad request: malformed chunked body");
  };
  for (size_t i = 0; i < n;) {
    const char c = p[i];
    switch (chunk_) {
      case Chunk::kSize: {
        const int v = HexValue(c);
        if (v >= 0) {
          if (++chunk_digits_ > kMaxChunkSizeDigits) return malformed();
          chunk_left_ = chunk_left_ * 16 + v;
          ++chunk_line_;
        } else if (chunk_digits_ == 0) {
          return malformed();
        } else if (c == ';') {
          chunk_ = Chunk::kExtension;
        } else if (c == '\r') {
          chunk_ = Chunk::kSizeLf;
        } else {
          return malformed();
        }
        ++i;
        break;
      }
      case Chunk::kExtension:
        if (++chunk_line_ > kMaxChunkLine || c == '\n') return malformed();
        if (c == '\r') chunk_ = Chunk::kSizeLf;
        ++i;
        break;
      case Chunk::kSizeLf:
        if (c != '\n') return malformed();
        ++i;
        if (chunk_left_ == 0) {
          chunk_ = Chunk::kLastCr;
        } else if (chunk_left_ > limits_.max_body_bytes - body_bytes_) {
          // Refused on the size line, before the chunk's data arrives.
          return Fail(413, TooLargeMessage(limits_));
        } else {
          chunk_ = Chunk::kData;
        }
        break;
      case Chunk::kData: {
        const int64_t take =
            std::min<int64_t>(chunk_left_, static_cast<int64_t>(n - i));
        body_bytes_ += take;
        chunk_left_ -= take;
        i += static_cast<size_t>(take);
        if (chunk_left_ == 0) chunk_ = Chunk::kDataCr;
        break;
      }
      case Chunk::kDataCr:
        if (c != '\r') return malformed();
        chunk_ = Chunk::kDataLf;
        ++i;
        break;
      case Chunk::kDataLf:
        if (c != '\n') return malformed();
        chunk_ = Chunk::kSize;
        chunk_line_ = 0;
        chunk_digits_ = 0;
        ++i;
        break;
      case Chunk::kLastCr:
        // httplib accepts no trailer fields: only the empty line.
        if (c != '\r') return malformed();
        chunk_ = Chunk::kLastLf;
        ++i;
        break;
      case Chunk::kLastLf:
        if (c != '\n') return malformed();
        ++i;
        SetPhase(RequestPhase::kDone);
        return true;
    }
  }
  return true;
}

}  // namespace faceveil::server
