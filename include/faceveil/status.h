// Errors as values. No exception crosses the faceveil API: every operation
// that can fail returns a Status, or a Result<T> holding either a value or a
// Status that explains why there is none.
#ifndef FACEVEIL_STATUS_H_
#define FACEVEIL_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace faceveil {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // the caller asked for something that makes no sense
    kNotFound,         // a file or resource does not exist
    kCorrupt,          // bytes that are not what they claim (image, model)
    kUnsupported,      // well-formed input we do not handle (format, operator)
    kTooLarge,         // input exceeds a configured limit
    kIoError,          // the operating system refused a read or write
    kInternal,         // a bug or an unexpected failure of a dependency
    kCancelled,        // the caller asked the work to stop (WorkWatcher)
  };

  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status NotFound(std::string msg) {
    return Status(Code::kNotFound, std::move(msg));
  }
  static Status Corrupt(std::string msg) {
    return Status(Code::kCorrupt, std::move(msg));
  }
  static Status Unsupported(std::string msg) {
    return Status(Code::kUnsupported, std::move(msg));
  }
  static Status TooLarge(std::string msg) {
    return Status(Code::kTooLarge, std::move(msg));
  }
  static Status IoError(std::string msg) {
    return Status(Code::kIoError, std::move(msg));
  }
  static Status Internal(std::string msg) {
    return Status(Code::kInternal, std::move(msg));
  }
  static Status Cancelled(std::string msg) {
    return Status(Code::kCancelled, std::move(msg));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "OK", or "<code name>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(const std::string& context) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a T or a non-OK Status. Access to value() requires ok().
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "a Result needs a value or an error");
    if (status_.ok()) status_ = Status::Internal("Result built from OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace faceveil

// Propagates a non-OK Status from an expression returning Status.
#define FACEVEIL_RETURN_IF_ERROR(expr)       \
  do {                                       \
    ::faceveil::Status _fv_status = (expr);  \
    if (!_fv_status.ok()) return _fv_status; \
  } while (0)

#endif  // FACEVEIL_STATUS_H_
