#include "faceveil/status.h"

namespace faceveil {

namespace {
const char* CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kInvalidArgument:
      return "invalid argument";
    case Status::Code::kNotFound:
      return "not found";
    case Status::Code::kCorrupt:
      return "corrupt";
    case Status::Code::kUnsupported:
      return "unsupported";
    case Status::Code::kTooLarge:
      return "too large";
    case Status::Code::kIoError:
      return "I/O error";
    case Status::Code::kInternal:
      return "internal error";
    case Status::Code::kCancelled:
      return "cancelled";
  }
  return "unknown";
}
}  // namespace

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(code_, context + ": " + message_);
}

}  // namespace faceveil
